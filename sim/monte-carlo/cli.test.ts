import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCroupier } from './cli-harness.test-support.ts';
import { gameModuleSpec } from './game-source.ts';
import { partFromFile } from './result-file.ts';
import { runSimulation } from './runner.ts';
import { DEMO_TABLE_ARGS, toyTableExactRtp } from './toy-games.ts';

const TOY = `${fileURLToPath(new URL('./toy-games.ts', import.meta.url))}#createToyTableGame`;
const exact = toyTableExactRtp(DEMO_TABLE_ARGS);
const EXACT_RTP = `${exact.numerator}/${exact.denominator}`;
const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the CLI in this process and captures stdout and stderr. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
  try {
    const code = await runCroupier(argv);
    return { code, out, err };
  } finally {
    vi.restoreAllMocks();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('croupier sim', () => {
  const common = ['--spins', '200000', '--chunk-size', '50000', '--seed', '3', '--workers', '0'];

  it('prints a JSON summary with a passing verdict at the exact RTP (exit 0)', async () => {
    const { code, out } = await cli('sim', TOY, ...common, '--json', '--expect-rtp', EXACT_RTP);
    expect(code).toBe(0);
    const summary = JSON.parse(out);
    expect(summary.spinsRun).toBe(200_000);
    expect(summary.verdict.passed).toBe(true);
    expect(summary.seed).toBe('3');
    expect(summary.bands).toHaveLength(11);
  });

  it('exits 1 with a one-line error when the verdict fails (negative control)', async () => {
    const { code, out, err } = await cli('sim', TOY, ...common, '--expect-rtp', '0.99');
    expect(code).toBe(1);
    expect(out).toMatch(/verdict: .*FAIL/);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/RTP verdict failed: .* z = -\d/);
  });

  it('prints a human report without --json', async () => {
    const { code, out } = await cli('sim', TOY, ...common);
    expect(code).toBe(0);
    expect(out).toMatch(/^RTP \d+\.\d+% {2}SE/m);
    expect(out).toMatch(/win distribution/);
    expect(out).toMatch(/max win .* at spin \d+/);
  });

  it('exits 2 on bad input, with one line on stderr', async () => {
    for (const argv of [
      ['sim', TOY, '--spins', 'lots'],
      ['sim', TOY],
      ['sim', TOY, '--spins', '10', '--shard', '3/3'],
      ['sim', TOY, '--spins', '10', '--rng', 'mt19937'],
      ['sim', TOY, '--spins', '10', '--seed', '-4'],
      ['sim', TOY, '--spins', '10', '--workers', '0', '--expect-rtp', 'x'],
      ['sim', '/nonexistent/game.json', '--spins', '10', '--workers', '0'],
      ['sim', 'merge', '/nonexistent/part.json'],
    ]) {
      const { code, err } = await cli(...argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(err.trim().split('\n'), argv.join(' ')).toHaveLength(1);
    }
  });

  it('shards merge into exactly the single run; gaps and overlaps are reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'croupier-sim-'));
    const full = join(dir, 'full.json');
    expect((await cli('sim', TOY, ...common, '--out', full, '--json')).code).toBe(0);
    const shards = [0, 1, 2].map((i) => join(dir, `shard-${i}.json`));
    for (const [i, file] of shards.entries()) {
      expect((await cli('sim', TOY, ...common, '--shard', `${i}/3`, '--out', file, '--json')).code).toBe(0);
    }
    const merged = join(dir, 'merged.json');
    const m = await cli('sim', 'merge', shards[2]!, shards[0]!, shards[1]!, '--out', merged, '--json');
    expect(m.code).toBe(0);
    expect(JSON.parse(m.out).missingChunkRanges).toEqual([]);
    expect(readFileSync(merged, 'utf8')).toBe(readFileSync(full, 'utf8'));

    const gap = await cli('sim', 'merge', shards[0]!, shards[2]!, '--json');
    expect(gap.code).toBe(1);
    expect(JSON.parse(gap.out).missingChunkRanges).toEqual([[1, 2]]);
    expect((await cli('sim', 'merge', shards[0]!, shards[2]!, '--allow-partial')).code).toBe(0);
    expect((await cli('sim', 'merge', shards[0]!, shards[0]!)).code).toBe(2);
  });
});

describe('croupier sim on SIGINT', () => {
  it('stops handing out chunks, finishes in-flight ones and keeps the partial result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'croupier-sigint-'));
    const out = join(dir, 'partial.json');
    const child = spawn(
      process.execPath,
      [
        'bin/run-ts.js',
        'sim/monte-carlo/cli-harness.test-support.ts',
        'sim',
        TOY,
        '--spins',
        '1e9',
        '--chunk-size',
        '100000',
        '--seed',
        '12',
        '--workers',
        '0',
        '--out',
        out,
        '--json',
      ],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // In-process, so chunks start as soon as the CLI is up (worker stops are tested in verdict.test.ts).
    await new Promise((resolve) => setTimeout(resolve, 5000));
    child.kill('SIGINT');
    const code = await exited;
    expect(code, stderr).toBe(1);
    expect(stderr).toMatch(/interrupted: partial result/);
    expect(JSON.parse(stdout).partial).toBe(true);
    const part = partFromFile(JSON.parse(readFileSync(out, 'utf8')));
    expect(part.interrupted).toBe(true);
    const chunks = part.chunkRanges[0]?.end ?? 0;
    expect(part.chunkRanges.length).toBeLessThanOrEqual(1);
    expect(chunks).toBeGreaterThan(0);
    expect(chunks).toBeLessThan(10_000);
    // Chunks run in order in-process: the part holds exactly chunks [0, k) of the experiment.
    const same = await runSimulation({
      game: gameModuleSpec(TOY.split('#')[0]!, 'createToyTableGame'),
      spins: chunks * 100_000,
      chunkSize: 100_000,
      seed: 12n,
      workers: 0,
    });
    expect(part.totals.winSum).toBe(same.part.totals.winSum);
    expect(part.totals.bandCounts).toEqual(same.part.totals.bandCounts);
  });
});
