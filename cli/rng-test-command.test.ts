import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runServedPath } from '../certification/index.ts';
import { DEMO_GAME_FILES } from '../games/index.ts';
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

describe('croupier rng test --served', () => {
  it('reruns a served-path run of the evidence pack from its recorded command, with the same P-values', async () => {
    const result = await runServedPath({
      games: [DEMO_GAME_FILES['wizard-fruit']],
      seedHex: 'c0ffee',
      nist: { sequences: 2, bitsPerSequence: 20_000 },
      gli: { sequences: 2, drawsPerSequence: 3_000 },
      workers: 0,
    });
    const pValuesOf = (report: { nist: unknown; gli: unknown }) =>
      JSON.stringify([
        (report.nist as { perSequence: { pValues: number[] }[][] } | null)?.perSequence.map((s) =>
          s.map((r) => r.pValues),
        ),
        (report.gli as { channels: { perSequence: { pValues: number[] }[][] }[] } | null)?.channels.map((c) =>
          c.perSequence.map((s) => s.map((r) => r.pValues)),
        ),
      ]);
    for (const run of [result.nist[1]!, result.gli[0]!]) {
      const args = run.rerun.replace(/^croupier /, '').split(' ');
      const rerun = croupier([...args, '--workers', '0', '--json']);
      expect(rerun.status).toBe(0);
      expect(pValuesOf(run.report)).toMatch(/\[0\.\d+/);
      expect(pValuesOf(JSON.parse(rerun.stdout))).toBe(pValuesOf(run.report));
    }
  }, 170_000);

  it('names what a served input is missing', () => {
    const run = croupier(['rng', 'test', '--battery', 'nist', '--served', 'provably-fair', '--seed', '00']);
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(
      'croupier: --served provably-fair needs --game (the rounds that consume the stream)',
    );
  });
});
