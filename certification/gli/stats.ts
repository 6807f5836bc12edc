import { createRequire } from 'node:module';
import { erfc, igamc, lgam } from '../nist/special-functions.ts';
import { MIN_EXPECTED_COUNT, type ScaledSource } from './types.ts';

/**
 * Upper tail of the chi-square distribution, P(X >= x) for X ~ chi^2(df): the regularized upper
 * incomplete gamma function Q(df/2, x/2) (Abramowitz & Stegun 26.4.19), evaluated by Cephes (the
 * same special functions as the NIST battery; @stdlib's gammainc is off by 2e-3 for large df).
 * simple-statistics only ships a table of critical values, too coarse for P-values.
 */
export function chiSquareUpperTail(x: number, degreesOfFreedom: number): number {
  if (!(degreesOfFreedom > 0))
    throw new RangeError(`degrees of freedom must be > 0, got ${degreesOfFreedom}`);
  if (Number.isNaN(x)) throw new RangeError('chi-square statistic is NaN');
  if (x <= 0) return 1;
  return igamc(degreesOfFreedom / 2, x / 2);
}

/** Two-sided P-value of a standard normal z: P(|Z| >= |z|) = erfc(|z| / sqrt 2) (A&S 26.2.29). */
export function normalTwoSidedP(z: number): number {
  if (Number.isNaN(z)) throw new RangeError('z statistic is NaN');
  return erfc(Math.abs(z) / Math.SQRT2);
}

/** Cephes' binomial distribution functions (the CommonJS build compiles synchronously on Node). */
const cephesBinomial = createRequire(import.meta.url)('cephes') as {
  /** P(X <= k), X ~ Binomial(n, p). */
  bdtr(k: number, n: number, p: number): number;
  /** P(X > k). */
  bdtrc(k: number, n: number, p: number): number;
};

/**
 * Exact two-sided P-value of a two-category count: P(|X - np| >= |observed - np|) for X ~
 * Binomial(n, p), which is P(X^2 >= observed X^2) for Pearson's statistic with one degree of
 * freedom (X^2 = (x - np)^2 / (np(1 - p)) is monotone in |x - np|). By Cephes' bdtr/bdtrc
 * (incomplete beta function). Never below the smallest binomial tail (no exact 0 unless n huge).
 */
export function binomialTwoSidedP(observed: number, n: number, p: number): number {
  if (!(Number.isInteger(observed) && Number.isInteger(n) && observed >= 0 && observed <= n)) {
    throw new RangeError(`binomial count ${observed} of ${n} is not a count`);
  }
  if (!(p > 0 && p < 1)) throw new RangeError(`binomial probability ${p} outside (0, 1)`);
  const mean = n * p;
  const deviation = Math.abs(observed - mean);
  const tolerance = 1e-9 * Math.max(1, mean);
  if (deviation <= tolerance) return 1;
  const lowCut = Math.floor(mean - deviation + tolerance);
  const highCut = Math.ceil(mean + deviation - tolerance);
  const low = lowCut >= 0 ? (lowCut >= n ? 1 : cephesBinomial.bdtr(lowCut, n, p)) : 0;
  const high = highCut <= n ? (highCut <= 0 ? 1 : cephesBinomial.bdtrc(highCut - 1, n, p)) : 0;
  return Math.min(1, low + high);
}

export interface ChiSquareOutcome {
  readonly statistic: number;
  readonly degreesOfFreedom: number;
  readonly pValue: number;
  /** Categories after lumping. */
  readonly categories: number;
  /** Categories before lumping. */
  readonly rawCategories: number;
  /** Estimate of the statistic's largest atom under the hypothesis: see `chiSquareLargestAtom`. */
  readonly largestAtom: number;
  /** How the P-value was computed: the chi-square law, or exactly for two categories. */
  readonly pValueMethod: 'chi-square' | 'exact binomial';
}

/**
 * Pearson's chi-square goodness of fit (Knuth TAOCP vol. 2 §3.3.1A, eq. (8)), with degrees of
 * freedom = categories - 1 - `estimatedParameters`.
 *
 * Categories whose expected count is below `minimumExpected` (default MIN_EXPECTED_COUNT) are lumped first (§3.3.1A: "lump
 * a few categories of low probability together"). The grouping depends only on the expected
 * counts (never on the observations), so the statistic keeps its chi-square law: the smallest
 * cells are pooled in ascending order of expectation until each pool reaches the minimum; a
 * final pool still below it joins the smallest cell that reached it.
 * Returns null when fewer than two categories remain (no test possible).
 */
export function pooledChiSquare(
  observed: ArrayLike<number>,
  expected: ArrayLike<number>,
  estimatedParameters = 0,
  minimumExpected = MIN_EXPECTED_COUNT,
): ChiSquareOutcome | null {
  const k = observed.length;
  if (!(minimumExpected > 0)) throw new RangeError('minimum expected count must be > 0');
  if (expected.length !== k) throw new RangeError('observed and expected differ in length');
  const order: number[] = [];
  const pools: { o: number; e: number }[] = [];
  for (let i = 0; i < k; i++) {
    const e = expected[i]!;
    if (!(e >= 0) || !Number.isFinite(e)) throw new RangeError(`bad expected count ${e} in category ${i}`);
    if (e >= minimumExpected) pools.push({ o: observed[i]!, e });
    else order.push(i);
  }
  order.sort((a, b) => expected[a]! - expected[b]! || a - b);
  let pending = { o: 0, e: 0 };
  for (const i of order) {
    pending.o += observed[i]!;
    pending.e += expected[i]!;
    if (pending.e >= minimumExpected) {
      pools.push(pending);
      pending = { o: 0, e: 0 };
    }
  }
  if (pending.e > 0 || pending.o > 0) {
    if (pools.length === 0) return null;
    let smallest = 0;
    for (let j = 1; j < pools.length; j++) if (pools[j]!.e < pools[smallest]!.e) smallest = j;
    pools[smallest]!.o += pending.o;
    pools[smallest]!.e += pending.e;
  }
  const degreesOfFreedom = pools.length - 1 - estimatedParameters;
  if (degreesOfFreedom < 1) return null;
  let statistic = 0;
  for (const { o, e } of pools) statistic += ((o - e) * (o - e)) / e;
  const exact = exactTwoCategoryP(pools, estimatedParameters);
  return {
    statistic,
    degreesOfFreedom,
    pValue: exact ?? chiSquareUpperTail(statistic, degreesOfFreedom),
    pValueMethod: exact === null ? 'chi-square' : 'exact binomial',
    categories: pools.length,
    rawCategories: k,
    largestAtom: chiSquareLargestAtom(pools.map((pool) => pool.e)),
  };
}

/**
 * Two categories with nothing estimated: the count of the first is Binomial(n, e_1/n), and its
 * exact P-value replaces the chi-square law with one degree of freedom, which rejects more than
 * alpha at small counts (frequency on 20 draws at range 2: P(|X - 10| >= 6) = 1.18% where the
 * chi-square says 1%). Null when the observed and expected totals differ (no binomial model).
 */
function exactTwoCategoryP(
  pools: readonly { o: number; e: number }[],
  estimatedParameters: number,
): number | null {
  if (pools.length !== 2 || estimatedParameters !== 0) return null;
  const [a, b] = pools as [{ o: number; e: number }, { o: number; e: number }];
  const n = a.o + b.o;
  if (!Number.isInteger(a.o) || !Number.isInteger(b.o) || Math.abs(a.e + b.e - n) > 1e-6 * Math.max(1, n)) {
    return null;
  }
  return binomialTwoSidedP(a.o, n, a.e / (a.e + b.e));
}

/** Largest density of the chi-square law with df degrees of freedom (at its mode max(df - 2, 0)). */
function chiSquareMaxDensity(df: number): number {
  if (df <= 2) return 0.5; // df = 1 is unbounded at 0 and handled apart by the caller
  const mode = df - 2;
  return Math.exp((df / 2 - 1) * Math.log(mode) - mode / 2 - (df / 2) * Math.LN2 - lgam(df / 2));
}

/**
 * Estimate of the largest probability that Pearson's chi-square takes any ONE value under the
 * hypothesis, from the pooled expected counts e_i (N = sum e_i): how discrete the statistic is.
 * Why: the KS second level compares the P-values with the uniform law; a statistic with few
 * values gives P-values with atoms of this size, which the KS test of hundreds of sequences sees
 * as non-uniformity (issue 15: poker at range 2 on 1,000 draws). Estimates, by the local limit
 * theorem:
 * - two categories (df = 1): X^2 = (o_1 - e_1)^2 N/(e_1 e_2) with o_1 ~ Binomial(N, p); at most two
 *   counts give one value: 2 max pmf = 2 exp(log-pmf at the mode), exact.
 * - equal expected counts e (df >= 2): X^2 = (k/N) sum o_i^2 - N moves on a lattice of step 2k/N
 *   (sum o_i^2 has the parity of N); an atom is about (max density) x step, doubled because sums
 *   of few squares leave gaps in the lattice.
 * - unequal expected counts (df >= 2): distinct count vectors give distinct values but for
 *   coincidences; the atom is about twice the largest multinomial probability,
 *   (2 pi)^(-(k-1)/2) / sqrt(N^(k-1) prod p_i) (normal approximation).
 */
export function chiSquareLargestAtom(expected: readonly number[]): number {
  const k = expected.length;
  const n = expected.reduce((a, b) => a + b, 0);
  if (k < 2 || !(n > 0)) return 1;
  if (k === 2) {
    const p = expected[0]! / n;
    const trials = Math.round(n);
    const mode = Math.floor((trials + 1) * p);
    const logPmf =
      lgam(trials + 1) -
      lgam(mode + 1) -
      lgam(trials - mode + 1) +
      mode * Math.log(p) +
      (trials - mode) * Math.log1p(-p);
    return Math.min(1, 2 * Math.exp(logPmf));
  }
  const first = expected[0]!;
  if (expected.every((e) => Math.abs(e - first) <= 1e-9 * first)) {
    return Math.min(1, 2 * chiSquareMaxDensity(k - 1) * ((2 * k) / n));
  }
  let logDensity = (-(k - 1) / 2) * Math.log(2 * Math.PI * n);
  for (const e of expected) logDensity -= 0.5 * Math.log(e / n);
  // The multinomial lives on k - 1 free counts; its covariance determinant is N^(k-1) prod p_i.
  return Math.min(1, 2 * Math.exp(logDensity));
}

/**
 * Maps draws in [0, range) onto a coarser range d, as Knuth does before the serial, poker and
 * similar tests (§3.3.2: "Y_j = floor(d U_j)", the leading "digit" in radix d). With m =
 * floor(range / d), a draw x < m*d maps to floor(x / m), and a draw x >= m*d is REJECTED (returns
 * -1): under the hypothesis of uniform draws the accepted values are then exactly uniform on
 * [0, d) and still independent, whereas floor(x * d / range) would be biased when d does not
 * divide range. The rejected fraction is < d / range.
 */
export interface Coarsening {
  readonly range: number;
  readonly d: number;
  /** floor(range / d): width of one coarse cell. */
  readonly cellWidth: number;
  /** Draws >= this are rejected. */
  readonly acceptBelow: number;
  /** Maps a draw to [0, d), or -1 when rejected. Identity when d === range. */
  map(x: number): number;
}

export function coarsening(range: number, d: number): Coarsening {
  if (!Number.isSafeInteger(range) || range < 1) throw new RangeError(`range must be a positive integer`);
  if (!Number.isSafeInteger(d) || d < 1 || d > range) throw new RangeError(`coarse d must be in [1, range]`);
  const cellWidth = Math.floor(range / d);
  const acceptBelow = cellWidth * d;
  if (d === range) return { range, d, cellWidth: 1, acceptBelow: range, map: (x) => x };
  return {
    range,
    d,
    cellWidth,
    acceptBelow,
    map: (x) => (x < acceptBelow ? Math.floor(x / cellWidth) : -1),
  };
}

/** The coarse range for a test that needs about `cellsPerSample` draws per cell: min(range, cap, fit). */
export function coarseRange(range: number, cap: number): number {
  return Math.max(1, Math.min(range, Math.floor(cap)));
}

/**
 * Distribution of the number r of distinct values among k independent uniform draws from d
 * values (Knuth §3.3.2D, eq. (5)): p_r = d(d-1)...(d-r+1) / d^k * S(k, r), S = Stirling numbers of
 * the second kind. Evaluated by the recurrence behind S(k, r) = r S(k-1, r) + S(k-1, r-1) carried
 * in probabilities (after i draws with j distinct, the next draw repeats with probability j/d),
 * which stays within floating-point range for any d. Index r in [0, k]; p_0 = 0 for k >= 1.
 */
export function distinctCountProbabilities(d: number, k: number): Float64Array {
  let current = new Float64Array(k + 1);
  current[0] = 1;
  for (let i = 0; i < k; i++) {
    const next = new Float64Array(k + 1);
    for (let j = 0; j <= i; j++) {
      const p = current[j]!;
      if (p === 0) continue;
      next[j] = next[j]! + (p * j) / d;
      if (j < d) next[j + 1] = next[j + 1]! + (p * (d - j)) / d;
    }
    current = next;
  }
  return current;
}

/** Natural log of n! (n a non-negative integer), exact summation for the small n used here. */
export function logFactorial(n: number): number {
  let sum = 0;
  for (let i = 2; i <= n; i++) sum += Math.log(i);
  return sum;
}

/** Largest probability of a tie between two adjacent compared values the order-based tests accept. */
export const MAX_TIE_PROBABILITY = 2 ** -20;

/**
 * Knuth's run tests (§3.3.2G) assume real-valued draws: no two adjacent values equal. Integer draws
 * tie with probability c = sum p_i^2 (1/range when uniform). To make ties negligible, k
 * consecutive draws are read as ONE mixed-radix value x_1 range^(k-1) + ... + x_k (still iid, and
 * order statistics of iid values do not depend on their law), k the least with c^k <= 2^-20.
 * Then the tie-induced change in any run count is at most (draws) * 2^-20, below one standard
 * deviation (~sqrt(draws)) for every sample under 2^40 draws. Returns null when range^k would
 * leave the exact integers of a double (e.g. a reel where one stop has nearly all the weight).
 */
export function continuityGrouping(range: number, probabilities?: readonly number[]): number | null {
  let c = 1 / range;
  if (probabilities) {
    c = 0;
    for (const p of probabilities) c += p * p;
  }
  if (!(c < 1)) return null;
  const k = Math.max(1, Math.ceil(Math.log(MAX_TIE_PROBABILITY) / Math.log(c) - 1e-12));
  if (range ** k > Number.MAX_SAFE_INTEGER) return null;
  return k;
}

/**
 * Reader of the near-continuous values of `continuityGrouping`: each call reads k consecutive
 * draws from `source` as the mixed-radix value x_1 range^(k-1) + ... + x_k.
 */
export function groupedValueReader(source: ScaledSource, range: number, k: number): () => number {
  return () => {
    let v = 0;
    for (let i = 0; i < k; i++) v = v * range + source.next();
    return v;
  };
}
