import { assertBits, assertIntegerIn, type NistTestResult, notApplicable } from './types.ts';

export interface RankOptions {
  /** Rows M; the reference fixes 32 (item 11). */
  readonly rows?: number;
  /** Columns Q (≤ 32); the reference fixes 32. */
  readonly cols?: number;
  /**
   * Class probabilities (full rank, full − 1, rest). Default: the §3.5 formula for M×Q computed
   * in double as the reference does (0.288788 / 0.577576 / 0.133636 for 32×32). The §2.5.4
   * illustration plugs the rounded 32×32 values into a 3×3 example: pass them here to reproduce it.
   */
  readonly classProbabilities?: readonly [number, number, number];
}

/** Probability that a random M×Q binary matrix has rank r (SP 800-22 §3.5), as the reference computes it. */
export function rankProbability(r: number, rows: number, cols: number): number {
  let product = 1;
  for (let i = 0; i <= r - 1; i++) {
    product *= ((1 - 2 ** (i - cols)) * (1 - 2 ** (i - rows))) / (1 - 2 ** (i - r));
  }
  return 2 ** (r * (cols + rows - r) - rows * cols) * product;
}

/** Rank over GF(2) of `rows` row words (each row's bits in the low `cols` bits); destroys `m`. */
function gf2Rank(m: Uint32Array, rows: number, cols: number): number {
  let rank = 0;
  for (let c = cols - 1; c >= 0 && rank < rows; c--) {
    const bit = 1 << c;
    let pivot = -1;
    for (let r = rank; r < rows; r++) {
      if ((m[r]! & bit) !== 0) {
        pivot = r;
        break;
      }
    }
    if (pivot < 0) continue;
    const p = m[pivot]!;
    m[pivot] = m[rank]!;
    m[rank] = p;
    for (let r = rank + 1; r < rows; r++) if ((m[r]! & bit) !== 0) m[r] = m[r]! ^ p;
    rank++;
  }
  return rank;
}

/**
 * Binary matrix rank test, SP 800-22 §2.5 (description §3.5). Bits fill each M×Q matrix row by
 * row (the reference's `def_matrix`); bits past N·M·Q are dropped. χ² over the classes
 * {full rank, full − 1, lower}, P = e^{−χ²/2} (= igamc(1, χ²/2)).
 */
export function rankTest(bits: Uint8Array, options: RankOptions = {}): NistTestResult {
  assertBits(bits);
  const rows = options.rows ?? 32;
  const cols = options.cols ?? 32;
  assertIntegerIn('rows', rows, 2, 32);
  assertIntegerIn('cols', cols, 2, 32);
  const n = bits.length;
  const parameters = { n, M: rows, Q: cols };
  const matrixCount = Math.floor(n / (rows * cols));
  if (matrixCount === 0) {
    // The reference prints an error and writes P = 0.00 here; no P-value is the honest result.
    return notApplicable('Rank', `n = ${n} < M·Q = ${rows * cols}`, parameters);
  }
  const full = Math.min(rows, cols);
  let pFull: number;
  let pFullMinus1: number;
  let pRest: number;
  if (options.classProbabilities) {
    [pFull, pFullMinus1, pRest] = options.classProbabilities;
  } else {
    pFull = rankProbability(full, rows, cols);
    pFullMinus1 = rankProbability(full - 1, rows, cols);
    pRest = 1 - (pFull + pFullMinus1);
  }
  const m = new Uint32Array(rows);
  let fFull = 0;
  let fFullMinus1 = 0;
  for (let k = 0; k < matrixCount; k++) {
    const base = k * rows * cols;
    for (let i = 0; i < rows; i++) {
      let word = 0;
      const o = base + i * cols;
      for (let j = 0; j < cols; j++) word = (word << 1) | bits[o + j]!;
      m[i] = word >>> 0;
    }
    const r = gf2Rank(m, rows, cols);
    if (r === full) fFull++;
    else if (r === full - 1) fFullMinus1++;
  }
  const fRest = matrixCount - (fFull + fFullMinus1);
  const N = matrixCount;
  const chi2 =
    (fFull - N * pFull) ** 2 / (N * pFull) +
    (fFullMinus1 - N * pFullMinus1) ** 2 / (N * pFullMinus1) +
    (fRest - N * pRest) ** 2 / (N * pRest);
  return {
    name: 'Rank',
    pValues: [Math.exp(-chi2 / 2)],
    statistics: {
      N,
      F_M: fFull,
      F_M_minus_1: fFullMinus1,
      N_minus_F: fRest,
      chi2,
      p: [pFull, pFullMinus1, pRest],
    },
    parameters,
    applicable: true,
  };
}
