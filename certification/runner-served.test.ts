import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_GAME_FILES, loadGameFile } from '../games/index.ts';
import { familyVerdict } from './family-verdict.ts';
import { gameReels } from './inputs.ts';
import { servedStreamData } from './inputs-served.ts';
import { STS_REPORT_ROWS, stsFinalAnalysisReport } from './nist/sts-report.ts';
import { runRngTests } from './runner.ts';
import { applicableDrawCount, gameMappings, runServedPath, validateServedPlan } from './runner-served.ts';
import { batteryVerdictText } from './runner-verdicts.ts';

describe('runServedPath', () => {
  it('runs NIST on the DRBG and on each game’s provably-fair stream, and GLI on every mapping', async () => {
    const result = await runServedPath({
      games: [DEMO_GAME_FILES['jungle-twenty'], DEMO_GAME_FILES['lucky-wheel']],
      seedHex: '5e'.repeat(32),
      nist: { sequences: 2, bitsPerSequence: 20_000 },
      gli: { sequences: 2, drawsPerSequence: 4_000 },
      workers: 0,
    });
    expect(result.nist.map((n) => [n.stream, n.gameId])).toEqual([
      ['drbg', null],
      ['provably-fair', 'jungle-twenty'],
      ['provably-fair', 'lucky-wheel'],
    ]);
    expect(result.gli.map((g) => [g.gameId, g.mapping, g.mappingKind])).toEqual([
      ['jungle-twenty', 'base', 'reel set'],
      ['jungle-twenty', 'free', 'free-spin reel set'],
      ['lucky-wheel', 'outcome-table', 'weighted outcome table'],
    ]);
    // Every run has its own seed, and reads the stream it says.
    expect(new Set([...result.nist, ...result.gli].map((r) => r.seedHex)).size).toBe(6);
    expect(result.nist[1]!.report.input).toMatchObject({ kind: 'served', stream: 'provably-fair' });
    for (const run of result.nist) {
      const rows = run.stsReport.split('\n').filter((line) => /^(?:[ \d]{3} ){10}/.test(line));
      const expected = STS_REPORT_ROWS.reduce((n, t) => n + t.rows, 0);
      expect(rows).toHaveLength(expected);
      expect(run.verdictText).toMatch(/^(PASS|FAIL): smallest P-value /);
      expect(run.rows.every((row) => row.pValues.length === 2)).toBe(true);
    }
    for (const run of result.gli) {
      expect(run.verdictText).toMatch(/^(PASS|FAIL): smallest P-value \S+ \(\S+ on reel/);
      // Sizes are raised until every test that can apply does; what cannot says why.
      for (const na of run.notApplicable) expect(na.reason).toMatch(/weighted/);
    }
    // The stream file a lab would feed NIST's assess gives the same STS report through the file input.
    const dir = mkdtempSync(join(tmpdir(), 'croupier-served-'));
    try {
      for (const run of [result.nist[0]!, result.nist[2]!]) {
        const file = join(dir, 'stream.bin');
        writeFileSync(file, servedStreamData(run.input, 2, 20_000));
        const again = await runRngTests({
          battery: 'nist',
          sequences: 2,
          bitsPerSequence: 20_000,
          drawsPerSequence: 1,
          input: { kind: 'file', path: file, format: 'binary', range: 2 },
          workers: 0,
        });
        const text = stsFinalAnalysisReport({
          generator: run.dataFilePath,
          perSequence: again.nist!.perSequence,
        });
        expect(text).toBe(run.stsReport);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Plain JSON (the pack's evidence model stores it as is).
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    // The wheel's smallest weight is 1/10,000: its size was raised for runs-up.
    expect(result.gli[2]!.drawsPerSequence).toBeGreaterThan(4_000);
    expect(result.gli[2]!.notApplicable.map((n) => n.test).sort()).toEqual(['coupon-collector', 'poker']);
  }, 170_000);

  it('refuses a bad game before any battery runs', async () => {
    await expect(
      runServedPath({
        games: ['/nonexistent/game.json'],
        seedHex: '00',
        nist: { sequences: 1, bitsPerSequence: 1000 },
        gli: { sequences: 1, drawsPerSequence: 10 },
        workers: 0,
      }),
    ).rejects.toThrow(/cannot read game file \/nonexistent\/game.json/);
    const good = {
      games: [DEMO_GAME_FILES['lucky-wheel']],
      seedHex: '00',
      nist: { sequences: 1, bitsPerSequence: 1000 },
      gli: { sequences: 1, drawsPerSequence: 10 },
      workers: 0,
    };
    expect(validateServedPlan(good).games).toHaveLength(1);
    // A certify run of math-sdk publications only: the DRBG stream's battery, no game mapping.
    expect(validateServedPlan({ ...good, games: [] }).games).toEqual([]);
    expect(() => validateServedPlan({ ...good, gli: { sequences: 1, drawsPerSequence: 0 } })).toThrow(
      /gli.drawsPerSequence/,
    );
    expect(() => validateServedPlan({ ...good, seedHex: 'xyz' })).toThrow(/seed must be an even-length hex/);
    expect(() => validateServedPlan({ ...good, clientSeed: '' })).toThrow(/clientSeed/);
  });
});

describe('gameMappings and sizes', () => {
  it('lists every reel set (free spins marked) or the weighted table', () => {
    const names = (file: string) => gameMappings(loadGameFile(file)).map((m) => `${m.mapping}:${m.kind}`);
    expect(names(DEMO_GAME_FILES['jungle-twenty'])).toEqual(['base:reel set', 'free:free-spin reel set']);
    expect(names(DEMO_GAME_FILES['lucky-wheel'])).toEqual(['outcome-table:weighted outcome table']);
  });

  it('keeps a size at which every test applies, and raises one at which a test does not', () => {
    const uniform = gameReels(loadGameFile(DEMO_GAME_FILES['wizard-fruit'])).reels;
    expect(applicableDrawCount(uniform, 20_000).draws).toBe(20_000);
    const wheel = gameReels(loadGameFile(DEMO_GAME_FILES['lucky-wheel'])).reels;
    const raised = applicableDrawCount(wheel, 2_000);
    expect(raised.draws).toBeGreaterThan(2_000);
    expect(raised.note).toMatch(/raised from 2000/);
  });
});

describe('verdict wording', () => {
  it("names the test's own smallest P-value, not the second-level 'smallest row P = 1.00'", () => {
    // One sequence: every second-level P-value is 1 although the sequence had P = 0.012.
    const family = familyVerdict([
      { failed: false, proportionPValue: 1, uniformityPValue: null, failureProbability: 0.01 },
    ]);
    expect(family.reason).toMatch(/smallest row P = 1\.00e\+0/);
    const text = batteryVerdictText(family, { pValue: 0.012, test: 'Runs', channel: null, sequence: 0 });
    expect(text).toBe(
      'PASS: smallest P-value 0.0120 (Runs, sequence 1); 0 of 1 rows failed their own rule, 0.01 expected by chance (P = 1.00)',
    );
  });
});
