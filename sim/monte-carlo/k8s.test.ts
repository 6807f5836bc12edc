/**
 * The Kubernetes experiment, offline: the rendered objects validate against the schema of what they
 * rely on (with negative controls), and the exact shell commands the pods would run, run here as K
 * local processes with JOB_COMPLETION_INDEX = 0..K-1 and then the merge command, give a merged
 * result file byte-identical to a single run of the same seed.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTAINER_UID, renderSimJob, type SimJobOptions } from './k8s.ts';
import { validateSimManifests } from './k8s-schema.ts';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'croupier-k8s-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const gameJson = readFileSync(join(repo, 'games/demo/jungle-twenty.json'), 'utf8');
const base: SimJobOptions = {
  name: 'jungle-1e9',
  gameJson,
  gameFileName: 'jungle-twenty.json',
  spins: 300_000,
  shards: 3,
  seed: 0x5eedn,
  chunkSize: 50_000,
  image: 'ghcr.io/example/croupier:0.1.0',
  cpusPerShard: 1,
  storage: '1Gi',
};

describe('sim on Kubernetes: manifests', () => {
  it('renders a ConfigMap, a claim, an Indexed shard Job and a merge Job that validate', () => {
    const objects = renderSimJob(base);
    expect(validateSimManifests(objects)).toEqual([]);
    const job = objects[2] as { spec: { completions: number; completionMode: string } };
    expect([job.spec.completionMode, job.spec.completions]).toEqual(['Indexed', 3]);
  });

  it('negative controls: broken manifests are rejected with their path', () => {
    // biome-ignore lint/suspicious/noExplicitAny: free-form edits of plain JSON objects
    const broken = (edit: (objects: any[]) => void) => {
      const objects = JSON.parse(JSON.stringify(renderSimJob(base)));
      edit(objects);
      return validateSimManifests(objects);
    };
    expect(broken((o) => delete o[2].spec.completionMode)).toEqual([
      expect.stringContaining('object 2: spec.completionMode'),
    ]);
    expect(broken((o) => (o[2].spec.completions = 4)).join()).toMatch(/shard count in the command/);
    expect(broken((o) => (o[3].spec.template.spec.securityContext.runAsNonRoot = false)).join()).toMatch(
      /object 3: spec.template.spec.securityContext.runAsNonRoot/,
    );
    expect(broken((o) => o[2].spec.template.spec.volumes.splice(0, 1)).join()).toMatch(/has no volume/);
    expect(() => renderSimJob({ ...base, name: 'Bad_Name' })).toThrow(/DNS-1123/);
  });
});

describe('sim on Kubernetes: the pods commands, run locally', () => {
  it('K shard processes + merge are byte-identical to a single run with the same seed', async () => {
    const paths = { app: repo, results: join(dir, 'results'), game: join(dir, 'game') };
    mkdirSync(paths.results);
    mkdirSync(paths.game);
    writeFileSync(join(paths.game, base.gameFileName), gameJson);
    const objects = renderSimJob({ ...base, paths });
    type PodJob = { spec: { template: { spec: { containers: { command: [string, string, string] }[] } } } };
    const commandOf = (i: number) =>
      (objects[i] as unknown as PodJob).spec.template.spec.containers[0]!.command;
    const [sh, flag, shardScript] = commandOf(2);
    await Promise.all(
      [0, 1, 2].map((i) =>
        run(sh, [flag, shardScript], { env: { ...process.env, JOB_COMPLETION_INDEX: String(i) } }),
      ),
    );
    const [, , mergeScript] = commandOf(3);
    await run(sh, [flag, mergeScript], { env: process.env });
    const single = join(dir, 'single.json');
    await run(process.execPath, [
      join(repo, 'bin/croupier.js'),
      'sim',
      'run',
      join(paths.game, base.gameFileName),
      '--spins',
      '300000',
      '--seed',
      '0x5eed',
      '--chunk-size',
      '50000',
      '--workers',
      '1',
      '--out',
      single,
    ]);
    const merged = readFileSync(join(paths.results, 'merged.json'), 'utf8');
    expect(merged).toBe(readFileSync(single, 'utf8'));
    // A missing shard is not merged silently (the merge exits 1 on missing chunks).
    rmSync(join(paths.results, 'part-1.json'));
    await expect(run(sh, [flag, mergeScript], { env: process.env })).rejects.toThrow();
  }, 240_000);
});

describe('Dockerfile (checked as text: no container engine here)', () => {
  it('is multi-stage, installs production dependencies only, and runs as the manifests non-root uid', () => {
    const text = readFileSync(join(repo, 'Dockerfile'), 'utf8');
    const lines = text.split('\n').filter((l) => !l.startsWith('#'));
    expect(lines.filter((l) => l.startsWith('FROM ')).length).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/RUN npm ci --omit=dev/);
    const users = lines.filter((l) => l.startsWith('USER '));
    expect(users.at(-1)).toBe(`USER ${CONTAINER_UID}:${CONTAINER_UID}`);
    // The runtime stage (after the last FROM) sets the user.
    const lastFrom = lines.map((l) => l.startsWith('FROM ')).lastIndexOf(true);
    expect(lines.slice(lastFrom).some((l) => l.startsWith('USER '))).toBe(true);
    expect(readFileSync(join(repo, '.dockerignore'), 'utf8')).toMatch(/^node_modules$/m);
  });
});
