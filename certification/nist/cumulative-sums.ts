import { normalCdf } from './special-functions.ts';
import { assertBits, type NistTestResult, notApplicable } from './types.ts';

/**
 * P-value of the cumulative-sums statistic z for length n, SP 800-22 §2.13.4 step 4, with the
 * reference's C integer division (truncation toward zero) in the summation limits (item 14) and Φ
 * as `cephes_normal`.
 */
export function cusumPValue(z: number, n: number): number {
  const sqrtN = Math.sqrt(n);
  const nz = Math.trunc(n / z);
  let sum1 = 0;
  for (let k = Math.trunc((-nz + 1) / 4); k <= Math.trunc((nz - 1) / 4); k++) {
    sum1 += normalCdf(((4 * k + 1) * z) / sqrtN);
    sum1 -= normalCdf(((4 * k - 1) * z) / sqrtN);
  }
  let sum2 = 0;
  for (let k = Math.trunc((-nz - 3) / 4); k <= Math.trunc((nz - 1) / 4); k++) {
    sum2 += normalCdf(((4 * k + 3) * z) / sqrtN);
    sum2 -= normalCdf(((4 * k + 1) * z) / sqrtN);
  }
  return 1 - sum1 + sum2;
}

/**
 * Cumulative sums (cusum) test, SP 800-22 §2.13 (description §3.13): the maximal excursion z of
 * the ±1 random walk, forward (mode 0) and backward (mode 1). Two P-values, as the reference.
 */
export function cumulativeSumsTest(bits: Uint8Array): NistTestResult {
  assertBits(bits);
  const n = bits.length;
  if (n === 0) return notApplicable('CumulativeSums', 'empty sequence', { n });
  let s = 0;
  let sup = 0;
  let inf = 0;
  for (let k = 0; k < n; k++) {
    s += bits[k] === 1 ? 1 : -1;
    if (s > sup) sup = s;
    if (s < inf) inf = s;
  }
  const zForward = sup > -inf ? sup : -inf;
  const zReverse = sup - s > s - inf ? sup - s : s - inf;
  return {
    name: 'CumulativeSums',
    pValues: [cusumPValue(zForward, n), cusumPValue(zReverse, n)],
    labels: ['forward', 'reverse'],
    statistics: { z_forward: zForward, z_reverse: zReverse },
    parameters: { n },
    applicable: true,
  };
}
