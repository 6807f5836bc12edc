/**
 * Unbiased scaling of a `RandomSource`'s uniform 32-bit words to the values games need: integers
 * in a range, doubles in [0, 1), weighted choices, shuffles. Each function is exact: every
 * admissible outcome has exactly the probability it should (given uniform words), which is what a
 * lab checks when it tests scaled outputs. Never map a word with `x % n`: unless n divides 2^32, the
 * low residues come up more often (see scaling.test.ts for the measured bias).
 *
 * All arithmetic is on integers that doubles hold exactly (< 2^53) or on int32 bit patterns; no
 * rounding floats are used to choose an outcome.
 */
import type { RandomSource } from './random-source.ts';

const TWO_POW_32 = 0x100000000;
const TWO_POW_53 = 2 ** 53;

/**
 * Attempts allowed before a rejection loop gives up. Each attempt is rejected with probability
 * below 1/2, so a healthy source exceeds this with probability below 2^-128; a source that does is
 * broken (stuck), and failing loudly beats looping forever.
 */
export const MAX_REJECTION_ATTEMPTS = 128;

function rejectionLimitError(what: string): Error {
  return new Error(
    `${what}: ${MAX_REJECTION_ATTEMPTS} consecutive rejections; the random source is not producing uniform words`,
  );
}

/**
 * High 32 bits of the 64-bit product of two uint32 values, exactly: schoolbook multiplication on
 * 16-bit limbs. Each partial product is < 2^32, so `Math.imul` gives its exact bit pattern; the
 * middle column sum is < 3 x 2^16; the true result is < 2^32, so summing modulo 2^32 is exact.
 * (The low 32 bits are simply `Math.imul(a, b) >>> 0`.)
 */
export function mulHiUint32(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const lh = Math.imul(aLo, bHi);
  const hl = Math.imul(aHi, bLo);
  const mid = (Math.imul(aLo, bLo) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (Math.imul(aHi, bHi) + ((lh >>> 16) + (hl >>> 16) + (mid >>> 16))) >>> 0;
}

/**
 * One step of Lemire's nearly-divisionless method (D. Lemire, "Fast random integer generation in an
 * interval", ACM TOMACS 29(1), 2019, Algorithm 5), for a word of `wordBits` bits (1..32) and a bound
 * 1 <= n <= 2^wordBits. With m = word x n (exact, < 2^(2 wordBits)), l = m mod 2^w and
 * t = (2^w - n) mod n: the word is rejected if l < t, else the result is floor(m / 2^w).
 *
 * Why exact: for each j in [0, n) the words with floor(m / 2^w) = j are those whose product lands in
 * [j 2^w, (j+1) 2^w); rejecting the t lowest values of l removes exactly the surplus, leaving
 * floor(2^w / n) accepted words per output. Returns the output, or -1 to reject.
 *
 * Parameterised by word size so that tests can enumerate a whole 8- or 16-bit word space; the
 * production path is `uniformInt`, which runs this with wordBits = 32.
 */
export function lemireMapWord(word: number, n: number, wordBits: number): number {
  const wordSpace = 2 ** wordBits;
  if (n === wordSpace) return word;
  const lo32 = Math.imul(word, n) >>> 0;
  let low: number;
  let high: number;
  if (wordBits === 32) {
    low = lo32;
    high = mulHiUint32(word, n);
  } else {
    if (!(wordBits >= 1 && wordBits < 32))
      throw new RangeError(`wordBits must be in [1, 32], got ${wordBits}`);
    // The product is < 2^(2 wordBits) <= 2^62: recombine its w-bit halves from the exact 32-bit halves.
    low = lo32 & (wordSpace - 1);
    high = ((mulHiUint32(word, n) << (32 - wordBits)) | (lo32 >>> wordBits)) >>> 0;
  }
  if (low < n) {
    // The one division, needed only when low < n (probability n / 2^w).
    const threshold = (wordSpace - n) % n;
    if (low < threshold) return -1;
  }
  return high;
}

function assertBound(n: number, max: number, name: string): void {
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new RangeError(`${name}: n must be an integer in [1, ${max}], got ${n}`);
  }
}

/**
 * Uniform integer in [0, n), 1 <= n <= 2^32, by Lemire's method on 32-bit words. Exact. This is
 * `lemireMapWord(word, n, 32)` in a loop, written out for the hot path (scaling.test.ts checks the
 * two agree word for word).
 */
export function uniformInt(source: RandomSource, n: number): number {
  if (!(n >= 1 && n <= TWO_POW_32 && Math.floor(n) === n)) {
    throw new RangeError(`uniformInt: n must be an integer in [1, 2^32], got ${n}`);
  }
  if (n === TWO_POW_32) return source.nextUint32();
  for (let attempt = 0; attempt < MAX_REJECTION_ATTEMPTS; attempt++) {
    const word = source.nextUint32();
    const low = Math.imul(word, n) >>> 0;
    // Accept unless low < t = (2^32 - n) mod n; the division only runs when low < n.
    if (low >= n || low >= (TWO_POW_32 - n) % n) return mulHiUint32(word, n);
  }
  throw rejectionLimitError('uniformInt');
}

/**
 * Uniform integer in [0, n) for 1 <= n <= 2^53. Up to 2^32 this is `uniformInt`; above, bitmask
 * rejection: with k the bit length of n - 1 (33..53), draw k uniform bits from two words (the top
 * k - 32 bits of the first, all of the second) and reject values >= n. Every k-bit value is equally
 * likely, so accepted values are uniform on [0, n); since n > 2^(k-1), acceptance is > 1/2.
 */
export function uniformIntLarge(source: RandomSource, n: number): number {
  assertBound(n, TWO_POW_53, 'uniformIntLarge');
  if (n <= TWO_POW_32) return uniformInt(source, n);
  // k = bit length of n - 1, from its high word (n - 1 >= 2^32; the division by 2^32 is exact).
  const k = 64 - Math.clz32(Math.floor((n - 1) / TWO_POW_32));
  const highShift = 64 - k; // in [11, 31]
  for (let attempt = 0; attempt < MAX_REJECTION_ATTEMPTS; attempt++) {
    const high = source.nextUint32() >>> highShift;
    const value = high * TWO_POW_32 + source.nextUint32();
    if (value < n) return value;
  }
  throw rejectionLimitError('uniformIntLarge');
}

/** Uniform integer in [min, max] (both inclusive, safe integers, max - min < 2^53). Exact. */
export function uniformIntBetween(source: RandomSource, min: number, max: number): number {
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
    throw new RangeError(`uniformIntBetween: need safe integers min <= max, got [${min}, ${max}]`);
  }
  // If the true difference is below 2^53 it is representable, so the subtraction is exact.
  if (max - min >= TWO_POW_53) throw new RangeError('uniformIntBetween: range wider than 2^53');
  return min + uniformIntLarge(source, max - min + 1);
}

/**
 * Uniform double in [0, 1) with 53 random bits: (a 2^26 + b) / 2^53 with a the top 27 bits of one
 * word and b the top 26 bits of the next. Every multiple of 2^-53 in [0, 1) is equally likely; the
 * computation is exact (the numerator is an integer < 2^53 and the division a power-of-two scaling).
 */
export function uniformFloat53(source: RandomSource): number {
  const a = source.nextUint32() >>> 5;
  const b = source.nextUint32() >>> 6;
  return (a * 67108864 + b) / TWO_POW_53;
}

// ---------------------------------------------------------------------------------------------
// Weighted choice

/** Draws an index i with probability weights[i] / sum(weights), exactly. */
export interface WeightedSampler {
  readonly method: 'alias' | 'cumulative';
  /** Number of outcomes (length of the weights). */
  readonly size: number;
  /** Sum of the weights (<= 2^53 - 1). */
  readonly totalWeight: number;
  sample(source: RandomSource): number;
}

function validateWeights(weights: readonly number[]): number {
  if (!Array.isArray(weights) || weights.length === 0)
    throw new RangeError('weights: need at least one weight');
  if (weights.length > TWO_POW_32) throw new RangeError('weights: at most 2^32 outcomes');
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (!Number.isSafeInteger(w) || w < 0) {
      throw new RangeError(`weights[${i}] must be a non-negative safe integer, got ${w}`);
    }
    total += w;
    if (!Number.isSafeInteger(total)) throw new RangeError('weights: total exceeds 2^53 - 1');
  }
  if (total === 0) throw new RangeError('weights: at least one weight must be positive');
  return total;
}

/**
 * Vose's alias method (M. D. Vose, "A linear algorithm for generating random numbers with a given
 * distribution", IEEE TSE 17(9), 1991) in exact integer arithmetic. With k outcomes and total T,
 * outcome i gets scaled weight k w_i; each of the k columns holds capacity T, split between its own
 * outcome (`threshold[c]` units) and one alias (the rest). Sampling draws a column c uniformly from
 * [0, k) and u uniformly from [0, T) and returns c if u < threshold[c], else alias[c]. Summing over
 * columns, outcome i has probability k w_i / (k T) = w_i / T exactly.
 *
 * Requires k T <= 2^53 so that every scaled weight is an exact integer.
 */
export interface AliasSampler extends WeightedSampler {
  readonly method: 'alias';
  /** The outcome for column `column` and level `u` in [0, totalWeight): the sampler as a pure map. */
  pick(column: number, u: number): number;
}

export function createAliasSampler(weights: readonly number[]): AliasSampler {
  const total = validateWeights(weights);
  const k = weights.length;
  if (total * k > TWO_POW_53) {
    throw new RangeError('alias sampler: outcomes x total weight exceeds 2^53; use createCumulativeSampler');
  }
  const scaled = Float64Array.from(weights, (w) => w * k); // exact integers (<= k T <= 2^53)
  const threshold = new Float64Array(k);
  const alias = new Uint32Array(k);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < k; i++) (scaled[i]! < total ? small : large).push(i);
  // Invariant: the scaled weights still unassigned sum to T x (number of unfilled columns).
  while (small.length > 0 && large.length > 0) {
    const l = small.pop()!;
    const g = large.pop()!;
    threshold[l] = scaled[l]!;
    alias[l] = g;
    scaled[g] = scaled[g]! - (total - scaled[l]!);
    (scaled[g]! < total ? small : large).push(g);
  }
  for (const g of large) {
    if (scaled[g] !== total) throw new Error('alias sampler invariant violated: leftover column not full');
    threshold[g] = total;
    alias[g] = g;
  }
  if (small.length > 0) throw new Error('alias sampler invariant violated: underfull columns left');

  const pick = (column: number, u: number): number => (u < threshold[column]! ? column : alias[column]!);
  return {
    method: 'alias',
    size: k,
    totalWeight: total,
    pick,
    sample: (source) => pick(uniformInt(source, k), uniformIntLarge(source, total)),
  };
}

/**
 * Inverse-CDF over integer prefix sums: draw u uniformly from [0, T) and return the i with
 * prefix[i] <= u < prefix[i + 1] (binary search). Exactly w_i of the T values of u select i.
 * O(log k) per draw; no limit beyond T <= 2^53 - 1.
 */
export interface CumulativeSampler extends WeightedSampler {
  readonly method: 'cumulative';
  /** The outcome for level `u` in [0, totalWeight). */
  pick(u: number): number;
}

export function createCumulativeSampler(weights: readonly number[]): CumulativeSampler {
  const total = validateWeights(weights);
  const k = weights.length;
  const prefix = new Float64Array(k + 1);
  for (let i = 0; i < k; i++) prefix[i + 1] = prefix[i]! + weights[i]!;
  const pick = (u: number): number => {
    // Smallest i with prefix[i + 1] > u.
    let lo = 0;
    let hi = k - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (prefix[mid + 1]! > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  return {
    method: 'cumulative',
    size: k,
    totalWeight: total,
    pick,
    sample: (source) => pick(uniformIntLarge(source, total)),
  };
}

/**
 * Exact weighted choice over non-negative integer weights (total up to 2^53 - 1): the O(1) alias
 * table when k x total <= 2^53, otherwise the O(log k) cumulative method. Both give probability
 * w_i / total exactly; which one is used is reported in `method` (it changes the draws consumed, so
 * record it alongside the seed).
 */
export function createWeightedSampler(weights: readonly number[]): WeightedSampler {
  const total = validateWeights(weights);
  return total * weights.length <= TWO_POW_53
    ? createAliasSampler(weights)
    : createCumulativeSampler(weights);
}

// ---------------------------------------------------------------------------------------------

/**
 * Fisher–Yates shuffle, Durstenfeld's in-place form (R. Durstenfeld, CACM 7(7), 1964, Algorithm
 * 235): for i from n - 1 down to 1, swap items[i] with items[j], j uniform in [0, i]. Each of the
 * n! sequences of draws is equally likely and gives a distinct permutation, so all permutations are
 * equally likely. Returns `items`.
 */
export function shuffleInPlace<T>(source: RandomSource, items: T[]): T[] {
  if (items.length > TWO_POW_32) throw new RangeError('shuffleInPlace: at most 2^32 items');
  for (let i = items.length - 1; i > 0; i--) {
    const j = uniformInt(source, i + 1);
    const tmp = items[i]!;
    items[i] = items[j]!;
    items[j] = tmp;
  }
  return items;
}
