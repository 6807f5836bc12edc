import { circularPatternCounts, foldPatternCounts } from './serial.ts';
import { igamc } from './special-functions.ts';
import { assertBits, assertIntegerIn, type NistTestResult, notApplicable } from './types.ts';

export const APPROXIMATE_ENTROPY_DEFAULT_M = 10;

/** φ^(m) = Σ C_i ln C_i over the circular m-bit pattern frequencies C_i = ν_i/n (§2.12.4 step 4). */
function phi(counts: Uint32Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (c > 0) sum += c * Math.log(c / n);
  }
  return sum / n;
}

/**
 * Approximate entropy test, SP 800-22 §2.12 (description §3.12): ApEn(m) = φ^(m) − φ^(m+1),
 * χ² = 2n(ln 2 − ApEn), P = igamc(2^{m−1}, χ²/2) (item 15). The reference notes (but still runs)
 * m > ⌊log₂ n⌋ − 5; we report that in `reason`.
 */
export function approximateEntropyTest(bits: Uint8Array, m = APPROXIMATE_ENTROPY_DEFAULT_M): NistTestResult {
  assertBits(bits);
  assertIntegerIn('m', m, 1, 23);
  const n = bits.length;
  const parameters = { n, m };
  if (n === 0) return notApplicable('ApproximateEntropy', 'empty sequence', parameters);
  const cm1 = circularPatternCounts(bits, m + 1);
  const cm = foldPatternCounts(cm1);
  const phiM = phi(cm, n);
  const phiM1 = phi(cm1, n);
  const apEn = phiM - phiM1;
  const chi2 = 2 * n * (Math.log(2) - apEn);
  const recommended = Math.floor(Math.log(n) / Math.log(2) - 5);
  return {
    name: 'ApproximateEntropy',
    pValues: [igamc(2 ** (m - 1), chi2 / 2)],
    statistics: { [`phi${m}`]: phiM, [`phi${m + 1}`]: phiM1, ApEn: apEn, chi2 },
    parameters,
    applicable: true,
    ...(m > recommended
      ? { reason: `m = ${m} exceeds the recommended ${recommended} for n = ${n} (2.12.7)` }
      : {}),
  };
}
