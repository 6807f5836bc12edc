import { normalTwoSidedP } from './stats.ts';
import {
  checkSampleSize,
  type GliTestResult,
  notApplicable,
  rejectedOutright,
  type ScaledSource,
} from './types.ts';

const NAME = 'serial-correlation';
const REFERENCE = 'Knuth TAOCP vol.2 3rd ed. §3.3.2K (serial correlation test, eqs. (23)-(25))';

const MIN_VALUES = 100;

/**
 * Mean and standard deviation of C under independence, Knuth TAOCP vol. 2, 3rd ed., §3.3.2K eq. (25):
 *   mu_n = -1/(n-1),  sigma_n = (1/(n-1)) sqrt(n(n-3)/(n+1)),  n > 2,
 * the exact moments for normal U's (Dixon, Ann. Math. Stat. 15 (1944) 119-144), which Knuth
 * recommends for uniform U's. The 2nd edition's sigma_n = n/((n-1) sqrt(n-2)) is larger by a factor
 * sqrt(n(n+1)/((n-2)(n-3))) ~ 1 + 3/n: conservative (too few rejections) on short sequences.
 */
export function serialCorrelationMoments(n: number): { mean: number; sd: number } {
  if (!(Number.isInteger(n) && n > 3)) throw new RangeError('serial correlation needs n > 3 values');
  return { mean: -1 / (n - 1), sd: Math.sqrt((n * (n - 3)) / (n + 1)) / (n - 1) };
}

/**
 * Serial correlation test, Knuth §3.3.2K: the lag-1 cyclic correlation coefficient
 *   C = (n sum U_j U_(j+1) - (sum U_j)^2) / (n sum U_j^2 - (sum U_j)^2),  U_n = U_0,
 * whose law under independence has mean mu_n and standard deviation sigma_n of Knuth's eq. (25)
 * (`serialCorrelationMoments`), asymptotically normal: two-sided P of z = (C - mu_n)/sigma_n. C is invariant to shifting and scaling the U's, so the
 * draws are used as x/range - 1/2 (small, centred sums keep the cancellation harmless).
 */
export function serialCorrelationTest(source: ScaledSource, sampleSize: number): GliTestResult {
  const { range } = source.describe();
  checkSampleSize(sampleSize);
  const n = sampleSize;
  const parameters = { range, lag: 1 };
  if (n < MIN_VALUES) return notApplicable(NAME, REFERENCE, n, parameters, `fewer than ${MIN_VALUES} draws`);
  const first = source.next() / range - 0.5;
  let previous = first;
  let sum = first;
  let sumSquares = first * first;
  let sumProducts = 0;
  for (let j = 1; j < n; j++) {
    const u = source.next() / range - 0.5;
    sum += u;
    sumSquares += u * u;
    sumProducts += previous * u;
    previous = u;
  }
  sumProducts += previous * first;
  const denominator = n * sumSquares - sum * sum;
  if (!(denominator > 0)) {
    return rejectedOutright(NAME, REFERENCE, null, n, parameters, 'every draw was equal: zero variance');
  }
  const c = (n * sumProducts - sum * sum) / denominator;
  const { mean, sd } = serialCorrelationMoments(n);
  const z = (c - mean) / sd;
  // C is a function of the integer sums S = sum x_j and P = sum x_j x_(j+1) (and sum x_j^2), with
  // standard deviations sqrt(n) s_x and sqrt(n) s_x^2 in integer steps, s_x^2 = (range^2 - 1)/12:
  // one (S, P) pair has probability about 1/(2 pi n s_x^3); opposite deviations pair up.
  const spread = Math.sqrt((range * range - 1) / 12);
  const largestAtom = Math.min(1, 1 / (Math.PI * n * spread ** 3));
  return {
    name: NAME,
    reference: REFERENCE,
    pValues: [normalTwoSidedP(z)],
    statistic: z,
    degreesOfFreedom: null,
    sampleSize: n,
    parameters: { ...parameters, correlation: c },
    applicable: true,
    largestAtom,
  };
}
