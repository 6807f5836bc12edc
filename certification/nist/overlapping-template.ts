import { igamc, lgam } from './special-functions.ts';
import { assertBits, assertIntegerIn, type NistTestResult, notApplicable } from './types.ts';

export const OVERLAPPING_DEFAULT_M = 9;
export const OVERLAPPING_DEFAULT_BLOCK_LENGTH = 1032;
export const OVERLAPPING_DEFAULT_K = 5;

/** The corrected Hamano–Kaneko class probabilities for m = 9, M = 1032, K = 5 (SP 800-22 §3.8). */
export const HAMANO_KANEKO_PI = [0.364091, 0.185659, 0.139381, 0.100571, 0.0704323, 0.139865] as const;

/**
 * Pr(u, η): probability of u overlapping occurrences of the all-ones template in a block, the
 * reference's `Pr` routine (SP 800-22 §3.8, compound Poisson approximation).
 */
export function overlappingPr(u: number, eta: number): number {
  if (u === 0) return Math.exp(-eta);
  let sum = 0;
  for (let l = 1; l <= u; l++) {
    sum += Math.exp(
      -eta - u * Math.log(2) + l * Math.log(eta) - lgam(l + 1) + lgam(u) - lgam(l) - lgam(u - l + 1),
    );
  }
  return sum;
}

export interface OverlappingOptions {
  /** Template length m (default 9); the template is m ones unless `template` is given. */
  readonly m?: number;
  readonly template?: string;
  /** Block length M (default 1032, the only value the reference supports). */
  readonly blockLength?: number;
  /** Degrees of freedom K (default 5): classes 0, 1, …, K−1 and ≥ K occurrences. */
  readonly K?: number;
  /**
   * 'reference' (default): π_u = Pr(u, η), π_K = 1 − Σ, which the reference actually uses (item 8,
   * it overwrites its Hamano–Kaneko initialisation). 'hamano-kaneko': the corrected values of
   * §3.8 (only for m = 9, M = 1032, K = 5).
   */
  readonly probabilities?: 'reference' | 'hamano-kaneko';
}

/**
 * Overlapping template matching test, SP 800-22 §2.8 (description §3.8). N = ⌊n/M⌋ blocks,
 * λ = (M − m + 1)/2^m, η = λ/2, ν = counts of blocks by number of (overlapping) matches,
 * χ² = Σ (ν_i − Nπ_i)²/(Nπ_i), P = igamc(K/2, χ²/2).
 */
export function overlappingTemplateTest(bits: Uint8Array, options: OverlappingOptions = {}): NistTestResult {
  assertBits(bits);
  const m = options.template?.length ?? options.m ?? OVERLAPPING_DEFAULT_M;
  assertIntegerIn('m', m, 1, 30);
  const templateText = options.template ?? '1'.repeat(m);
  if (!/^[01]+$/.test(templateText)) throw new RangeError(`template ${templateText} is not a bit string`);
  const template = Number.parseInt(templateText, 2);
  const M = options.blockLength ?? OVERLAPPING_DEFAULT_BLOCK_LENGTH;
  const K = options.K ?? OVERLAPPING_DEFAULT_K;
  assertIntegerIn('blockLength', M, m, Number.MAX_SAFE_INTEGER);
  assertIntegerIn('K', K, 1, 64);
  const mode = options.probabilities ?? 'reference';
  const n = bits.length;
  const N = Math.floor(n / M);
  const parameters = { n, m, M, N, K, template: templateText, probabilities: mode };
  if (N === 0) return notApplicable('OverlappingTemplate', `n = ${n} < M = ${M}`, parameters);
  const lambda = (M - m + 1) / 2 ** m;
  const eta = lambda / 2;
  let pi: number[];
  if (mode === 'hamano-kaneko') {
    if (m !== 9 || M !== 1032 || K !== 5)
      throw new RangeError('hamano-kaneko probabilities need m = 9, M = 1032, K = 5');
    pi = [...HAMANO_KANEKO_PI];
  } else {
    pi = [];
    let sum = 0;
    for (let u = 0; u < K; u++) {
      pi.push(overlappingPr(u, eta));
      sum += pi[u]!;
    }
    pi.push(1 - sum);
  }
  const nu = new Array<number>(K + 1).fill(0);
  const mask = m === 30 ? 0x3fffffff : (1 << m) - 1;
  for (let b = 0; b < N; b++) {
    const start = b * M;
    let v = 0;
    for (let k = 0; k < m - 1; k++) v = (v << 1) | bits[start + k]!;
    let w = 0;
    for (let j = 0; j <= M - m; j++) {
      v = ((v << 1) | bits[start + j + m - 1]!) & mask;
      if (v === template) w++;
    }
    nu[w < K ? w : K]!++;
  }
  let chi2 = 0;
  for (let i = 0; i <= K; i++) chi2 += (nu[i]! - N * pi[i]!) ** 2 / (N * pi[i]!);
  return {
    name: 'OverlappingTemplate',
    pValues: [igamc(K / 2, chi2 / 2)],
    statistics: { lambda, eta, pi, nu, chi2 },
    parameters,
    applicable: true,
  };
}
