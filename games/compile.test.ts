/**
 * Property test: the compiled fast path returns exactly what the reference evaluator returns, round
 * by round, from identical draws, on every shipped game (base rounds, free spins with retriggers,
 * capped rounds). CROUPIER_PROPERTY_ROUNDS sets the rounds per game (default below; millions on
 * demand).
 */
import { describe, expect, it } from 'vitest';
import { BufferedWordSource, type RandomSource, WordSource } from '../rng/index.ts';
import { compileGame } from './compile.ts';
import { compileStopDraws, drawStop } from './compile-draw.ts';
import { DEMO_GAME_FILES, type DemoGameName, loadDemoGame } from './demo.ts';
import { createIndexDraw } from './draw.ts';
import { playRound } from './evaluator.ts';
import { type CompiledGame, createRoundTally, type RoundTally } from './kernel.ts';
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

/** Counts the words drawn through it (the stream position of a bare source). */
class CountingSource implements RandomSource {
  readonly id = 'counting';
  words = 0;
  constructor(private readonly inner: RandomSource) {}
  nextUint32(): number {
    this.words++;
    return this.inner.nextUint32();
  }
  fillBytes(target: Uint8Array): void {
    this.words += Math.ceil(target.length / 4);
    this.inner.fillBytes(target);
  }
}

/** What a run of rounds gave: per-round wins, the tally and the words read. */
interface Run {
  readonly wins: Float64Array;
  readonly payHits: number[];
  readonly featureTriggers: number;
  readonly capHits: number;
  readonly words: number;
}

/** The reference evaluator's rounds, with what the tests assert on besides the tally. */
function referenceRun(
  game: Game,
  mode: string,
  makeSource: () => RandomSource,
  rounds: number,
  payIds: readonly string[],
) {
  const payIndex = new Map(payIds.map((id, i) => [id, i]));
  const payHits = new Array<number>(payIds.length).fill(0);
  const wins = new Float64Array(rounds);
  const source = new CountingSource(makeSource());
  const bet = {
    coinValueMinor: game.definition.bet.coinValuesMinor[0]!,
    betLevel: game.definition.bet.betLevels[0]!,
  };
  let featureTriggers = 0;
  let capHits = 0;
  let freeSpinsSeen = 0;
  let capsInFeature = 0;
  const paidSymbols = new Set<string>();
  for (let i = 0; i < rounds; i++) {
    const ref = playRound(game, mode, bet, source);
    wins[i] = ref.totalWinUnits;
    if (ref.featureTriggered) featureTriggers++;
    if (ref.capApplied) capHits++;
    if (ref.capApplied && ref.freeSpins.length > 0) capsInFeature++;
    freeSpinsSeen += ref.freeSpins.length;
    if (ref.tableOutcome) payHits[ref.tableOutcome.index]!++;
    for (const spin of [...(ref.base ? [ref.base] : []), ...ref.freeSpins]) {
      for (const w of spin.wins) {
        payHits[payIndex.get(w.payId)!]!++;
        if (w.kind !== 'line') paidSymbols.add(w.symbol);
      }
    }
  }
  const run: Run = { wins, payHits, featureTriggers, capHits, words: source.words };
  return { run, freeSpinsSeen, capsInFeature, paidSymbols, payIndex };
}

/** `playRound` once per round on a bare source. */
function roundByRound(compiled: CompiledGame, makeSource: () => RandomSource, rounds: number): Run {
  const tally = createRoundTally(compiled.payIds.length);
  const source = new CountingSource(makeSource());
  const wins = new Float64Array(rounds);
  for (let i = 0; i < rounds; i++) wins[i] = compiled.playRound(source, tally);
  return { wins, ...tallyOf(tally), words: source.words };
}

/**
 * `playRounds` in batches of uneven sizes, on a small word buffer (61 words: refills land inside
 * spins and inside rejections).
 */
function inBatches(compiled: CompiledGame, makeSource: () => RandomSource, rounds: number): Run {
  const tally = createRoundTally(compiled.payIds.length);
  const source = new BufferedWordSource(makeSource(), 61);
  const wins = new Float64Array(rounds);
  const sizes = [1, 7, 500, 3, 4096, 64];
  const batch = new Float64Array(4096);
  for (let done = 0, k = 0; done < rounds; k++) {
    const count = Math.min(sizes[k % sizes.length]!, rounds - done);
    compiled.playRounds!(source, count, batch, tally);
    wins.set(batch.subarray(0, count), done);
    done += count;
  }
  return { wins, ...tallyOf(tally), words: source.wordsRead() };
}

function tallyOf(tally: RoundTally) {
  return {
    payHits: Array.from(tally.payHits),
    featureTriggers: tally.featureTriggers,
    capHits: tally.capHits,
  };
}

/** The first round where two runs differ, or -1. */
function firstDifference(a: Float64Array, b: Float64Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/**
 * Checks every fast path against the reference evaluator on `rounds` rounds from `seed`: the
 * table-driven `playRound`, and the batch `playRounds` with each prefix-table layout. Returns the
 * reference run's extra facts and which batch kernel the default compilation runs.
 */
function expectFastPathsAgree(
  game: Game,
  mode: string,
  seed: number,
  rounds: number,
  makeSource: () => RandomSource = () => seededSource(seed),
) {
  const compiled = compileGame(game, mode);
  expect(compiled.mathHash).toBe(game.mathHash);
  const reference = referenceRun(game, mode, makeSource, rounds, compiled.payIds);
  const js = compileGame(game, mode, { batchKernel: 'js' });
  const wide = compileGame(game, mode, { batchKernel: 'js', lineTableLayout: 'wide' });
  const paths: [string, Run][] = [
    ['playRound', roundByRound(compiled, makeSource, rounds)],
    ['playRounds (default kernel)', inBatches(compiled, makeSource, rounds)],
    ['playRounds (JavaScript kernel)', inBatches(js, makeSource, rounds)],
    ['playRounds (JavaScript kernel, wide layout)', inBatches(wide, makeSource, rounds)],
  ];
  for (const [name, run] of paths) {
    const at = firstDifference(run.wins, reference.run.wins);
    if (at >= 0)
      throw new Error(`${name}, round ${at}: ${run.wins[at]} != reference ${reference.run.wins[at]}`);
    // Same tallies, and the same number of words read: the stream stays in step.
    expect({ name, ...run, wins: undefined }).toEqual({ name, ...reference.run, wins: undefined });
  }
  const kernelOf = (c: CompiledGame) => (c as { batchKernel?: 'wasm' | 'js' | null }).batchKernel ?? null;
  return { ...reference, kernel: kernelOf(compiled), jsKernel: kernelOf(js) };
}

describe('compiled fast paths = reference evaluator', () => {
  for (const name of Object.keys(DEMO_GAME_FILES) as DemoGameName[]) {
    it(`${name}: identical round wins, triggers, cap hits, pay hits and words read`, () => {
      const game = loadDemoGame(name);
      for (const mode of game.definition.modes) {
        const result = expectFastPathsAgree(game, mode.id, 12345, roundsFor(name));
        expect(result.run.wins.some((w) => w > 0)).toBe(true);
        if (game.model.type === 'reels') {
          // Every shipped reel game runs the WebAssembly kernel, and has the JavaScript one too.
          expect(result.kernel).toBe('wasm');
          expect(result.jsKernel).toBe('js');
          if (game.model.freeSpins) expect(result.freeSpinsSeen).toBeGreaterThan(0);
        }
      }
    });
  }

  it('rejected words (0 is rejected by every bound that is not a power of two), often and in runs', () => {
    // One word in four is 0, sometimes several in a row: rejections land on every reel, inside
    // alias draws, and across the 61-word buffer's refills.
    class RejectingSource extends WordSource {
      readonly id = 'rejecting';
      private readonly inner = seededSource(4242);
      nextUint32(): number {
        const w = this.inner.nextUint32();
        return (w & 3) === 0 ? 0 : w;
      }
    }
    for (const name of ['jungle-twenty', 'classic-sevens', 'volcano-ways'] as const) {
      const game = loadDemoGame(name);
      const result = expectFastPathsAgree(
        game,
        game.definition.modes[0]!.id,
        0,
        3_000,
        () => new RejectingSource(),
      );
      expect(result.kernel).toBe('wasm');
      expect(result.run.wins.some((w) => w > 0)).toBe(true);
    }
  });

  it('a source stuck on a rejected word: every kernel gives up with the same error', () => {
    class ZeroSource extends WordSource {
      readonly id = 'zero';
      nextUint32(): number {
        return 0;
      }
    }
    const game = loadDemoGame('jungle-twenty');
    for (const options of [{}, { batchKernel: 'js' as const }]) {
      const compiled = compileGame(game, 'base', options);
      const tally = createRoundTally(compiled.payIds.length);
      expect(() => compiled.playRound(new ZeroSource(), tally)).toThrow(/consecutive rejections/);
      const batch = new Float64Array(16);
      const source = new BufferedWordSource(new ZeroSource(), 61);
      expect(() => compiled.playRounds!(source, 16, batch, tally)).toThrow(/consecutive rejections/);
    }
  });

  it('a game whose cap ends free spins early: compiled and reference agree (forced by a tiny cap)', () => {
    const json = JSON.parse(JSON.stringify(loadDemoGame('jungle-twenty').definition));
    json.maxWin = { multiplier: 3 };
    const result = expectFastPathsAgree(loadGame(json), 'base', 7, 8_000);
    expect(result.run.capHits).toBeGreaterThan(0);
    expect(result.capsInFeature).toBeGreaterThan(0);
    for (const win of result.run.wins) expect(win).toBeLessThanOrEqual(60);
  });

  it('a complement group ("any symbol but cherry") in run and anywhere pays: compiled and reference agree', () => {
    const json = JSON.parse(JSON.stringify(loadDemoGame('classic-sevens').definition));
    json.groups.push({ id: 'NOT_CH', symbols: ['CH'], complement: true });
    json.pays.push({ id: '3-not-cherry', type: 'run', symbol: 'NOT_CH', count: 3, pay: 2 });
    json.pays.push({ id: 'two-not-cherry', type: 'anywhere', symbol: 'NOT_CH', count: 2, pay: 1 });
    const result = expectFastPathsAgree(loadGame(json), 'base', 13, 20_000);
    expect(result.run.payHits[result.payIndex.get('3-not-cherry')!]).toBeGreaterThan(0);
  });

  it('scatter pays in line-bet units (pays not multiples of the stake): compiled and reference agree', () => {
    const json = JSON.parse(JSON.stringify(loadDemoGame('jungle-twenty').definition));
    json.scatterPays = json.scatterPays.map((p: { pay: number }, i: number) => ({
      ...p,
      pay: [3, 7, 11][i],
      unit: 'line-bet',
    }));
    const result = expectFastPathsAgree(loadGame(json), 'base', 21, 20_000);
    expect(result.run.payHits[result.payIndex.get('scatter-3')!]).toBeGreaterThan(0);
  });

  it('a 3-coin mode with pays that differ by bet (payByCoins columns): compiled and reference agree', () => {
    const json = JSON.parse(JSON.stringify(loadDemoGame('classic-sevens').definition));
    json.pays[0].payByCoins = [2500, 5000, 10000];
    json.pays[1].payByCoins = [200, 400, 700];
    json.modes.push({ id: 'three-coins', reelSet: json.modes[0].reelSet, costMultiplier: 3, coins: 3 });
    const result = expectFastPathsAgree(loadGame(json), 'three-coins', 17, 20_000);
    expect(result.run.wins.some((w) => w > 0)).toBe(true);
  });

  it('a line game with widened strips (prefix table on two reels) and one too big for a line table agree', () => {
    const jungle = loadDemoGame('jungle-twenty').definition;
    // Every strip doubled: the same game, but 84 × 82 × 82 stop prefixes exceed the 3-reel table.
    const doubled = JSON.parse(JSON.stringify(jungle));
    for (const set of Object.values(doubled.reelSets) as { reels: { symbols: string[] }[] }[]) {
      for (const reel of set.reels) reel.symbols = [...reel.symbols, ...reel.symbols];
    }
    // Seven reels: 11^7 symbol combinations exceed the line table, so lines are evaluated directly
    // (and the batch form falls back to calling playRound).
    const seven = JSON.parse(JSON.stringify(jungle));
    for (const set of Object.values(seven.reelSets) as { reels: unknown[] }[]) {
      set.reels = [...set.reels, set.reels[1], set.reels[2]];
    }
    seven.evaluation.lines = seven.evaluation.lines.map((line: number[]) => [...line, line[1], line[2]]);
    const two = expectFastPathsAgree(loadGame(doubled), 'base', 99, 20_000);
    // After two reels more states are alive: entries need 16 bits, the compact layout does not fit, and
    // the JavaScript kernel with the general layout runs.
    expect(two.kernel).toBe('js');
    const direct = expectFastPathsAgree(loadGame(seven), 'base', 99, 3_000);
    expect(direct.kernel).toBe(null);
    for (const result of [two, direct]) expect(result.run.wins.some((w) => w > 0)).toBe(true);
  });

  it('a wide ways game (two presence words, a 2-reel pay, five counted symbols, free spins) agrees', () => {
    const volcano = loadDemoGame('volcano-ways').definition;
    const wide = JSON.parse(JSON.stringify(volcano));
    // 30 more regular symbols: 39 paying ways symbols need two 32-bit presence words per stop. The
    // first pays from 2 reels, so the presence words are ANDed over two reels, not three.
    const extra = Array.from({ length: 30 }, (_, i) => `X${i}`);
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
    const result = expectFastPathsAgree(game, 'base', 31, 30_000);
    // Five counted symbols: the generated kernels pack at most four, so this is the fallback loop.
    expect(result.kernel).toBe(null);
    // The new paths were exercised: a symbol of the second presence word, the 2-reel pay, a
    // scatter beyond the fourth counted symbol, and free spins.
    expect(result.run.featureTriggers).toBeGreaterThan(0);
    expect(result.paidSymbols.has('X29')).toBe(true);
    expect(result.run.payHits[result.payIndex.get('X0-2')!]).toBeGreaterThan(0);
    expect(result.paidSymbols.has('S4')).toBe(true);
  });

  it('the same wide ways game with four counted symbols runs the WebAssembly kernel and agrees', () => {
    const volcano = loadDemoGame('volcano-ways').definition;
    const wide = JSON.parse(JSON.stringify(volcano));
    const extra = Array.from({ length: 30 }, (_, i) => `X${i}`);
    for (const id of extra) wide.symbols.push({ id, name: id, kind: 'regular' });
    wide.symbols.push({ id: 'S5', name: 'S5', kind: 'scatter' });
    extra.forEach((id, i) => {
      if (i === 0) wide.pays.push({ id: `${id}-2`, type: 'run', symbol: id, count: 2, pay: 1 });
      wide.pays.push({ id: `${id}-3`, type: 'run', symbol: id, count: 3, pay: 2 + (i % 5) });
    });
    wide.scatterPays.push({ id: 'S5-3', symbol: 'S5', count: 3, pay: 5 });
    wide.freeSpins = {
      symbol: 'S5',
      awards: [{ count: 2, spins: 3 }],
      reelSet: 'base',
      multiplier: 2,
      retrigger: [{ count: 3, spins: 2 }],
    };
    const placed = [...extra.slice(0, 12), 'S5', 'S5', ...extra.slice(12)];
    (wide.reelSets.base.reels as { symbols: string[] }[]).forEach((reel, r) => {
      reel.symbols = [...reel.symbols, ...placed.slice(r * 3), ...placed.slice(0, r * 3)];
    });
    const game: Game = loadGame(wide);
    const result = expectFastPathsAgree(game, 'base', 32, 30_000);
    expect(result.kernel).toBe('wasm');
    expect(result.run.featureTriggers).toBeGreaterThan(0);
    expect(result.paidSymbols.has('X29')).toBe(true);
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
