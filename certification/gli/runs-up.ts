import { chiSquareUpperTail, continuityGrouping, groupedValueReader } from './stats.ts';
import { checkSampleSize, type GliTestResult, notApplicable, type ScaledSource } from './types.ts';

const NAME = 'runs-up';
const REFERENCE =
  'Knuth TAOCP vol.2 §3.3.2G (run test: runs up with their exact covariance, eqs. (10)-(12)); Levene & Wolfowitz, Ann. Math. Stat. 15 (1944)';

/** Run lengths counted: 1..5 and ">= 6", as Knuth does. */
const LENGTH_CLASSES = 6;
/** Knuth: the chi-square approximation of V is good for n >= 4000. */
const MIN_VALUES = 4000;

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

/** Mean vector and covariance matrix of (R_1, ..., R_5, R'_6): runs of length exactly 1..5 and >= 6. */
export function runLengthMoments(n: number): { mean: number[]; covariance: number[][] } {
  const factorial = factorials(LENGTH_CLASSES + 2);
  const atLeastMean = (p: number) => (p > n ? 0 : meanRunsAtLeast(p, n, factorial));
  // R_i = R'_i - R'_(i+1) for i < 6, R_6 = R'_6: a linear map of the ">= p" counts.
  const terms = (i: number): [number, number][] =>
    i < LENGTH_CLASSES
      ? [
          [i, 1],
          [i + 1, -1],
        ]
      : [[i, 1]];
  const cov = (p: number, q: number) => (p > n || q > n ? 0 : runsAtLeastCovariance(p, q, n));
  const mean: number[] = [];
  const covariance: number[][] = [];
  for (let i = 1; i <= LENGTH_CLASSES; i++) {
    mean.push(terms(i).reduce((sum, [p, c]) => sum + c * atLeastMean(p), 0));
    const row: number[] = [];
    for (let j = 1; j <= LENGTH_CLASSES; j++) {
      let v = 0;
      for (const [p, cp] of terms(i)) for (const [q, cq] of terms(j)) v += cp * cq * cov(p, q);
      row.push(v);
    }
    covariance.push(row);
  }
  return { mean, covariance };
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
 * ">= 6" in the whole sequence. Adjacent runs are dependent, so instead of a plain chi-square
 * Knuth uses V = (R - mean)^T C^-1 (R - mean) with the covariance C of the run counts, which is
 * asymptotically chi-square with 6 degrees of freedom. Here mean and C are the EXACT finite-n
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
  const parameters = { range, drawsPerValue: k, values: n };
  if (n < MIN_VALUES) return notApplicable(NAME, REFERENCE, 0, parameters, `fewer than ${MIN_VALUES} values`);
  const counts = [0, 0, 0, 0, 0, 0];
  const readValue = groupedValueReader(source, range, k);
  let previous = readValue();
  let length = 1;
  for (let j = 1; j < n; j++) {
    const v = readValue();
    if (v > previous) {
      length++;
    } else {
      counts[Math.min(length, LENGTH_CLASSES) - 1]! += 1;
      length = 1;
    }
    previous = v;
  }
  counts[Math.min(length, LENGTH_CLASSES) - 1]! += 1;
  const { mean, covariance } = runLengthMoments(n);
  const deviation = counts.map((c, i) => c - mean[i]!);
  const solved = solveLinear(covariance, deviation);
  const statistic = deviation.reduce((sum, dv, i) => sum + dv * solved[i]!, 0);
  return {
    name: NAME,
    reference: REFERENCE,
    pValues: [chiSquareUpperTail(statistic, LENGTH_CLASSES)],
    statistic,
    degreesOfFreedom: LENGTH_CLASSES,
    sampleSize: n * k,
    parameters: { ...parameters, runCounts: counts.join(',') },
    applicable: true,
  };
}
