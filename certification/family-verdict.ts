/**
 * The verdict of a whole battery from its second-level rows, at a stated family-wise level.
 *
 * Why: a battery has many rows (SP 800-22: 188, mostly the 148 non-overlapping templates; GLI-style:
 * 14 per channel) and each row is judged at its own level (SP 800-22 §4.2: the proportion range
 * p̂ ± 3σ and P-value_T >= 0.0001). "Every row passes" is then far stricter than any row's level:
 * with 20 sequences a sound generator fails at least one of the 188 SP 800-22 rows in about one run
 * in six. SP 800-22 §4.2 leaves the interpretation of a few failing rows to the tester; a tool that
 * gives one verdict must say how it combines them, and at what overall level.
 *
 * The battery fails when either of two things, each tested at half the family level, happens:
 * 1. One row is too extreme to be chance among N rows (Bonferroni): its smallest second-level
 *    P-value (the exact binomial tail of its pass count, or its uniformity P-value) is below
 *    (familyAlpha / 2) / (2N) (two statistics per row). This is what a gross flaw trips.
 * 2. Too many rows fail their own rule: the number F of failing rows has, under the hypothesis of a
 *    sound generator, the Poisson-binomial distribution of N independent rows each failing with its
 *    own probability q_i (exact for the proportion rule, the threshold itself for uniformity), and
 *    P(F' >= F) < familyAlpha / 2. This is what a diffuse flaw trips (many rows slightly off).
 * Rows that share data are dependent, and the Poisson-binomial tail then understates how often
 * several fail together (GLI-style at range 2: frequency and serial pairs correlate ~0.49, two of
 * ten rows fail together 1.5% of the time where independence says 0.43%; issue 15). Rows may name
 * a `group` (the GLI-style channel: every test reads the same draws); the count criterion then
 * counts failing GROUPS, which are independent (separate draws), each failing with probability at
 * most min(1, sum of its rows' q_i) (the union bound, true under any dependence). The Poisson-
 * binomial tail grows with each probability, so with these upper bounds the criterion stays at or
 * below its level whatever the dependence inside a group; it does not rely on a simulation of that
 * dependence, which changes with range, sizes and tests. Rows without a group are their own group
 * (SP 800-22 rows: unchanged). The Bonferroni criterion 1 holds under any dependence.
 *
 * Per-row verdicts stay exactly as SP 800-22 and the GLI-style battery define them; only the
 * battery-level verdict uses this rule, and the report carries its figures.
 */
import { lgam } from './nist/special-functions.ts';

/** The overall false-alarm level of a battery verdict: a sound generator fails 1 run in 100. */
export const FAMILY_ALPHA = 0.01;

/** One row, reduced to what the family verdict needs. */
export interface RowEvidence {
  /** Did the row pass its own rule? */
  readonly failed: boolean;
  /** Probability, for a sound generator, of a proportion at least this bad (one-sided). */
  readonly proportionPValue: number;
  /** Uniformity P-value of the row (null when the row has too few P-values for one). */
  readonly uniformityPValue: number | null;
  /** Probability, for a sound generator, that the row fails its own rule. */
  readonly failureProbability: number;
  /** Rows of one group share data (one GLI-style channel); absent: the row is its own group. */
  readonly group?: string;
}

export interface FamilyVerdict {
  readonly verdict: 'pass' | 'fail';
  readonly familyAlpha: number;
  readonly rows: number;
  /** Rows failing their own rule, and how many a sound generator fails on average. */
  readonly failedRows: number;
  readonly expectedFailedRows: number;
  /** Independent groups of rows (see `RowEvidence.group`) and how many have a failing row. */
  readonly groups: number;
  readonly failedGroups: number;
  /**
   * P(at least `failedGroups` groups fail) for a sound generator, an upper bound when groups hold
   * several rows; fail below familyAlpha / 2.
   */
  readonly failedRowsPValue: number;
  /** The smallest second-level P-value of any row, and the Bonferroni threshold it is held to. */
  readonly smallestRowPValue: number;
  readonly rowThreshold: number;
  /** One line: why the battery passed or failed. */
  readonly reason: string;
}

/** log C(n, k) (lgam from Cephes, as the batteries' special functions). */
function logChoose(n: number, k: number): number {
  return lgam(n + 1) - lgam(k + 1) - lgam(n - k + 1);
}

/** P(X = k) for X ~ Binomial(n, p), 0 < p < 1. */
function binomialPmf(n: number, p: number, k: number): number {
  return Math.exp(logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p));
}

/** P(X <= k) for X ~ Binomial(n, p): the exact sum (n is a few thousand sequences at most). */
export function binomialCdf(n: number, p: number, k: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  let sum = 0;
  for (let i = 0; i <= k; i++) sum += binomialPmf(n, p, i);
  return Math.min(1, sum);
}

/** P(X >= k) for X ~ Binomial(n, p). */
export function binomialUpperTail(n: number, p: number, k: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  let sum = 0;
  for (let i = k; i <= n; i++) sum += binomialPmf(n, p, i);
  return Math.min(1, sum);
}

/**
 * P(F >= count) where F is the number of successes of independent trials with probabilities `q`
 * (the Poisson-binomial distribution), by the usual O(N²) recurrence over trials.
 */
export function poissonBinomialUpperTail(q: readonly number[], count: number): number {
  if (count <= 0) return 1;
  let dist = [1];
  for (const p of q) {
    const next = new Array<number>(dist.length + 1).fill(0);
    for (let k = 0; k < dist.length; k++) {
      next[k]! += dist[k]! * (1 - p);
      next[k + 1]! += dist[k]! * p;
    }
    dist = next;
  }
  let tail = 0;
  for (let k = count; k < dist.length; k++) tail += dist[k]!;
  return Math.min(1, tail);
}

/** Rows merged by group: failed if any row failed, failure probability bounded by the union bound. */
function groupRows(rows: readonly RowEvidence[]): { failed: boolean; failureProbability: number }[] {
  const byGroup = new Map<string, { failed: boolean; failureProbability: number }>();
  const out: { failed: boolean; failureProbability: number }[] = [];
  for (const row of rows) {
    if (row.group === undefined) {
      out.push({ failed: row.failed, failureProbability: row.failureProbability });
      continue;
    }
    const group = byGroup.get(row.group);
    if (group) {
      group.failed ||= row.failed;
      group.failureProbability = Math.min(1, group.failureProbability + row.failureProbability);
    } else {
      const fresh = { failed: row.failed, failureProbability: row.failureProbability };
      byGroup.set(row.group, fresh);
      out.push(fresh);
    }
  }
  return out;
}

/** The battery verdict over `rows` (rows without data are left out by the caller). */
export function familyVerdict(rows: readonly RowEvidence[], familyAlpha = FAMILY_ALPHA): FamilyVerdict {
  const n = rows.length;
  const rowThreshold = n === 0 ? 0 : familyAlpha / 2 / (2 * n);
  let smallest = 1;
  for (const row of rows) {
    smallest = Math.min(smallest, row.proportionPValue, row.uniformityPValue ?? 1);
  }
  const failedRows = rows.filter((r) => r.failed).length;
  const expected = rows.reduce((sum, r) => sum + r.failureProbability, 0);
  const groups = groupRows(rows);
  const failedGroups = groups.filter((g) => g.failed).length;
  const countP = poissonBinomialUpperTail(
    groups.map((g) => g.failureProbability),
    failedGroups,
  );
  const grouped = groups.length < n;
  const counted = grouped ? `${failedGroups} of ${groups.length} channels` : `${failedRows} of ${n} rows`;
  const extreme = smallest < rowThreshold;
  const tooMany = countP < familyAlpha / 2;
  const reason = extreme
    ? `a row with P = ${smallest.toExponential(2)} < ${rowThreshold.toExponential(2)} (Bonferroni over ${n} rows)`
    : tooMany
      ? `${counted} failed; a sound generator fails ${expected.toFixed(2)} rows on average (P <= ${countP.toExponential(2)})`
      : `${failedRows} of ${n} rows failed, ${expected.toFixed(2)} expected by chance (${counted} failed, P${grouped ? ' <=' : ' ='} ${countP.toPrecision(3)}); smallest row P = ${smallest.toExponential(2)}`;
  return {
    verdict: extreme || tooMany ? 'fail' : 'pass',
    familyAlpha,
    rows: n,
    failedRows,
    expectedFailedRows: expected,
    groups: groups.length,
    failedGroups,
    failedRowsPValue: countP,
    smallestRowPValue: smallest,
    rowThreshold,
    reason,
  };
}
