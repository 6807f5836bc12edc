/**
 * Exact integer weighted sampling over a lookup table: row i is drawn with probability
 * weights[i] / Σ weights, with no floating point anywhere. A uniform integer u in [0, Σ) is drawn
 * by rejection from 32-bit words (unbiased), then the row is the first whose cumulative weight
 * exceeds u (binary search). Sums up to 2^53 use doubles (exact there); larger ones use BigInt.
 */
import type { RandomSource } from '../../rng/index.ts';
import type { LookupTable } from './lookup-table.ts';

const TWO_32 = 2 ** 32;

/** Uniform integer in [0, bound), bound in [1, 2^32]: rejection keeps it unbiased. */
export function uniformBelowSmall(source: RandomSource, bound: number): number {
  if (!(Number.isInteger(bound) && bound >= 1 && bound <= TWO_32))
    throw new RangeError(`bound ${bound} out of [1, 2^32]`);
  const limit = TWO_32 - (TWO_32 % bound); // accept words below the largest multiple of bound
  for (let attempt = 0; attempt < 1_000; attempt++) {
    const word = source.nextUint32();
    if (word < limit) return word % bound;
  }
  // Each attempt is accepted with probability > 1/2: 1,000 rejections in a row means a broken source.
  throw new Error('uniformBelowSmall: the random source keeps returning rejected words');
}

/** Uniform integer in [0, bound) for any bound >= 1, from as many 32-bit words as it needs. */
export function uniformBelow(source: RandomSource, bound: bigint): bigint {
  if (bound < 1n) throw new RangeError('bound must be >= 1');
  if (bound <= BigInt(TWO_32)) return BigInt(uniformBelowSmall(source, Number(bound)));
  let words = 0;
  while (1n << BigInt(32 * words) < bound) words++;
  const span = 1n << BigInt(32 * words);
  const limit = span - (span % bound);
  for (let attempt = 0; attempt < 1_000; attempt++) {
    let value = 0n;
    for (let w = 0; w < words; w++) value = (value << 32n) | BigInt(source.nextUint32());
    if (value < limit) return value % bound;
  }
  throw new Error('uniformBelow: the random source keeps returning rejected words');
}

export interface WeightedDraw {
  /** The drawn row index. */
  draw(source: RandomSource): number;
}

/** Prepares the draw over a table's rows (cumulative weights, once). */
export function weightedDraw(table: LookupTable): WeightedDraw {
  const rows = table.rows;
  if (table.totalWeight <= BigInt(Number.MAX_SAFE_INTEGER)) {
    const cumulative = new Float64Array(rows);
    let sum = 0;
    for (let i = 0; i < rows; i++) {
      sum += Number(table.weights[i]!);
      cumulative[i] = sum;
    }
    const total = sum;
    return {
      draw(source) {
        const u =
          total <= TWO_32 ? uniformBelowSmall(source, total) : Number(uniformBelow(source, BigInt(total)));
        return firstAbove(cumulative, u, rows);
      },
    };
  }
  const cumulative: bigint[] = new Array(rows);
  let sum = 0n;
  for (let i = 0; i < rows; i++) {
    sum += table.weights[i]!;
    cumulative[i] = sum;
  }
  const total = sum;
  return {
    draw(source) {
      const u = uniformBelow(source, total);
      let low = 0;
      let high = rows - 1;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (cumulative[mid]! > u) high = mid;
        else low = mid + 1;
      }
      return low;
    },
  };
}

/** First index whose cumulative weight exceeds u (zero-weight rows are never chosen). */
function firstAbove(cumulative: Float64Array, u: number, rows: number): number {
  let low = 0;
  let high = rows - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (cumulative[mid]! > u) high = mid;
    else low = mid + 1;
  }
  return low;
}
