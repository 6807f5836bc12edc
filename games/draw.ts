/**
 * How a game turns random words into stops and outcomes. Both the reference evaluator and the
 * compiled fast path draw through these functions, in the same order, so that one RandomSource
 * replays to the same round in both: a reel's stop is one `uniformInt` draw over its stops, or, for
 * a weighted (virtual) reel, one exact weighted draw; reels are drawn left to right.
 *
 * Scaling is never done here: it is the RNG kernel's unbiased `uniformInt` and exact
 * `createWeightedSampler` (rng/scaling.ts).
 */
import { createWeightedSampler, type RandomSource, uniformInt } from '../rng/index.ts';

/** Draws an index in [0, n) with fixed per-index weights (or uniformly). */
export type IndexDraw = (source: RandomSource) => number;

/** A draw over `count` equally likely indices, or over `weights` (integers >= 1) exactly. */
export function createIndexDraw(count: number, weights: readonly number[] | null): IndexDraw {
  if (weights === null) {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be >= 1, got ${count}`);
    return (source) => uniformInt(source, count);
  }
  if (weights.length !== count) throw new RangeError('weights must have one entry per index');
  const sampler = createWeightedSampler(weights);
  return (source) => sampler.sample(source);
}
