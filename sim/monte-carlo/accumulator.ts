import type { CompiledGame, RoundTally } from '../../games/kernel.ts';
import { createRoundTally } from '../../games/kernel.ts';
import { BufferedWordSource, type RandomSource } from '../../rng/index.ts';

/**
 * Win-distribution bands, as multiples of the stake. Band 0 holds zero wins, band 1 wins in
 * (0, 1) x stake, then [1, 2), [2, 5), [5, 10), [10, 20), [20, 50), [50, 100), [100, 500),
 * [500, 1000) and [1000, inf) x stake. `BAND_LOWER_EDGES_X[k]` is the inclusive lower edge of
 * band k for k >= 2 (bands 0 and 1 are defined by `win === 0` and `0 < win < stake`).
 */
export const BAND_LOWER_EDGES_X: readonly number[] = [0, 0, 1, 2, 5, 10, 20, 50, 100, 500, 1000];
export const BAND_COUNT = BAND_LOWER_EDGES_X.length;
export const BAND_LABELS: readonly string[] = [
  '0',
  '(0,1)',
  '[1,2)',
  '[2,5)',
  '[5,10)',
  '[10,20)',
  '[20,50)',
  '[50,100)',
  '[100,500)',
  '[500,1000)',
  '[1000,inf)',
];

/**
 * Wins up to 2^26 win units take the fast double path: their squares are at most 2^52, and the
 * running sum of squares is flushed to BigInt whenever it passes 2^52, so every addition stays
 * below 2^53 and exact. Larger wins (rare by construction) are added straight to BigInt.
 */
const FAST_WIN_LIMIT = 2 ** 26;
const SQUARE_SUM_FLUSH = 2 ** 52;

/**
 * Rounds per batch: a game's `playRounds` fills this many wins, then one loop accumulates them.
 * 4096 wins (32 KiB) stay in the L1/L2 cache between the two loops.
 */
export const ROUNDS_PER_BATCH = 4096;

/** Largest band lookup table (entries): covers 1000 x stake for stakes up to 1000 units. */
const MAX_BAND_LOOKUP = 1 << 20;

/** Band of a win > 0: the last band whose lower edge it reaches (band 1 below one stake). */
function searchBand(edges: Float64Array, win: number): number {
  let band = 1;
  while (band < BAND_COUNT - 1 && win >= edges[band + 1]!) band++;
  return band;
}

/** What one chunk measured. Plain data: crosses worker boundaries by structured clone. */
export interface ChunkResult {
  readonly chunkIndex: number;
  readonly spins: number;
  readonly winSum: bigint;
  readonly winSquareSum: bigint;
  /** Per-band round counts, `BAND_COUNT` entries. */
  readonly bandCounts: number[];
  readonly payHits: number[];
  readonly featureTriggers: number;
  readonly capHits: number;
  /** Largest round win in the chunk (0 when none) and the first spin index reaching it (-1 when none). */
  readonly maxWin: number;
  readonly maxWinSpinIndex: number;
}

/**
 * Reusable per-thread state for `playChunk`: allocated once per game, so the hot loop allocates
 * nothing. Holds the BigInt side accumulators for the (cold) large-win and flush paths.
 */
export class ChunkScratch {
  readonly tally: RoundTally;
  readonly bandCounts: Float64Array;
  /** Lower edge of each band in win units (`BAND_LOWER_EDGES_X` x stake). */
  readonly bandLowerEdgesUnits: Float64Array;
  /**
   * Band of every win below `bandLookupLimit` units: one load instead of a data-dependent search
   * whose branches mispredict on random wins. Wins at or above the limit take the search.
   */
  readonly bandOfWin: Uint8Array;
  readonly bandLookupLimit: number;
  bigWinSum = 0n;
  bigWinSquareSum = 0n;
  /** The current batch's round wins. */
  readonly wins = new Float64Array(ROUNDS_PER_BATCH);
  /** Running sums of the chunk (see `addWins`): exact doubles, flushed to the BigInt fields. */
  winSum = 0;
  squareSum = 0;
  maxWin = 0;
  maxWinSpinIndex = -1;

  constructor(game: Pick<CompiledGame, 'stakeUnits' | 'payIds'>) {
    if (!Number.isSafeInteger(game.stakeUnits) || game.stakeUnits <= 0) {
      throw new RangeError(`stakeUnits must be a positive integer, got ${game.stakeUnits}`);
    }
    this.tally = createRoundTally(game.payIds.length);
    this.bandCounts = new Float64Array(BAND_COUNT);
    this.bandLowerEdgesUnits = Float64Array.from(BAND_LOWER_EDGES_X, (x) => x * game.stakeUnits);
    const topEdge = this.bandLowerEdgesUnits[BAND_COUNT - 1]!;
    this.bandLookupLimit = Math.min(topEdge, MAX_BAND_LOOKUP);
    this.bandOfWin = new Uint8Array(this.bandLookupLimit);
    this.bandOfWin[0] = 0; // band 0: no win (the accumulation loop looks zero wins up too)
    for (let win = 1; win < this.bandLookupLimit; win++)
      this.bandOfWin[win] = searchBand(this.bandLowerEdgesUnits, win);
  }

  reset(): void {
    this.tally.payHits.fill(0);
    this.tally.featureTriggers = 0;
    this.tally.capHits = 0;
    this.bandCounts.fill(0);
    this.bigWinSum = 0n;
    this.bigWinSquareSum = 0n;
    this.winSum = 0;
    this.squareSum = 0;
    this.maxWin = 0;
    this.maxWinSpinIndex = -1;
  }
}

/** Cold path: a win the fast path cannot take. Asserts the kernel contract, then adds exactly. */
function addLargeWin(scratch: ChunkScratch, win: number, spinIndex: number): void {
  if (!Number.isSafeInteger(win) || win < 0) {
    throw new RangeError(
      `playRound returned ${win} at spin ${spinIndex}: a round win must be a non-negative safe integer`,
    );
  }
  const big = BigInt(win);
  scratch.bigWinSum += big;
  scratch.bigWinSquareSum += big * big;
}

/**
 * Adds `count` round wins (`wins[0 .. count)`, spins firstSpinIndex ..) to the chunk's sums. The
 * hot loop keeps its state in locals and does no allocation.
 */
function addWins(scratch: ChunkScratch, count: number, firstSpinIndex: number): void {
  const wins = scratch.wins;
  const bands = scratch.bandCounts;
  const edges = scratch.bandLowerEdgesUnits;
  const bandOfWin = scratch.bandOfWin;
  const bandLookupLimit = scratch.bandLookupLimit;
  let winSum = scratch.winSum; // <= 2^26 spins x 2^26 units = 2^52: exact
  let squareSum = scratch.squareSum; // flushed past 2^52: exact
  let maxWin = scratch.maxWin;
  let maxWinSpinIndex = scratch.maxWinSpinIndex;
  // Branch-free for the common wins (zero included: band 0, adding 0): on random outcomes a
  // zero/non-zero branch mispredicts about once in three rounds.
  for (let i = 0; i < count; i++) {
    const win = wins[i]!;
    if ((win | 0) === win && win >= 0 && win <= FAST_WIN_LIMIT) {
      winSum += win;
      squareSum += win * win;
      if (squareSum > SQUARE_SUM_FLUSH) {
        scratch.bigWinSquareSum += BigInt(squareSum);
        squareSum = 0;
      }
    } else {
      addLargeWin(scratch, win, firstSpinIndex + i);
    }
    bands[win < bandLookupLimit ? bandOfWin[win]! : searchBand(edges, win)]!++;
    if (win > maxWin) {
      maxWin = win;
      maxWinSpinIndex = firstSpinIndex + i;
    }
  }
  scratch.winSum = winSum;
  scratch.squareSum = squareSum;
  scratch.maxWin = maxWin;
  scratch.maxWinSpinIndex = maxWinSpinIndex;
}

/**
 * Plays spins [firstSpinIndex, firstSpinIndex + spins) of one chunk on `source` and returns what
 * they measured. Rounds are played a batch at a time: through the game's `playRounds` when it has
 * one (reading `source` through a `BufferedWordSource`: the same words in the same order, so the
 * same rounds), else by calling `playRound` per round. `source` is not used after the chunk (the
 * buffer may have drawn words ahead).
 */
export function playChunk(
  game: CompiledGame,
  source: RandomSource,
  chunkIndex: number,
  firstSpinIndex: number,
  spins: number,
  scratch: ChunkScratch,
): ChunkResult {
  if (!Number.isSafeInteger(spins) || spins < 0 || spins > 2 ** 26) {
    throw new RangeError(`chunk spins must be an integer in [0, 2^26], got ${spins}`);
  }
  scratch.reset();
  const tally = scratch.tally;
  const wins = scratch.wins;
  const buffered = game.playRounds === undefined ? null : new BufferedWordSource(source);
  for (let done = 0; done < spins; ) {
    const count = Math.min(ROUNDS_PER_BATCH, spins - done);
    if (buffered !== null) game.playRounds!(buffered, count, wins, tally);
    else for (let i = 0; i < count; i++) wins[i] = game.playRound(source, tally);
    addWins(scratch, count, firstSpinIndex + done);
    done += count;
  }
  const payHits = Array.from(tally.payHits);
  for (const hits of payHits) {
    if (!Number.isSafeInteger(hits) || hits < 0) throw new RangeError(`pay hit count ${hits} is not a count`);
  }
  if (!Number.isSafeInteger(tally.featureTriggers) || !Number.isSafeInteger(tally.capHits)) {
    throw new RangeError('feature trigger and cap hit counts must be integers');
  }
  return {
    chunkIndex,
    spins,
    winSum: BigInt(scratch.winSum) + scratch.bigWinSum,
    winSquareSum: BigInt(scratch.squareSum) + scratch.bigWinSquareSum,
    bandCounts: Array.from(scratch.bandCounts),
    payHits,
    featureTriggers: tally.featureTriggers,
    capHits: tally.capHits,
    maxWin: scratch.maxWin,
    maxWinSpinIndex: scratch.maxWinSpinIndex,
  };
}

/** Exact sums over any set of spins (one checkpoint segment, or a whole experiment). */
export interface MomentSums {
  spins: number;
  winSum: bigint;
  winSquareSum: bigint;
}

/**
 * Exact, mergeable totals over a set of chunks. Every combining step is commutative and
 * associative (integer sums; max with the smaller spin index winning ties), so the totals do not
 * depend on the order in which chunks arrive.
 */
export interface SimTotals {
  spins: number;
  winSum: bigint;
  winSquareSum: bigint;
  bandCounts: number[];
  payHits: number[];
  featureTriggers: number;
  capHits: number;
  maxWin: number;
  maxWinSpinIndex: number;
  /** Per convergence segment (see `segmentBoundaries`): sums of the chunks in it. */
  segments: MomentSums[];
}

export function emptyTotals(payCount: number, segmentCount: number): SimTotals {
  return {
    spins: 0,
    winSum: 0n,
    winSquareSum: 0n,
    bandCounts: new Array<number>(BAND_COUNT).fill(0),
    payHits: new Array<number>(payCount).fill(0),
    featureTriggers: 0,
    capHits: 0,
    maxWin: 0,
    maxWinSpinIndex: -1,
    segments: Array.from({ length: segmentCount }, () => ({ spins: 0, winSum: 0n, winSquareSum: 0n })),
  };
}

function addCount(a: number, b: number, what: string): number {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) throw new RangeError(`${what} overflowed 2^53`);
  return sum;
}

/** The better of two (win, spin index) maxima: larger win, then smaller spin index. */
function betterMax(
  winA: number,
  indexA: number,
  winB: number,
  indexB: number,
): { win: number; index: number } {
  if (winB > winA) return { win: winB, index: indexB };
  if (winB === winA && indexB >= 0 && (indexA < 0 || indexB < indexA)) return { win: winB, index: indexB };
  return { win: winA, index: indexA };
}

/** Adds one chunk's result into `totals` (in place), crediting `segment` for convergence. */
export function addChunk(totals: SimTotals, chunk: ChunkResult, segment: number): void {
  if (chunk.payHits.length !== totals.payHits.length || chunk.bandCounts.length !== BAND_COUNT) {
    throw new RangeError('chunk result does not match the totals (pay or band count differs)');
  }
  const seg = totals.segments[segment];
  if (!seg) throw new RangeError(`segment ${segment} out of range`);
  totals.spins = addCount(totals.spins, chunk.spins, 'spin count');
  totals.winSum += chunk.winSum;
  totals.winSquareSum += chunk.winSquareSum;
  for (let b = 0; b < BAND_COUNT; b++) {
    totals.bandCounts[b] = addCount(totals.bandCounts[b]!, chunk.bandCounts[b]!, 'band count');
  }
  for (let p = 0; p < totals.payHits.length; p++) {
    totals.payHits[p] = addCount(totals.payHits[p]!, chunk.payHits[p]!, 'pay hit count');
  }
  totals.featureTriggers = addCount(totals.featureTriggers, chunk.featureTriggers, 'feature triggers');
  totals.capHits = addCount(totals.capHits, chunk.capHits, 'cap hits');
  const best = betterMax(totals.maxWin, totals.maxWinSpinIndex, chunk.maxWin, chunk.maxWinSpinIndex);
  totals.maxWin = best.win;
  totals.maxWinSpinIndex = best.index;
  seg.spins = addCount(seg.spins, chunk.spins, 'segment spins');
  seg.winSum += chunk.winSum;
  seg.winSquareSum += chunk.winSquareSum;
}

/** Combines two totals over disjoint chunk sets into a new one. */
export function mergeTotals(a: SimTotals, b: SimTotals): SimTotals {
  if (a.payHits.length !== b.payHits.length || a.segments.length !== b.segments.length) {
    throw new RangeError('totals do not match (pay or segment count differs)');
  }
  const best = betterMax(a.maxWin, a.maxWinSpinIndex, b.maxWin, b.maxWinSpinIndex);
  return {
    spins: addCount(a.spins, b.spins, 'spin count'),
    winSum: a.winSum + b.winSum,
    winSquareSum: a.winSquareSum + b.winSquareSum,
    bandCounts: a.bandCounts.map((n, i) => addCount(n, b.bandCounts[i]!, 'band count')),
    payHits: a.payHits.map((n, i) => addCount(n, b.payHits[i]!, 'pay hit count')),
    featureTriggers: addCount(a.featureTriggers, b.featureTriggers, 'feature triggers'),
    capHits: addCount(a.capHits, b.capHits, 'cap hits'),
    maxWin: best.win,
    maxWinSpinIndex: best.index,
    segments: a.segments.map((s, i) => {
      const t = b.segments[i]!;
      return {
        spins: addCount(s.spins, t.spins, 'segment spins'),
        winSum: s.winSum + t.winSum,
        winSquareSum: s.winSquareSum + t.winSquareSum,
      };
    }),
  };
}
