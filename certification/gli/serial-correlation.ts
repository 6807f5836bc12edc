import { normalTwoSidedP } from './stats.ts';
import {
  checkSampleSize,
  type GliTestResult,
  notApplicable,
  rejectedOutright,
  type ScaledSource,
} from './types.ts';

const NAME = 'serial-correlation';
const REFERENCE = 'Knuth TAOCP vol.2 §3.3.2K (serial correlation test, eqs. (23)-(24))';

const MIN_VALUES = 100;

/**
 * Serial correlation test, Knuth §3.3.2K: the lag-1 cyclic correlation coefficient
 *   C = (n sum U_j U_(j+1) - (sum U_j)^2) / (n sum U_j^2 - (sum U_j)^2),  U_n = U_0,
 * whose law under independence has mean mu_n = -1/(n-1) and standard deviation
 * sigma_n = n / ((n-1) sqrt(n-2)) (Knuth eq. (24), after Anderson/Dixon), asymptotically normal:
 * two-sided P of z = (C - mu_n)/sigma_n. C is invariant to shifting and scaling the U's, so the
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
  const mu = -1 / (n - 1);
  const sigma = n / ((n - 1) * Math.sqrt(n - 2));
  const z = (c - mu) / sigma;
  return {
    name: NAME,
    reference: REFERENCE,
    pValues: [normalTwoSidedP(z)],
    statistic: z,
    degreesOfFreedom: null,
    sampleSize: n,
    parameters: { ...parameters, correlation: c },
    applicable: true,
  };
}
