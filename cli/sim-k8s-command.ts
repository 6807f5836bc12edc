/**
 * `croupier sim k8s GAME --spins N --shards K`: writes the Kubernetes objects of a sharded Monte
 * Carlo experiment (sim/monte-carlo/k8s.ts) to a folder: `experiment.yaml` (game ConfigMap, results
 * claim, Indexed shard Job) and `merge.yaml` (the merge Job, applied once the shards completed).
 * The seed is fixed here (random when not given) so that every pod runs the same experiment.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { manifestText, parseSeed, renderSimJob, validateSimManifests } from '../sim/index.ts';
import { CliError, EXIT_BAD_INPUT } from './errors.ts';
import { gameInputOrThrow } from './game-input.ts';

interface K8sOptions {
  spins?: string;
  shards?: string;
  seed?: string;
  image: string;
  cpusPerShard: string;
  storage: string;
  name?: string;
  namespace?: string;
  chunkSize?: string;
  mode?: string;
  rng?: string;
  outDir: string;
}

const bad = (message: string) => new CliError(message, EXIT_BAD_INPUT);

function count(text: string | undefined, flag: string, min: number, max: number): number {
  if (text === undefined) throw bad(`required option '${flag}' not specified`);
  const clean = text.trim().replaceAll('_', '');
  const value = /^\d+(\.\d+)?e\d+$/i.test(clean) || /^\d+$/.test(clean) ? Number(clean) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw bad(`${flag} must be an integer in [${min}, ${max}], got '${text}'`);
  return value;
}

function k8sAction(target: string, o: K8sOptions): void {
  const spins = count(o.spins, '--spins', 1, 2 ** 52);
  const shards = count(o.shards, '--shards', 1, 10_000);
  const input = gameInputOrThrow(target);
  if (input.kind !== 'definition')
    throw bad(`${target}: a publication folder cannot go into a ConfigMap; use a game definition file`);
  let seed: bigint;
  try {
    seed = o.seed === undefined ? randomBytes(8).readBigUInt64BE() : parseSeed(o.seed);
  } catch (error) {
    throw bad(`--seed: ${(error as Error).message}`);
  }
  const name =
    o.name ?? `sim-${input.game.definition.id.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(0, 42);
  let objects: Record<string, unknown>[];
  try {
    objects = renderSimJob({
      name,
      gameJson: readFileSync(input.path, 'utf8'),
      gameFileName: basename(input.path),
      spins,
      shards,
      seed,
      image: o.image,
      cpusPerShard: count(o.cpusPerShard, '--cpus-per-shard', 1, 256),
      storage: o.storage,
      ...(o.namespace ? { namespace: o.namespace } : {}),
      ...(o.chunkSize ? { chunkSize: count(o.chunkSize, '--chunk-size', 1, 2 ** 26) } : {}),
      ...(o.mode ? { mode: o.mode } : {}),
      ...(o.rng ? { rng: o.rng } : {}),
    });
  } catch (error) {
    if (error instanceof RangeError) throw bad(error.message);
    throw error;
  }
  const problems = validateSimManifests(objects);
  if (problems.length > 0)
    throw new Error(`invariant broken: rendered manifests invalid: ${problems.join('; ')}`);
  mkdirSync(o.outDir, { recursive: true });
  const experiment = join(o.outDir, 'experiment.yaml');
  const merge = join(o.outDir, 'merge.yaml');
  writeFileSync(experiment, manifestText(objects.slice(0, 3)));
  writeFileSync(merge, manifestText(objects.slice(3)));
  const ns = o.namespace ? ` -n ${o.namespace}` : '';
  process.stdout.write(
    `wrote ${experiment} and ${merge} (seed 0x${seed.toString(16)}, ${shards} shards)\n` +
      `  kubectl apply${ns} -f ${experiment}\n` +
      `  kubectl wait${ns} --for=condition=complete --timeout=24h job/${name}-shards\n` +
      `  kubectl apply${ns} -f ${merge}\n` +
      `  kubectl wait${ns} --for=condition=complete job/${name}-merge && kubectl logs${ns} job/${name}-merge\n`,
  );
}

/** Adds `k8s` under the `sim` command. */
export function registerSimK8sCommand(sim: Command): void {
  sim
    .command('k8s')
    .description('write a Kubernetes Indexed Job that runs the simulation as K shards, plus the merge Job')
    .argument('<game>', 'game definition file (or a demo game name)')
    .option('--spins <n>', 'spins in the whole experiment, required (e.g. 1e10)')
    .option('--shards <k>', 'pods (shards), required')
    .option('--seed <s>', 'seed, decimal or 0x-hex (default: random, written into the Job)')
    .option('--image <ref>', 'container image built from the Dockerfile', 'croupier:latest')
    .option('--cpus-per-shard <n>', 'CPU cores (and worker threads) per pod', '2')
    .option('--storage <size>', 'results volume size', '1Gi')
    .option('--name <name>', 'object name prefix (default: sim-<game id>)')
    .option('--namespace <ns>', 'namespace of every object')
    .option('--chunk-size <n>', 'spins per chunk (default 1e6)')
    .option('--mode <m>', 'game mode')
    .option('--rng <kind>', 'stream generator')
    .option('--out-dir <dir>', 'folder for experiment.yaml and merge.yaml', 'k8s-sim')
    .action((target: string, options: K8sOptions) => k8sAction(target, options))
    .exitOverride();
}
