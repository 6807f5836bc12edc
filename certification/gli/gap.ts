import { pooledChiSquare } from './stats.ts';
import {
  checkSampleSize,
  chiSquareResult,
  type GliTestResult,
  MIN_EXPECTED_COUNT,
  notApplicable,
  rejectedOutright,
  type ScaledSource,
} from './types.ts';

const NAME = 'gap';
const REFERENCE = 'Knuth TAOCP vol.2 §3.3.2C (gap test, Algorithm G), chi-square of §3.3.1A';

/** Longest gap length counted on its own; longer gaps share the last category. */
const MAX_GAP_CATEGORIES = 64;
/**
 * Smallest expected count of a gap-length category, for m gaps: max(10, 2 sqrt(m)). Why: with
 * Knuth's 5, t grows with m so that the last categories always expect ~5, and the chi-square's
 * excess size (of order sum 1/p_i over m, i.e. 1/(smallest expected count)) never vanishes: sound
 * sequences were rejected 1.15-1.27% of the time at every size (issue 15 calibration). Measured
 * (chacha20, seed of docs/calibration.md, range 2^32, a replica of this test counting every rule
 * on the same sequences): 1,000 draws (372 gaps, 40,000 sequences): 10 -> 1.11%, 40 -> 1.03%,
 * m/20 -> 1.08%, 2 sqrt(m) -> 1.03%; 4,000 draws (1,746 gaps, 20,000): 10 -> 1.12%, 40 -> 1.04%,
 * m/20 -> 1.02%, 2 sqrt(m) -> 1.02%. A floor growing with sqrt(m) makes the excess fall as
 * 1/sqrt(m) while t still grows (log m), so long gaps stay visible.
 */
export function gapMinimumExpected(gaps: number): number {
  return Math.max(2 * MIN_EXPECTED_COUNT, 2 * Math.sqrt(gaps));
}
/** Fewest gaps worth a chi-square. */
const MIN_GAPS = 100;
/**
 * Standard deviations of margin between the expected number of hits and the number of gaps
 * collected: under the hypothesis the sample runs short with probability below 1e-15.
 */
const SHORTFALL_SIGMAS = 8;

/**
 * Law of one gap length (Knuth §3.3.2C, Algorithm G): P(r) = p (1 - p)^r for r < t and
 * P(">= t") = (1 - p)^t, index t. Checked against exhaustive enumeration in enumeration.test.ts.
 */
export function gapLengthProbabilities(p: number, t: number): Float64Array {
  if (!(p > 0 && p < 1) || !Number.isInteger(t) || t < 1) throw new RangeError('need 0 < p < 1, t >= 1');
  const q = 1 - p;
  const out = new Float64Array(t + 1);
  for (let r = 0; r < t; r++) out[r] = p * q ** r;
  out[t] = q ** t;
  return out;
}

/**
 * Gap test, Knuth §3.3.2C: with the value set [0, a), record the lengths of the gaps between
 * successive draws that fall in the set (a run of r draws outside, then one inside, is a gap of
 * length r; the first gap starts at the first draw, Algorithm G). Gap lengths are geometric:
 * p_r = p (1 - p)^r for r < t, and (1 - p)^t for ">= t", p = P(draw in [0, a)).
 *
 * Knuth collects a FIXED number m of gaps (a fixed-length sample would bias against long gaps):
 * m is set SHORTFALL_SIGMAS standard deviations below the expected number of hits in the
 * sample, so a good source never runs short; a source that does is reported with P = 0.
 * a = floor(range/2); for a weighted reel p is the weight of stops [0, a).
 */
export function gapTest(source: ScaledSource, sampleSize: number): GliTestResult {
  const { range, probabilities } = source.describe();
  checkSampleSize(sampleSize);
  const a = Math.floor(range / 2);
  let p = a / range;
  if (probabilities) {
    p = 0;
    for (let i = 0; i < a; i++) p += probabilities[i]!;
  }
  const q = 1 - p;
  const m = Math.floor(sampleSize * p - SHORTFALL_SIGMAS * Math.sqrt(sampleSize * p * q)) - 1;
  const baseParameters = { range, weighted: Boolean(probabilities), setBelow: a, setProbability: p };
  if (!(p > 0 && q > 0)) {
    return notApplicable(NAME, REFERENCE, 0, baseParameters, 'the value set has probability 0 or 1');
  }
  if (m < MIN_GAPS) {
    return notApplicable(NAME, REFERENCE, 0, baseParameters, `sample too small: ${m} gaps < ${MIN_GAPS}`);
  }
  let t = 1;
  const minimumExpected = gapMinimumExpected(m);
  while (t < MAX_GAP_CATEGORIES && m * p * q ** t >= minimumExpected) t++;
  const parameters = { ...baseParameters, gaps: m, t };

  const counts = new Float64Array(t + 1);
  let gaps = 0;
  let length = 0;
  let used = 0;
  while (gaps < m && used < sampleSize) {
    const x = source.next();
    used++;
    if (x < a) {
      counts[Math.min(length, t)]! += 1;
      gaps++;
      length = 0;
    } else {
      length++;
    }
  }
  if (gaps < m) {
    return rejectedOutright(
      NAME,
      REFERENCE,
      gaps,
      used,
      parameters,
      `only ${gaps} of ${m} gaps in ${used} draws: far fewer draws in [0, ${a}) than expected`,
    );
  }
  const expected = gapLengthProbabilities(p, t).map((probability) => m * probability);
  const outcome = pooledChiSquare(counts, expected);
  if (!outcome) return notApplicable(NAME, REFERENCE, used, parameters, 'too few categories');
  return chiSquareResult(NAME, REFERENCE, outcome, used, { ...parameters, categories: outcome.categories });
}
