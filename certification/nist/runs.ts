import { erfc } from './special-functions.ts';
import { assertBits, type NistTestResult, notApplicable } from './types.ts';

/**
 * Runs test, SP 800-22 §2.3 (description §3.3). Prerequisite frequency check |π − ½| ≥ τ = 2/√n
 * (§2.3.4 step 2): the reference (item 13) writes P = 0.0 without running when |π − ½| > τ
 * (strict), so the test counts as failed; we do the same and say so in `reason`.
 */
export function runsTest(bits: Uint8Array): NistTestResult {
  assertBits(bits);
  const n = bits.length;
  const parameters = { n };
  if (n === 0) return notApplicable('Runs', 'empty sequence', parameters);
  let ones = 0;
  for (let i = 0; i < n; i++) ones += bits[i]!;
  const pi = ones / n;
  const tau = 2 / Math.sqrt(n);
  if (Math.abs(pi - 0.5) > tau) {
    return {
      name: 'Runs',
      pValues: [0],
      statistics: { pi, tau, prerequisiteFailed: true },
      parameters,
      applicable: true,
      reason: 'frequency prerequisite |pi - 1/2| > 2/sqrt(n) failed: P = 0 as in the reference (2.3.4)',
    };
  }
  let vObs = 1;
  for (let k = 1; k < n; k++) if (bits[k] !== bits[k - 1]) vObs++;
  const arg = Math.abs(vObs - 2 * n * pi * (1 - pi)) / (2 * pi * (1 - pi) * Math.sqrt(2 * n));
  return {
    name: 'Runs',
    pValues: [erfc(arg)],
    statistics: { pi, V_obs: vObs },
    parameters,
    applicable: true,
  };
}
