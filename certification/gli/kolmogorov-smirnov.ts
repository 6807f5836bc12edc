/**
 * Kolmogorov–Smirnov test of P-values across repetitions: Knuth TAOCP vol. 2 §3.3.1B. If a test is
 * repeated on r independent sequences, its r P-values must look uniform on [0, 1); the KS
 * statistic measures the largest gap between their empirical distribution and the diagonal.
 *
 * Knuth states the one-sided statistics K+ = sqrt(r) max(j/r - F(x_j)) and K- = sqrt(r)
 * max(F(x_j) - (j-1)/r) (eq. (13)); both are reported. The verdict uses the two-sided D_r =
 * max(K+, K-)/sqrt(r), whose distribution is computed EXACTLY by the method of Marsaglia, Tsang &
 * Wang, "Evaluating Kolmogorov's distribution", J. Stat. Software 8(18), 2003 (written here from
 * the paper's description), for r <= 2000. The paper's quick tail formula 1 - 2 exp(-(2.000071 +
 * .331/sqrt n + 1.409/n) n d^2) is NOT used: it is off by 0.1-2% at P between 1e-3 and 1e-5
 * (issue 15). For r > 2000 (matrix too large) the limiting Kolmogorov law with Stephens'
 * correction, Stephens (1970) JRSS B 32:115, lambda = (sqrt r + 0.12 + 0.11/sqrt r) D.
 * Where 1 - P(D < d) cancels (P below 1e-8) the P-value is the upper bound 2 P(D+ >= d), with
 * P(D+ >= d) exact by the Birnbaum–Tingey formula (Ann. Math. Stat. 22 (1951) 592-596); the
 * bound is exact for d >= 1/2 and its relative excess is at most P(D+ >= d) otherwise. It never
 * returns 0 for D < 1 unless the value is below the smallest double (then `log10PValue` says how small).
 */

import { lgam } from '../nist/special-functions.ts';

/** Largest r for which the exact matrix method is used. */
const EXACT_MAX_SAMPLES = 2000;

/** P(D_n < d) for the two-sided one-sample statistic, n samples. */
export function kolmogorovCdf(n: number, d: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`KS sample size must be a positive integer`);
  if (!(d >= 0)) throw new RangeError(`KS statistic must be >= 0`);
  if (d <= 1 / (2 * n)) return 0; // D_n >= 1/(2n) always
  if (d >= 1) return 1;
  if (n > EXACT_MAX_SAMPLES)
    return 1 - kolmogorovLimitingTail((Math.sqrt(n) + 0.12 + 0.11 / Math.sqrt(n)) * d);
  return marsagliaTsangWang(n, d);
}

/** log C(n, j) by log-gamma. */
function logChoose(n: number, j: number): number {
  return lgam(n + 1) - lgam(j + 1) - lgam(n - j + 1);
}

/**
 * Natural log of P(D+_n >= d), exact (Birnbaum & Tingey 1951):
 *   P(D+ >= d) = d sum_{j=0}^{floor(n(1-d))} C(n, j) (1 - d - j/n)^(n-j) (d + j/n)^(j-1),
 * summed in log space (log-sum-exp), so it stays finite far below the smallest double.
 */
export function logSmirnovUpperTail(n: number, d: number): number {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError('KS sample size must be a positive integer');
  if (d <= 0) return 0;
  if (d >= 1) return Number.NEGATIVE_INFINITY;
  const logs: number[] = [];
  const last = Math.floor(n * (1 - d) + 1e-12);
  for (let j = 0; j <= last; j++) {
    const rest = 1 - d - j / n;
    if (rest <= 0 && n - j > 0) continue;
    logs.push(
      logChoose(n, j) + (n - j) * Math.log(Math.max(rest, Number.MIN_VALUE)) + (j - 1) * Math.log(d + j / n),
    );
  }
  if (logs.length === 0) return Number.NEGATIVE_INFINITY;
  const top = Math.max(...logs);
  let sum = 0;
  for (const l of logs) sum += Math.exp(l - top);
  return Math.log(d) + top + Math.log(sum);
}

/** Below this, 1 - P(D < d) has lost too many digits to cancellation: the bound is used. */
const CANCELLATION_FLOOR = 1e-8;

/**
 * P(D_n >= d), two-sided: exact (Marsaglia–Tsang–Wang, or the Stephens-corrected limit for
 * n > 2000) where that is accurate, else the Birnbaum–Tingey bound 2 P(D+ >= d). Returns the
 * value, its natural log, and which of the two it is.
 */
export function kolmogorovUpperTail(
  n: number,
  d: number,
): { pValue: number; logPValue: number; method: 'exact' | 'upper bound' } {
  // The bound first: it costs O(n), and where it is below the floor so is the exact value (bound >=
  // exact), which cancellation would spoil anyway; the O(k^3 log n) matrix method only runs above it.
  const logBound = Math.LN2 + logSmirnovUpperTail(n, d);
  // A bound below the smallest double is reported as that double: still an upper bound, never 0.
  const bound = { pValue: Math.max(Number.MIN_VALUE, Math.exp(logBound)), logPValue: logBound };
  if (logBound < Math.log(CANCELLATION_FLOOR)) return { ...bound, method: 'upper bound' };
  const direct = Math.min(1, 1 - kolmogorovCdf(n, d));
  if (direct >= CANCELLATION_FLOOR) return { pValue: direct, logPValue: Math.log(direct), method: 'exact' };
  return { ...bound, method: 'upper bound' };
}

/** P(K >= lambda) of the limiting Kolmogorov distribution: 2 sum (-1)^(j-1) exp(-2 j^2 lambda^2). */
export function kolmogorovLimitingTail(lambda: number): number {
  if (lambda <= 0) return 1;
  if (lambda < 0.2) return 1; // the series converges slowly here and the tail is 1 to 1e-15
  let sum = 0;
  for (let j = 1; j <= 100; j++) {
    const term = Math.exp(-2 * j * j * lambda * lambda);
    sum += j % 2 === 1 ? term : -term;
    if (term < 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/**
 * Marsaglia–Tsang–Wang: with k = floor(n d) + 1, m = 2k - 1, h = k - n d, build the m x m matrix
 * H (lower Hessenberg of ones with corrected first column and last row, entry (i, j) divided by
 * (i - j + 1)!), then P(D_n < d) = n!/n^n * (H^n)_{k,k}. Powers are taken by squaring with a
 * separate decimal exponent so nothing under- or overflows.
 */
function marsagliaTsangWang(n: number, d: number): number {
  const k = Math.floor(n * d) + 1;
  const m = 2 * k - 1;
  const h = k - n * d;
  const H = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) H[i * m + j] = i - j + 1 >= 0 ? 1 : 0;
  for (let i = 0; i < m; i++) {
    H[i * m] = H[i * m]! - h ** (i + 1);
    H[(m - 1) * m + i] = H[(m - 1) * m + i]! - h ** (m - i);
  }
  H[(m - 1) * m] = H[(m - 1) * m]! + (2 * h - 1 > 0 ? (2 * h - 1) ** m : 0);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const g = i - j + 1;
      if (g > 0) {
        let f = 1;
        for (let t = 2; t <= g; t++) f *= t;
        H[i * m + j] = H[i * m + j]! / f;
      }
    }
  }
  const { matrix: Q, exponent } = matrixPower(H, m, n);
  let s = Q[(k - 1) * m + (k - 1)]!;
  let e = exponent;
  for (let i = 1; i <= n; i++) {
    s = (s * i) / n;
    if (s < 1e-140) {
      s *= 1e140;
      e -= 140;
    }
  }
  return Math.min(1, Math.max(0, s * 10 ** e));
}

function matrixMultiply(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const c = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let t = 0; t < m; t++) {
      const ait = a[i * m + t]!;
      if (ait === 0) continue;
      for (let j = 0; j < m; j++) c[i * m + j] = c[i * m + j]! + ait * b[t * m + j]!;
    }
  }
  return c;
}

/** A^p as (matrix, exponent) meaning matrix * 10^exponent. */
function matrixPower(a: Float64Array, m: number, p: number): { matrix: Float64Array; exponent: number } {
  if (p === 1) return { matrix: a.slice(), exponent: 0 };
  const half = matrixPower(a, m, Math.floor(p / 2));
  let matrix = matrixMultiply(half.matrix, half.matrix, m);
  let exponent = 2 * half.exponent;
  if (p % 2 === 1) matrix = matrixMultiply(a, matrix, m);
  const centre = matrix[Math.floor(m / 2) * m + Math.floor(m / 2)]!;
  if (centre > 1e140) {
    for (let i = 0; i < matrix.length; i++) matrix[i] = matrix[i]! * 1e-140;
    exponent += 140;
  }
  return { matrix, exponent };
}

export interface KsUniformityResult {
  readonly samples: number;
  /** Two-sided D_r. */
  readonly statistic: number;
  /** Knuth's K+_r and K-_r (§3.3.1B eq. (13)). */
  readonly kPlus: number;
  readonly kMinus: number;
  /** P(D_r >= observed) under uniformity (see `kolmogorovUpperTail`). */
  readonly pValue: number;
  /** log10 of the P-value: meaningful even where the P-value underflows a double. */
  readonly log10PValue: number;
  /** 'exact', or 'upper bound' where the exact value is below 1e-8 (Birnbaum–Tingey bound). */
  readonly pValueMethod: 'exact' | 'upper bound';
}

/** KS test that `values` (P-values) are uniform on [0, 1): Knuth §3.3.1B with F(x) = x. */
export function ksUniformity(values: readonly number[]): KsUniformityResult {
  const r = values.length;
  if (r < 1) throw new RangeError('KS test needs at least one value');
  const sorted = [...values].sort((a, b) => a - b);
  let dPlus = 0;
  let dMinus = 0;
  for (let j = 1; j <= r; j++) {
    const x = sorted[j - 1]!;
    if (!(x >= 0 && x <= 1)) throw new RangeError(`P-value out of [0, 1]: ${x}`);
    dPlus = Math.max(dPlus, j / r - x);
    dMinus = Math.max(dMinus, x - (j - 1) / r);
  }
  const statistic = Math.max(dPlus, dMinus);
  const tail = kolmogorovUpperTail(r, statistic);
  return {
    samples: r,
    statistic,
    kPlus: Math.sqrt(r) * dPlus,
    kMinus: Math.sqrt(r) * dMinus,
    pValue: tail.pValue,
    log10PValue: tail.logPValue / Math.LN10,
    pValueMethod: tail.method,
  };
}
