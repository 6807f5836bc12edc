import { igamc } from './special-functions.ts';
import { assertBits, assertIntegerIn, type NistTestResult, notApplicable } from './types.ts';

export const LINEAR_COMPLEXITY_DEFAULT_M = 500;

/**
 * Class probabilities as the reference has them (item 9): π₀ = 0.01047 is a typo for 1/96 =
 * 0.010417 that the §2.10.8 example shares; `documentPi0` = 0.010417 is the corrected value.
 */
export const LINEAR_COMPLEXITY_PI = [0.01047, 0.03125, 0.125, 0.5, 0.25, 0.0625, 0.020833] as const;

/**
 * Linear complexity of bits[start .. start+M) by Berlekamp–Massey over GF(2), bit-parallel: the
 * connection polynomials are packed 32 coefficients a word, and the sequence is stored reversed
 * so that the discrepancy Σ C_i·s_{N−i} is the parity of a word-wise AND. Scratch arrays are
 * passed in so that a whole run allocates once.
 */
export function berlekampMassey(bits: Uint8Array, start: number, M: number, scratch?: BmScratch): number {
  const s = scratch ?? createBmScratch(M);
  const { reversed, c, b, t } = s;
  const C = c;
  let B = b;
  let T = t;
  reversed.fill(0);
  C.fill(0);
  B.fill(0);
  for (let p = 0; p < M; p++) {
    if (bits[start + M - 1 - p] === 1) reversed[p >>> 5] = reversed[p >>> 5]! | (1 << (p & 31));
  }
  C[0] = 1;
  B[0] = 1;
  let L = 0;
  let m = -1;
  let bWords = 1;
  for (let N = 0; N < M; N++) {
    // Discrepancy: parity of C[0..L] · (s_N, s_{N−1}, …, s_{N−L}) = reversed bits from M−1−N.
    const off = M - 1 - N;
    const q = off >>> 5;
    const r = off & 31;
    const lastWord = L >>> 5;
    let acc = 0;
    if (r === 0) {
      for (let k = 0; k <= lastWord; k++) acc ^= C[k]! & reversed[q + k]!;
    } else {
      const rl = 32 - r;
      for (let k = 0; k <= lastWord; k++) {
        acc ^= C[k]! & ((reversed[q + k]! >>> r) | (reversed[q + k + 1]! << rl));
      }
    }
    acc ^= acc >>> 16;
    acc ^= acc >>> 8;
    acc ^= acc >>> 4;
    if (((0x6996 >>> (acc & 0xf)) & 1) === 0) continue;
    const grow = L <= N >>> 1;
    const cWords = (N >>> 5) + 2;
    if (grow) T.set(C.subarray(0, cWords));
    // C ^= B · x^(N − m)
    const shift = N - m;
    const ws = shift >>> 5;
    const bs = shift & 31;
    if (bs === 0) {
      for (let k = 0; k < bWords; k++) C[k + ws] = C[k + ws]! ^ B[k]!;
    } else {
      const rb = 32 - bs;
      for (let k = 0; k < bWords; k++) {
        const w = B[k]!;
        C[k + ws] = C[k + ws]! ^ (w << bs);
        C[k + ws + 1] = C[k + ws + 1]! ^ (w >>> rb);
      }
    }
    if (grow) {
      L = N + 1 - L;
      m = N;
      const old = B;
      B = T;
      T = old;
      bWords = cWords;
    }
  }
  return L;
}

export interface BmScratch {
  readonly reversed: Uint32Array;
  readonly c: Uint32Array;
  readonly b: Uint32Array;
  readonly t: Uint32Array;
}

export function createBmScratch(M: number): BmScratch {
  // Twice the words a degree-M polynomial needs: the shifted XOR may touch (zero) words past it.
  const words = 2 * ((M >>> 5) + 4);
  return {
    reversed: new Uint32Array(words),
    c: new Uint32Array(words),
    b: new Uint32Array(words),
    t: new Uint32Array(words),
  };
}

export interface LinearComplexityOptions {
  /** Block length M (default 500). */
  readonly M?: number;
  /** 'reference' (default) uses π₀ = 0.01047 as the reference does; 'document' uses 0.010417. */
  readonly pi0?: 'reference' | 'document';
}

/**
 * Linear complexity test, SP 800-22 §2.10 (description §3.10), as the reference (item 9):
 * μ = M/2 + (9 + (−1)^{M+1})/36 − (M/3 + 2/9)/2^M, T = (−1)^M (L − μ) + 2/9, seven classes
 * ≤ −2.5, (−2.5, −1.5], …, > 2.5, χ² against π, P = igamc(K/2, χ²/2) with K = 6.
 */
export function linearComplexityTest(
  bits: Uint8Array,
  options: LinearComplexityOptions = {},
): NistTestResult {
  assertBits(bits);
  const M = options.M ?? LINEAR_COMPLEXITY_DEFAULT_M;
  assertIntegerIn('M', M, 1, 1 << 24);
  const n = bits.length;
  const N = Math.floor(n / M);
  const K = 6;
  const parameters = { n, M, N, K, pi0: options.pi0 ?? 'reference' };
  if (N === 0) return notApplicable('LinearComplexity', `n = ${n} < M = ${M}`, parameters);
  const pi: number[] = [...LINEAR_COMPLEXITY_PI];
  if (options.pi0 === 'document') pi[0] = 0.010417;
  const signMean = (M + 1) % 2 === 0 ? 1 : -1; // (−1)^{M+1}
  const mean = M / 2 + (9 + signMean) / 36 - (1 / 2 ** M) * (M / 3 + 2 / 9);
  const signT = M % 2 === 0 ? 1 : -1;
  const nu = new Array<number>(K + 1).fill(0);
  const scratch = createBmScratch(M);
  const complexities: number[] = [];
  const tValues: number[] = [];
  for (let block = 0; block < N; block++) {
    const L = berlekampMassey(bits, block * M, M, scratch);
    if (N <= 16) complexities.push(L);
    const t = signT * (L - mean) + 2 / 9;
    if (N <= 16) tValues.push(t);
    if (t <= -2.5) nu[0]!++;
    else if (t <= -1.5) nu[1]!++;
    else if (t <= -0.5) nu[2]!++;
    else if (t <= 0.5) nu[3]!++;
    else if (t <= 1.5) nu[4]!++;
    else if (t <= 2.5) nu[5]!++;
    else nu[6]!++;
  }
  let chi2 = 0;
  for (let i = 0; i <= K; i++) chi2 += (nu[i]! - N * pi[i]!) ** 2 / (N * pi[i]!);
  return {
    name: 'LinearComplexity',
    pValues: [igamc(K / 2, chi2 / 2)],
    statistics: { mu: mean, nu, chi2, ...(N <= 16 ? { L: complexities, T: tValues } : {}) },
    parameters,
    applicable: true,
  };
}
