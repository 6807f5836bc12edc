import { coarsening, pooledChiSquare } from './stats.ts';
import {
  checkSampleSize,
  chiSquareResult,
  type GliTestResult,
  MIN_EXPECTED_COUNT,
  notApplicable,
  rejectedOutright,
  type ScaledSource,
} from './types.ts';

const NAME = 'coupon-collector';
const REFERENCE = "Knuth TAOCP vol.2 §3.3.2E (coupon collector's test, Algorithm C, eq. (9))";

/** Coarse range for large ranges (Knuth uses small d; segment lengths grow as d ln d). */
export const COUPON_MAX_D = 8;
const MIN_SEGMENTS = 100;
/** Same margin as the gap test: the fixed number of segments is 8 sigma below the expectation. */
const SHORTFALL_SIGMAS = 8;
/** Longest segment length given its own category. */
const MAX_LENGTH_CATEGORY = 512;

/**
 * Distribution of the length of a "complete set" segment (Knuth §3.3.2E, eq. (9)): p_r =
 * d!/d^r * S(r-1, d-1) for d <= r. Evaluated as the absorption time of the chain "j distinct values
 * seen" (advance with probability (d-j)/d), the same Stirling recurrence in probabilities so no
 * factorial overflows. Returns P(length = r) for r in [0, rMax).
 */
export function couponLengthProbabilities(d: number, rMax: number): Float64Array {
  const result = new Float64Array(rMax);
  let state = new Float64Array(d + 1);
  state[0] = 1;
  for (let r = 1; r < rMax; r++) {
    const next = new Float64Array(d + 1);
    for (let j = 0; j < d; j++) {
      const p = state[j]!;
      if (p === 0) continue;
      next[j] = next[j]! + (p * j) / d;
      next[j + 1] = next[j + 1]! + (p * (d - j)) / d;
    }
    result[r] = next[d]!;
    next[d] = 0;
    state = next;
  }
  return result;
}

/**
 * Coupon collector's test, Knuth §3.3.2E: read draws until every one of the d values has
 * appeared, record that segment's length r, start again; chi-square on the lengths d..t-1 and
 * ">= t". A fixed number m of segments is collected (as Knuth does), set 8 sigma below the
 * expected count for the sample (renewal theory: mean d H_d, variance d^2 H_d^(2) - d H_d);
 * a source that runs short is reported with P = 0. Ranges above COUPON_MAX_D are coarsened
 * (leading digit, exact by rejection). Needs a uniform source.
 */
export function couponCollectorTest(source: ScaledSource, sampleSize: number): GliTestResult {
  const { range, probabilities } = source.describe();
  checkSampleSize(sampleSize);
  const d = Math.min(range, COUPON_MAX_D);
  const baseParameters = { range, d, coarsened: d < range };
  if (probabilities) {
    return notApplicable(NAME, REFERENCE, 0, baseParameters, 'needs a uniform source; this reel is weighted');
  }
  if (d < 2) return notApplicable(NAME, REFERENCE, 0, baseParameters, 'range < 2');
  const coarse = coarsening(range, d);
  const acceptance = coarse.acceptBelow / range;
  let harmonic = 0;
  let harmonic2 = 0;
  for (let j = 1; j <= d; j++) {
    harmonic += 1 / j;
    harmonic2 += 1 / (j * j);
  }
  const mean = (d * harmonic) / acceptance;
  const variance = (d * d * harmonic2 - d * harmonic) / acceptance ** 2 + mean; // + rejection noise, generous
  const expectedSegments = sampleSize / mean;
  const m =
    Math.floor(expectedSegments - SHORTFALL_SIGMAS * Math.sqrt((sampleSize * variance) / mean ** 3)) - 1;
  if (m < MIN_SEGMENTS) {
    return notApplicable(
      NAME,
      REFERENCE,
      0,
      baseParameters,
      `sample too small: ${m} segments < ${MIN_SEGMENTS}`,
    );
  }
  const lengthProbabilities = couponLengthProbabilities(d, MAX_LENGTH_CATEGORY + 1);
  // t: first length whose own expected count and the whole tail beyond it both fall below the minimum.
  let t = d + 1;
  let tail = 1;
  for (let r = 0; r < d; r++) tail -= lengthProbabilities[r]!;
  while (t < MAX_LENGTH_CATEGORY) {
    tail -= lengthProbabilities[t - 1]!;
    if (m * tail < MIN_EXPECTED_COUNT) break;
    t++;
  }
  const parameters = { ...baseParameters, segments: m, t };
  const counts = new Float64Array(t - d + 1); // lengths d..t-1, then >= t
  const seen = new Uint8Array(d);
  let segments = 0;
  let used = 0;
  let length = 0;
  let distinct = 0;
  while (segments < m && used < sampleSize) {
    const y = coarse.map(source.next());
    used++;
    if (y < 0) continue;
    length++;
    if (seen[y] === 0) {
      seen[y] = 1;
      distinct++;
      if (distinct === d) {
        counts[Math.min(length, t) - d]! += 1;
        segments++;
        seen.fill(0);
        distinct = 0;
        length = 0;
      }
    }
  }
  if (segments < m) {
    return rejectedOutright(
      NAME,
      REFERENCE,
      segments,
      used,
      parameters,
      `only ${segments} of ${m} complete sets in ${used} draws: some values (nearly) never occur`,
    );
  }
  const expected = new Float64Array(t - d + 1);
  let below = 0;
  for (let r = d; r < t; r++) {
    expected[r - d] = lengthProbabilities[r]! * m;
    below += lengthProbabilities[r]!;
  }
  expected[t - d] = Math.max(0, 1 - below) * m;
  const outcome = pooledChiSquare(counts, expected);
  if (!outcome) return notApplicable(NAME, REFERENCE, used, parameters, 'too few categories');
  return chiSquareResult(NAME, REFERENCE, outcome, used, { ...parameters, categories: outcome.categories });
}
