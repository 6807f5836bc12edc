/**
 * `croupier rng test`: the flags only. The batteries (certification/) load when the command runs
 * (rng-test-run.ts), so `croupier rng test --help` starts without them (issue 12: under 0.3 s).
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { GLI_TEST_NAMES, NIST_TEST_NAMES } from '../certification/names.ts';
import type { RngTestOptions } from './rng-test-run.ts';

function positiveInteger(what: string, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const clean = value.replace(/_/g, '');
    const n = /^\d+(e\d+)?$/i.test(clean) ? Number(clean) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < 1 || n > max) {
      throw new InvalidArgumentError(`${what} must be an integer in [1, ${max}], got '${value}'`);
    }
    return n;
  };
}

function nonNegativeInteger(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n > 256) throw new InvalidArgumentError(`must be an integer in [0, 256]`);
  return n;
}

const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Registers `test` under the `croupier rng` command group. */
export function registerRngTestCommand(rng: Command): void {
  rng
    .command('test')
    .description(
      'run the RNG batteries: NIST SP 800-22 on bits, GLI-style (Knuth §3.3.2) tests on scaled draws; ' +
        'exit code 1 when a test fails',
    )
    .addOption(new Option('--battery <name>', 'which battery').choices(['nist', 'gli', 'all']).default('all'))
    .option('--sequences <n>', 'number of sequences', positiveInteger('--sequences', 100_000), 100)
    .option(
      '--bits <n>',
      'bits per sequence (NIST; block size of a file sequence)',
      positiveInteger('--bits'),
      1_000_000,
    )
    .option('--generator <name>', 'a registered generator (see `croupier rng list`)')
    .option('--seed <hex>', 'seed as hex; without it a fresh seed is drawn, printed and recorded')
    .option('--file <path>', 'test the bits of a file instead of a generator')
    .addOption(new Option('--format <format>', 'file format').choices(['binary', 'ascii']))
    .option('--game <file>', "test a game's production stop selection (one GLI channel per reel)")
    .addOption(
      new Option(
        '--served <stream>',
        'the served path, as the RGS draws it: NIST on the DRBG output or on the provably-fair stream of --game; GLI on --game --reel-set through the provably-fair stream (--generator: the DRBG, default hmac-drbg)',
      ).choices(['drbg', 'provably-fair']),
    )
    .option(
      '--client-seed <text>',
      'with --served: the client seed the player set (default: drawn as the RGS does)',
    )
    .option('--reel-set <name>', 'reel set of --game (default: base, else the first)')
    .option(
      '--rgs-url <url>',
      'live RGS: play --rounds rounds of --game through its HTTP API, test the served stops (GLI)',
    )
    .option('--operator-token <jwt>', 'operator token for --rgs-url (default: $CROUPIER_OPERATOR_TOKEN)')
    .option('--rounds <n>', 'rounds to sample from --rgs-url', positiveInteger('--rounds', 1_000_000), 10_000)
    .option('--ca <file>', "PEM CA to trust for an https --rgs-url (the RGS's loopback CA)")
    .option('--sample-out <file>', 'where to record the live sample (default: a file in the temp folder)')
    .option(
      '--rgs-sample <file>',
      'a recorded live-RGS sample (from --sample-out) to test again, with --game',
    )
    .option(
      '--range <n>',
      'GLI: draws are integers in [0, n) (generator or file input)',
      positiveInteger('--range', 2 ** 32),
      1000,
    )
    .option(
      '--draws <n>',
      'GLI: draws (spins for --game) per sequence',
      positiveInteger('--draws', 1e9),
      1_000_000,
    )
    .option('--workers <n>', 'worker threads (0: run in this thread); default: CPU count', nonNegativeInteger)
    .option('--nist-tests <names>', `comma-separated subset of: ${NIST_TEST_NAMES.join(', ')}`, list)
    .option('--gli-tests <names>', `comma-separated subset of: ${GLI_TEST_NAMES.join(', ')}`, list)
    .option('--json', 'print the full report as JSON')
    .option('--out <file>', 'write the full JSON report to this file')
    .option(
      '--sts-report <file>',
      "write the NIST results as sts-2.1.2's finalAnalysisReport.txt (same layout, row by row)",
    )
    .action(async (options: RngTestOptions, command: Command) =>
      (await import('./rng-test-run.ts')).rngTestAction(options, command),
    );
}
