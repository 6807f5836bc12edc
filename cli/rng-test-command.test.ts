import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../test/support/paths.ts';

function croupier(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/croupier.js'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const workDir = mkdtempSync(join(tmpdir(), 'croupier-rng-test-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** 12 sequences of 20,000 bits: SHA-256 of a counter (a sound stream, fixed). */
function dataFile(): string {
  const path = join(workDir, 'data.bin');
  const data = Buffer.alloc((12 * 20_000) / 8);
  for (let i = 0, offset = 0; offset < data.length; i++, offset += 32) {
    createHash('sha256').update(`cli-${i}`).digest().copy(data, offset);
  }
  writeFileSync(path, data);
  return path;
}

describe('croupier rng test --sts-report', () => {
  it("writes sts-2.1.2's finalAnalysisReport.txt layout for a file, and the verdict names the smallest P-value", () => {
    const file = dataFile();
    const out = join(workDir, 'finalAnalysisReport.txt');
    const run = croupier([
      'rng',
      'test',
      '--battery',
      'nist',
      '--file',
      file,
      '--format',
      'binary',
      '--sequences',
      '12',
      '--bits',
      '20000',
      '--nist-tests',
      'Frequency,CumulativeSums,Runs',
      '--workers',
      '0',
      '--sts-report',
      out,
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = readFileSync(out, 'utf8').split('\n');
    expect(lines[3]).toBe(`   generator is <${file}>`);
    const rows = lines.filter((line) => /^(?:[ \d]{3} ){10}/.test(line));
    expect(rows.map((row) => row.trim().split(/\s+/).at(-1))).toEqual([
      'Frequency',
      'CumulativeSums',
      'CumulativeSums',
      'Runs',
    ]);
    for (const row of rows) expect(row).toMatch(/ [01]\.\d{6} [ *] [ \d]{4}\/12 {3}[ *] {2}\w+$/);
    expect(lines).toContain('sample size = 12 binary sequences.');
    expect(run.stdout).toMatch(
      /NIST battery: PASS: smallest P-value \d\.\d{4} \((Frequency|CumulativeSums|Runs)/,
    );
    expect(run.stdout).not.toContain('smallest row P');
  }, 150_000);

  it('refuses --sts-report without the NIST battery, before running anything', () => {
    const out = join(workDir, 'never.txt');
    const run = croupier(['rng', 'test', '--battery', 'gli', '--generator', 'chacha20', '--sts-report', out]);
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe('croupier: --sts-report needs the NIST battery (--battery nist or all)');
    expect(existsSync(out)).toBe(false);
  });
});
