/**
 * `finalAnalysisReport.txt` in exactly the layout NIST's `assess` (sts-2.1.2) writes, so a lab can
 * run the reference tool on the same file and diff the two reports row by row.
 *
 * The layout, as sts-2.1.2 writes it (src/assess.c: `main` prints the header, `postProcessResults`
 * walks the tests and prints the footer, `computeMetrics` prints one row; read there, not copied):
 *
 * - Header: a 78-dash rule, "RESULTS FOR THE UNIFORMITY OF P-VALUES AND THE PROPORTION OF PASSING
 *   SEQUENCES", a rule, "   generator is <NAME>" (NAME: the input file as typed, or the generator's
 *   name), a rule, the column line " C1  C2 … C10  P-VALUE  PROPORTION  STATISTICAL TEST", a rule.
 * - One row per P-value series, tests in the reference's order (Frequency … LinearComplexity, the
 *   order of NIST_TESTS), a test run over several files printing one row per file, each with the
 *   test's bare name: CumulativeSums 2 (forward, reverse), NonOverlappingTemplate 148
 *   (MAXNUMOFTEMPLATES, the m = 9 templates in order), RandomExcursions 8 (x = -4 … +4), Variant 18
 *   (x = -9 … +9), Serial 2. A row is:
 *     - the ten bin counts `%3d ` (bin = (int)floor(10·p), p = 1 in the last bin);
 *     - the uniformity P-value_T: `    ----    ` when ⌊m/10⌋ = 0, else ` %8.6f * ` below 0.0001,
 *       else ` %8.6f   `;
 *     - the proportion: ` ------     NAME` when m = 0, `%4d/%-4d *  NAME` when the pass count is
 *       outside the integer bounds, else `%4d/%-4d    NAME`.
 *   P-values are first printed `%f` and read back as C floats; random-excursion rows keep only
 *   read-back values > 0 (a non-applicable sequence is written as 0.000000), so m varies per state.
 *   These figures are `nistSecondLevel`'s with `excursionZeroDrop` (second-level.ts).
 * - Footer: two blank lines, a rule of 41 "- " pairs, the minimum pass rate for the general tests
 *   (sample size: the LAST non-excursion row computed) and for the random excursion (variant) test
 *   (sample size: the LAST excursion row computed), "undefined" when that size is 0, then the MAPLE
 *   note and the dashed rule again. Each block only when such a test was run.
 *
 * Deliberate, documented differences (the reference has no defined output there):
 * - A test that was not applicable to a sequence (Universal with n < 387,840, a random-excursion
 *   sequence over the reference's cycle cap, …) is left out of that row's sample. The reference
 *   writes NOTHING for such a sequence and then reads the next sequence's value in its place
 *   (REFERENCE-BEHAVIOUR.md items 6 and 10); no row-for-row match is possible in that case.
 * - A template test with m other than 9 has another number of templates; the reference still reads
 *   148 files, so the export refuses it rather than print a layout the reference cannot produce.
 */
import { type NistSecondLevelRow, nistSecondLevel } from './second-level.ts';
import type { NistTestResult } from './types.ts';

/** The reference's significance level (defs.h ALPHA). */
const STS_ALPHA = 0.01;
const RULE = '-'.repeat(78);
const DASHED_RULE = `${'- '.repeat(40)}-`;

/** Tests in the reference's order, with the number of rows (result files) each prints. */
export const STS_REPORT_ROWS: readonly { readonly test: string; readonly rows: number }[] = [
  { test: 'Frequency', rows: 1 },
  { test: 'BlockFrequency', rows: 1 },
  { test: 'CumulativeSums', rows: 2 },
  { test: 'Runs', rows: 1 },
  { test: 'LongestRun', rows: 1 },
  { test: 'Rank', rows: 1 },
  { test: 'FFT', rows: 1 },
  { test: 'NonOverlappingTemplate', rows: 148 },
  { test: 'OverlappingTemplate', rows: 1 },
  { test: 'Universal', rows: 1 },
  { test: 'ApproximateEntropy', rows: 1 },
  { test: 'RandomExcursions', rows: 8 },
  { test: 'RandomExcursionsVariant', rows: 18 },
  { test: 'Serial', rows: 2 },
  { test: 'LinearComplexity', rows: 1 },
];

const EXCURSION_TESTS = new Set(['RandomExcursions', 'RandomExcursionsVariant']);

export interface StsReportInput {
  /** What the reference prints between < > on the "generator is" line (the file as typed). */
  readonly generator: string;
  /** Per sequence, the battery's results (as `runNistSequence` returns them). */
  readonly perSequence: readonly (readonly NistTestResult[])[];
  /** The tests that were run (the reference's test vector); default: every test present. */
  readonly tests?: readonly string[];
}

/**
 * C's `%.{digits}f` for a finite value in [0, 2^40): `toFixed` rounds an exact tie up, C (glibc)
 * to even. With `digits` decimals an exact tie is x = j / 2^(digits+1) with j odd (the only such
 * decimals a double holds exactly, since 5^digits must divide the numerator), so detect that case.
 */
export function cFixed(value: number, digits: number): string {
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`cFixed needs a finite value >= 0: ${value}`);
  const scaledTie = value * 2 ** (digits + 1);
  if (Number.isInteger(scaledTie) && scaledTie % 2 === 1) {
    const down = Math.floor(value * 10 ** digits);
    const chosen = down % 2 === 0 ? down : down + 1;
    return (chosen / 10 ** digits).toFixed(digits);
  }
  return value.toFixed(digits);
}

/** C's `%{width}d` (right-aligned) and `%-{width}d` (left-aligned). */
const right = (n: number, width: number) => String(n).padStart(width);
const left = (n: number, width: number) => String(n).padEnd(width);

/** One row exactly as `computeMetrics` prints it. */
export function stsRow(row: NistSecondLevelRow): string {
  const bins = row.histogram.map((count) => `${right(count, 3)} `).join('');
  const m = row.sampleSize;
  let uniformity: string;
  if (Math.floor(m / 10) === 0 || row.uniformityPValue === null) uniformity = '    ----    ';
  else {
    const text = cFixed(row.uniformityPValue, 6).padStart(8);
    uniformity = row.uniformityPValue < 0.0001 ? ` ${text} * ` : ` ${text}   `;
  }
  let proportion: string;
  if (m === 0) proportion = ` ------     ${row.test}`;
  else if (!row.proportionPassed) proportion = `${right(row.passCount, 4)}/${left(m, 4)} *  ${row.test}`;
  else proportion = `${right(row.passCount, 4)}/${left(m, 4)}    ${row.test}`;
  return `${bins}${uniformity}${proportion}`;
}

/** The reference's minimum pass rate: (int)((p̂ − 3·sqrt(p̂·α/m))·m). */
function minimumPassRate(sampleSize: number): number {
  const pHat = 1 - STS_ALPHA;
  return Math.trunc((pHat - 3 * Math.sqrt((pHat * STS_ALPHA) / sampleSize)) * sampleSize);
}

function emptyRow(test: string, index: number): NistSecondLevelRow {
  return {
    test,
    index,
    sampleSize: 0,
    excludedCount: 0,
    passCount: 0,
    proportion: 0,
    proportionInterval: [0, 0],
    passCountBounds: [0, 0],
    proportionPassed: false,
    histogram: new Array<number>(10).fill(0),
    uniformityPValue: null,
    uniformityPassed: null,
    verdict: 'no-data',
  };
}

/** The rows of every test run, in the reference's order, with the reference's row counts. */
export function stsRows(input: StsReportInput): NistSecondLevelRow[] {
  const present = new Set(input.perSequence.flatMap((results) => results.map((r) => r.name)));
  const run = new Set(input.tests ?? present);
  const known = new Set(STS_REPORT_ROWS.map((t) => t.test));
  const unknown = [...run].filter((name) => !known.has(name));
  if (unknown.length > 0) throw new RangeError(`not SP 800-22 tests: ${unknown.join(', ')}`);
  const secondLevel = nistSecondLevel(
    input.perSequence.map((results) => [...results]),
    STS_ALPHA,
    { excursionZeroDrop: true },
  );
  const rows: NistSecondLevelRow[] = [];
  for (const { test, rows: count } of STS_REPORT_ROWS) {
    if (!run.has(test)) continue;
    const own = secondLevel.filter((row) => row.test === test);
    if (own.length > count) {
      throw new RangeError(
        `${test} has ${own.length} P-values per sequence; the reference's report holds ${count} (default parameters only)`,
      );
    }
    for (let i = 0; i < count; i++) rows.push(own[i] ?? emptyRow(test, i));
  }
  return rows;
}

/** The footer `postProcessResults` prints after the rows. */
function footer(rows: readonly NistSecondLevelRow[]): string[] {
  const general = rows.filter((r) => !EXCURSION_TESTS.has(r.test));
  const excursion = rows.filter((r) => EXCURSION_TESTS.has(r.test));
  const lines = ['', '', DASHED_RULE];
  if (general.length > 0) {
    const m = general[general.length - 1]!.sampleSize;
    lines.push('The minimum pass rate for each statistical test with the exception of the');
    if (m === 0) lines.push('random excursion (variant) test is undefined.', '');
    else {
      lines.push(`random excursion (variant) test is approximately = ${minimumPassRate(m)} for a`);
      lines.push(`sample size = ${m} binary sequences.`, '');
    }
  }
  if (excursion.length > 0) {
    const m = excursion[excursion.length - 1]!.sampleSize;
    if (m === 0)
      lines.push('The minimum pass rate for the random excursion (variant) test is undefined.', '');
    else {
      lines.push('The minimum pass rate for the random excursion (variant) test');
      lines.push(`is approximately = ${minimumPassRate(m)} for a sample size = ${m} binary sequences.`, '');
    }
  }
  lines.push('For further guidelines construct a probability table using the MAPLE program');
  lines.push('provided in the addendum section of the documentation.');
  lines.push(DASHED_RULE);
  return lines;
}

/** The whole `finalAnalysisReport.txt` (text with a final newline). */
export function stsFinalAnalysisReport(input: StsReportInput): string {
  if (input.perSequence.length === 0) throw new RangeError('an STS report needs at least one sequence');
  if (/[\r\n]/.test(input.generator)) throw new RangeError('the generator name must be one line');
  const rows = stsRows(input);
  const lines = [
    RULE,
    'RESULTS FOR THE UNIFORMITY OF P-VALUES AND THE PROPORTION OF PASSING SEQUENCES',
    RULE,
    `   generator is <${input.generator}>`,
    RULE,
    ' C1  C2  C3  C4  C5  C6  C7  C8  C9 C10  P-VALUE  PROPORTION  STATISTICAL TEST',
    RULE,
    ...rows.map(stsRow),
    ...footer(rows),
  ];
  return `${lines.join('\n')}\n`;
}
