/**
 * `croupier certify` on a Stake Engine math-sdk publication (issue 12 §2): one real pack built by
 * the real CLI (tiny sizes, the embedded RGS serving the publication) from a copy of the fixture
 * outside the repository, run from its folder as a user would. Checked: every per-mode section and
 * check, the RGS transcript against the fixture's own books, verify and verify --rerun, no absolute
 * path in what reruns it; negative cases: a declared RTP that mismatches fails its check (exit 1),
 * and books that disagree with their table, a malformed CSV, a missing file and a folder without
 * index.json are refused before anything runs (exit 2, nothing written).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPublication, PublicationBooks } from '../games/index.ts';
import { FIXTURES_DIR, REPO_ROOT } from '../test/support/paths.ts';
import { launchChromium, rerunSection, verifyPack } from './index.ts';
import type { Evidence } from './model.ts';

const FIXTURE = join(FIXTURES_DIR, 'publications');
const work = mkdtempSync(join(tmpdir(), 'croupier-publication-pack-'));
const pack = join(work, 'pack');
/** Exact RTPs of the fixture, from test/fixtures/publications/SOURCE.md: 9600/10000 and 94000/100000. */
const EXACT = { base: '24/25', bonus: '47/50' } as const;

function croupier(args: string[], timeoutMs = 300_000) {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/croupier.js'), ...args], {
    cwd: work,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let certify: ReturnType<typeof croupier>;
let evidence: Evidence;
const check = (id: string) => evidence.checks.find((c) => c.id === id);

beforeAll(() => {
  cpSync(join(FIXTURE, 'tiny-dice'), join(work, 'tiny-dice'), { recursive: true });
  writeFileSync(
    join(work, 'declared.json'),
    JSON.stringify({ declaredRtp: { 'tiny-dice': { base: 0.96, bonus: 0.94 } } }),
  );
  certify = croupier([
    'certify',
    'tiny-dice',
    '--profile',
    'tiny',
    '--seed',
    '5eed',
    '--workers',
    '1',
    '--jurisdiction',
    'uk',
    '--config',
    'declared.json',
    '--out',
    'pack',
  ]);
  if (certify.status !== 0 && certify.status !== 1)
    throw new Error(`certify failed (${certify.status}): ${certify.stderr}\n${certify.stdout}`);
  evidence = JSON.parse(readFileSync(join(pack, 'report.json'), 'utf8')) as Evidence;
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('croupier certify on a math-sdk publication', () => {
  it('passes, with PAR, books, weighted draws and simulation per mode', () => {
    expect(certify.status, certify.stdout).toBe(0);
    expect(evidence.verdict).toBe('pass');
    const game = evidence.games.find((g) => g.gameId === 'tiny-dice')!;
    expect(game.type).toBe('publication');
    expect(game.modes.map((m) => m.mode)).toEqual(['base', 'bonus']);
    for (const m of game.modes) {
      const mode = m.mode as keyof typeof EXACT;
      expect(m.par.rtpExact).toBe(EXACT[mode]);
      expect(m.par.declaredRtp).toBe(mode === 'base' ? 0.96 : 0.94);
      expect(m.publication?.books).toMatchObject({ consistent: true, problemCount: 0, missingBookCount: 0 });
      expect(m.publication?.weightedDraw).toMatchObject({ passed: true, zeroWeightDraws: 0 });
      expect(m.publication?.weightedDraw.control.rejected).toBe(true);
      expect(m.simulation.passed).toBe(true);
      for (const id of [
        `par/tiny-dice/${mode}/books`,
        `par/tiny-dice/${mode}/declared-rtp`,
        `par/tiny-dice/${mode}/gli11-odds`,
        `rng/weighted-draw/tiny-dice/${mode}`,
        `rng/weighted-draw/tiny-dice/${mode}/control`,
        `sim/tiny-dice/${mode}`,
      ])
        expect(check(id)?.result, id).toBe('pass');
    }
    // Base: weights 52/30/13/4/1 over payouts 0/100/200/500/2000 (SOURCE.md): max win 20× at 1 in 100.
    expect(game.modes[0]!.par.maxWin).toMatchObject({ stakeMultiple: 20, oddsOneIn: 100 });
    expect(game.modes[0]!.par.hitFrequency).toBeCloseTo(0.48, 15);
    const csv = readFileSync(join(pack, 'par/tiny-dice.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(1 + 5 + 3);
  });

  it('the embedded RGS served the publication: every recorded round is its book, charged and paid exactly', () => {
    const c = evidence.rgsFunctional?.cases.find((x) => x.id === 'publication-tiny-dice');
    expect(c?.result, c?.detail).toBe('pass');
    expect(evidence.rgsFunctional?.game).toBe('tiny-dice');
    for (const id of ['recall', 'replay', 'resume', 'concurrent', 'uk-flags', 'audit'])
      expect(check(`rgs/${id}`)?.result, id).toBe('pass');
    const text = readFileSync(join(pack, c!.transcript));
    expect(createHash('sha256').update(text).digest('hex')).toBe(c!.transcriptSha256);
    const facts = JSON.parse(text.toString()).facts as {
      rounds: {
        mode: string;
        simulationId: number;
        payoutMultiplier: number;
        cost: number;
        payout: number;
      }[];
    };
    // Checked again here against the fixture's own books, independently of the case's code.
    const publication = loadPublication(join(FIXTURE, 'tiny-dice'));
    const books = new Map(publication.modes.map((m) => [m.name, PublicationBooks.load(m)]));
    expect(facts.rounds.length).toBe(24);
    const bet = 100_000; // the smallest bet level (0.10) in API units, which the case plays
    for (const r of facts.rounds) {
      const book = books.get(r.mode)!.book(r.simulationId)!;
      expect(book.payoutMultiplier).toBe(r.payoutMultiplier);
      expect(r.payout).toBe((bet * book.payoutMultiplier) / 100);
      expect(r.cost).toBe(bet * Number(publication.modes.find((m) => m.name === r.mode)!.cost.text));
    }
  });

  it('verify passes; verify --rerun recomputes the publication bit for bit; no absolute path reruns it', {
    timeout: 240_000,
  }, async () => {
    expect(verifyPack(pack).ok).toBe(true);
    expect(evidence.run.rerunCommand).toBe(
      'croupier certify tiny-dice --profile tiny --jurisdiction uk --seed 5eed --config declared.json --out pack',
    );
    const stage = JSON.parse(readFileSync(join(pack, 'stages/game-tiny-dice.json'), 'utf8'));
    expect(stage.input).toMatchObject({ kind: 'publication', dir: '../tiny-dice', dirBase: 'pack' });
    expect(JSON.stringify(stage.input)).not.toContain(work);
    const rerun = croupier(['verify', 'pack', '--rerun', 'par', '--workers', '1']);
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain('rerun game-tiny-dice: identical');
    // Negative control: one weighted-draw figure altered in a copy of the stage file.
    const copy = join(work, 'altered');
    cpSync(pack, copy, { recursive: true });
    const path = join(copy, 'stages/game-tiny-dice.json');
    const altered = JSON.parse(readFileSync(path, 'utf8'));
    altered.output.modes[1].publication.weightedDraw.fit.statistic += 1e-9;
    writeFileSync(path, JSON.stringify(altered));
    const results = await rerunSection(copy, 'par', 1);
    expect(results.find((r) => r.stage === 'game-tiny-dice')).toMatchObject({
      identical: false,
      detail: expect.stringContaining('weightedDraw.fit.statistic'),
    });
  });

  it('the HTML opens in headless Chromium with no console error; the publication’s plots and §3 table are there', {
    timeout: 60_000,
  }, async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(`file://${join(pack, 'report.html')}`, { waitUntil: 'load' });
      const plots = await page.$$eval('figure.plot', (fs) => fs.map((f) => f.getAttribute('data-plot')));
      expect(plots.sort()).toEqual(
        ['base', 'bonus']
          .flatMap((m) => [
            `convergence/tiny-dice/${m}`,
            `distribution/tiny-dice/${m}`,
            `monitoring/tiny-dice/${m}`,
          ])
          .sort(),
      );
      const text = await page.textContent('body');
      expect(text).toContain('Weighted draws of math-sdk publications');
      expect(text).toContain('tiny-dice (math-sdk publication) — mode bonus');
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('a declared RTP that is not the exact one fails its check (exit 1); the stages are reused', () => {
    const again = join(work, 'pack-declared');
    cpSync(pack, again, { recursive: true });
    writeFileSync(join(work, 'wrong.json'), JSON.stringify({ declaredRtp: { 'tiny-dice': { base: 0.97 } } }));
    const run = croupier([
      'certify',
      'tiny-dice',
      '--profile',
      'tiny',
      '--seed',
      '5eed',
      '--workers',
      '1',
      '--jurisdiction',
      'uk',
      '--config',
      'wrong.json',
      '--no-rgs',
      '--out',
      'pack-declared',
    ]);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toContain(
      'FAIL tiny-dice [base] declared RTP equals exact: declared 97.0000%, exact 96.000000%',
    );
    const e = JSON.parse(readFileSync(join(again, 'report.json'), 'utf8')) as Evidence;
    expect(e.verdict).toBe('fail');
    expect(e.run.stages.find((s) => s.stage === 'game-tiny-dice')?.reused).toBe(true);
  });

  it('refuses bad publications up front (a folder or its index.json), every problem with its file and line, writing nothing', () => {
    const broken = join(work, 'broken-csv');
    cpSync(join(FIXTURE, 'tiny-dice'), broken, { recursive: true });
    writeFileSync(join(broken, 'lookUpTable_bonus_0.csv'), '1,3,5000\n2,x,9000\n3,2,17000\n');
    const missing = join(work, 'missing-books');
    cpSync(join(FIXTURE, 'tiny-dice'), missing, { recursive: true });
    rmSync(join(missing, 'books_base.jsonl.zst'));
    cpSync(join(FIXTURE, 'bad-books'), join(work, 'bad-books'), { recursive: true });
    mkdirSync(join(work, 'not-a-publication'));
    const run = croupier(
      [
        'certify',
        'bad-books/index.json',
        'broken-csv',
        'missing-books',
        'not-a-publication',
        '--out',
        'never',
      ],
      60_000,
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      'bad-books/books_base.jsonl.zst, book line 4: book id 3 pays payoutMultiplier 400, its lookup-table row 500',
    );
    expect(run.stderr).toContain(
      'bad-books/books_base.jsonl.zst: 1 lookup-table row(s) of mode base have no book (ids 4)',
    );
    expect(run.stderr).toMatch(/publication broken-csv: \S*broken-csv\/lookUpTable_bonus_0\.csv, line 2: /);
    expect(run.stderr).toContain(
      'publication missing-books: index.json: modes[0].events: missing file books_base.jsonl.zst',
    );
    expect(run.stderr).toContain('game folder not-a-publication: no index.json in it');
    expect(existsSync(join(work, 'never'))).toBe(false);
  });
});
