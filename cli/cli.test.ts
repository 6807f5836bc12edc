import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../test/support/paths.ts';

/** Runs the real `croupier` entry point (as `npx croupier` would) and captures its outcome. */
function croupier(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/croupier.js'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const workDir = mkdtempSync(join(tmpdir(), 'croupier-cli-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('croupier CLI conventions', () => {
  it('prints help and exits 0', () => {
    const run = croupier(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('rng');
  });

  it('exits 2 with one line on stderr for an unknown command', () => {
    const run = croupier(['no-such-command']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("unknown command 'no-such-command'");
  });

  it('exits 2 with one clear line, and no stack trace, for bad input', () => {
    const run = croupier(['rng', 'sample', '--generator', 'no-such', '--bytes', '16']);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('unknown generator');
    expect(run.stderr).not.toMatch(/\bat .+:\d+:\d+/);
  });
});

describe('croupier rng', () => {
  it('lists the generators with their standard, as JSON', () => {
    const run = croupier(['rng', 'list', '--json']);
    expect(run.status).toBe(0);
    const names = (JSON.parse(run.stdout) as { generators: { name: string }[] }).generators.map(
      (g) => g.name,
    );
    expect(names).toEqual(['hmac-drbg', 'ctr-drbg', 'chacha20', 'xoshiro128ss', 'philox4x32']);
  });

  it('selftest passes every known-answer and health check', () => {
    const run = croupier(['rng', 'selftest', '--json']);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as { verdict: string; results: { passed: boolean }[] };
    expect(report.verdict).toBe('pass');
    expect(report.results.length).toBeGreaterThanOrEqual(10);
    expect(report.results.every((r) => r.passed)).toBe(true);
  });

  it('sample is reproducible from a recorded seed, and differs for another seed', () => {
    const seed = '000102030405060708090a0b0c0d0e0f';
    const files = ['a', 'b', 'c'].map((name) => join(workDir, `${name}.bin`));
    for (const [i, file] of files.entries()) {
      const run = croupier([
        'rng',
        'sample',
        '--generator',
        'ctr-drbg',
        '--bytes',
        '100k',
        '--seed',
        i < 2 ? seed : `ff${seed.slice(2)}`,
        '--out',
        file,
      ]);
      expect(run.status).toBe(0);
    }
    const [a, b, c] = files.map((f) => readFileSync(f));
    expect(a!.length).toBe(100_000);
    expect(a!.equals(b!)).toBe(true);
    expect(a!.equals(c!)).toBe(false);
  });

  it('rng test exits 1 when the input fails a battery (all-zero file), 0 for a good generator', () => {
    const zeros = join(workDir, 'zeros.bin');
    writeFileSync(zeros, Buffer.alloc(4 * 12_500));
    const bad = croupier([
      'rng',
      'test',
      '--battery',
      'nist',
      '--file',
      zeros,
      '--format',
      'binary',
      '--sequences',
      '4',
      '--bits',
      '100000',
      '--nist-tests',
      'Frequency,Runs',
      '--json',
    ]);
    expect(bad.status).toBe(1);
    const good = croupier([
      'rng',
      'test',
      '--battery',
      'nist',
      '--generator',
      'hmac-drbg',
      '--seed',
      '00112233445566778899aabbccddeeff',
      '--sequences',
      '4',
      '--bits',
      '100000',
      '--nist-tests',
      'Frequency,Runs',
      '--json',
    ]);
    expect(good.status).toBe(0);
  });
});

describe('croupier certify (the main job)', () => {
  // The pack itself (schema, signature, rerun, PDF, HTML) is tested in reports/pack.test.ts.
  it('refuses bad input before any long stage, naming every problem, exit 2', () => {
    const bad = join(workDir, 'bad-game.json');
    writeFileSync(bad, JSON.stringify({ formatVersion: 1, id: 'x', type: 'reels' }));
    const run = croupier(['certify', bad, '--jurisdiction', 'uk,xx', '--out', join(workDir, 'never')]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`game file ${bad}: $`);
    expect(run.stderr).toContain("unknown jurisdiction 'xx'");
    expect(run.stderr).not.toContain('start');
  });
});
