/**
 * Exact arithmetic for weighted (virtual) reels: expected counts as integers over one common
 * denominator, so the pooling of small cells, and thus the chi-square statistic, is defined by
 * mathematics rather than by the order of floating-point multiplications (issue 15: a third of the
 * 5,832 triples of an 18-stop reel have equal expected counts that differ by one ulp as floats).
 */
import { type ChiSquareOutcome, chiSquareLargestAtom, chiSquareUpperTail } from './stats.ts';
import { MIN_EXPECTED_COUNT, type ScaledSourceDescription } from './types.ts';

/** A reel's law as integer weights: P(stop i) = weights[i] / total, exactly. */
export interface ExactLaw {
  readonly weights: readonly bigint[];
  readonly total: bigint;
}

/** The exact value m 2^e of a finite non-negative double, as [m, e] with m a bigint. */
function doubleAsBinaryRational(x: number): [bigint, number] {
  if (!(Number.isFinite(x) && x >= 0)) throw new RangeError(`probability ${x} is not finite and >= 0`);
  if (x === 0) return [0n, 0];
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const high = view.getUint32(0);
  const low = view.getUint32(4);
  const biased = (high >>> 20) & 0x7ff;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  if (biased !== 0) mantissa |= 1n << 52n;
  return [mantissa, (biased === 0 ? 1 : biased) - 1075];
}

/**
 * The source's law as integers: its integer `weights` when it states them (the reel's own
 * weights: what a lab has), else the exact binary values of its `probabilities` (each double is
 * m 2^e exactly) over the common denominator 2^-min(e). Both are exact: no rounding, no order.
 */
export function exactLaw(description: ScaledSourceDescription): ExactLaw {
  const { weights, probabilities, range } = description;
  if (weights) {
    if (weights.length !== range || !weights.every((w) => Number.isSafeInteger(w) && w >= 0)) {
      throw new RangeError(`weights must be ${range} non-negative safe integers`);
    }
    const exact = weights.map((w) => BigInt(w));
    const total = exact.reduce((a, b) => a + b, 0n);
    if (total === 0n) throw new RangeError('weights sum to 0');
    return { weights: exact, total };
  }
  if (!probabilities) throw new RangeError('a uniform source has no weights');
  const parts = probabilities.map(doubleAsBinaryRational);
  const minExponent = Math.min(...parts.filter(([m]) => m !== 0n).map(([, e]) => e));
  const exact = parts.map(([m, e]) => (m === 0n ? 0n : m << BigInt(e - minExponent)));
  return { weights: exact, total: exact.reduce((a, b) => a + b, 0n) };
}

/**
 * Pearson's chi-square with small cells pooled, in exact arithmetic. Cell c has expected count
 * count * numerators[c] / denominator. The rule (the same as `pooledChiSquare`, made exact):
 * 1. a cell expecting at least MIN_EXPECTED_COUNT is a category of its own;
 * 2. the other cells, in ascending order of expected count, ties by ascending cell index, are
 *    pooled in that order, a pool closing as soon as it expects at least MIN_EXPECTED_COUNT;
 * 3. a last pool still below the minimum joins the category with the smallest expected count
 *    (ties: the one formed first, categories of rule 1 in cell order before the pools of rule 2).
 * Comparisons are exact (bigint); only the final sum of (o - e)^2 / e is in floating point, each
 * e = Number(count * numerator) / Number(denominator), summed in category order.
 */
export function exactPooledChiSquare(
  observed: ArrayLike<number>,
  numerators: readonly bigint[],
  denominator: bigint,
  count: number,
): ChiSquareOutcome | null {
  const k = observed.length;
  if (numerators.length !== k) throw new RangeError('observed and expected differ in length');
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError('count must be a safe integer');
  const scale = BigInt(count);
  const minimum = BigInt(MIN_EXPECTED_COUNT) * denominator; // e >= 5  <=>  count * num >= 5 * den
  const pools: { o: number; e: bigint }[] = [];
  const small: number[] = [];
  for (let c = 0; c < k; c++) {
    const e = scale * numerators[c]!;
    if (e >= minimum) pools.push({ o: observed[c]!, e });
    else small.push(c);
  }
  small.sort((a, b) => (numerators[a]! < numerators[b]! ? -1 : numerators[a]! > numerators[b]! ? 1 : a - b));
  let pending = { o: 0, e: 0n };
  for (const c of small) {
    pending.o += observed[c]!;
    pending.e += scale * numerators[c]!;
    if (pending.e >= minimum) {
      pools.push(pending);
      pending = { o: 0, e: 0n };
    }
  }
  if (pending.e > 0n || pending.o > 0) {
    if (pools.length === 0) return null;
    let smallest = 0;
    for (let j = 1; j < pools.length; j++) if (pools[j]!.e < pools[smallest]!.e) smallest = j;
    pools[smallest]!.o += pending.o;
    pools[smallest]!.e += pending.e;
  }
  const degreesOfFreedom = pools.length - 1;
  if (degreesOfFreedom < 1) return null;
  const expected = pools.map((p) => Number(p.e) / Number(denominator));
  let statistic = 0;
  for (const [j, pool] of pools.entries()) statistic += (pool.o - expected[j]!) ** 2 / expected[j]!;
  return {
    statistic,
    degreesOfFreedom,
    pValue: chiSquareUpperTail(statistic, degreesOfFreedom),
    pValueMethod: 'chi-square',
    categories: pools.length,
    rawCategories: k,
    largestAtom: chiSquareLargestAtom(expected),
  };
}
