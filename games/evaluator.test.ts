import { describe, expect, it } from 'vitest';
import { loadDemoGame } from './demo.ts';
import { BetError, evaluateStops, playRound } from './evaluator.ts';
import { type Game, loadGame, stakeUnitsOf } from './model.ts';
import { seededSource } from './test-source.ts';

/** Stops putting `symbols[r]` on the centre row (stop + 1) of each reel of the classic game. */
function centreStops(game: Game, symbols: string[]): number[] {
  const def = game.definition;
  if (def.type !== 'reels') throw new Error('reels expected');
  return def.reelSets.base!.reels.map((reel, r) => {
    const n = reel.symbols.length;
    const stop = reel.symbols.findIndex((_, s) => reel.symbols[(s + 1) % n] === symbols[r]);
    if (stop < 0) throw new Error(`no ${symbols[r]} on reel ${r}`);
    return stop;
  });
}

describe('reference evaluator: classic-sevens by hand', () => {
  const game = loadDemoGame('classic-sevens');
  const win = (symbols: string[]) => evaluateStops(game, 'base', centreStops(game, symbols));

  it('a 2X wild doubles the combination it completes; the highest pay on the line wins', () => {
    const out = win(['2X', '7R', '7R']);
    expect(out.wins).toHaveLength(1);
    expect(out.wins[0]).toMatchObject({
      kind: 'line',
      payId: '3-red-7',
      pay: 200,
      multiplier: 2,
      winUnits: 400,
    });
    expect(out.window.map((col) => col[1])).toEqual(['2X', '7R', '7R']);
  });

  it("two wilds multiply (×4); three wilds pay the wild's own pay, unmultiplied", () => {
    expect(win(['2X', '2X', 'BAR1']).wins[0]).toMatchObject({
      payId: '3-single-bar',
      multiplier: 4,
      winUnits: 80,
    });
    expect(win(['2X', '2X', '2X']).wins[0]).toMatchObject({ payId: '3-wild', multiplier: 1, winUnits: 2500 });
  });

  it('ordered red-white-blue beats any-seven; mixed bars pay any-bar', () => {
    expect(win(['7R', '7W', '7B']).wins[0]).toMatchObject({ payId: 'red-white-blue', winUnits: 150 });
    expect(win(['7B', '7W', '7R']).wins[0]).toMatchObject({ payId: '3-any-7', winUnits: 25 });
    expect(win(['BAR3', 'BAR1', 'BAR2']).wins[0]).toMatchObject({ payId: '3-any-bar', winUnits: 10 });
  });

  it('cherries count anywhere on the line; the wild does not substitute for cherries', () => {
    expect(win(['CH', '7R', 'CH']).wins[0]).toMatchObject({ payId: '2-cherries', winUnits: 5 });
    expect(win(['BL', 'BL', 'CH']).wins[0]).toMatchObject({ payId: '1-cherry', winUnits: 2 });
    expect(win(['CH', '2X', 'BL']).wins[0]).toMatchObject({ payId: '1-cherry', winUnits: 2 });
    expect(win(['BL', '7R', '7R']).wins).toHaveLength(0);
  });

  it('rejects stops outside a strip', () => {
    expect(() => evaluateStops(game, 'base', [0, 0, 99])).toThrow(RangeError);
    expect(() => evaluateStops(game, 'base', [0, 0])).toThrow(RangeError);
  });
});

function tinyGame(extra: Record<string, unknown>): Game {
  return loadGame({
    formatVersion: 1,
    id: 'tiny',
    name: 'Tiny',
    type: 'reels',
    symbols: [
      { id: 'A', kind: 'regular' },
      { id: 'B', kind: 'regular' },
      { id: 'W', kind: 'wild', wild: { multiplier: 2 } },
    ],
    bet: { coinValuesMinor: [1], betLevels: [1, 3] },
    modes: [
      { id: 'base', reelSet: 'base' },
      { id: 'ante', reelSet: 'base', costMultiplier: 2 },
    ],
    ...extra,
  });
}

describe('reference evaluator: ways and both-ways by hand', () => {
  it('ways: win = pay × Π per-reel (count + wild multipliers); plain ways reported too', () => {
    const game = tinyGame({
      rows: 2,
      reelSets: {
        base: {
          reels: [{ symbols: ['A', 'A', 'B'] }, { symbols: ['W', 'B', 'B'] }, { symbols: ['A', 'B', 'B'] }],
        },
      },
      evaluation: { type: 'ways' },
      pays: [
        { id: 'a3', type: 'run', symbol: 'A', count: 3, pay: 5 },
        { id: 'b2', type: 'run', symbol: 'B', count: 2, pay: 1 },
      ],
      bet: { baseStakeUnits: 10, coinValuesMinor: [1], betLevels: [1] },
    });
    // Window: reel0 [A, A], reel1 [W, B], reel2 [A, B].
    const out = evaluateStops(game, 'base', [0, 0, 0]);
    const a = out.wins.find((w) => w.payId === 'a3');
    expect(a).toMatchObject({ kind: 'ways', reels: 3, ways: 2, weightedWays: 2 * 2 * 1, winUnits: 20 });
    // B: reel0 has no B, so no B win.
    expect(out.wins.find((w) => w.payId === 'b2')).toBeUndefined();
    expect(out.winUnits).toBe(20);
  });

  it('both ways: left and right runs both pay; a full-length run pays once', () => {
    const game = tinyGame({
      rows: 1,
      reelSets: {
        base: { reels: Array.from({ length: 5 }, () => ({ symbols: ['A', 'B'] })) },
      },
      evaluation: { type: 'lines', lines: [[0, 0, 0, 0, 0]], direction: 'both-ways' },
      pays: [
        { id: 'a2', type: 'run', symbol: 'A', count: 2, pay: 1 },
        { id: 'a5', type: 'run', symbol: 'A', count: 5, pay: 50 },
      ],
    });
    const mixed = evaluateStops(game, 'base', [0, 0, 1, 0, 0]); // A A B A A
    expect(mixed.wins.map((w) => (w.kind === 'line' ? [w.payId, w.direction] : []))).toEqual([
      ['a2', 'left-to-right'],
      ['a2', 'right-to-left'],
    ]);
    const full = evaluateStops(game, 'base', [0, 0, 0, 0, 0]); // A A A A A
    expect(full.wins).toHaveLength(1);
    expect(full.winUnits).toBe(50);
  });
});

describe('reference evaluator: rounds', () => {
  it('free spins: wins × multiplier, retriggers extend, totals add up; identical seeds replay', () => {
    const game = loadDemoGame('jungle-twenty');
    const source = seededSource(99);
    let checked = 0;
    for (let i = 0; i < 3000 && checked < 5; i++) {
      const round = playRound(game, 'base', { coinValueMinor: 2, betLevel: 5 }, source);
      expect(round.stakeUnits).toBe(20);
      expect(round.stakeMinor).toBe(20 * 2 * 5);
      if (!round.featureTriggered) {
        expect(round.freeSpins).toHaveLength(0);
        continue;
      }
      checked++;
      const awarded = round.base!.spinsAwarded + round.freeSpins.reduce((a, s) => a + s.spinsAwarded, 0);
      expect(round.freeSpins).toHaveLength(awarded);
      for (const s of round.freeSpins) {
        expect(s.multiplier).toBe(3);
        expect(s.winUnits).toBe(s.rawWinUnits * 3);
        expect(s.reelSet).toBe('free');
      }
      const sum = round.base!.winUnits + round.freeSpins.reduce((a, s) => a + s.winUnits, 0);
      expect(round.totalWinUnits).toBe(sum);
      expect(round.totalWinMinor).toBe(sum * 10);
    }
    expect(checked).toBe(5);
    const a = playRound(game, 'base', { coinValueMinor: 1, betLevel: 1 }, seededSource(5));
    const b = playRound(game, 'base', { coinValueMinor: 1, betLevel: 1 }, seededSource(5));
    expect(a).toEqual(b);
  });

  it('the cap: the round ends at cap × base stake and remaining free spins are forfeited', () => {
    const json = JSON.parse(JSON.stringify(loadDemoGame('jungle-twenty').definition));
    json.maxWin = { multiplier: 2 };
    const game = loadGame(json);
    const source = seededSource(3);
    let forfeits = 0;
    for (let i = 0; i < 5000; i++) {
      const r = playRound(game, 'base', { coinValueMinor: 1, betLevel: 1 }, source);
      expect(r.totalWinUnits).toBeLessThanOrEqual(40);
      if (r.capApplied) {
        expect(r.totalWinUnits).toBe(40);
        expect(r.uncappedWinUnits).toBeGreaterThanOrEqual(40);
        if (r.freeSpinsForfeited > 0) forfeits++;
      } else expect(r.totalWinUnits).toBe(r.uncappedWinUnits);
    }
    expect(forfeits).toBeGreaterThan(0);
  });

  it('table game: one weighted draw; bets the game does not offer are refused', () => {
    const game = loadDemoGame('lucky-wheel');
    const r = playRound(game, 'base', { coinValueMinor: 10, betLevel: 2 }, seededSource(1));
    expect(r.tableOutcome).not.toBeNull();
    expect(r.totalWinUnits).toBe(r.tableOutcome!.pay);
    expect(r.totalWinMinor).toBe(r.tableOutcome!.pay * 20);
    expect(() => playRound(game, 'base', { coinValueMinor: 3, betLevel: 1 }, seededSource(1))).toThrow(
      BetError,
    );
    expect(() => playRound(game, 'base', { coinValueMinor: 10, betLevel: 7 }, seededSource(1))).toThrow(
      BetError,
    );
    expect(() => playRound(game, 'nope', { coinValueMinor: 10, betLevel: 1 }, seededSource(1))).toThrow(
      /unknown mode/,
    );
  });

  it('cost multiplier: a mode costs k × base stake for the same pays', () => {
    const game = tinyGame({
      rows: 1,
      reelSets: { base: { reels: [{ symbols: ['A'] }, { symbols: ['A'] }] } },
      evaluation: { type: 'centre-line' },
      pays: [{ id: 'a2', type: 'run', symbol: 'A', count: 2, pay: 3 }],
    });
    expect(stakeUnitsOf(game, 'base')).toBe(1);
    expect(stakeUnitsOf(game, 'ante')).toBe(2);
    const r = playRound(game, 'ante', { coinValueMinor: 1, betLevel: 3 }, seededSource(1));
    expect(r.stakeMinor).toBe(6);
    expect(r.totalWinUnits).toBe(3);
  });
});
