import { erfc } from './special-functions.ts';
import { assertBits, type NistTestResult, notApplicable } from './types.ts';

/**
 * Frequency (monobit) test, SP 800-22 §2.1 (description §3.1): S_n = Σ(2ε_i − 1),
 * s_obs = |S_n|/√n, P = erfc(s_obs/√2).
 */
export function frequencyTest(bits: Uint8Array): NistTestResult {
  assertBits(bits);
  const n = bits.length;
  const parameters = { n };
  if (n === 0) return notApplicable('Frequency', 'empty sequence', parameters);
  let ones = 0;
  for (let i = 0; i < n; i++) ones += bits[i]!;
  const sN = 2 * ones - n;
  const sObs = Math.abs(sN) / Math.sqrt(n);
  const pValue = erfc(sObs / Math.sqrt(2));
  return {
    name: 'Frequency',
    pValues: [pValue],
    statistics: { S_n: sN, s_obs: sObs },
    parameters,
    applicable: true,
  };
}
