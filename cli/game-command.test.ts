import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { GAME_SCHEMA_ID } from '../games/json-schema.ts';
import { FIXTURES_DIR } from '../test/support/paths.ts';
import { registerGameCommand } from './game-command.ts';

const scratch = mkdtempSync(join(tmpdir(), 'croupier-validate-'));
const STUDIO_GAME = join(FIXTURES_DIR, 'games', 'studio-sevens.json');

async function run(args: string[]): Promise<{ stdout: string; error: unknown }> {
  const program = new Command().exitOverride();
  registerGameCommand(program);
  let stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  let error: unknown = null;
  try {
    await program.parseAsync(['node', 'croupier', 'game', ...args]);
  } catch (caught) {
    error = caught;
  } finally {
    vi.restoreAllMocks();
  }
  return { stdout, error };
}

function write(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

/** A 3-row centre-line game whose author weighted the stop meant for the centre row. */
function weightedCentreLineGame(): string {
  return JSON.stringify({
    formatVersion: 1,
    id: 'weighted-centre',
    name: 'Weighted centre line',
    type: 'reels',
    rows: 3,
    symbols: [
      { id: 'A', kind: 'regular' },
      { id: 'B', kind: 'regular' },
    ],
    // Meant: A heavy on the centre line. But the weighted stop shows in the TOP row, so the centre
    // shows the stop after it, B, almost always: the line pays nearly every spin.
    reelSets: {
      base: {
        reels: [0, 1, 2].map(() => ({ symbols: ['A', 'B', 'B', 'B'], weights: [100, 1, 1, 1] })),
      },
    },
    evaluation: { type: 'centre-line' },
    pays: [{ id: 'bbb', type: 'run', symbol: 'B', count: 3, pay: 10 }],
    bet: { coinValuesMinor: [1] },
    modes: [{ id: 'base', reelSet: 'base' }],
  });
}

describe('croupier game validate', () => {
  it('prints every problem of every file with its JSON path, JSON syntax errors with line and column', async () => {
    const bad = write(
      'bad.json',
      JSON.stringify({
        formatVersion: 1,
        id: 'bad id',
        name: 'x',
        type: 'table',
        bet: { coinValuesMinor: [1], baseStakeUnits: 10 },
        modes: [{ id: 'base' }],
        outcomes: [
          { id: 'a', weight: 0, pay: 1 },
          { id: 'b', weight: 1, pay: -2 },
        ],
      }),
    );
    const broken = write('broken.json', '{\n  "formatVersion": 1,\n  "id": "x"\n  "name": "y"\n}\n');
    const { stdout, error } = await run(['validate', bad, broken, STUDIO_GAME]);
    expect(error).toMatchObject({ exitCode: 1, message: '2 of 3 file(s) have problems' });
    expect(stdout).toContain(`${bad}: 3 problem(s)`);
    expect(stdout).toMatch(/\n {2}id: must start with a letter or digit/);
    expect(stdout).toMatch(/\n {2}outcomes\[0\]\.weight: /);
    expect(stdout).toMatch(/\n {2}outcomes\[1\]\.pay: /);
    expect(stdout).toContain(`${broken}: 1 problem(s)\n  line 4, column 3: not valid JSON`);
    // "$schema" is accepted; the declared RTP is checked against the exact one.
    expect(stdout).toContain(`${STUDIO_GAME}: OK`);
    expect(stdout).toContain('mode base: exact RTP 98.9000%, declared 98.90%: match');
  });

  it('a declared RTP that is not the exact one is a problem at modes[i].declaredRtp', async () => {
    const def = JSON.parse(readFileSync(STUDIO_GAME, 'utf8'));
    def.modes[0].declaredRtp = '99.00';
    const { stdout, error } = await run(['validate', write('declared.json', JSON.stringify(def))]);
    expect(error).toMatchObject({ exitCode: 1 });
    expect(stdout).toContain(
      'modes[0].declaredRtp: declared 99.00% but the exact RTP 989/1000 rounds to 98.90%',
    );
  });

  it('warns about an RTP above 100% with the weighted-reel row rule, and below --min-rtp', async () => {
    const { stdout, error } = await run(['validate', write('weighted.json', weightedCentreLineGame())]);
    expect(error).toBeNull();
    expect(stdout).toMatch(/warning: mode base: RTP \d+\.\d+% exceeds 100%/);
    expect(stdout).toContain('the weighted stop shows in the TOP row');
    const low = await run(['validate', 'lucky-wheel', '--min-rtp', '97']);
    expect(low.stdout).toContain('warning: mode base: RTP 96.0000% is below the minimum of 97%');
    const fine = await run(['validate', 'lucky-wheel', '--min-rtp', '90']);
    expect(fine.stdout).not.toContain('warning');
  });

  it('game schema prints the JSON Schema editors use through "$schema"', async () => {
    const { stdout } = await run(['schema']);
    const schema = JSON.parse(stdout);
    expect(schema.$id).toBe(GAME_SCHEMA_ID);
    expect(stdout).toContain('the drawn stop lands on the TOP row');
  });
});
