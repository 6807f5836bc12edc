import { describe, expect, it } from 'vitest';
import { compileGame, DEMO_GAME_FILES, type DemoGameName, loadDemoGame } from '../../games/index.ts';
import type { CompiledGame, RoundTally } from '../../games/kernel.ts';
import { createStream, WordSource } from '../../rng/index.ts';
import {
  addChunk,
  BAND_COUNT,
  ChunkScratch,
  emptyTotals,
  mergeTotals,
  playChunk,
  ROUNDS_PER_BATCH,
} from './accumulator.ts';

/** A source that is never read by the scripted game (and would be obvious if it were). */
class ZeroSource extends WordSource {
  readonly id = 'zero';
  nextUint32(): number {
    return 0;
  }
}

/** Returns a fixed script of wins, in order, and counts each nonzero win as pay 0. */
class ScriptedGame implements CompiledGame {
  readonly gameId = 'scripted';
  readonly mathHash = 'scripted';
  readonly mode = 'base';
  readonly payIds = ['any'];
  private at = 0;
  constructor(
    private readonly wins: readonly number[],
    readonly stakeUnits = 10,
  ) {}
  playRound(_source: unknown, tally: RoundTally): number {
    const win = this.wins[this.at++ % this.wins.length]!;
    if (win > 0) tally.payHits[0]!++;
    return win;
  }
}

function reference(wins: readonly number[]): { sum: bigint; squares: bigint } {
  let sum = 0n;
  let squares = 0n;
  for (const w of wins) {
    sum += BigInt(w);
    squares += BigInt(w) * BigInt(w);
  }
  return { sum, squares };
}

describe('playChunk exact accumulation', () => {
  it('sums wins and squared wins exactly across the double, flush and BigInt paths', () => {
    // 2^26 is the largest fast-path win (square 2^52: every square forces a flush); above it the
    // BigInt path; 2^53 - 1 is the largest win the contract allows.
    const wins = [0, 1, 3, 2 ** 26, 2 ** 26 - 1, 2 ** 26 + 1, 2 ** 40 + 7, Number.MAX_SAFE_INTEGER, 5, 0];
    const spins = 10_000;
    const script = Array.from({ length: spins }, (_, i) => wins[i % wins.length]!);
    const game = new ScriptedGame(wins);
    const result = playChunk(game, new ZeroSource(), 3, 3_000, spins, new ChunkScratch(game));
    const ref = reference(script);
    expect(result.winSum).toBe(ref.sum);
    expect(result.winSquareSum).toBe(ref.squares);
    expect(result.maxWin).toBe(Number.MAX_SAFE_INTEGER);
    expect(result.maxWinSpinIndex).toBe(3_000 + 7); // first occurrence
    expect(result.payHits[0]).toBe(spins * 0.8);
    expect(result.bandCounts.reduce((a, b) => a + b, 0)).toBe(spins);
  });

  it('a double accumulator would have lost precision here (control for the test above)', () => {
    let naive = 0;
    for (let i = 0; i < 1000; i++) naive += (2 ** 26 + 1) * (2 ** 26 + 1);
    expect(BigInt(naive)).not.toBe(1000n * (2n ** 26n + 1n) ** 2n);
  });

  it('puts wins in multiplier bands with inclusive lower edges', () => {
    const stake = 10;
    // 0 | (0,1) | [1,2) | [2,5) | [5,10) | [10,20) | [20,50) | [50,100) | [100,500) | [500,1000) | [1000,inf)
    const wins = [
      0, 9, 10, 19, 20, 49, 50, 99, 100, 199, 200, 499, 500, 999, 1000, 4999, 5000, 9999, 10000, 1e9,
    ];
    const expected = [1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2];
    const game = new ScriptedGame(wins, stake);
    const result = playChunk(game, new ZeroSource(), 0, 0, wins.length, new ChunkScratch(game));
    expect(result.bandCounts).toEqual(expected);
    expect(result.bandCounts).toHaveLength(BAND_COUNT);
  });

  it('rejects wins that break the kernel contract (negative, fractional, NaN, unsafe)', () => {
    for (const bad of [-1, 0.5, 2 ** 27 + 0.5, Number.NaN, 2 ** 53, Number.POSITIVE_INFINITY]) {
      const game = new ScriptedGame([0, bad]);
      expect(() => playChunk(game, new ZeroSource(), 0, 100, 2, new ChunkScratch(game))).toThrow(/spin 101/);
    }
  });

  it('reuses the scratch without leaking state between chunks', () => {
    const game = new ScriptedGame([2 ** 30, 0, 7]);
    const scratch = new ChunkScratch(game);
    const a = playChunk(game, new ZeroSource(), 0, 0, 3, scratch);
    const b = playChunk(game, new ZeroSource(), 1, 3, 3, scratch);
    expect(b.winSum).toBe(a.winSum);
    expect(b.payHits).toEqual(a.payHits);
    expect(b.maxWinSpinIndex).toBe(3);
  });
});

describe('playChunk batch path', () => {
  it('a game played through playRounds gives the chunk result its playRound gives, on every demo game', () => {
    for (const name of Object.keys(DEMO_GAME_FILES) as DemoGameName[]) {
      const game = loadDemoGame(name);
      const compiled = compileGame(game, game.definition.modes[0]!.id);
      expect(compiled.playRounds).toBeDefined();
      // The same kernel without its batch form: playChunk calls playRound per round.
      const roundByRound: CompiledGame = {
        gameId: compiled.gameId,
        mathHash: compiled.mathHash,
        mode: compiled.mode,
        stakeUnits: compiled.stakeUnits,
        payIds: compiled.payIds,
        playRound: (source, tally) => compiled.playRound(source, tally),
      };
      // 10,007 spins: two full batches and a partial one.
      const spins = 2 * ROUNDS_PER_BATCH + 1815;
      const batched = playChunk(
        compiled,
        createStream('xoshiro128ss', 77n, 5),
        5,
        500,
        spins,
        new ChunkScratch(compiled),
      );
      const single = playChunk(
        roundByRound,
        createStream('xoshiro128ss', 77n, 5),
        5,
        500,
        spins,
        new ChunkScratch(compiled),
      );
      expect(batched).toEqual(single);
      expect(batched.winSum).toBeGreaterThan(0n);
    }
  });
});

describe('totals merging', () => {
  it('is order-independent, with ties on the max win going to the smaller spin index', () => {
    const game = new ScriptedGame([0, 100, 3, 100]);
    const scratch = new ChunkScratch(game);
    const chunks = [0, 1, 2, 3].map((c) => playChunk(game, new ZeroSource(), c, c * 4, 4, scratch));
    const forward = emptyTotals(1, 2);
    for (const c of chunks) addChunk(forward, c, c.chunkIndex < 2 ? 0 : 1);
    const backward = emptyTotals(1, 2);
    for (const c of [...chunks].reverse()) addChunk(backward, c, c.chunkIndex < 2 ? 0 : 1);
    expect(backward).toEqual(forward);
    expect(forward.maxWin).toBe(100);
    expect(forward.maxWinSpinIndex).toBe(1);
    const halves = [emptyTotals(1, 2), emptyTotals(1, 2)] as const;
    addChunk(halves[0], chunks[2]!, 1);
    addChunk(halves[0], chunks[0]!, 0);
    addChunk(halves[1], chunks[3]!, 1);
    addChunk(halves[1], chunks[1]!, 0);
    expect(mergeTotals(halves[1], halves[0])).toEqual(forward);
  });
});
