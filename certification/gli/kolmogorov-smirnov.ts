/**
 * Kolmogorov–Smirnov test of P-values across repetitions: Knuth TAOCP vol. 2 §3.3.1B. If a test is
 * repeated on r independent sequences, its r P-values must look uniform on [0, 1); the KS
 * statistic measures the largest gap between their empirical distribution and the diagonal.
 *
 * Knuth states the one-sided statistics K+ = sqrt(r) max(j/r - F(x_j)) and K- = sqrt(r)
 * max(F(x_j) - (j-1)/r) (eq. (13)); both are reported. The verdict uses the two-sided D_r =
 * max(K+, K-)/sqrt(r), whose distribution is computed EXACTLY by the method of Marsaglia, Tsang &
 * Wang, "Evaluating Kolmogorov's distribution", J. Stat. Software 8(18), 2003 (written here from
 * the paper's description). Where P(D >= d) is tiny (r d^2 above their thresholds) the paper's
 * own tail approximation is used; for r > 2000 (matrix too large) the limiting Kolmogorov law
 * with Stephens' correction, Stephens (1970) JRSS B 32:115, lambda = (sqrt r + 0.12 + 0.11/sqrt r) D.
 */

/** Largest r for which the exact matrix method is used. */
const EXACT_MAX_SAMPLES = 2000;

/** P(D_n < d) for the two-sided one-sample statistic, n samples. */
export function kolmogorovCdf(n: number, d: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`KS sample size must be a positive integer`);
  if (!(d >= 0)) throw new RangeError(`KS statistic must be >= 0`);
  if (d <= 1 / (2 * n)) return 0; // D_n >= 1/(2n) always
  if (d >= 1) return 1;
  const s = d * d * n;
  if (s > 7.24 || (s > 3.76 && n > 99)) {
    return 1 - 2 * Math.exp(-(2.000071 + 0.331 / Math.sqrt(n) + 1.409 / n) * s);
  }
  if (n > EXACT_MAX_SAMPLES)
    return 1 - kolmogorovLimitingTail((Math.sqrt(n) + 0.12 + 0.11 / Math.sqrt(n)) * d);
  return marsagliaTsangWang(n, d);
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
  /** P(D_r >= observed) under uniformity. */
  readonly pValue: number;
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
  return {
    samples: r,
    statistic,
    kPlus: Math.sqrt(r) * dPlus,
    kMinus: Math.sqrt(r) * dMinus,
    pValue: Math.min(1, Math.max(0, 1 - kolmogorovCdf(r, statistic))),
  };
}
