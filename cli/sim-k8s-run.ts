/**
 * `croupier sim k8s GAME --spins N --shards K`: writes the Kubernetes objects of a sharded Monte
 * Carlo experiment (sim/monte-carlo/k8s.ts) to a folder: `experiment.yaml` (game ConfigMap, results
 * claim, Indexed shard Job) and `merge.yaml` (the merge Job, applied once the shards completed).
 * The seed is fixed here (random when not given) so that every pod runs the same experiment.
 * The command's work, loaded when it runs (its flags: sim-k8s-command.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { manifestText, parseSeed, renderSimJob, validateSimManifests } from '../sim/index.ts';
import { CliError, EXIT_BAD_INPUT } from './errors.ts';
import { gameInputOrThrow } from './game-input.ts';

export interface K8sOptions {
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

export function k8sAction(target: string, o: K8sOptions): void {
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
