import { coarsening, pooledChiSquare } from './stats.ts';
import {
  checkSampleSize,
  chiSquareResult,
  type GliTestResult,
  MIN_EXPECTED_COUNT,
  notApplicable,
  type ScaledSource,
} from './types.ts';

const NAME = 'maximum-of-t';
const REFERENCE = 'Knuth TAOCP vol.2 §3.3.2H (maximum-of-t test), chi-square of §3.3.1A';

/** Group size t. */
export const MAXIMUM_GROUP = 5;
/** Coarse range for large uniform ranges, and the largest weighted reel tested stop by stop. */
export const MAXIMUM_MAX_D = 64;

/**
 * Law of the maximum V of t iid draws on [0, d) (Knuth §3.3.2H): P(V = v) = F(v)^t - F(v - 1)^t,
 * F the CDF of one draw ((v + 1)/d when uniform; cumulative stop weights for a weighted reel).
 * Checked against exhaustive enumeration in enumeration.test.ts.
 */
export function maximumProbabilities(d: number, t: number, probabilities?: readonly number[]): Float64Array {
  if (probabilities && probabilities.length !== d) throw new RangeError('one probability per value');
  const out = new Float64Array(d);
  let cdfPrevious = 0;
  let cumulative = 0;
  for (let v = 0; v < d; v++) {
    cumulative = probabilities ? cumulative + probabilities[v]! : (v + 1) / d;
    const cdf = Math.min(1, cumulative) ** t;
    out[v] = cdf - cdfPrevious;
    cdfPrevious = cdf;
  }
  return out;
}

/**
 * Smallest expected count of a pooled category for `groups` maxima: max(10, 2 sqrt(groups)), for
 * the reason given at `gapMinimumExpected` (with Knuth's 5 the many small pools of the skewed law
 * of V kept the size near 1.1%: issue 15 calibration, 1.12-1.14% at 1,000 draws).
 */
export function maximumMinimumExpected(groups: number): number {
  return Math.max(2 * MIN_EXPECTED_COUNT, 2 * Math.sqrt(groups));
}

/**
 * Maximum-of-t test, Knuth §3.3.2H: V_j = max of each non-overlapping group of t draws. For real
 * U, V^t is uniform; for integer draws with CDF F the law is exact and discrete:
 * P(V = v) = F(v)^t - F(v-1)^t (uniform on [0, d): ((v+1)^t - v^t)/d^t), tested by chi-square over
 * the values of V (the "equidistribution test" Knuth applies to V^t), small categories lumped.
 * Large uniform ranges are coarsened to d = MAXIMUM_MAX_D by the leading digit, which commutes
 * with max (monotone map; exact by rejection). Weighted reels use their stop weights.
 */
export function maximumOfTTest(source: ScaledSource, sampleSize: number): GliTestResult {
  const { range, probabilities } = source.describe();
  checkSampleSize(sampleSize);
  const t = MAXIMUM_GROUP;
  if (probabilities && range > 1 << 12) {
    return notApplicable(NAME, REFERENCE, 0, { range, t }, 'weighted reel too long');
  }
  const d = probabilities ? range : Math.min(range, MAXIMUM_MAX_D);
  const parameters = { range, t, d, weighted: Boolean(probabilities), coarsened: d < range };
  if (d < 2) return notApplicable(NAME, REFERENCE, 0, parameters, 'range < 2');
  const map = coarsening(range, d).map;
  const counts = new Float64Array(d);
  let groups = 0;
  let inGroup = 0;
  let max = -1;
  for (let i = 0; i < sampleSize; i++) {
    const y = map(source.next());
    if (y < 0) continue;
    if (y > max) max = y;
    if (++inGroup === t) {
      counts[max]! += 1;
      groups++;
      inGroup = 0;
      max = -1;
    }
  }
  const expected = maximumProbabilities(d, t, probabilities).map((p) => p * groups);
  // Too few groups for the larger floor: Knuth's 5, which at worst leaves two categories, whose
  // P-value is then the exact binomial one (pooledChiSquare).
  const outcome =
    pooledChiSquare(counts, expected, 0, maximumMinimumExpected(groups)) ?? pooledChiSquare(counts, expected);
  if (!outcome)
    return notApplicable(NAME, REFERENCE, sampleSize, { ...parameters, groups }, 'sample too small');
  return chiSquareResult(NAME, REFERENCE, outcome, sampleSize, {
    ...parameters,
    groups,
    categories: outcome.categories,
  });
}
