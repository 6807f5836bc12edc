/**
 * `croupier load …` end to end: exit codes (0, 99 for a crossed threshold, 1 for unbalanced books,
 * 2 for bad input and the loopback guard), and a short friday-night against the embedded RGS that
 * must end with balanced books.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { BooksCheck, LoadResult } from '../load/index.ts';
import { type FakeStake, startFakeStake } from '../load/runner/fake-stake.test-support.ts';
import { REPO_ROOT } from '../test/support/paths.ts';
import { exitCodeOf } from './load-run.ts';
import { main } from './main.ts';

const scratch = mkdtempSync(join(tmpdir(), 'croupier-load-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function croupier(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'croupier', ...args]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    process.exitCode = undefined;
  }
}

const balanced: BooksCheck = {
  ok: true,
  invariants: [],
  acknowledgedBets: 1,
  unknownBets: { total: 0, booked: 0, notBooked: 0 },
  lost: 0,
  doubled: 0,
  unrequested: 0,
};

describe('croupier load run exit codes', () => {
  it('books that do not balance outrank a failed SLO; a failed SLO is 99, as in k6', () => {
    expect(exitCodeOf({ sloOk: true, books: { available: true, ...balanced } })).toBe(0);
    expect(exitCodeOf({ sloOk: false, books: { available: true, ...balanced } })).toBe(99);
    expect(exitCodeOf({ sloOk: true, books: { available: true, ...balanced, ok: false, lost: 1 } })).toBe(1);
    expect(exitCodeOf({ sloOk: false, books: { available: true, ...balanced, ok: false, doubled: 1 } })).toBe(
      1,
    );
    expect(exitCodeOf({ sloOk: true, books: { available: false, reason: 'no ledger' } })).toBe(0);
    expect(exitCodeOf({ sloOk: true, books: { available: false, reason: 'x', ledgerVerified: false } })).toBe(
      1,
    );
  });

  it('exit 0 when the target keeps its SLOs, 99 when it stalls past them', async () => {
    let fake: FakeStake | null = await startFakeStake();
    try {
      const out = join(scratch, 'fast.json');
      const fast = await croupier(
        'load',
        'run',
        'baseline',
        '--target',
        fake.baseUrl,
        '--operator-token',
        't',
        '--duration',
        '4',
        '--scale',
        '2',
        '--seed',
        '3',
        '--out',
        out,
        '--no-report',
      );
      expect(fast.stderr).not.toMatch(/croupier: /);
      expect(fast.code).toBe(0);
      expect(fast.stdout).toMatch(/books: not checked: no access to the target's ledger/);
      const result = JSON.parse(readFileSync(out, 'utf8')) as LoadResult;
      expect(result.sloOk).toBe(true);
      expect(result.totals.requests).toBeGreaterThan(0);
      // The report of that result: HTML with SVG plots, and the evidence JSON certify --load takes.
      const report = await croupier('load', 'report', out);
      expect(report.code).toBe(0);
      expect(readFileSync(join(scratch, 'fast.html'), 'utf8')).toMatch(/<svg[\s\S]*Offered versus achieved/);
      const evidence = JSON.parse(readFileSync(join(scratch, 'fast.evidence.json'), 'utf8'));
      expect(evidence).toMatchObject({ kind: 'croupier-load-evidence', scenario: 'baseline', sloOk: true });
      expect(evidence.verdicts.length).toBe(result.verdicts.length);
      const notResult = join(scratch, 'not-a-result.json');
      writeFileSync(notResult, '{"kind":"something-else"}');
      const refused = await croupier('load', 'report', notResult);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/not a croupier load result/);
      await fake.close();
      fake = await startFakeStake();
      fake.stallWindow(500, 1_500);
      fake.markStart();
      const slow = await croupier(
        'load',
        'run',
        'baseline',
        '--target',
        fake.baseUrl,
        '--operator-token',
        't',
        '--duration',
        '4',
        '--scale',
        '2',
        '--seed',
        '3',
        '--out',
        join(scratch, 'slow.json'),
        '--no-report',
      );
      expect(slow.code).toBe(99);
      expect(slow.stdout).toMatch(
        /FAIL http_req_duration\{endpoint:session-start,expected_response:true\} p\(99\)<800/,
      );
    } finally {
      await fake?.close();
    }
  });

  it('refuses a non-loopback target (exit 2) unless --allow-remote, and bad flags by name', async () => {
    const remote = await croupier(
      'load',
      'run',
      'baseline',
      '--target',
      'http://10.20.30.40:7420',
      '--operator-token',
      't',
    );
    expect(remote.code).toBe(2);
    expect(remote.stderr).toMatch(/not loopback.*--allow-remote/);
    expect((await croupier('load', 'run', 'tuesday')).stderr).toMatch(/unknown scenario tuesday/);
    expect((await croupier('load', 'run', 'baseline', '--scale', '0')).stderr).toMatch(/--scale/);
    expect((await croupier('load', 'run', 'baseline', '--target', 'http://127.0.0.1:9')).stderr).toMatch(
      /--operator-token/,
    );
  });
});

describe('friday-night against the embedded RGS', () => {
  it('a 30 s friday-night (scaled down) ends with balanced books and a report', {
    timeout: 240_000,
  }, async () => {
    const out = join(scratch, 'friday.json');
    const run = await croupier(
      'load',
      'run',
      'friday-night',
      '--duration',
      '30',
      '--scale',
      '0.2',
      '--seed',
      '11',
      '--out',
      out,
    );
    // 0 or 99: the SLOs depend on the machine; the books never may fail.
    expect(run.stderr).not.toMatch(/croupier: /);
    expect([0, 99]).toContain(run.code);
    const result = JSON.parse(readFileSync(out, 'utf8')) as LoadResult;
    expect(result.embedded).toBe(true);
    expect(result.books?.available).toBe(true);
    const books = result.books as { available: true } & BooksCheck;
    expect(books.ok).toBe(true);
    expect(books.lost).toBe(0);
    expect(books.doubled).toBe(0);
    expect(books.unrequested).toBe(0);
    expect(books.acknowledgedBets).toBe(result.endpoints.play.ok);
    expect(books.invariants.length).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/books: BALANCED/);
    expect(result.totals.ok).toBeGreaterThan(0);
    const history = JSON.parse(readFileSync(out.replace(/\.json$/, '.history.json'), 'utf8')) as {
      entries: unknown[];
    };
    expect(history.entries).toHaveLength(result.totals.requests);
    expect(readFileSync(out.replace(/\.json$/, '.html'), 'utf8')).toMatch(
      /<svg[\s\S]*Latency of accepted requests/,
    );
  });
});

describe("load run on the user's own games", () => {
  const studioGame = join(REPO_ROOT, 'test/fixtures/games/studio-sevens.json');
  const publication = join(REPO_ROOT, 'test/fixtures/publications/tiny-dice');

  it('sends --game to /session/start of a --target, after checking the target serves it', async () => {
    const fake = await startFakeStake(['studio-sevens']);
    try {
      const args = ['load', 'run', 'baseline', '--target', fake.baseUrl, '--operator-token', 't'];
      const common = ['--duration', '2', '--seed', '5', '--no-report'];
      const out = join(scratch, 'game.json');
      const run = await croupier(...args, '--game', 'studio-sevens', ...common, '--out', out);
      expect(run.code).toBe(0);
      expect(fake.sessionGames.length).toBeGreaterThan(0);
      expect(new Set(fake.sessionGames)).toEqual(new Set(['studio-sevens']));
      expect((JSON.parse(readFileSync(out, 'utf8')) as LoadResult).gameID).toBe('studio-sevens');
      // Negative control: a game the target does not serve stops the run before any visit.
      const before = fake.sessionGames.length;
      const refused = await croupier(...args, '--game', 'nope', ...common, '--out', join(scratch, 'x.json'));
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/--game nope: .* answered 404: unknown game; served: studio-sevens/);
      expect(fake.sessionGames.length).toBe(before);
    } finally {
      await fake.close();
    }
  });

  it('refuses bad --games before starting anything, naming the file or the flag', async () => {
    const missing = await croupier('load', 'run', 'baseline', '--games', join(scratch, 'none.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/none\.json/);
    const notServed = await croupier('load', 'run', 'baseline', '--games', studioGame, '--game', 'other');
    expect(notServed.code).toBe(2);
    expect(notServed.stderr).toMatch(/--game other is not one of --games: studio-sevens/);
    const withTarget = await croupier(
      'load',
      'run',
      'baseline',
      '--games',
      studioGame,
      '--target',
      'http://127.0.0.1:9',
      '--operator-token',
      't',
    );
    expect(withTarget.code).toBe(2);
    expect(withTarget.stderr).toMatch(/--games serves games on the embedded RGS/);
  });

  it('the embedded RGS serves a math-sdk publication and a studio game; the books balance', {
    timeout: 180_000,
  }, async () => {
    const out = join(scratch, 'own-games.json');
    const run = await croupier(
      'load',
      'run',
      'baseline',
      '--games',
      publication,
      studioGame,
      '--duration',
      '3',
      '--seed',
      '9',
      '--out',
      out,
      '--no-report',
    );
    expect(run.stderr).not.toMatch(/croupier: /);
    expect([0, 99]).toContain(run.code);
    expect(run.stderr).toMatch(/game tiny-dice/);
    const result = JSON.parse(readFileSync(out, 'utf8')) as LoadResult;
    expect(result.gameID).toBe('tiny-dice');
    // Only the given games are served: the plays that succeeded were rounds of the publication.
    expect(result.endpoints.play.ok).toBeGreaterThan(0);
    expect(result.books?.available).toBe(true);
    expect((result.books as { available: true } & BooksCheck).ok).toBe(true);
  });
});
