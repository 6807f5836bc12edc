/**
 * Stake Engine math-sdk publications: `croupier math` on a lookup table of 10^6 rows (issue 12:
 * under 2 s), against the raw cost of reading the same file and counting its lines (the baseline,
 * same run). Also the whole CLI (`croupier math PUB --no-books`, process start included) and, when
 * Debian's `zstd` is installed, the books-vs-table check over 10^6 books.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPublication, readLookupTable } from '../games/index.ts';
import { analyzePublicationMode, checkBooksConsistency } from '../sim/index.ts';
import { REPO_ROOT } from '../test/support/paths.ts';
import { heading } from './harness.ts';

const ROWS = 1_000_000;

/** A deterministic table: 64-bit weights (as the SDK's optimiser writes them), payouts 0..5000×. */
function writeTable(path: string, rows: number): void {
  const lines: string[] = new Array(rows);
  let state = 0x2545f491;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  for (let i = 0; i < rows; i++) {
    const weight = (BigInt(next()) << 32n) | BigInt(next());
    const payout = next() % 4 === 0 ? 0 : next() % 500_000;
    lines[i] = `${i},${weight},${payout}\n`;
  }
  writeFileSync(path, lines.join(''));
}

/** Best wall and CPU time of `repeats` runs (CPU time is what a loaded shared machine does not inflate). */
function best(repeats: number, work: () => void): { wallMs: number; cpuMs: number } {
  let wallMs = Number.POSITIVE_INFINITY;
  let cpuMs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < repeats; i++) {
    const startCpu = process.cpuUsage();
    const startMs = performance.now();
    work();
    wallMs = Math.min(wallMs, performance.now() - startMs);
    const used = process.cpuUsage(startCpu);
    cpuMs = Math.min(cpuMs, (used.user + used.system) / 1000);
  }
  return { wallMs, cpuMs };
}

function hasZstd(): boolean {
  return spawnSync('zstd', ['--version'], { encoding: 'utf8' }).status === 0;
}

export async function run(options: { quick: boolean }): Promise<void> {
  heading(`publication: croupier math on a ${ROWS.toLocaleString('en-US')}-row lookup table`);
  const dir = mkdtempSync(join(tmpdir(), 'croupier-pub-bench-'));
  try {
    const table = join(dir, 'lookUpTable_base_0.csv');
    writeTable(table, ROWS);
    writeFileSync(
      join(dir, 'index.json'),
      JSON.stringify({
        modes: [{ name: 'base', cost: 1, events: 'books_base.jsonl.zst', weights: 'lookUpTable_base_0.csv' }],
      }),
    );
    const withBooks = !options.quick && hasZstd();
    if (withBooks) {
      const books = readFileSync(table, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [id, , payout] = line.split(',');
          return `{"id":${id},"payoutMultiplier":${payout},"events":[{"index":0,"type":"finalWin","amount":${payout}}]}`;
        });
      writeFileSync(join(dir, 'books_base.jsonl'), `${books.join('\n')}\n`);
      execFileSync('zstd', [
        '-q',
        '-f',
        '-3',
        '--rm',
        join(dir, 'books_base.jsonl'),
        '-o',
        join(dir, 'books_base.jsonl.zst'),
      ]);
    } else {
      writeFileSync(join(dir, 'books_base.jsonl.zst'), '');
    }
    const sizeMb = readFileSync(table).length / 1e6;
    const repeats = options.quick ? 1 : 3;
    const baseline = best(repeats, () => {
      const bytes = readFileSync(table);
      let lines = 0;
      for (let at = bytes.indexOf(10); at >= 0; at = bytes.indexOf(10, at + 1)) lines++;
      if (lines !== ROWS) throw new Error('baseline misread the table');
    });
    const parse = best(repeats, () => readLookupTable(table));
    const publication = loadPublication(dir);
    const exact = best(repeats, () => analyzePublicationMode(publication.modes[0]!));
    const pipeline = best(repeats, () => analyzePublicationMode(loadPublication(dir).modes[0]!));
    const cli = () => {
      const startMs = performance.now();
      const result = spawnSync(
        process.execPath,
        [join(REPO_ROOT, 'bin/croupier.js'), 'math', dir, '--no-books'],
        { encoding: 'utf8' },
      );
      if (result.status !== 0) throw new Error(`croupier math failed: ${result.stderr}`);
      return performance.now() - startMs;
    };
    let cliMs = Number.POSITIVE_INFINITY;
    for (let i = 0; i < repeats; i++) cliMs = Math.min(cliMs, cli());
    const row = (label: string, t: { wallMs: number; cpuMs: number }) => {
      const cpu = Number.isFinite(t.cpuMs)
        ? `${t.cpuMs.toFixed(0).padStart(6)} ms CPU  ×${(t.cpuMs / baseline.cpuMs).toFixed(2)} baseline CPU`
        : '';
      process.stdout.write(`${label.padEnd(48)} ${t.wallMs.toFixed(0).padStart(6)} ms wall ${cpu}\n`);
    };
    process.stdout.write(
      `table: ${sizeMb.toFixed(1)} MB, best of ${repeats}; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores\n`,
    );
    row('read the file + count lines (baseline)', baseline);
    row('parse and check the lookup table', parse);
    row('exact figures (grouped BigInt sums)', exact);
    row('load + hash + exact figures (math, in-process)', pipeline);
    row('croupier math PUB --no-books (whole CLI)', { wallMs: cliMs, cpuMs: Number.NaN });
    const verdict = pipeline.cpuMs < 2000 ? 'met' : 'NOT met';
    process.stdout.write(
      `target: croupier math on ${ROWS.toLocaleString('en-US')} rows under 2000 ms of CPU: ${verdict}\n`,
    );
    if (withBooks) {
      const books = best(1, () => {
        if (!checkBooksConsistency(publication.modes[0]!).consistent) throw new Error('bench books disagree');
      });
      row('books check (zstd + JSON, 10^6 books)', books);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
