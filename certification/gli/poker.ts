import { coarsening, distinctCountProbabilities, pooledChiSquare } from './stats.ts';
import {
  checkSampleSize,
  chiSquareResult,
  type GliTestResult,
  notApplicable,
  type ScaledSource,
} from './types.ts';

const NAME = 'poker';
const REFERENCE = 'Knuth TAOCP vol.2 §3.3.2D (poker/partition test, eq. (5)), chi-square of §3.3.1A';

/** Hand size k (Knuth's classic quintuples). */
export const POKER_HAND = 5;
/** Coarse range for large ranges: 16 values, so "all different" has probability ~0.5. */
export const POKER_MAX_D = 16;

/**
 * Generalized poker test, Knuth §3.3.2D: non-overlapping groups of k draws; count the distinct
 * values r in each; P(r) = d(d-1)...(d-r+1)/d^k * S(k, r) (S = Stirling numbers of the second
 * kind), low-probability categories lumped. Ranges above POKER_MAX_D are coarsened to d =
 * POKER_MAX_D (leading digit, exact by rejection). Needs a uniform source.
 */
export function pokerTest(source: ScaledSource, sampleSize: number): GliTestResult {
  const { range, probabilities } = source.describe();
  checkSampleSize(sampleSize);
  const d = Math.min(range, POKER_MAX_D);
  const k = POKER_HAND;
  const parameters = { range, d, k, coarsened: d < range };
  if (probabilities) {
    return notApplicable(NAME, REFERENCE, 0, parameters, 'needs a uniform source; this reel is weighted');
  }
  if (d < 2) return notApplicable(NAME, REFERENCE, 0, parameters, 'range < 2');
  const map = coarsening(range, d).map;
  const counts = new Float64Array(k + 1);
  const seen = new Uint8Array(d);
  const hand: number[] = [];
  let hands = 0;
  for (let i = 0; i < sampleSize; i++) {
    const y = map(source.next());
    if (y < 0) continue;
    hand.push(y);
    if (hand.length === k) {
      let distinct = 0;
      for (const v of hand) {
        if (seen[v] === 0) {
          seen[v] = 1;
          distinct++;
        }
      }
      for (const v of hand) seen[v] = 0;
      counts[distinct]! += 1;
      hands++;
      hand.length = 0;
    }
  }
  const probabilitiesOfDistinct = distinctCountProbabilities(d, k);
  const rMax = Math.min(k, d);
  const observed = counts.subarray(1, rMax + 1);
  const expected = new Float64Array(rMax);
  for (let r = 1; r <= rMax; r++) expected[r - 1] = probabilitiesOfDistinct[r]! * hands;
  const outcome = pooledChiSquare(observed, expected);
  if (!outcome)
    return notApplicable(NAME, REFERENCE, sampleSize, { ...parameters, hands }, 'sample too small');
  return chiSquareResult(NAME, REFERENCE, outcome, sampleSize, {
    ...parameters,
    hands,
    categories: outcome.categories,
  });
}
