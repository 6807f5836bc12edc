/**
 * `croupier sim`: the flags only. The simulator (sim/, games/, workers) loads when a command runs
 * (sim-run.ts), so `croupier sim --help` starts without it (issue 12: under 0.3 s).
 */
import type { Command } from 'commander';
import { STREAM_KINDS } from '../sim/names.ts';
import { registerSimK8sCommand } from './sim-k8s-command.ts';
import type { MergeOptions, SimOptions } from './sim-run.ts';

/**
 * `croupier sim <game> …` (the default subcommand `run`) and `croupier sim merge <parts…>`.
 * `run` is a default subcommand rather than options on `sim` itself so that `sim merge`'s options
 * (--json, --out, ...) are never taken for the run's.
 */
export function registerSimCommand(program: Command): void {
  const sim = program
    .command('sim')
    .usage(
      '<game> --spins <n> [options]   (the same as: sim run <game> ...)\n       croupier sim merge <parts...> [options]',
    )
    .description(
      'parallel Monte Carlo simulation of a game: exact sums, RTP with confidence intervals, win ' +
        'distribution; same seed, spins and chunk size give identical numbers for any --workers or sharding',
    )
    .addHelpText(
      'after',
      '\nGAME is a game definition file, a Stake Engine math-sdk publication folder (index.json,\n' +
        'lookup tables, books: each round is an exact integer weighted draw of a lookup-table row),\n' +
        'or MODULE.ts#factory. Examples:\n' +
        '  croupier sim games/demo/jungle-twenty.json --spins 1e8 --seed 0x2a --exact\n' +
        '  croupier sim path/to/publication --mode bonus --spins 1e7 --exact\n' +
        "Options of 'run': croupier sim run --help",
    )
    // Usage errors surface as CommanderError (exit 2 in main) even though the program calls
    // exitOverride() only after the command groups are registered.
    .exitOverride();

  sim
    .command('run', { isDefault: true })
    .description(
      'simulate GAME (a game definition file, a math-sdk publication folder, or MODULE.ts#factory ' +
        'exporting a CompiledGame factory)',
    )
    .argument('<game>', 'game definition file, publication folder (or MODULE.ts#factory)')
    // Not a commander requiredOption, so that the message and exit code match the other checks.
    .option('--spins <n>', 'spins in the whole experiment, required (e.g. 1e9)')
    .option(
      '--seed <s>',
      'seed: hex (0x…, as rng sample and certify take it; beyond 64 bits reduced by SHA-256) or decimal (default: random, recorded)',
    )
    .option(
      '--workers <w>',
      'worker threads, at most the cores (more are clamped); 0 runs in-process (default: available cores)',
    )
    .option('--mode <m>', 'game mode (publication: the mode name; default the first)')
    .option('--shard <i/N>', 'run only shard i of N (contiguous chunk ranges); write it with --out')
    .option('--out <file>', 'write the mergeable result (part) file')
    .option('--json', 'print the summary as JSON')
    .option('--rng <kind>', `stream generator: ${STREAM_KINDS.join(' | ')}`, 'xoshiro128ss')
    .option('--chunk-size <n>', 'spins per chunk, a constant of the experiment (default 1e6)')
    .option('--expect-rtp <rtp>', 'theoretical RTP (0.96, 96%, or p/q): 99% z-test verdict, exit 1 on fail')
    .option(
      '--exact',
      'take the theoretical RTP from the exact analysis (sim/exact; publication: its lookup table)',
    )
    .action(async (target: string, options: SimOptions) =>
      (await import('./sim-run.ts')).simAction(target, options),
    )
    .exitOverride();

  sim
    .command('merge')
    .description('combine part files of one experiment (shards, interrupted runs) into one result')
    .argument('<parts...>', 'part files written with --out')
    .option('--json', 'print the summary as JSON')
    .option('--out <file>', 'write the merged result file')
    .option('--expect-rtp <rtp>', 'theoretical RTP: 99% z-test verdict, exit 1 on fail')
    .option('--allow-partial', 'exit 0 even if some chunks are missing')
    .action(async (files: string[], options: MergeOptions) =>
      (await import('./sim-run.ts')).mergeAction(files, options),
    )
    .exitOverride();

  registerSimK8sCommand(sim);
}
