/**
 * Calibration of the GLI-style battery (issue 15): the false-alarm rate of a sound generator
 * (chacha20, fixed seeds) for every test and for the family verdict, across ranges, sequence
 * lengths and numbers of sequences, each with its 99% Clopper–Pearson interval. Writes a markdown
 * table (default docs/calibration.md). Not part of CI; the reduced CI version is
 * certification/gli/calibration.test.ts.
 *
 *   npm run calibrate -- --quick                      # a minute: range 2 and 1000, small sizes
 *   nice -n 19 npm run calibrate -- --budget-minutes 35   # the full grid, bounded in wall-clock time
 *
 * Every run of s sequences is judged exactly as `croupier rng test --battery gli --generator
 * chacha20 --seed <seed> --sequences s --draws <draws> --range <range>` judges it; sequences are cut
 * from one pool per cell (sequence seeds sequenceSeed(seed, i)), disjoint, so runs are independent.
 */
import { writeFileSync } from 'node:fs';
import { minimumDrawsFor } from '../certification/gli/applicability.ts';
import { GLI_TEST_NAMES } from '../certification/gli/battery.ts';
import {
  falseAlarmRates,
  NOMINAL_LEVEL,
  type RateEstimate,
  type SizeEstimates,
  simulateSequences,
} from '../certification/gli/calibration.ts';

const SEED_HEX = 'ca11b2a7e0000000000000000000000000000000000000000000000000000001';
const SEQUENCE_COUNTS = [1, 20, 100, 500] as const;

interface Grid {
  readonly ranges: readonly number[];
  readonly draws: readonly number[];
  /** Draws simulated per grid cell (pool size = min(maxPool, this / draws)). */
  readonly drawsPerCell: number;
  readonly maxPool: number;
  /** Sequences simulated at each test's minimum size. */
  readonly minimumPool: number;
}

const QUICK: Grid = {
  ranges: [2, 1000],
  draws: [1000, 10_000],
  drawsPerCell: 2e6,
  maxPool: 2000,
  minimumPool: 2000,
};
const FULL: Grid = {
  ranges: [2, 3, 6, 37, 1000, 2 ** 32],
  draws: [1000, 10_000, 100_000, 1_000_000],
  drawsPerCell: 6e7,
  maxPool: 50_000,
  minimumPool: 10_000,
};

function parseArgs(argv: readonly string[]): {
  grid: Grid;
  quick: boolean;
  budgetMs: number;
  out: string;
  minimumOnly: boolean;
  gridOnly: boolean;
} {
  let quick = false;
  let minimumOnly = false;
  let gridOnly = false;
  let budgetMinutes = 35;
  let out = 'docs/calibration.md';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') quick = true;
    else if (a === '--minimum-only') minimumOnly = true;
    else if (a === '--grid-only') gridOnly = true;
    else if (a === '--budget-minutes') budgetMinutes = Number(argv[++i]);
    else if (a === '--out') out = argv[++i] ?? '';
    else {
      console.error(
        `calibrate: unknown argument ${a}; use --quick, --minimum-only, --grid-only, --budget-minutes N, --out FILE`,
      );
      process.exit(2);
    }
  }
  if (!(budgetMinutes > 0 && budgetMinutes <= 120) || out === '') {
    console.error('calibrate: --budget-minutes must be in (0, 120] and --out a file');
    process.exit(2);
  }
  return { grid: quick ? QUICK : FULL, quick, budgetMs: budgetMinutes * 60_000, out, minimumOnly, gridOnly };
}

const pct = (x: number) => (100 * x).toFixed(2);

/** "rate (low–high) /runs", bold when the whole interval lies above the nominal level. */
function cell(e: RateEstimate | null | undefined): string {
  if (!e) return 'n/a';
  const text = `${pct(e.rate)} (${pct(e.low)}–${pct(e.high)}) /${e.repetitions}`;
  return e.low > NOMINAL_LEVEL ? `**${text}**` : text;
}

interface Outcome {
  readonly lines: string[];
  cells: number;
  above: string[];
}

function record(outcome: Outcome, where: string, estimates: SizeEstimates): void {
  const all: [string, RateEstimate | null | undefined][] = [
    ...[...estimates.tests].map(([n, e]) => [n, e] as [string, RateEstimate | null]),
    ['family', estimates.family],
  ];
  for (const [name, e] of all) {
    if (!e) continue;
    outcome.cells++;
    if (e.low > NOMINAL_LEVEL) outcome.above.push(`${where} ${name}: ${cell(e)}`);
  }
}

interface Clock {
  readonly deadlineMs: number;
  cellsLeft: number;
}

/** This cell's deadline: an equal share of the time left. */
function cellDeadline(clock: Clock): number {
  const now = performance.now();
  const share = Math.max(0, clock.deadlineMs - now) / Math.max(1, clock.cellsLeft);
  clock.cellsLeft--;
  return now + share;
}

function minimumSection(grid: Grid, clock: Clock, outcome: Outcome): void {
  outcome.lines.push(
    '## Each test at its minimum size',
    '',
    `Each test alone on ${grid.minimumPool} sound sequences of its minimum length (\`minimumDrawsFor\`), cut into runs of s sequences.`,
    '',
  );
  for (const range of grid.ranges) {
    outcome.lines.push(
      `### range ${range}`,
      '',
      '| test | min draws | s = 1 | s = 20 | s = 100 | s = 500 |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const test of GLI_TEST_NAMES) {
      const draws = minimumDrawsFor(test, { label: 'probe', range });
      if (draws === null) {
        outcome.lines.push(`| ${test} | never | | | | |`);
        continue;
      }
      const pool = simulateSequences({
        seedHex: SEED_HEX,
        range,
        draws,
        sequences: grid.minimumPool,
        tests: [test],
        deadlineMs: cellDeadline(clock),
      });
      const cells = SEQUENCE_COUNTS.map((s) => {
        const estimates = falseAlarmRates(pool, s);
        record(outcome, `min range ${range} draws ${draws} s ${s}`, { tests: estimates.tests, family: null });
        return cell(estimates.tests.get(test));
      });
      outcome.lines.push(`| ${test} | ${draws} | ${cells.join(' | ')} |`);
    }
    outcome.lines.push('');
  }
}

function gridSection(grid: Grid, clock: Clock, outcome: Outcome): void {
  outcome.lines.push(
    '## The grid: every test and the family verdict',
    '',
    `Pool per cell: min(${grid.maxPool}, ${grid.drawsPerCell.toExponential(0)} / draws) sound sequences, or fewer when the cell's share of the wall-clock budget ran out (the runs column of each cell says how many); runs of s sequences cut from it. Cells are "rate% (99% interval) /runs"; n/a: not applicable at that size.`,
    '',
  );
  const header = `| draws | s | ${GLI_TEST_NAMES.join(' | ')} | family |`;
  const rule = `| --- | --- | ${GLI_TEST_NAMES.map(() => '---').join(' | ')} | --- |`;
  for (const range of grid.ranges) {
    outcome.lines.push(`### range ${range}`, '', header, rule);
    for (const draws of grid.draws) {
      const sequences = Math.max(1, Math.min(grid.maxPool, Math.floor(grid.drawsPerCell / draws)));
      const pool = simulateSequences({
        seedHex: SEED_HEX,
        range,
        draws,
        sequences,
        deadlineMs: cellDeadline(clock),
      });
      if (pool.length === 0) {
        outcome.lines.push(`| ${draws} | | not run: wall-clock budget spent | |`);
        continue;
      }
      for (const s of SEQUENCE_COUNTS) {
        if (pool.length < s) continue;
        const estimates = falseAlarmRates(pool, s);
        record(outcome, `range ${range} draws ${draws} s ${s}`, estimates);
        const cells = GLI_TEST_NAMES.map((n) => cell(estimates.tests.get(n)));
        outcome.lines.push(`| ${draws} | ${s} | ${cells.join(' | ')} | ${cell(estimates.family)} |`);
      }
    }
    outcome.lines.push('');
  }
}

function main(): void {
  const { grid, budgetMs, out, minimumOnly, gridOnly } = parseArgs(process.argv.slice(2));
  const startMs = performance.now();
  const deadlineMs = startMs + budgetMs;
  const outcome: Outcome = { lines: [], cells: 0, above: [] };
  // Wall-clock budget shared out evenly: each cell may use the time left over the cells left, so
  // on a busy machine every cell still gets a (smaller) pool instead of the last ones none.
  const cells =
    (gridOnly ? 0 : grid.ranges.length * GLI_TEST_NAMES.length) +
    (minimumOnly ? 0 : grid.ranges.length * grid.draws.length);
  const clock = { deadlineMs, cellsLeft: cells };
  if (!gridOnly) minimumSection(grid, clock, outcome);
  if (!minimumOnly) gridSection(grid, clock, outcome);
  const minutes = ((performance.now() - startMs) / 60_000).toFixed(1);
  const head = [
    '# Calibration of the GLI-style battery',
    '',
    `Generated by \`npm run calibrate -- ${process.argv.slice(2).join(' ')}\` (bench/calibrate.ts) in ${minutes} min: false-alarm rate of a sound generator (chacha20, seed \`${SEED_HEX}\`, sequence seeds as \`croupier rng test\` derives them) at the nominal level ${NOMINAL_LEVEL}, with 99% Clopper–Pearson intervals. Bold: the whole interval lies above ${NOMINAL_LEVEL * 100}%.`,
    '',
    '## What is measured, and the rules it checks',
    '',
    '- A cell is the rate at which a sound source FAILS a row (one test, second level over s sequences: `gliSecondLevel`) or the battery (`gliFamilyVerdict`). Each test is held to 1%, the family verdict to 1%.',
    '- s = 1: the row fails when its P-value < 0.01. s >= 2: more failing sequences than the exact binomial bound allows (`maximumAcceptedFailures`), or, from 55 sequences on and only for statistics that are not too discrete, KS uniformity P < 1e-4.',
    '- Issue 15 rules in force: runs-up uses c = 6..2 run-length classes, the last class expecting >= 80 runs (`runLengthClasses`; below 240 values not applicable); two-category chi-squares use the exact binomial P-value; no KS second level when the largest atom h of the statistic has h sqrt(s) > 0.05 (`ksApplicability`); the family count criterion counts failing channels with a union bound inside each channel (`certification/family-verdict.ts`).',
    '- Intervals are 99% Clopper–Pearson. With a few hundred cells at exactly 1%, about 0.5% of them lie above 1% by chance alone; runs with s >= 100 are few at large sizes (the pool is bounded by the wall-clock budget), so their intervals are wide.',
    '',
    `**Summary:** ${outcome.cells} estimated cells; ${outcome.above.length} with the 99% interval entirely above 1%${outcome.above.length ? ':' : '.'}`,
    ...outcome.above.map((a) => `- ${a}`),
    '',
  ];
  writeFileSync(out, `${[...head, ...outcome.lines].join('\n')}\n`);
  console.log(
    `calibrate: ${outcome.cells} cells, ${outcome.above.length} above 1%, ${minutes} min -> ${out}`,
  );
}

main();
