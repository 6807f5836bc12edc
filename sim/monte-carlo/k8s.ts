/**
 * A Monte Carlo experiment as Kubernetes objects: an Indexed Job whose pod i runs
 * `croupier sim run GAME --shard i/K --out /results/part-i.json` (i from JOB_COMPLETION_INDEX, which
 * the Job controller sets in Indexed completion mode), a merge Job that runs `croupier sim merge`
 * over the K parts once they are all there, the volume the parts go to, and the game as a
 * ConfigMap. The shard/merge contract (plan.ts: shard i runs a fixed contiguous chunk range; chunk
 * streams depend only on the seed and the chunk index) makes the merged result bit-identical to a
 * single-machine run of the same seed, spins and chunk size.
 *
 * Plain objects (rendered as JSON, which is YAML 1.2): nothing here talks to a cluster.
 * References: Kubernetes batch/v1 Job, "Indexed Job" (kubernetes.io/docs/concepts/workloads/
 * controllers/job/#completion-mode), JOB_COMPLETION_INDEX; v1 PersistentVolumeClaim, ConfigMap.
 */
import { basename } from 'node:path';

export interface SimJobOptions {
  /** A name prefix for every object (DNS-1123 label). */
  readonly name: string;
  /** The game definition file's JSON text (mounted from a ConfigMap). */
  readonly gameJson: string;
  readonly gameFileName: string;
  readonly spins: number;
  readonly shards: number;
  readonly seed: bigint;
  readonly chunkSize?: number;
  readonly mode?: string;
  readonly rng?: string;
  /** The container image built from the project's Dockerfile. */
  readonly image: string;
  /** CPU cores per shard pod (also its worker threads). */
  readonly cpusPerShard: number;
  /** Size of the results volume claim, e.g. "1Gi". */
  readonly storage: string;
  readonly namespace?: string;
  /** Where things are inside the container (defaults: the Dockerfile's layout). */
  readonly paths?: { readonly app?: string; readonly results?: string; readonly game?: string };
}

export const DEFAULT_PATHS = { app: '/app', results: '/results', game: '/game' } as const;
/** The Dockerfile's non-root user id. */
export const CONTAINER_UID = 10001;

const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/;

/** Shell-quotes one argument for `sh -c` (single quotes; a quote becomes '\''). */
function quote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

function paths(o: SimJobOptions) {
  return { ...DEFAULT_PATHS, ...o.paths };
}

/** The shell command pod i runs (i read from JOB_COMPLETION_INDEX at run time). */
export function shardCommand(o: SimJobOptions): string {
  const p = paths(o);
  const args = [
    'sim',
    'run',
    `${p.game}/${o.gameFileName}`,
    '--spins',
    String(o.spins),
    '--seed',
    `0x${o.seed.toString(16)}`,
    '--workers',
    String(o.cpusPerShard),
    '--json',
  ];
  if (o.chunkSize !== undefined) args.push('--chunk-size', String(o.chunkSize));
  if (o.mode !== undefined) args.push('--mode', o.mode);
  if (o.rng !== undefined) args.push('--rng', o.rng);
  const fixed = args.map(quote).join(' ');
  return (
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a template
    'set -eu; i="${JOB_COMPLETION_INDEX:?set by the Indexed Job}"; ' +
    `exec node ${quote(`${p.app}/bin/croupier.js`)} ${fixed} --shard "$i/${o.shards}" ` +
    `--out ${quote(p.results)}/part-"$i".json`
  );
}

/** The merge step's shell command: every part must be there (sim merge exits 1 on missing chunks). */
export function mergeCommand(o: SimJobOptions): string {
  const p = paths(o);
  const parts = Array.from({ length: o.shards }, (_, i) => `${quote(p.results)}/part-${i}.json`).join(' ');
  return (
    `set -eu; exec node ${quote(`${p.app}/bin/croupier.js`)} sim merge ${parts} ` +
    `--out ${quote(p.results)}/merged.json --json`
  );
}

function podSpec(o: SimJobOptions, command: string, cpus: number) {
  const p = paths(o);
  return {
    restartPolicy: 'Never',
    securityContext: { runAsNonRoot: true, runAsUser: CONTAINER_UID, fsGroup: CONTAINER_UID },
    containers: [
      {
        name: 'croupier',
        image: o.image,
        command: ['sh', '-c', command],
        resources: { requests: { cpu: String(cpus) }, limits: { cpu: String(cpus) } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
        // A read-only root: scratch space (node, the CLI) goes to an emptyDir at /tmp.
        env: [{ name: 'HOME', value: '/tmp' }],
        volumeMounts: [
          { name: 'results', mountPath: p.results },
          { name: 'game', mountPath: p.game, readOnly: true },
          { name: 'tmp', mountPath: '/tmp' },
        ],
      },
    ],
    volumes: [
      { name: 'results', persistentVolumeClaim: { claimName: `${o.name}-results` } },
      { name: 'game', configMap: { name: `${o.name}-game` } },
      { name: 'tmp', emptyDir: {} },
    ],
  };
}

/**
 * Every object of the experiment, in apply order: ConfigMap, claim, shard Job, merge Job. Jobs have
 * no dependencies between them in Kubernetes: apply the merge Job once the shard Job is complete
 * (`kubectl wait --for=condition=complete job/<name>-shards`); the CLI writes it to its own file.
 */
export function renderSimJob(o: SimJobOptions): Record<string, unknown>[] {
  if (!dnsLabel.test(o.name)) throw new RangeError(`name '${o.name}' must be a DNS-1123 label (a-z, 0-9, -)`);
  if (!Number.isSafeInteger(o.shards) || o.shards < 1 || o.shards > 10_000)
    throw new RangeError(`shards must be an integer in [1, 10000], got ${o.shards}`);
  if (!Number.isSafeInteger(o.cpusPerShard) || o.cpusPerShard < 1)
    throw new RangeError(`cpus per shard must be a positive integer, got ${o.cpusPerShard}`);
  if (basename(o.gameFileName) !== o.gameFileName) throw new RangeError('game file name must have no folder');
  const metadata = (suffix: string) => ({
    name: `${o.name}-${suffix}`,
    ...(o.namespace ? { namespace: o.namespace } : {}),
    labels: { 'app.kubernetes.io/name': 'croupier-sim', 'croupier.dev/experiment': o.name },
  });
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: metadata('game'),
      data: { [o.gameFileName]: o.gameJson },
    },
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: metadata('results'),
      // ReadWriteMany: the K shard pods may run on different nodes and all write to it.
      spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: o.storage } } },
    },
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: metadata('shards'),
      spec: {
        completionMode: 'Indexed',
        completions: o.shards,
        parallelism: o.shards,
        backoffLimitPerIndex: 2,
        template: {
          metadata: { labels: metadata('shards').labels },
          spec: podSpec(o, shardCommand(o), o.cpusPerShard),
        },
      },
    },
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: metadata('merge'),
      spec: {
        completions: 1,
        backoffLimit: 2,
        template: { metadata: { labels: metadata('merge').labels }, spec: podSpec(o, mergeCommand(o), 1) },
      },
    },
  ];
}

/** Multi-document YAML (each document JSON, which is valid YAML 1.2). */
export function manifestText(objects: readonly Record<string, unknown>[]): string {
  return `${objects.map((obj) => JSON.stringify(obj, null, 2)).join('\n---\n')}\n`;
}
