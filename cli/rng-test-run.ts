/**
 * `croupier rng test`: the RNG batteries (NIST SP 800-22 on bits, GLI-style tests on scaled
 * draws) over a generator, a file or a game's production stop selection. Prints a summary table
 * (or JSON), writes the full report with every P-value to --out, exits 1 when a test fails.
 * The command's work, loaded when it runs (its flags: rng-test-command.ts).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  type BatteryChoice,
  calibratedLayout,
  defaultWorkers,
  describeInput,
  formatPValue,
  freshSeedHex,
  gliRowSummaries,
  gliVerdictText,
  InputError,
  type InputSpec,
  nistRowSummaries,
  nistVerdictText,
  type RngTestPlan,
  type RngTestReport,
  runRngTests,
  sampleRgsStops,
  stsFinalAnalysisReport,
} from '../certification/index.ts';
import { loadGameFile } from '../games/index.ts';
import { CliError, EXIT_BAD_INPUT, EXIT_CHECK_FAILED } from './errors.ts';
import { formatTable, printJson } from './output.ts';
import { createProgress } from './progress.ts';
import { CROUPIER_VERSION } from './version.ts';

export interface RngTestOptions {
  battery: BatteryChoice;
  sequences: number;
  bits: number;
  draws: number;
  range: number;
  generator?: string;
  seed?: string;
  file?: string;
  format?: 'binary' | 'ascii';
  game?: string;
  reelSet?: string;
  rgsUrl?: string;
  rgsSample?: string;
  operatorToken?: string;
  rounds?: number;
  ca?: string;
  sampleOut?: string;
  workers?: number;
  nistTests?: string[];
  gliTests?: string[];
  json?: boolean;
  out?: string;
  stsReport?: string;
  served?: 'drbg' | 'provably-fair';
  clientSeed?: string;
}

export async function rngTestAction(options: RngTestOptions, command: Command): Promise<void> {
  if (options.stsReport !== undefined && options.battery === 'gli') {
    throw new CliError('--sts-report needs the NIST battery (--battery nist or all)');
  }
  const { spec, seedGenerated } = await inputSpec(options, command);
  if (seedGenerated && (spec.kind === 'generator' || spec.kind === 'game' || spec.kind === 'served')) {
    process.stderr.write(`croupier: seed ${spec.seedHex}\n`);
  }
  if (spec.kind === 'rgs' && command.getOptionValueSource('draws') !== 'cli') {
    // Equal shares of the recorded rounds; without an explicit --sequences, a layout inside the
    // GLI battery's calibrated region (fewer, longer sequences when the shares are too short).
    const rounds = recordedRounds(spec.path);
    if (command.getOptionValueSource('sequences') === 'cli') {
      options.draws = Math.max(1, Math.floor(rounds / options.sequences));
    } else {
      const layout = calibratedLayout(rounds, options.sequences);
      options.sequences = layout.sequences;
      options.draws = layout.draws;
      if (layout.note) process.stderr.write(`croupier: ${layout.note}\n`);
    }
  }
  const plan: RngTestPlan = {
    battery: options.battery,
    sequences: options.sequences,
    bitsPerSequence: options.bits,
    drawsPerSequence: options.draws,
    input: spec,
    seedGenerated,
    workers: options.workers ?? defaultWorkers(),
    ...(options.nistTests ? { nistOnly: options.nistTests } : {}),
    ...(options.gliTests ? { gliOnly: options.gliTests } : {}),
  };
  const tasks = (options.battery === 'all' ? 2 : 1) * options.sequences;
  const progress = createProgress('rng test', tasks, 'tasks');
  const startedAt = new Date().toISOString();
  let report: RngTestReport;
  try {
    report = await runRngTests(plan, { onProgress: (done) => progress.update(done) });
  } catch (error) {
    if (error instanceof InputError) throw new CliError(error.message, EXIT_BAD_INPUT);
    throw error;
  }
  progress.done();
  const document = {
    ...report,
    croupierVersion: CROUPIER_VERSION,
    node: process.version,
    startedAt,
    rerun: rerunCommand(options, spec),
  };
  if (options.out) {
    try {
      writeFileSync(options.out, `${JSON.stringify(document, null, 2)}\n`);
    } catch (error) {
      throw new CliError(
        `cannot write ${options.out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
  }
  if (options.stsReport !== undefined) writeStsReport(options.stsReport, report, spec);
  if (options.json) printJson(document);
  else process.stdout.write(renderSummary(report));
  if (report.verdict === 'fail') process.exitCode = EXIT_CHECK_FAILED;
}

/** What sts-2.1.2 prints as "generator is <…>": the file as typed, else the input's own name. */
function stsGeneratorName(spec: InputSpec): string {
  switch (spec.kind) {
    case 'file':
      return spec.path;
    case 'generator':
      return `${spec.generator} seed ${spec.seedHex}`;
    case 'game':
      return `${spec.generator} seed ${spec.seedHex}`;
    case 'served':
      return spec.stream === 'drbg'
        ? `served ${spec.drbg} output, seed ${spec.seedHex}`
        : `served provably-fair stream via ${spec.drbg}, seed ${spec.seedHex}`;
    default:
      return spec.kind;
  }
}

function writeStsReport(path: string, report: RngTestReport, spec: InputSpec): void {
  if (!report.nist) throw new CliError('--sts-report needs the NIST battery');
  const text = stsFinalAnalysisReport({
    generator: stsGeneratorName(spec),
    perSequence: report.nist.perSequence,
    tests: report.plan.nistTests,
  });
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new CliError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

function recordedRounds(samplePath: string): number {
  try {
    const sample = JSON.parse(readFileSync(samplePath, 'utf8')) as { rounds?: unknown[] };
    return Array.isArray(sample.rounds) ? sample.rounds.length : 0;
  } catch (error) {
    throw new CliError(`cannot read RGS sample ${samplePath}: ${(error as Error).message}`);
  }
}

/** A live-RGS input: sample the RGS now (--rgs-url) or reuse a recorded sample (--rgs-sample). */
async function rgsSpec(options: RngTestOptions): Promise<InputSpec> {
  if (options.game === undefined)
    throw new CliError('--rgs-url / --rgs-sample need --game FILE (the certified definition)');
  if (options.battery !== 'gli')
    throw new CliError('a live RGS input feeds the GLI battery only: add --battery gli');
  if (options.rgsSample !== undefined) {
    return {
      kind: 'rgs',
      path: options.rgsSample,
      gamePath: options.game,
      ...(options.reelSet ? { reelSet: options.reelSet } : {}),
    };
  }
  const operatorToken = options.operatorToken ?? process.env.CROUPIER_OPERATOR_TOKEN;
  if (!operatorToken)
    throw new CliError('--rgs-url needs --operator-token or $CROUPIER_OPERATOR_TOKEN (croupier rgs token)');
  let game: ReturnType<typeof loadGameFile>;
  try {
    game = loadGameFile(options.game);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  let sample: Awaited<ReturnType<typeof sampleRgsStops>>;
  try {
    sample = await sampleRgsStops({
      baseUrl: options.rgsUrl!,
      operatorToken,
      gameId: game.definition.id,
      rounds: options.rounds ?? 10_000,
      ...(options.ca ? { ca: readFileSync(options.ca, 'utf8') } : {}),
    });
  } catch (error) {
    throw new CliError(`sampling the RGS failed: ${(error as Error).message}`);
  }
  const out = options.sampleOut ?? join(mkdtempSync(join(tmpdir(), 'croupier-rgs-sample-')), 'sample.json');
  writeFileSync(out, `${JSON.stringify(sample)}\n`);
  process.stderr.write(`croupier: recorded ${sample.rounds.length} served rounds in ${out}\n`);
  return {
    kind: 'rgs',
    path: out,
    gamePath: options.game,
    ...(options.reelSet ? { reelSet: options.reelSet } : {}),
  };
}

async function inputSpec(
  options: RngTestOptions,
  command: Command,
): Promise<{ spec: InputSpec; seedGenerated: boolean }> {
  if (options.rgsUrl !== undefined || options.rgsSample !== undefined) {
    if (options.rgsUrl !== undefined && options.rgsSample !== undefined)
      throw new CliError('choose one of --rgs-url and --rgs-sample');
    if (
      options.file !== undefined ||
      options.generator !== undefined ||
      options.seed !== undefined ||
      options.served !== undefined
    ) {
      throw new CliError(
        '--rgs-url / --rgs-sample cannot be combined with --file, --generator, --seed or --served',
      );
    }
    return { spec: await rgsSpec(options), seedGenerated: false };
  }
  const sources = [options.file, options.game].filter((x) => x !== undefined).length;
  if (sources > 1) throw new CliError('choose one of --file and --game');
  if (options.file !== undefined) {
    if (options.generator !== undefined || options.seed !== undefined || options.served !== undefined) {
      throw new CliError('--file cannot be combined with --generator, --seed or --served');
    }
    if (!options.format) throw new CliError('--file needs --format binary|ascii');
    if (command.getOptionValueSource('draws') === 'cli') {
      throw new CliError("--draws does not apply to --file: a sequence's draws come from its --bits block");
    }
    return {
      spec: { kind: 'file', path: options.file, format: options.format, range: options.range },
      seedGenerated: false,
    };
  }
  if (options.format) throw new CliError('--format applies to --file only');
  const seedGenerated = options.seed === undefined;
  const seedHex = (options.seed ?? freshSeedHex()).replace(/^0x/, '');
  if (!/^([0-9a-fA-F]{2})+$/.test(seedHex)) throw new CliError(`--seed must be an even-length hex string`);
  if (options.clientSeed !== undefined && options.served === undefined) {
    throw new CliError('--client-seed applies to --served only');
  }
  if (options.served !== undefined) return { spec: servedSpec(options, command, seedHex), seedGenerated };
  if (options.game !== undefined) {
    if (command.getOptionValueSource('range') === 'cli') {
      throw new CliError('--range does not apply to --game: each reel is tested over its own stops');
    }
    return {
      spec: {
        kind: 'game',
        path: options.game,
        ...(options.reelSet ? { reelSet: options.reelSet } : {}),
        generator: options.generator ?? 'hmac-drbg',
        seedHex,
      },
      seedGenerated,
    };
  }
  if (options.reelSet) throw new CliError('--reel-set applies to --game only');
  if (options.generator === undefined)
    throw new CliError('choose an input: --generator NAME, --file F or --game FILE');
  return {
    spec: { kind: 'generator', generator: options.generator, seedHex, range: options.range },
    seedGenerated,
  };
}

/** The served-path input (certification/inputs-served.ts). */
function servedSpec(options: RngTestOptions, command: Command, seedHex: string): InputSpec {
  const drbg = options.generator ?? 'hmac-drbg';
  if (drbg !== 'hmac-drbg' && drbg !== 'ctr-drbg') {
    throw new CliError(`--served draws server seeds from hmac-drbg or ctr-drbg, not '${drbg}'`);
  }
  if (command.getOptionValueSource('range') === 'cli') {
    throw new CliError("--range does not apply to --served: draws are the mapping's own stops");
  }
  if (options.battery !== 'nist' && options.game === undefined) {
    throw new CliError('--served with the GLI battery needs --game (its mappings are the stop selection)');
  }
  if (options.served === 'provably-fair' && options.game === undefined) {
    throw new CliError('--served provably-fair needs --game (the rounds that consume the stream)');
  }
  return {
    kind: 'served',
    drbg,
    seedHex,
    stream: options.served!,
    ...(options.game !== undefined ? { gamePath: options.game } : {}),
    ...(options.reelSet !== undefined ? { reelSet: options.reelSet } : {}),
    ...(options.clientSeed !== undefined ? { clientSeed: options.clientSeed } : {}),
  };
}

function rerunCommand(options: RngTestOptions, spec: InputSpec): string {
  const parts = [
    'croupier rng test',
    `--battery ${options.battery}`,
    `--sequences ${options.sequences}`,
    `--bits ${options.bits}`,
  ];
  if (spec.kind === 'file') parts.push(`--file ${spec.path} --format ${spec.format} --range ${spec.range}`);
  if (spec.kind === 'generator') {
    parts.push(
      `--generator ${spec.generator} --seed ${spec.seedHex} --range ${spec.range} --draws ${options.draws}`,
    );
  }
  if (spec.kind === 'game') {
    parts.push(
      `--game ${spec.path} --generator ${spec.generator} --seed ${spec.seedHex} --draws ${options.draws}`,
    );
    if (spec.reelSet) parts.push(`--reel-set ${spec.reelSet}`);
  }
  if (spec.kind === 'served') {
    parts.push(
      `--served ${spec.stream} --generator ${spec.drbg} --seed ${spec.seedHex} --draws ${options.draws}`,
    );
    if (spec.gamePath !== undefined) parts.push(`--game ${spec.gamePath}`);
    if (spec.reelSet !== undefined) parts.push(`--reel-set ${spec.reelSet}`);
    if (spec.clientSeed !== undefined) parts.push(`--client-seed ${JSON.stringify(spec.clientSeed)}`);
  }
  if (spec.kind === 'rgs') {
    parts.push(`--rgs-sample ${spec.path} --game ${spec.gamePath} --draws ${options.draws}`);
    if (spec.reelSet) parts.push(`--reel-set ${spec.reelSet}`);
  }
  if (options.nistTests) parts.push(`--nist-tests ${options.nistTests.join(',')}`);
  if (options.gliTests) parts.push(`--gli-tests ${options.gliTests.join(',')}`);
  return parts.join(' ');
}

/** The human summary: one table per battery, then the verdict. */
export function renderSummary(report: RngTestReport): string {
  const out: string[] = [];
  out.push(`RNG test of ${describeInput(report.input)}: ${report.plan.sequences} sequence(s)\n`);
  if (report.nist) {
    out.push(`\nNIST SP 800-22 (${report.plan.bitsPerSequence} bits per sequence)\n`);
    out.push(
      formatTable(
        ['test', 'passed', 'proportion', 'uniformity P', 'smallest P', 'verdict'],
        nistRowSummaries(report.nist).map((row) => [
          row.label ? `${row.test} ${row.label}` : row.test,
          `${row.passCount}/${row.sampleSize}`,
          row.proportion === null ? '-' : row.proportion.toFixed(4),
          formatPValue(row.uniformityPValue),
          formatPValue(row.smallestPValue),
          row.verdict,
        ]),
      ),
    );
  }
  if (report.gli) {
    const rows = gliRowSummaries(report.gli);
    for (const channel of report.gli.channels) {
      const draws = channel.drawsPerSequence[0] ?? 0;
      out.push(`\nGLI-style tests on ${channel.description.label} (${draws} draws per sequence)\n`);
      out.push(
        formatTable(
          ['test', 'passed', 'KS P', 'smallest P', 'verdict', 'note'],
          rows
            .filter((row) => row.channel === channel.channel)
            .map((row) => [
              row.test,
              `${row.passed}/${row.applicable}`,
              // A KS figure that does not judge the row (too few sequences, discrete statistic) in brackets.
              row.uniformityJudged || row.uniformityPValue === null
                ? formatPValue(row.uniformityPValue)
                : `(${formatPValue(row.uniformityPValue)})`,
              formatPValue(row.smallestPValue),
              row.verdict,
              [
                ...row.reasons,
                ...(row.uniformityNote && row.applicable >= 55 ? [row.uniformityNote] : []),
              ].join('; '),
            ]),
        ),
      );
    }
  }
  // Rows are judged at alpha each; a battery at the family-wise level (certification/family-verdict.ts).
  if (report.nist) out.push(`\nNIST battery: ${nistVerdictText(report.nist)}`);
  if (report.gli) out.push(`\nGLI-style battery: ${gliVerdictText(report.gli)}`);
  const familyAlpha = (report.nist ?? report.gli)?.family.familyAlpha;
  out.push(
    `\nverdict: ${report.verdict.toUpperCase()} (rows at alpha ${report.plan.alpha}, each battery at family-wise ${familyAlpha})\n`,
  );
  return out.join('');
}
