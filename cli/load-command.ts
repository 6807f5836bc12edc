/**
 * `croupier load …`: load runs against a Stake Engine RGS.
 *
 *   croupier load run SCENARIO [--target URL | --games PATH...] [--game ID] [--scale X] [--duration S] [--out FILE] …
 *   croupier load report FILE [--html OUT] [--json OUT]
 *   croupier load k8s SCENARIO --parallelism N [--target URL] [--out FILE]
 *
 * `run` exits 0 when every SLO held and the books balance, 99 when a threshold was crossed (as k6
 * does), 1 when the books do not balance, 2 on bad input. Ctrl-C stops the run and still writes
 * the partial result.
 */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { CliError, EXIT_BAD_INPUT } from './errors.ts';
import { registerLoadK8s } from './load-k8s.ts';
import { registerLoadReport } from './load-report.ts';

export interface LoadRunFlags {
  target?: string;
  scale?: string;
  duration?: string;
  out?: string;
  seed?: string;
  allowRemote?: boolean;
  databaseUrl?: string;
  redisUrl?: string;
  operatorToken?: string;
  maxInFlight?: string;
  report?: boolean;
  games?: string[];
  game?: string;
}

export function registerLoadCommand(program: Command): Command {
  const load = program
    .command('load')
    .description('Load runs against a Stake Engine RGS (scenarios, reports, k6 on Kubernetes)');
  load
    .command('run')
    .argument('<scenario>', 'baseline | friday-night | spike-and-recover | soak')
    .description(
      'Run a scenario with the open-model runner: CO-corrected latency per endpoint, SLO verdicts,\n' +
        'then the books check (the client history against the ledger). Without --target it starts\n' +
        'an embedded RGS (PGlite, or --database-url/--redis-url) and stops it after.',
    )
    .option('--target <url>', 'base URL of the RGS to load (loopback only unless --allow-remote)')
    .option('--allow-remote', 'allow a target that is not loopback')
    .option('--scale <x>', 'multiply arrival rates and visit caps (0 < x ≤ 100)', '1')
    .option('--duration <seconds>', "stretch or shrink the scenario's stages to this total")
    .option('--out <file>', 'result JSON (default croupier-load-<scenario>.json; history and HTML beside it)')
    .option('--seed <n>', 'seed of the journeys (default: random, recorded in the result)')
    .option(
      '--operator-token <token>',
      'operator token for /session/start on --target [env CROUPIER_OPERATOR_TOKEN]',
    )
    .option(
      '--database-url <url>',
      "the RGS's PostgreSQL: the embedded RGS runs on it; with --target, the books check reads it",
    )
    .option('--redis-url <url>', 'Redis for the embedded RGS sessions')
    .option('--max-in-flight <n>', 'embedded RGS admission bound (RGS_MAX_IN_FLIGHT, default 32 here)')
    .option(
      '--games <paths...>',
      'the embedded RGS serves these games instead of the demo games: game definition files,\n' +
        'math-sdk publication folders or folders of them (validated first; the first is the default)',
    )
    .option('--game <id>', "the game every visit opens (default: the first of --games, or the RGS's default)")
    .option('--no-report', 'do not write the HTML report')
    .action(async (scenario: string, flags: LoadRunFlags) => {
      // Loaded here, not at the top: the runner pulls in the RGS, the chaos checks and the load
      // engine, which `croupier load --help` never needs (issue 12: start-up time).
      const { runLoadCommand } = await import('./load-run.ts');
      process.exitCode = await runLoadCommand(scenario, flags);
    });
  registerLoadReport(load);
  registerLoadK8s(load);
  return load;
}

export function parseNumberFlag(
  name: string,
  raw: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max)
    throw new CliError(`${name} must be a number in [${min}, ${max}], got ${raw}`, EXIT_BAD_INPUT);
  return value;
}

export function randomSeed(): number {
  return randomBytes(4).readUInt32BE(0);
}
