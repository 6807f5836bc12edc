/**
 * Property test: the compiled fast path returns exactly what the reference evaluator returns, round
 * by round, from identical draws, on every shipped game (base rounds, free spins with retriggers,
 * capped rounds). CROUPIER_PROPERTY_ROUNDS sets the rounds per game (default below; millions on
 * demand).
 */
import { describe, expect, it } from 'vitest';
import type { RandomSource } from '../rng/index.ts';
import { compileGame } from './compile.ts';
import { compileStopDraws, drawStop } from './compile-draw.ts';
import { DEMO_GAME_FILES, type DemoGameName, loadDemoGame } from './demo.ts';
import { createIndexDraw } from './draw.ts';
import { playRound } from './evaluator.ts';
import { createRoundTally } from './kernel.ts';
import { type Game, loadGame } from './model.ts';
import { scriptedSource, seededSource } from './test-source.ts';

const DEFAULT_ROUNDS: Record<DemoGameName, number> = {
  'jungle-twenty': 20_000,
  'classic-sevens': 50_000,
  'volcano-ways': 30_000,
  'lucky-wheel': 60_000,
  'wizard-fruit': 60_000,
};
const envRounds = Number(process.env.CROUPIER_PROPERTY_ROUNDS ?? '');

function roundsFor(name: DemoGameName): number {
  return Number.isInteger(envRounds) && envRounds > 0 ? envRounds : DEFAULT_ROUNDS[name];
}

describe('compiled fast path = reference evaluator', () => {
  for (const name of Object.keys(DEMO_GAME_FILES) as DemoGameName[]) {
    it(`${name}: identical round wins, triggers, cap hits and pay hits from identical draws`, () => {
      const game = loadDemoGame(name);
      const rounds = roundsFor(name);
      for (const mode of game.definition.modes) {
        const compiled = compileGame(game, mode.id);
        expect(compiled.mathHash).toBe(game.mathHash);
        const tally = createRoundTally(compiled.payIds.length);
        const refHits = new Float64Array(compiled.payIds.length);
        const payIndex = new Map(compiled.payIds.map((id, i) => [id, i]));
        const bet = {
          coinValueMinor: game.definition.bet.coinValuesMinor[0]!,
          betLevel: game.definition.bet.betLevels[0]!,
        };
        const refSource = seededSource(12345);
        const fastSource = seededSource(12345);
        let triggers = 0;
        let caps = 0;
        let freeSpinsSeen = 0;
        let winningRounds = 0;
        for (let i = 0; i < rounds; i++) {
          const ref = playRound(game, mode.id, bet, refSource);
          const fast = compiled.playRound(fastSource, tally);
          if (fast !== ref.totalWinUnits) {
            throw new Error(
              `round ${i}: compiled ${fast} != reference ${ref.totalWinUnits} (${JSON.stringify(ref.base?.stops)})`,
            );
          }
          if (ref.featureTriggered) triggers++;
          if (ref.capApplied) caps++;
          if (ref.totalWinUnits > 0) winningRounds++;
          freeSpinsSeen += ref.freeSpins.length;
          if (ref.tableOutcome) refHits[ref.tableOutcome.index]!++;
          for (const spin of [...(ref.base ? [ref.base] : []), ...ref.freeSpins]) {
            for (const w of spin.wins) refHits[payIndex.get(w.payId)!]!++;
          }
          // Both consumed the same number of draws: the streams stay in step.
        }
        expect(fastSource.nextUint32()).toBe(refSource.nextUint32());
        expect(tally.featureTriggers).toBe(triggers);
        expect(tally.capHits).toBe(caps);
        expect(Array.from(tally.payHits)).toEqual(Array.from(refHits));
        expect(winningRounds).toBeGreaterThan(0);
        if (game.model.type === 'reels' && game.model.freeSpins) expect(freeSpinsSeen).toBeGreaterThan(0);
      }
    });
  }

  it('a game whose cap ends free spins early: compiled and reference agree (forced by a tiny cap)', () => {
    const json = JSON.parse(JSON.stringify(loadDemoGame('jungle-twenty').definition));
    json.maxWin = { multiplier: 3 };
    const game = loadGame(json);
    const compiled = compileGame(game, 'base');
    const tally = createRoundTally(compiled.payIds.length);
    const a = seededSource(7);
    const b = seededSource(7);
    let capped = 0;
    let cappedInFeature = 0;
    for (let i = 0; i < 8_000; i++) {
      const ref = playRound(game, 'base', { coinValueMinor: 1, betLevel: 1 }, a);
      expect(compiled.playRound(b, tally)).toBe(ref.totalWinUnits);
      if (ref.capApplied) {
        capped++;
        expect(ref.totalWinUnits).toBe(60);
        if (ref.freeSpins.length > 0) cappedInFeature++;
      } else expect(ref.totalWinUnits).toBeLessThan(60);
    }
    expect(tally.capHits).toBe(capped);
    expect(cappedInFeature).toBeGreaterThan(0);
  });

  it('a line game with widened strips (prefix table on two reels) and one too big for a line table agree', () => {
    const jungle = loadDemoGame('jungle-twenty').definition;
    // Every strip doubled: the same game, but 84 × 82 × 82 stop prefixes exceed the 3-reel table.
    const doubled = JSON.parse(JSON.stringify(jungle));
    for (const set of Object.values(doubled.reelSets) as { reels: { symbols: string[] }[] }[]) {
      for (const reel of set.reels) reel.symbols = [...reel.symbols, ...reel.symbols];
    }
    // Seven reels: 11^7 symbol combinations exceed the line table, so lines are evaluated directly.
    const seven = JSON.parse(JSON.stringify(jungle));
    for (const set of Object.values(seven.reelSets) as { reels: unknown[] }[]) {
      set.reels = [...set.reels, set.reels[1], set.reels[2]];
    }
    seven.evaluation.lines = seven.evaluation.lines.map((line: number[]) => [...line, line[1], line[2]]);
    for (const [json, rounds] of [
      [doubled, 20_000],
      [seven, 3_000],
    ] as const) {
      const game: Game = loadGame(json);
      const compiled = compileGame(game, 'base');
      const tally = createRoundTally(compiled.payIds.length);
      const a = seededSource(99);
      const b = seededSource(99);
      let won = 0;
      for (let i = 0; i < rounds; i++) {
        const ref = playRound(game, 'base', { coinValueMinor: 1, betLevel: 1 }, a);
        expect(compiled.playRound(b, tally)).toBe(ref.totalWinUnits);
        if (ref.totalWinUnits > 0) won++;
      }
      expect(b.nextUint32()).toBe(a.nextUint32());
      expect(won).toBeGreaterThan(0);
    }
  });
  it('a wide ways game (two presence words, a 2-reel pay, five counted symbols, free spins) agrees', () => {
    const volcano = loadDemoGame('volcano-ways').definition;
    const wide = JSON.parse(JSON.stringify(volcano));
    // 30 more regular symbols: 39 paying ways symbols need two 32-bit presence words per stop. The
    // first pays from 2 reels, so the presence words are ANDed over two reels, not three.
    const extra = Array.from({ length: 30 }, (_, i) => `X${i}`);
    // Four more scatters: five counted symbols take the unpacked per-symbol counts.
    const scatters = ['S2', 'S3', 'S4', 'S5'];
    for (const id of extra) wide.symbols.push({ id, name: id, kind: 'regular' });
    for (const id of scatters) wide.symbols.push({ id, name: id, kind: 'scatter' });
    extra.forEach((id, i) => {
      if (i === 0) wide.pays.push({ id: `${id}-2`, type: 'run', symbol: id, count: 2, pay: 1 });
      wide.pays.push({ id: `${id}-3`, type: 'run', symbol: id, count: 3, pay: 2 + (i % 5) });
      wide.pays.push({ id: `${id}-5`, type: 'run', symbol: id, count: 5, pay: 50 });
    });
    for (const id of scatters) {
      wide.scatterPays.push({ id: `${id}-2`, symbol: id, count: 2, pay: 1 });
      wide.scatterPays.push({ id: `${id}-3`, symbol: id, count: 3, pay: 5 });
    }
    // Free spins on the same reels with a multiplier, retriggered by S5.
    wide.freeSpins = {
      symbol: 'S5',
      awards: [{ count: 2, spins: 3 }],
      reelSet: 'base',
      multiplier: 2,
      retrigger: [{ count: 3, spins: 2 }],
    };
    const placed = [...extra.slice(0, 12), ...extra.slice(0, 12), ...scatters, ...extra.slice(12)];
    (wide.reelSets.base.reels as { symbols: string[] }[]).forEach((reel, r) => {
      // Reel r gets every symbol of `placed` (rotated per reel) after its own strip.
      reel.symbols = [...reel.symbols, ...placed.slice(r * 3), ...placed.slice(0, r * 3)];
    });
    const game: Game = loadGame(wide);
    if (game.model.type !== 'reels') throw new Error('expected a reels game');
    expect(game.model.waysSymbols.length).toBeGreaterThan(32);
    const compiled = compileGame(game, 'base');
    const tally = createRoundTally(compiled.payIds.length);
    const refHits = new Float64Array(compiled.payIds.length);
    const payIndex = new Map(compiled.payIds.map((id, i) => [id, i]));
    const a = seededSource(31);
    const b = seededSource(31);
    let triggers = 0;
    let caps = 0;
    const paidSymbols = new Set<string>();
    for (let i = 0; i < 30_000; i++) {
      const ref = playRound(game, 'base', { coinValueMinor: 1, betLevel: 1 }, a);
      const fast = compiled.playRound(b, tally);
      if (fast !== ref.totalWinUnits)
        throw new Error(`round ${i}: compiled ${fast} != reference ${ref.totalWinUnits}`);
      if (ref.featureTriggered) triggers++;
      if (ref.capApplied) caps++;
      for (const spin of [ref.base!, ...ref.freeSpins]) {
        for (const w of spin.wins) {
          refHits[payIndex.get(w.payId)!]!++;
          if (w.kind !== 'line') paidSymbols.add(w.symbol);
        }
      }
    }
    expect(b.nextUint32()).toBe(a.nextUint32());
    expect(tally.featureTriggers).toBe(triggers);
    expect(tally.capHits).toBe(caps);
    expect(Array.from(tally.payHits)).toEqual(Array.from(refHits));
    // The new paths were exercised: a symbol of the second presence word, the 2-reel pay, a
    // scatter beyond the fourth counted symbol, and free spins.
    expect(triggers).toBeGreaterThan(0);
    expect(paidSymbols.has('X29')).toBe(true);
    expect(refHits[payIndex.get('X0-2')!]).toBeGreaterThan(0);
    expect(paidSymbols.has('S4')).toBe(true);
  });
});

describe('compiled stop draws = draw.ts draws, word for word', () => {
  /** Words w_k = ceil(k 2^32 / n), k >= 0: (w_k n) mod 2^32 < n, so Lemire rejects those below its threshold. */
  function edgeWords(n: number, count: number): number[] {
    const out: number[] = [];
    for (let k = 0; k < count; k++) out.push(Math.min(2 ** 32 - 1, Math.ceil((k * 2 ** 32) / n)));
    return out;
  }

  /** Every draw until the scripted words run out (or the draw throws), as a list. */
  function drawAll(draw: (source: RandomSource) => number, words: readonly number[]): (number | string)[] {
    const source = scriptedSource(words);
    const out: (number | string)[] = [];
    for (;;) {
      try {
        out.push(draw(source));
      } catch (error) {
        out.push((error as Error).message);
        return out;
      }
    }
  }

  const random = seededSource(2024);
  const randomWords = Array.from({ length: 400 }, () => random.nextUint32());
  const cases: { name: string; count: number; weights: number[] | null }[] = [
    { name: 'one stop', count: 1, weights: null },
    { name: '3 stops', count: 3, weights: null },
    { name: '41 stops', count: 41, weights: null },
    { name: '1000 stops', count: 1000, weights: null },
    { name: '2^21 stops (largest fast bound)', count: 2 ** 21, weights: null },
    { name: '2^21 + 1 stops (generic draw)', count: 2 ** 21 + 1, weights: null },
    { name: 'alias weights', count: 5, weights: [7, 1, 30, 2, 9] },
    { name: 'alias weights with a zero', count: 4, weights: [3, 0, 5, 1] },
    { name: 'alias weights, total above 2^21', count: 3, weights: [3_000_000, 1, 777_777] },
    { name: 'cumulative weights (k × total above 2^53)', count: 3, weights: [2 ** 52, 2 ** 51, 1] },
  ];
  for (const { name, count, weights } of cases) {
    it(`${name}: same stops and the same rejections`, () => {
      const reference = createIndexDraw(count, weights);
      const fast = compileStopDraws([
        {
          stops: new Int32Array(count),
          weights,
          totalWeight: weights ? weights.reduce((a, b) => a + b) : count,
        },
      ]);
      const total = weights ? weights.reduce((a, b) => a + b) : count;
      const words = [
        ...randomWords,
        ...edgeWords(count, 64),
        ...edgeWords(total, 64),
        ...randomWords.slice(0, 50),
      ];
      const got = drawAll((source) => drawStop(fast, 0, source), words);
      expect(got).toEqual(drawAll(reference, words));
      expect(got.length).toBeGreaterThan(100);
    });
  }

  it('a source stuck on a rejected word: both give up after the same number of draws', () => {
    // For n = 3 the threshold is (2^32 - 3) mod 3 = 1: word 0 (low = 0) is always rejected.
    const words = new Array<number>(200).fill(0);
    const fast = compileStopDraws([{ stops: new Int32Array(3), weights: null, totalWeight: 3 }]);
    const a = scriptedSource(words);
    const b = scriptedSource(words);
    expect(() => createIndexDraw(3, null)(a)).toThrow(/rejections/);
    expect(() => drawStop(fast, 0, b)).toThrow(/rejections/);
    expect(b.nextUint32()).toBe(a.nextUint32());
  });
});
