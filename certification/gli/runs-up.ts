import { chiSquareUpperTail, continuityGrouping, groupedValueReader } from './stats.ts';
import { checkSampleSize, type GliTestResult, notApplicable, type ScaledSource } from './types.ts';

const NAME = 'runs-up';
const REFERENCE =
  'Knuth TAOCP vol.2 §3.3.2G (run test: runs up with their exact covariance, eqs. (10)-(12)); Levene & Wolfowitz, Ann. Math. Stat. 15 (1944)';

/** Run lengths counted at most: 1..5 and ">= 6", as Knuth does. */
const LENGTH_CLASSES = 6;
/** Fewest classes: lengths 1 and ">= 2". */
const MIN_LENGTH_CLASSES = 2;
/**
 * Expected number of runs in the last class ("length >= c") the chi-square approximation of V
 * needs to hold its level. Knuth says n >= 4000 values for c = 6, but there the last class expects
 * only 4.8 runs and a sound source is rejected at the 1% level 1.8% of the time (issue 15).
 * Measured (chacha20, seed 0c0ffee0, sequence seed = sequenceSeed(seed, n), continuous 53-bit
 * values, bench/calibrate-runs-up.ts): rejection rate at alpha = 0.01 by (classes c, values n):
 *   c=6: n=1000 3.10%, 4000 1.82%, 20000 1.15% (20,000 repetitions each)
 *   c=2: n=240 1.04% (40,000)   c=3: n=640 0.95% (40,000)   c=4: n=2400 1.04% (30,000)
 *   c=5: n=11520 1.00% (15,000) c=6: n=67200 1.02% (4,000)
 * (99% binomial interval about +-0.13% at 40,000 repetitions.) So c is the largest class count whose
 * last class expects >= 80 runs: c = 6 from n = 67,200 values, 5 from 11,520, 4 from 2,400, 3 from
 * 640, 2 from 240; below 240 values the test is not applicable.
 */
export const MIN_EXPECTED_LAST_CLASS = 80;

/** Mean number of runs up of length >= c per value, asymptotically: c/(c+1)! (Knuth eq. (10)). */
function lastClassRate(c: number): number {
  let f = 1;
  for (let i = 2; i <= c + 1; i++) f *= i;
  return c / f;
}

/**
 * Number of run-length classes for n values (see MIN_EXPECTED_LAST_CLASS), or null below the
 * smallest n where even two classes hold their level.
 */
export function runLengthClasses(n: number): number | null {
  for (let c = LENGTH_CLASSES; c >= MIN_LENGTH_CLASSES; c--) {
    if (n * lastClassRate(c) >= MIN_EXPECTED_LAST_CLASS) return c;
  }
  return null;
}

/** Fewest values the test runs on: two classes, the last expecting MIN_EXPECTED_LAST_CLASS runs. */
export const RUNS_UP_MIN_VALUES = Math.ceil(MIN_EXPECTED_LAST_CLASS / lastClassRate(MIN_LENGTH_CLASSES));

/** (n + 1) p / (p + 1)! - (p - 1)/p!: mean number of runs up of length >= p among n values (Knuth eq. (10)). */
function meanRunsAtLeast(p: number, n: number, factorial: readonly number[]): number {
  return ((n + 1) * p) / factorial[p + 1]! - (p - 1) / factorial[p]!;
}

/**
 * Covariance of R'_p and R'_q, the numbers of runs up of length >= p and >= q in a random
 * permutation of n elements (Knuth §3.3.2G; Levene & Wolfowitz 1944): with t = max(p, q),
 * s = p + q,
 *   covar = mean(R'_t) + f(p, q, n)                 if p + q <= n,
 *   covar = mean(R'_t) - mean(R'_p) mean(R'_q)      otherwise,
 *   f = (n+1) [ (s(1-pq) + pq)/((p+1)!(q+1)!) - 2s/(s+1)! ] + 2(s-1)/s!
 *       + ((s^2 - s - 2) pq - s^2 - p^2 q^2 + 1)/((p+1)!(q+1)!).
 * Checked against complete enumeration of small permutations in the tests.
 */
export function runsAtLeastCovariance(p: number, q: number, n: number): number {
  const factorial = factorials(p + q + 2);
  const t = Math.max(p, q);
  const s = p + q;
  if (s > n) {
    return (
      meanRunsAtLeast(t, n, factorial) - meanRunsAtLeast(p, n, factorial) * meanRunsAtLeast(q, n, factorial)
    );
  }
  const pq = p * q;
  const denominator = factorial[p + 1]! * factorial[q + 1]!;
  const f =
    (n + 1) * ((s * (1 - pq) + pq) / denominator - (2 * s) / factorial[s + 1]!) +
    (2 * (s - 1)) / factorial[s]! +
    ((s * s - s - 2) * pq - s * s - pq * pq + 1) / denominator;
  return meanRunsAtLeast(t, n, factorial) + f;
}

function factorials(upTo: number): number[] {
  const out = [1];
  for (let i = 1; i <= upTo; i++) out.push(out[i - 1]! * i);
  return out;
}

/**
 * Mean vector and covariance matrix of (R_1, ..., R_(c-1), R'_c): runs of length exactly 1..c-1 and
 * >= c, c = `classes` (Knuth's c = 6 by default).
 */
export function runLengthMoments(
  n: number,
  classes = LENGTH_CLASSES,
): { mean: number[]; covariance: number[][] } {
  const factorial = factorials(classes + 2);
  const atLeastMean = (p: number) => (p > n ? 0 : meanRunsAtLeast(p, n, factorial));
  // R_i = R'_i - R'_(i+1) for i < 6, R_6 = R'_6: a linear map of the ">= p" counts.
  const terms = (i: number): [number, number][] =>
    i < classes
      ? [
          [i, 1],
          [i + 1, -1],
        ]
      : [[i, 1]];
  const cov = (p: number, q: number) => (p > n || q > n ? 0 : runsAtLeastCovariance(p, q, n));
  const mean: number[] = [];
  const covariance: number[][] = [];
  for (let i = 1; i <= classes; i++) {
    mean.push(terms(i).reduce((sum, [p, c]) => sum + c * atLeastMean(p), 0));
    const row: number[] = [];
    for (let j = 1; j <= classes; j++) {
      let v = 0;
      for (const [p, cp] of terms(i)) for (const [q, cq] of terms(j)) v += cp * cq * cov(p, q);
      row.push(v);
    }
    covariance.push(row);
  }
  return { mean, covariance };
}

/**
 * Estimate of the largest probability of one value of V: about twice the largest probability of
 * one vector of run counts, (2 pi)^(-c/2) det(C)^(-1/2) (local limit theorem; V is a quadratic
 * form, values of opposite deviations coincide).
 */
export function runCountsLargestAtom(covariance: readonly (readonly number[])[]): number {
  const c = covariance.length;
  const m = covariance.map((row) => [...row]);
  let logDeterminant = 0;
  for (let col = 0; col < c; col++) {
    const pivot = m[col]![col]!;
    if (!(pivot > 0)) return 1;
    logDeterminant += Math.log(pivot);
    for (let r = col + 1; r < c; r++) {
      const factor = m[r]![col]! / pivot;
      for (let k = col; k < c; k++) m[r]![k] = m[r]![k]! - factor * m[col]![k]!;
    }
  }
  return Math.min(1, 2 * Math.exp((-c / 2) * Math.log(2 * Math.PI) - logDeterminant / 2));
}

/** Solves A x = b by Gaussian elimination with partial pivoting (A small, symmetric positive definite). */
export function solveLinear(a: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const diagonal = m[col]![col]!;
    if (diagonal === 0) throw new RangeError('singular matrix');
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const factor = m[r]![col]! / diagonal;
      if (factor === 0) continue;
      for (let c = col; c <= n; c++) m[r]![c] = m[r]![c]! - factor * m[col]![c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/**
 * Run test, Knuth §3.3.2G: count the runs up (maximal ascending stretches) of length 1..5 and
 * ">= 6" in the whole sequence (fewer classes on short sequences: `runLengthClasses`). Adjacent runs are dependent, so instead of a plain chi-square
 * Knuth uses V = (R - mean)^T C^-1 (R - mean) with the covariance C of the run counts, which is
 * asymptotically chi-square with c (classes) degrees of freedom. Here mean and C are the EXACT finite-n
 * moments (Levene–Wolfowitz formulas above) rather than Knuth's rounded asymptotic a_ij table.
 * Integer draws are first grouped into near-continuous values (`continuityGrouping`); a tie
 * ends a run. Works for weighted reels (run counts of iid draws do not depend on their law).
 */
export function runsUpTest(source: ScaledSource, sampleSize: number): GliTestResult {
  const { range, probabilities } = source.describe();
  checkSampleSize(sampleSize);
  const k = continuityGrouping(range, probabilities);
  if (k === null) {
    return notApplicable(NAME, REFERENCE, 0, { range }, 'ties too frequent even after grouping draws');
  }
  const n = Math.floor(sampleSize / k);
  const classes = runLengthClasses(n);
  const parameters = { range, drawsPerValue: k, values: n, classes: classes ?? 0 };
  if (classes === null) {
    return notApplicable(
      NAME,
      REFERENCE,
      0,
      parameters,
      `fewer than ${RUNS_UP_MIN_VALUES} values (${RUNS_UP_MIN_VALUES * k} draws at ${k} draws per value): the chi-square law of V does not hold its level`,
    );
  }
  const counts = new Array<number>(classes).fill(0);
  const readValue = groupedValueReader(source, range, k);
  let previous = readValue();
  let length = 1;
  for (let j = 1; j < n; j++) {
    const v = readValue();
    if (v > previous) {
      length++;
    } else {
      counts[Math.min(length, classes) - 1]! += 1;
      length = 1;
    }
    previous = v;
  }
  counts[Math.min(length, classes) - 1]! += 1;
  const { mean, covariance } = runLengthMoments(n, classes);
  const deviation = counts.map((c, i) => c - mean[i]!);
  const solved = solveLinear(covariance, deviation);
  const statistic = deviation.reduce((sum, dv, i) => sum + dv * solved[i]!, 0);
  return {
    name: NAME,
    reference: REFERENCE,
    pValues: [chiSquareUpperTail(statistic, classes)],
    statistic,
    degreesOfFreedom: classes,
    sampleSize: n * k,
    parameters: { ...parameters, runCounts: counts.join(',') },
    applicable: true,
    largestAtom: runCountsLargestAtom(covariance),
  };
}
