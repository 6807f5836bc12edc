/**
 * `croupier certify`: the main job. One run that a studio or a lab can start on a fresh machine
 * and rerun from what it records:
 *   1. RNG self-test (SP 800-90A known answers, SP 800-90B health tests, RFC 8439);
 *   2. the NIST SP 800-22 and GLI-style batteries on the production DRBG's output;
 *   3. the GLI battery on each reel game's production stop selection;
 *   4. per demo game (or the games given): exact analysis and a Monte Carlo cross-check whose RTP
 *      must fall inside the 99% interval around the exact figure.
 * Every random input is seeded from one recorded master seed, so the whole run is reproducible.
 */
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { defaultWorkers, type RngTestReport, runRngTests } from '../certification/index.ts';
import { DEMO_GAME_FILES, loadGameFile } from '../games/index.ts';
import { chachaSelfTest, drbgSelfTest } from '../rng/index.ts';
import { analyzeGame, gameFileSpec, runSimulation, type SimSummary, summarizePart } from '../sim/index.ts';
import { CliError, EXIT_CHECK_FAILED } from './errors.ts';
import { formatTable, parseHex, printJson } from './output.ts';
import { CROUPIER_VERSION } from './version.ts';

/** The generator the RGS draws outcomes from, and so the one the batteries certify. */
const PRODUCTION_GENERATOR = 'ctr-drbg';

interface CertifyOptions {
  seed?: string;
  games?: string[];
  quick?: boolean;
  sequences?: string;
  spins?: string;
  workers?: string;
  out: string;
  json?: boolean;
}

interface Sizes {
  readonly nistSequences: number;
  readonly nistBits: number;
  readonly gliSequences: number;
  readonly gliDraws: number;
  readonly reelSequences: number;
  readonly reelDraws: number;
  readonly simSpins: number;
}

const FULL: Sizes = {
  nistSequences: 20,
  nistBits: 1_000_000,
  gliSequences: 20,
  gliDraws: 1_000_000,
  reelSequences: 4,
  reelDraws: 200_000,
  simSpins: 10_000_000,
};
const QUICK: Sizes = {
  nistSequences: 4,
  nistBits: 200_000,
  gliSequences: 4,
  gliDraws: 200_000,
  reelSequences: 2,
  reelDraws: 50_000,
  simSpins: 1_000_000,
};

interface CheckLine {
  readonly check: string;
  readonly passed: boolean;
  readonly detail: string;
}

/** Derives an independent, named sub-seed from the master seed (domain-separated SHA-256). */
function subSeed(master: Uint8Array, label: string): Buffer {
  return createHash('sha256')
    .update('croupier/certify/v1\0')
    .update(label)
    .update('\0')
    .update(master)
    .digest();
}

function positive(value: string | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 1)
    throw new CliError(`${what} must be a positive integer, got '${value}'`);
  return n;
}

export function registerCertifyCommand(program: Command): void {
  program
    .command('certify')
    .description(
      'the main job: RNG self-test, NIST SP 800-22 + GLI batteries on the production DRBG and on each ' +
        "game's stop selection, exact math and a Monte Carlo cross-check per game; exit 1 if any check fails",
    )
    .option('--seed <hex>', 'master seed (hex); every input is derived from it. Default: fresh, recorded')
    .option('--games <files...>', 'game definition files (default: every demo game)')
    .option('--quick', 'smaller samples (a smoke run, not evidence)')
    .option('--sequences <n>', 'sequences per battery (default 20; labs use 100+)')
    .option('--spins <n>', 'Monte Carlo spins per game (default 1e7)')
    .option('--workers <n>', 'worker threads (default: available cores)')
    .option('--out <file>', 'where to write the full JSON result', 'croupier-certification.json')
    .option('--json', 'print the full JSON result on stdout')
    .action(async (options: CertifyOptions) => {
      const base = options.quick ? QUICK : FULL;
      const sequences = positive(options.sequences, base.nistSequences, '--sequences');
      const sizes: Sizes = {
        ...base,
        nistSequences: sequences,
        gliSequences: sequences,
        simSpins: positive(options.spins, base.simSpins, '--spins'),
      };
      const workers = positive(options.workers, defaultWorkers(), '--workers');
      const master = options.seed ? parseHex(options.seed, '--seed') : Uint8Array.from(randomBytes(32));
      const masterHex = Buffer.from(master).toString('hex');
      const gameFiles = options.games ?? Object.values(DEMO_GAME_FILES);
      const log = (line: string) => {
        if (!options.json) process.stderr.write(`${line}\n`);
      };
      const startedMs = performance.now();
      const checks: CheckLine[] = [];
      log(`croupier certify ${CROUPIER_VERSION}: master seed ${masterHex}`);

      // 1. RNG self-test.
      const selfTest = [...drbgSelfTest(), ...chachaSelfTest()];
      checks.push({
        check: 'RNG self-test (SP 800-90A KATs, SP 800-90B health, RFC 8439)',
        passed: selfTest.every((r) => r.passed),
        detail: `${selfTest.filter((r) => r.passed).length}/${selfTest.length} checks`,
      });

      // 2. Batteries on the production DRBG.
      log(
        `batteries on ${PRODUCTION_GENERATOR}: NIST ${sizes.nistSequences} x ${sizes.nistBits} bits, GLI ${sizes.gliSequences} x ${sizes.gliDraws} draws`,
      );
      const rngReport = await runRngTests({
        battery: 'all',
        sequences: sizes.nistSequences,
        bitsPerSequence: sizes.nistBits,
        drawsPerSequence: sizes.gliDraws,
        input: {
          kind: 'generator',
          generator: PRODUCTION_GENERATOR,
          seedHex: subSeed(master, 'rng-battery').toString('hex'),
          range: 1000,
        },
        workers,
      });
      checks.push(batteryCheck(`NIST SP 800-22 on ${PRODUCTION_GENERATOR}`, rngReport, 'nist'));
      checks.push(batteryCheck(`GLI-style on uniformInt(${PRODUCTION_GENERATOR}, 1000)`, rngReport, 'gli'));

      // 3 and 4. Per game.
      const games: unknown[] = [];
      for (const file of gameFiles) {
        const game = loadGameFile(file);
        const name = game.definition.id ?? basename(file);
        log(`game ${name}: exact analysis, Monte Carlo ${sizes.simSpins} spins, stop-selection battery`);
        const modes: unknown[] = [];
        for (const mode of game.definition.modes.map((m) => m.id)) {
          const exact = analyzeGame(game, mode);
          const theoretical = exact.rtp.toNumber();
          const run = await runSimulation({
            game: gameFileSpec(file, mode),
            spins: sizes.simSpins,
            seed: subSeed(master, `sim/${name}/${mode}`).readBigUInt64BE(0),
            workers,
          });
          const summary: SimSummary = summarizePart(run.part, theoretical);
          const verdict = summary.verdict!;
          checks.push({
            check: `${name} [${mode}] simulated RTP within 99% of exact`,
            passed: verdict.passed,
            detail:
              `exact ${(theoretical * 100).toFixed(4)}%, simulated ${(summary.estimate.rtp * 100).toFixed(4)}% ` +
              `(z = ${verdict.zScore.toFixed(2)}, ${sizes.simSpins} spins)`,
          });
          modes.push({
            mode,
            exact: {
              rtp: exact.rtp.toJSON(),
              rtpDecimal: exact.rtp.toDecimal(8),
              hitFrequency: exact.hitFrequency.toDecimal(8),
              sdPerRoundStakes: exact.sdPerRoundStakes,
              volatilityIndex90: exact.volatilityIndex90,
              volatilityIndex95: exact.volatilityIndex95,
              cycle: exact.cycle.toString(),
            },
            monteCarlo: summary,
          });
        }
        let stopSelection: RngTestReport | null = null;
        if (game.model.type === 'reels') {
          stopSelection = await runRngTests({
            battery: 'gli',
            sequences: sizes.reelSequences,
            bitsPerSequence: sizes.nistBits,
            drawsPerSequence: sizes.reelDraws,
            input: {
              kind: 'game',
              path: file,
              generator: PRODUCTION_GENERATOR,
              seedHex: subSeed(master, `stops/${name}`).toString('hex'),
            },
            workers,
          });
          checks.push(batteryCheck(`${name} stop selection (GLI-style, per reel)`, stopSelection, 'gli'));
        }
        games.push({ file, gameId: name, mathHash: game.mathHash, modes, stopSelection });
      }

      const passed = checks.every((c) => c.passed);
      const result = {
        kind: 'croupier-certification',
        croupierVersion: CROUPIER_VERSION,
        node: process.version,
        masterSeed: masterHex,
        seedDerivation: 'sub-seed = SHA-256("croupier/certify/v1\\0" || label || "\\0" || master seed)',
        productionGenerator: PRODUCTION_GENERATOR,
        sizes,
        verdict: passed ? 'pass' : 'fail',
        checks,
        selfTest,
        rngBatteries: rngReport,
        games,
        elapsedMs: performance.now() - startedMs,
        rerun:
          `croupier certify --seed ${masterHex}${options.quick ? ' --quick' : ''}` +
          `${options.sequences ? ` --sequences ${sizes.nistSequences}` : ''}${options.spins ? ` --spins ${sizes.simSpins}` : ''}`,
      };
      writeFileSync(
        options.out,
        `${JSON.stringify(result, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`,
      );
      if (options.json) {
        printJson(result);
      } else {
        process.stdout.write(
          formatTable(
            ['check', 'result', 'detail'],
            checks.map((c) => [c.check, c.passed ? 'pass' : 'FAIL', c.detail]),
          ),
        );
        process.stdout.write(
          `\nverdict: ${passed ? 'PASS' : 'FAIL'}; full result in ${options.out}; rerun: ${result.rerun}\n`,
        );
      }
      if (!passed) process.exitCode = EXIT_CHECK_FAILED;
    });
}

function batteryCheck(check: string, report: RngTestReport, battery: 'nist' | 'gli'): CheckLine {
  if (battery === 'nist') {
    const rows = report.nist?.secondLevel ?? [];
    const failed = rows.filter((r) => r.verdict === 'fail');
    return {
      check,
      passed: report.nist?.verdict === 'pass',
      detail: `${rows.length - failed.length}/${rows.length} P-value rows pass${failed.length ? ` (failed: ${failed.map((r) => r.test).join(', ')})` : ''}; ${report.nist!.family.reason}`,
    };
  }
  const channels = report.gli?.channels ?? [];
  return {
    check,
    passed: report.gli?.verdict === 'pass',
    detail: `${channels.length} channel(s): ${report.gli?.family.reason ?? 'no result'}`,
  };
}
