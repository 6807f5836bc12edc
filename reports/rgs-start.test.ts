/**
 * §6 when the embedded RGS refuses the run's games: a game whose declared RTP is not its exact one
 * is refused by the RGS at start, and the pack records that as one failed check (not a crash).
 * Positive control: the same game with its true declaration starts and is served (the pack tests).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_GAME_FILES } from '../games/index.ts';
import { SILENT_PROGRESS, validateRequest } from './index.ts';
import { collectRgsEvidence } from './sections/rgs.ts';

const work = mkdtempSync(join(tmpdir(), 'croupier-rgs-start-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the embedded RGS of a certify run', () => {
  it('refusing a game (declared RTP ≠ exact) is one failed §6 check naming why', {
    timeout: 60_000,
  }, async () => {
    const definition = JSON.parse(readFileSync(DEMO_GAME_FILES['lucky-wheel'], 'utf8'));
    definition.id = 'misdeclared-wheel';
    definition.modes[0].declaredRtp = '97.00'; // the exact RTP rounds to 96.00
    const file = join(work, 'misdeclared-wheel.json');
    writeFileSync(file, JSON.stringify(definition));
    const v = validateRequest({
      games: [file],
      profile: 'tiny',
      jurisdictions: ['uk'],
      seedHex: 'ab',
      outDir: join(work, 'out'),
      workers: 0,
      argv: [],
    });
    const runner = { dir: join(work, 'out'), progress: SILENT_PROGRESS, timings: [] };
    const rgs = await collectRgsEvidence(v, runner, new Map());
    expect(rgs.checks).toEqual([
      expect.objectContaining({
        id: 'rgs/start',
        result: 'fail',
        detail: expect.stringContaining('declared RTP 97.00%'),
      }),
    ]);
    expect(rgs.functional.cases).toEqual([]);
    expect(rgs.ledger).toBeNull();
  });
});
