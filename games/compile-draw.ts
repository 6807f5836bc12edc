/**
 * Stop draws for the compiled fast path: the same words in, the same stops out as draw.ts's
 * `createIndexDraw` (what the reference evaluator draws with), without a closure call per reel.
 *
 * - Uniform strip of n stops: `uniformInt(source, n)` is Lemire's method on one 32-bit word w:
 *   accept when (w × n) mod 2^32 >= t with t = (2^32 − n) mod n, result floor(w × n / 2^32). For
 *   n <= 2^21 the product w × n < 2^53 is exact in a double, so the high word is one multiplication
 *   and a floor instead of the 16-bit-limb `mulHiUint32`; t is precomputed per reel.
 * - Weighted strip: `createWeightedSampler(weights)`. When it chose the alias method, a draw is
 *   column = uniformInt(k), u = uniformIntLarge(total), then `pick(column, u)`; pick is
 *   `u < threshold[column] ? column : alias[column]`, so its two tables are read back from `pick`
 *   itself (a binary search over u per column) rather than rebuilt: one source of truth.
 * - Anything else (a cumulative sampler, a strip longer than 2^21) calls the `IndexDraw` itself.
 * compile.test.ts checks these draws against `createIndexDraw` word for word, rejections included.
 */
import {
  type AliasSampler,
  createWeightedSampler,
  MAX_REJECTION_ATTEMPTS,
  type RandomSource,
  uniformIntLarge,
} from '../rng/index.ts';
import { createIndexDraw, type IndexDraw } from './draw.ts';
import type { PreparedReel } from './model.ts';

const TWO_POW_32 = 0x100000000;
/** Largest bound drawn with the one-multiplication high word (w × n stays below 2^53). */
const MAX_FAST_BOUND = 2 ** 21;

/** How reel r draws its stop. */
export const DRAW_UNIFORM = 0;
export const DRAW_ALIAS = 1;
export const DRAW_GENERIC = 2;

/** Everything the compiled path needs to draw the stops of one reel set, per reel. */
export interface StopDraws {
  /** DRAW_UNIFORM, DRAW_ALIAS or DRAW_GENERIC per reel. */
  readonly kind: Int32Array;
  /**
   * Uniform: the stop count n. Alias: the column count k. Int32 (n <= 2^21): the hot path feeds
   * it to `Math.imul` and compares against `boundReject` without float conversions.
   */
  readonly bound: Int32Array;
  /** Lemire rejection threshold of `bound`: (2^32 − bound) mod bound (below bound, so int32). */
  readonly boundReject: Int32Array;
  /** Alias: total weight T (u is drawn from [0, T)); T <= 2^21 takes the fast draw. */
  readonly aliasTotal: Float64Array;
  /** Alias: Lemire rejection threshold of T (when T <= 2^21). */
  readonly aliasTotalReject: Float64Array;
  /** Alias: offset of reel r's columns in `aliasThreshold` / `aliasOutcome`. */
  readonly aliasOffset: Int32Array;
  /** Alias, per column: u below this keeps the column, otherwise the alias is drawn. */
  readonly aliasThreshold: Float64Array;
  /** Alias, per column: the alias outcome. */
  readonly aliasOutcome: Int32Array;
  /** Generic draws (the reference `IndexDraw`), one per reel. */
  readonly generic: readonly IndexDraw[];
}

function lemireReject(n: number): number {
  return (TWO_POW_32 - n) % n;
}

/**
 * `uniformInt(source, n)` for 1 <= n <= 2^21, given reject = (2^32 − n) mod n: the same words
 * consumed, the same value returned, the same error after MAX_REJECTION_ATTEMPTS rejections.
 */
export function drawBelow(source: RandomSource, n: number, reject: number): number {
  const word = source.nextUint32();
  // floor(w × n / 2^32): the quotient is below 2^21, so `| 0` floors it; a literal divisor becomes a
  // multiplication (see compile.ts).
  if (Math.imul(word, n) >>> 0 >= reject) return ((word * n) / 0x100000000) | 0;
  return drawBelowAfterReject(source, n, reject);
}

/** `drawBelow` once its first word was rejected (rare: probability reject / 2^32 < n / 2^32). */
export function drawBelowAfterReject(source: RandomSource, n: number, reject: number): number {
  for (let attempt = 1; attempt < MAX_REJECTION_ATTEMPTS; attempt++) {
    const word = source.nextUint32();
    if (Math.imul(word, n) >>> 0 >= reject) return ((word * n) / 0x100000000) | 0;
  }
  throw new Error(
    `uniformInt: ${MAX_REJECTION_ATTEMPTS} consecutive rejections; the random source is not producing uniform words`,
  );
}

/** The alias tables behind `sampler.pick`, recovered by a binary search per column. */
function aliasTables(sampler: AliasSampler): { threshold: Float64Array; outcome: Int32Array } {
  const k = sampler.size;
  const total = sampler.totalWeight;
  const threshold = new Float64Array(k);
  const outcome = new Int32Array(k);
  for (let column = 0; column < k; column++) {
    // Smallest u in [0, total] with pick(column, u) !== column (total when there is none).
    let lo = 0;
    let hi = total;
    while (lo < hi) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (sampler.pick(column, mid) !== column) hi = mid;
      else lo = mid + 1;
    }
    threshold[column] = lo;
    outcome[column] = lo < total ? sampler.pick(column, lo) : column;
    // pick is a threshold function of u: check the recovered form at its edges.
    if (lo > 0 && sampler.pick(column, lo - 1) !== column) throw new Error('alias pick is not a threshold');
    if (lo < total && sampler.pick(column, total - 1) !== outcome[column]) {
      throw new Error('alias pick is not a threshold');
    }
  }
  return { threshold, outcome };
}

export function compileStopDraws(reels: readonly PreparedReel[]): StopDraws {
  const R = reels.length;
  const kind = new Int32Array(R);
  const bound = new Int32Array(R);
  const boundReject = new Int32Array(R);
  const aliasTotal = new Float64Array(R);
  const aliasTotalReject = new Float64Array(R);
  const aliasOffset = new Int32Array(R);
  const thresholds: number[] = [];
  const outcomes: number[] = [];
  const generic: IndexDraw[] = [];
  for (let r = 0; r < R; r++) {
    const reel = reels[r]!;
    const n = reel.stops.length;
    generic.push(createIndexDraw(n, reel.weights));
    kind[r] = DRAW_GENERIC;
    if (reel.weights === null) {
      if (n <= MAX_FAST_BOUND) {
        kind[r] = DRAW_UNIFORM;
        bound[r] = n;
        boundReject[r] = lemireReject(n);
      }
      continue;
    }
    // The same sampler createIndexDraw builds (a pure function of the weights).
    const sampler = createWeightedSampler(reel.weights);
    if (sampler.method !== 'alias' || sampler.size > MAX_FAST_BOUND) continue;
    const tables = aliasTables(sampler as AliasSampler);
    kind[r] = DRAW_ALIAS;
    bound[r] = sampler.size;
    boundReject[r] = lemireReject(sampler.size);
    aliasTotal[r] = sampler.totalWeight;
    aliasTotalReject[r] = sampler.totalWeight <= MAX_FAST_BOUND ? lemireReject(sampler.totalWeight) : 0;
    aliasOffset[r] = thresholds.length;
    for (let c = 0; c < sampler.size; c++) {
      thresholds.push(tables.threshold[c]!);
      outcomes.push(tables.outcome[c]!);
    }
  }
  return {
    kind,
    bound,
    boundReject,
    aliasTotal,
    aliasTotalReject,
    aliasOffset,
    aliasThreshold: Float64Array.from(thresholds),
    aliasOutcome: Int32Array.from(outcomes),
    generic,
  };
}

/** Draws the stop of reel r (the same draw as the reference's `IndexDraw` for that reel). */
export function drawStop(draws: StopDraws, r: number, source: RandomSource): number {
  const kind = draws.kind[r]!;
  if (kind === DRAW_UNIFORM) return drawBelow(source, draws.bound[r]!, draws.boundReject[r]!);
  if (kind === DRAW_ALIAS) {
    const column = drawBelow(source, draws.bound[r]!, draws.boundReject[r]!);
    const total = draws.aliasTotal[r]!;
    const u =
      total <= MAX_FAST_BOUND
        ? drawBelow(source, total, draws.aliasTotalReject[r]!)
        : uniformIntLarge(source, total);
    const at = draws.aliasOffset[r]! + column;
    return u < draws.aliasThreshold[at]! ? column : draws.aliasOutcome[at]!;
  }
  return draws.generic[r]!(source);
}
