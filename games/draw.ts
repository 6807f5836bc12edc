/**
 * How a game turns random words into stops and outcomes. Both the reference evaluator and the
 * compiled fast path draw through these functions, in the same order, so that one RandomSource
 * replays to the same round in both: a reel's stop is one `uniformInt` draw over its stops, or, for
 * a weighted (virtual) reel, one exact weighted draw; reels are drawn left to right.
 *
 * TEMPORARY: rng/scaling.ts (uniformInt, createWeightedSampler) is being written in parallel; until
 * it is exported from rng/index.ts these local, unbiased stand-ins (rejection sampling) are used.
 * Switch the two functions below to the kernel's when it lands.
 */
import type { RandomSource } from '../rng/index.ts';

const TWO_32 = 2 ** 32;
/** Bound on rejection rounds; the rejection probability is < 1/2 per round, so 64 never fails in practice. */
const MAX_REJECTIONS = 64;

/** Uniform integer in [0, n) for 1 <= n <= 2^32: rejection of the top partial block, then quotient. */
function uniformInt(source: RandomSource, n: number): number {
  if (n === 1) return 0;
  // Accept words below limit = n × floor(2^32 / n); each output then has floor(2^32 / n) words.
  const perOutput = Math.floor(TWO_32 / n);
  const limit = perOutput * n;
  for (let i = 0; i < MAX_REJECTIONS; i++) {
    const x = source.nextUint32();
    if (x < limit) return Math.floor(x / perOutput);
  }
  throw new Error('uniformInt: rejection bound exceeded (broken generator?)');
}

function createWeightedSampler(weights: readonly number[]): { sample(source: RandomSource): number } {
  const cumulative = new Float64Array(weights.length);
  let total = 0;
  weights.forEach((w, i) => {
    if (!Number.isInteger(w) || w < 1) throw new RangeError(`weight ${i} must be an integer >= 1, got ${w}`);
    total += w;
    cumulative[i] = total;
  });
  if (total > TWO_32) throw new RangeError('weights must sum to at most 2^32');
  return {
    sample(source: RandomSource): number {
      const u = uniformInt(source, total);
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cumulative[mid]! > u) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    },
  };
}

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
