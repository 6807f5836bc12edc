import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEMO_GAME_FILES } from '../games/index.ts';
import { FIXTURES_DIR } from '../test/support/paths.ts';
import { CliError } from './errors.ts';
import { registerMathCommand } from './math-command.ts';

let stderr = '';

async function run(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerMathCommand(program);
  let out = '';
  stderr = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'croupier', 'math', ...args]);
  } finally {
    spy.mockRestore();
    errSpy.mockRestore();
  }
  return out;
}

const PUBLICATIONS = join(FIXTURES_DIR, 'publications');

/** lucky-wheel with some fields replaced, written to a scratch file. */
interface WheelDefinition {
  modes: { declaredRtp?: string }[];
  outcomes: { weight: number; pay: number }[];
}
function luckyWheelVariant(change: (def: WheelDefinition) => void): string {
  const def = JSON.parse(readFileSync(DEMO_GAME_FILES['lucky-wheel'], 'utf8')) as WheelDefinition;
  change(def);
  const path = join(mkdtempSync(join(tmpdir(), 'croupier-math-')), 'variant.json');
  writeFileSync(path, JSON.stringify(def, null, 2));
  return path;
}

/** jungle-twenty with a max-win cap of `multiplier` × stake, written to a scratch file. */
function cappedJungle(multiplier: number): string {
  const def = JSON.parse(readFileSync(DEMO_GAME_FILES['jungle-twenty'], 'utf8'));
  def.id = `jungle-twenty-cap-${multiplier}`;
  def.maxWin = { multiplier };
  delete def.modes[0].declaredRtp;
  const path = join(mkdtempSync(join(tmpdir(), 'croupier-math-')), 'capped.json');
  writeFileSync(path, JSON.stringify(def));
  return path;
}

describe('croupier math', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints a readable PAR sheet for a demo game', async () => {
    const out = await run(['classic-sevens']);
    expect(out).toContain('RTP 93.2702%');
    expect(out).toContain('red-white-blue');
    expect(out).toContain('1-in-100,000,000 advertised-award rule met');
  });

  it('--json gives exact fractions as strings; --csv writes one row per pay plus a total', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'croupier-math-'));
    const csv = join(dir, 'par.csv');
    const json = JSON.parse(await run(['lucky-wheel', '--json', '--csv', csv]));
    expect(json.rtp).toMatchObject({ numerator: '24', denominator: '25' });
    expect(json.cycle).toBe('10000');
    const rows = readFileSync(csv, 'utf8').trim().split('\n');
    expect(rows).toHaveLength(1 + 9 + 1);
    expect(rows.at(-1)).toContain('24/25');
  });

  it('bad input: a missing file, an invalid definition, an unknown mode -> CliError exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'croupier-math-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ formatVersion: 1 }));
    await expect(run([join(dir, 'nope.json')])).rejects.toThrow(CliError);
    await expect(run([bad])).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('invalid game definition'),
    });
    await expect(run(['classic-sevens', '--mode', 'turbo'])).rejects.toMatchObject({ exitCode: 2 });
  });

  it('checks the declared RTP against the exact one: a match passes, a mismatch exits 1 after the sheet', async () => {
    expect(await run(['classic-sevens'])).toContain('declared RTP 93.27%: exact rounds to 93.27%: MATCH');
    const wrong = luckyWheelVariant((def) => {
      def.modes[0]!.declaredRtp = '96.10';
    });
    await expect(run([wrong])).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringContaining('declared RTP 96.10% but the exact RTP 24/25 rounds to 96.00%'),
    });
    // The stated precision is the tolerance: "96" is right to the unit, "96.0000001" is not.
    expect(await run([luckyWheelVariant((def) => void (def.modes[0]!.declaredRtp = '96'))])).toContain(
      'MATCH',
    );
    const tooPrecise = luckyWheelVariant((def) => void (def.modes[0]!.declaredRtp = '95.9999999'));
    await expect(run([tooPrecise])).rejects.toMatchObject({ exitCode: 1 });
  });

  it('warns when the RTP exceeds 100% or is below --min-rtp', async () => {
    const generous = luckyWheelVariant((def) => {
      def.outcomes[0]!.pay = 20; // the 53.55% miss now pays 2× the stake
      delete def.modes[0]!.declaredRtp;
    });
    await run([generous]);
    expect(stderr).toMatch(/warning: lucky-wheel mode base: RTP \d+\.\d+% exceeds 100%/);
    await run(['lucky-wheel', '--min-rtp', '96.5']);
    expect(stderr).toContain('warning: lucky-wheel mode base: RTP 96.0000% is below the minimum of 96.5%');
    await run(['lucky-wheel', '--min-rtp', '95']);
    expect(stderr).toBe('');
  });

  it('lists every problem of an invalid definition, each with its JSON path', async () => {
    const bad = luckyWheelVariant((def) => {
      def.outcomes[1]!.weight = 0;
      def.outcomes[2]!.pay = -1;
      def.modes[0]!.declaredRtp = 'ninety';
    });
    const error = await run([bad]).catch((caught: unknown) => caught as CliError);
    expect(error).toBeInstanceOf(CliError);
    const message = (error as CliError).message;
    expect(message).toContain('invalid game definition (3 problems)');
    expect(message).toContain('outcomes[1].weight');
    expect(message).toContain('outcomes[2].pay');
    expect(message).toContain('modes[0].declaredRtp');
  });

  it('a math-sdk publication: exact figures per mode and the books check', async () => {
    const out = await run([join(PUBLICATIONS, 'tiny-dice')]);
    expect(out).toContain('mode base  cost 1× bet  5 rows  Σ weight 100');
    expect(out).toContain('RTP 96.0000%  (exact 24/25)');
    expect(out).toContain('RTP 94.0000%  (exact 47/50)');
    expect(out).toContain('books: 5 read, every payout equals its lookup-table row');
    const json = JSON.parse(await run([join(PUBLICATIONS, 'tiny-dice'), '--mode', 'bonus', '--json']));
    expect(json.modes).toHaveLength(1);
    expect(json.modes[0]).toMatchObject({ mode: 'bonus', rtp: { numerator: '47', denominator: '50' } });
    expect(json.modes[0].books).toMatchObject({ consistent: true, booksRead: 3 });
  });

  it('negative control: books that disagree with the lookup table exit 1 and show the first mismatches', async () => {
    let out = '';
    const error = await run([join(PUBLICATIONS, 'bad-books')]).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      exitCode: 1,
      message: expect.stringContaining('disagree with the lookup table'),
    });
    out = await run([join(PUBLICATIONS, 'bad-books'), '--no-books']);
    expect(out).toContain('books: not checked');
  });

  it('every demo game declares the RTP its exact analysis gives (the figure the RGS shows)', async () => {
    for (const name of Object.keys(DEMO_GAME_FILES)) {
      expect(await run([name])).toMatch(/declared RTP [\d.]+%: exact rounds to [\d.]+%: MATCH/);
    }
  });

  it('a 5,000× cap with retriggering free spins: the certified tail bound, its derivation, no DP', {
    timeout: 120_000,
  }, async () => {
    const out = await run([cappedJungle(5000)]);
    expect(out).toContain('capped feature (certified tail bound, no DP): P(cap) <= ');
    expect(out).toContain('bound: Chernoff tail bound, no DP');
    expect(out).toMatch(/RTP open by <= \d\.\d+e-\d+ \(budget 2\.5e-13\)/);
    expect(out).toContain(
      'bound: win bands of the feature rounds: P(Z >= lowest total of each band below the cap)',
    );
    // The bands' work counts against --max-work: below it the RTP still comes, the bands say why not.
    const json = JSON.parse(await run([cappedJungle(5000), '--json', '--max-work', '1e9']));
    expect(json.capFeature).toMatchObject({ method: 'tail-bound', featureBandsComputed: false });
    expect(json.capFeature.derivation.join('\n')).toContain('or the work is above the limit');
  });

  it('a cap whose DP exceeds --max-work is refused in one line naming the flag, before any work', async () => {
    const error = await run([cappedJungle(50), '--max-work', '1e9']).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ exitCode: 2 });
    const message = (error as CliError).message;
    expect(message).toContain('above the limit 1.00e+9; raise it with --max-work ');
    expect(message).toContain('croupier sim');
    expect(message).not.toContain('\n');
    await expect(run([cappedJungle(50), '--max-work', 'lots'])).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('--max-work must be an integer in [1, '),
    });
  });
});
