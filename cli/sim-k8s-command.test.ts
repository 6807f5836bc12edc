import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { validateSimManifests } from '../sim/index.ts';

const run = promisify(execFile);
const cli = resolve(import.meta.dirname, '../bin/croupier.js');
const dir = mkdtempSync(join(tmpdir(), 'croupier-sim-k8s-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const docs = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n---\n')
    .map((d) => JSON.parse(d) as Record<string, unknown>);

describe('croupier sim k8s', () => {
  it('writes experiment.yaml and merge.yaml that validate, with the seed fixed for every pod', async () => {
    const out = join(dir, 'ok');
    const { stdout } = await run(process.execPath, [
      cli,
      'sim',
      'k8s',
      'jungle-twenty',
      '--spins',
      '1e9',
      '--shards',
      '8',
      '--seed',
      '42',
      '--out-dir',
      out,
    ]);
    expect(stdout).toMatch(/kubectl apply -f .*experiment\.yaml/);
    const objects = [...docs(join(out, 'experiment.yaml')), ...docs(join(out, 'merge.yaml'))];
    expect(validateSimManifests(objects)).toEqual([]);
    expect(JSON.stringify(objects[2])).toContain("'--seed' '0x2a'");
  });

  it('bad input: exit 2 with a message naming the flag, nothing written', async () => {
    const out = join(dir, 'bad');
    const attempt = run(process.execPath, [
      cli,
      'sim',
      'k8s',
      'jungle-twenty',
      '--spins',
      '1e9',
      '--out-dir',
      out,
    ]);
    await expect(attempt).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--shards') });
    await expect(
      run(process.execPath, [
        cli,
        'sim',
        'k8s',
        'jungle-twenty',
        '--spins',
        '1e9',
        '--shards',
        '0',
        '--out-dir',
        out,
      ]),
    ).rejects.toMatchObject({ code: 2 });
    expect(() => readFileSync(join(out, 'experiment.yaml'))).toThrow();
  });
});
