import { createHash } from 'node:crypto';
import type { CompiledGame, RoundTally } from '../../games/kernel.ts';
import type { RandomSource } from '../../rng/index.ts';

/**
 * Small kernels implementing `CompiledGame` whose exact RTP is known in closed form. They let the
 * simulator be tested (determinism, exactness, verdicts, negative controls) and benchmarked
 * independently of the real game compiler. Both draw with shifts over power-of-two ranges, which
 * is exactly uniform (no modulo bias), so they need no scaling helper.
 */

export interface ToyOutcome {
  readonly id: string;
  /** Weight out of 2^16; all weights sum to 65536. */
  readonly weight: number;
  readonly winUnits: number;
  /** Triggers the feature: `featureSpins` extra draws from the same table, no retrigger. */
  readonly feature?: boolean;
}

export interface ToyTableArgs {
  readonly stakeUnits: number;
  readonly outcomes: readonly ToyOutcome[];
  readonly featureSpins?: number;
  /** Round wins above this are cut to it (and counted as cap hits). */
  readonly capUnits?: number;
  readonly mathHash?: string;
}

const TABLE_BITS = 16;
const TABLE_SIZE = 1 << TABLE_BITS;

/** A weighted-outcome game: one 16-bit draw picks an outcome; a feature outcome adds free draws. */
export class ToyTableGame implements CompiledGame {
  readonly gameId = 'toy-table';
  readonly mathHash: string;
  readonly mode = 'base';
  readonly stakeUnits: number;
  readonly payIds: readonly string[];
  private readonly outcomeOfDraw: Uint16Array;
  private readonly winOfOutcome: Float64Array;
  private readonly featureOfOutcome: Uint8Array;
  private readonly featureSpins: number;
  private readonly capUnits: number;

  constructor(args: ToyTableArgs) {
    const total = args.outcomes.reduce((sum, o) => sum + o.weight, 0);
    if (total !== TABLE_SIZE) throw new RangeError(`toy outcome weights must sum to 65536, got ${total}`);
    this.stakeUnits = args.stakeUnits;
    this.payIds = args.outcomes.map((o) => o.id);
    this.mathHash = args.mathHash ?? createHash('sha256').update(JSON.stringify(args)).digest('hex');
    this.outcomeOfDraw = new Uint16Array(TABLE_SIZE);
    this.winOfOutcome = Float64Array.from(args.outcomes, (o) => o.winUnits);
    this.featureOfOutcome = Uint8Array.from(args.outcomes, (o) => (o.feature ? 1 : 0));
    this.featureSpins = args.featureSpins ?? 0;
    this.capUnits = args.capUnits ?? Number.MAX_SAFE_INTEGER;
    let at = 0;
    args.outcomes.forEach((o, index) => {
      this.outcomeOfDraw.fill(index, at, at + o.weight);
      at += o.weight;
    });
  }

  playRound(source: RandomSource, tally: RoundTally): number {
    const outcome = this.outcomeOfDraw[source.nextUint32() >>> (32 - TABLE_BITS)]!;
    let win = this.winOfOutcome[outcome]!;
    if (win > 0) tally.payHits[outcome]!++;
    if (this.featureOfOutcome[outcome] === 1) {
      tally.featureTriggers++;
      for (let i = 0; i < this.featureSpins; i++) {
        const free = this.outcomeOfDraw[source.nextUint32() >>> (32 - TABLE_BITS)]!;
        const freeWin = this.winOfOutcome[free]!;
        if (freeWin > 0) {
          tally.payHits[free]!++;
          win += freeWin;
        }
      }
    }
    if (win > this.capUnits) {
      tally.capHits++;
      return this.capUnits;
    }
    return win;
  }
}

/** Exact RTP of an uncapped toy table game as a fraction: mu * (1 + p_feature * F) / stake. */
export function toyTableExactRtp(args: ToyTableArgs): { numerator: bigint; denominator: bigint } {
  if (args.capUnits !== undefined) throw new RangeError('exact RTP is only given for uncapped toy games');
  let meanNumerator = 0n; // x 2^16
  let featureWeight = 0n;
  for (const o of args.outcomes) {
    meanNumerator += BigInt(o.weight) * BigInt(o.winUnits);
    if (o.feature) featureWeight += BigInt(o.weight);
  }
  const size = BigInt(TABLE_SIZE);
  const spins = BigInt(args.featureSpins ?? 0);
  // mu (1 + pf F) = (M / 2^16) * (2^16 + Wf F) / 2^16
  return {
    numerator: meanNumerator * (size + featureWeight * spins),
    denominator: size * size * BigInt(args.stakeUnits),
  };
}

/** A toy table (RTP ~0.9369) whose wins span every band from zero to 1000x, with a free-spins feature. */
export const DEMO_TABLE_ARGS: ToyTableArgs = {
  stakeUnits: 20,
  featureSpins: 5,
  outcomes: [
    { id: 'lose', weight: 43_000, winUnits: 0 },
    { id: 'half', weight: 9_000, winUnits: 10 },
    { id: 'even', weight: 6_000, winUnits: 20 },
    { id: 'x2', weight: 3_500, winUnits: 40 },
    { id: 'x5', weight: 1_800, winUnits: 100 },
    { id: 'x10', weight: 1_200, winUnits: 200 },
    { id: 'x20', weight: 500, winUnits: 400 },
    { id: 'x50', weight: 100, winUnits: 1000 },
    { id: 'x100', weight: 36, winUnits: 2000 },
    { id: 'x500', weight: 3, winUnits: 10_000 },
    { id: 'x1000', weight: 1, winUnits: 20_000 },
    { id: 'bonus', weight: 396, winUnits: 0, feature: true },
  ],
};

export function createToyTableGame(args: ToyTableArgs = DEMO_TABLE_ARGS): CompiledGame {
  return new ToyTableGame(args);
}

// ---------------------------------------------------------------------------------------------
// A 5x3, 20-line toy: the same per-spin work profile as a simple line game (5 reel draws, 20
// left-to-right line evaluations), used as the benchmark fallback until games/ provides one.

const REELS = 5;
const ROWS = 3;
const STRIP_BITS = 5; // 32 stops per reel
const STRIP_LENGTH = 1 << STRIP_BITS;
const SYMBOLS = 6;
/** Rows (0..2) of each of the 20 lines on the 5 reels. */
const LINES: readonly (readonly number[])[] = [
  [1, 1, 1, 1, 1],
  [0, 0, 0, 0, 0],
  [2, 2, 2, 2, 2],
  [0, 1, 2, 1, 0],
  [2, 1, 0, 1, 2],
  [0, 0, 1, 2, 2],
  [2, 2, 1, 0, 0],
  [1, 0, 0, 0, 1],
  [1, 2, 2, 2, 1],
  [1, 0, 1, 2, 1],
  [1, 2, 1, 0, 1],
  [0, 1, 1, 1, 0],
  [2, 1, 1, 1, 2],
  [0, 1, 0, 1, 0],
  [2, 1, 2, 1, 2],
  [1, 1, 0, 1, 1],
  [1, 1, 2, 1, 1],
  [0, 0, 2, 0, 0],
  [2, 2, 0, 2, 2],
  [0, 2, 0, 2, 0],
];
/** Pays for 3, 4, 5 of a kind per symbol, in credits (one credit per line). */
const LINE_PAYS: readonly (readonly number[])[] = [
  [10, 30, 100],
  [12, 35, 140],
  [16, 45, 220],
  [22, 65, 330],
  [28, 110, 550],
  [55, 275, 2750],
];
/** Symbol counts on each 32-stop reel: [reel][symbol]. */
const REEL_SYMBOL_COUNTS: readonly (readonly number[])[] = [
  [8, 7, 6, 5, 4, 2],
  [8, 7, 6, 5, 4, 2],
  [8, 7, 6, 5, 4, 2],
  [8, 7, 6, 5, 4, 2],
  [8, 7, 6, 5, 4, 2],
];

function buildStrip(counts: readonly number[], reel: number): Uint8Array {
  const strip = new Uint8Array(STRIP_LENGTH);
  let at = 0;
  counts.forEach((count, symbol) => {
    strip.fill(symbol, at, at + count);
    at += count;
  });
  if (at !== STRIP_LENGTH) throw new RangeError(`reel ${reel} must have ${STRIP_LENGTH} stops, has ${at}`);
  // A fixed interleaving (stride 7 is coprime with 32) so windows mix symbols.
  const mixed = new Uint8Array(STRIP_LENGTH);
  for (let i = 0; i < STRIP_LENGTH; i++) mixed[(i * 7 + reel) % STRIP_LENGTH] = strip[i]!;
  return mixed;
}

export class ToyLineGame implements CompiledGame {
  readonly gameId = 'toy-20-line';
  readonly mathHash = 'toy-20-line:v1';
  readonly mode = 'base';
  readonly stakeUnits = LINES.length;
  readonly payIds: readonly string[];
  /** Each reel strip doubled so a window never wraps: strips[reel * 2L + stop + row]. */
  private readonly strips: Uint8Array;
  private readonly lineRows: Uint8Array;
  /** pays[symbol * 6 + count] for count 0..5. */
  private readonly pays: Int32Array;
  /** payIndex[symbol * 6 + count] -> index into payIds (or -1). */
  private readonly payIndex: Int32Array;
  private readonly window: Uint8Array;

  constructor() {
    this.strips = new Uint8Array(REELS * 2 * STRIP_LENGTH);
    REEL_SYMBOL_COUNTS.forEach((counts, reel) => {
      const strip = buildStrip(counts, reel);
      this.strips.set(strip, reel * 2 * STRIP_LENGTH);
      this.strips.set(strip, reel * 2 * STRIP_LENGTH + STRIP_LENGTH);
    });
    this.lineRows = Uint8Array.from(LINES.flat());
    this.pays = new Int32Array(SYMBOLS * 6);
    this.payIndex = new Int32Array(SYMBOLS * 6).fill(-1);
    const ids: string[] = [];
    LINE_PAYS.forEach((pays, symbol) => {
      pays.forEach((pay, k) => {
        this.pays[symbol * 6 + 3 + k] = pay;
        this.payIndex[symbol * 6 + 3 + k] = ids.length;
        ids.push(`S${symbol}x${3 + k}`);
      });
    });
    this.payIds = ids;
    this.window = new Uint8Array(REELS * ROWS);
  }

  playRound(source: RandomSource, tally: RoundTally): number {
    const window = this.window;
    const strips = this.strips;
    for (let reel = 0; reel < REELS; reel++) {
      const base = reel * 2 * STRIP_LENGTH + (source.nextUint32() >>> (32 - STRIP_BITS));
      window[reel * ROWS] = strips[base]!;
      window[reel * ROWS + 1] = strips[base + 1]!;
      window[reel * ROWS + 2] = strips[base + 2]!;
    }
    const rows = this.lineRows;
    const pays = this.pays;
    let win = 0;
    for (let line = 0; line < LINES.length; line++) {
      const at = line * REELS;
      const symbol = window[rows[at]!]!;
      let count = 1;
      while (count < REELS && window[count * ROWS + rows[at + count]!] === symbol) count++;
      const pay = pays[symbol * 6 + count]!;
      if (pay !== 0) {
        win += pay;
        tally.payHits[this.payIndex[symbol * 6 + count]!]!++;
      }
    }
    return win;
  }
}

/**
 * Exact RTP of the toy line game. Each window cell of reel r is uniform over that reel's strip
 * (the stop is uniform and the strip is cyclic), and reels are independent, so every line has the
 * same expected pay: sum over symbols s and counts n of pay(s, n) * P(first n reels show s and
 * reel n does not). RTP = 20 lines * E[line pay] / 20 credits = E[line pay].
 */
export function toyLineExactRtp(): { numerator: bigint; denominator: bigint } {
  const L = BigInt(STRIP_LENGTH);
  let numerator = 0n; // over L^5
  for (let symbol = 0; symbol < SYMBOLS; symbol++) {
    for (let n = 3; n <= REELS; n++) {
      let ways = 1n;
      for (let reel = 0; reel < n; reel++) ways *= BigInt(REEL_SYMBOL_COUNTS[reel]![symbol]!);
      for (let reel = n; reel < REELS; reel++) {
        ways *= reel === n ? L - BigInt(REEL_SYMBOL_COUNTS[reel]![symbol]!) : L;
      }
      numerator += ways * BigInt(LINE_PAYS[symbol]![n - 3]!);
    }
  }
  return { numerator, denominator: L ** BigInt(REELS) };
}

export function createToyLineGame(): CompiledGame {
  return new ToyLineGame();
}

/**
 * Negative controls for the simulator: a kernel that breaks the contract after `afterSpins`
 * rounds (returns a negative win), or a factory that fails to build a game at all.
 */
export function createBrokenGame(args: {
  failure: 'negative-win' | 'no-game';
  afterSpins?: number;
}): CompiledGame {
  if (args.failure === 'no-game') throw new Error('broken game factory: cannot compile');
  const inner = new ToyTableGame(DEMO_TABLE_ARGS);
  let played = 0;
  const limit = args.afterSpins ?? 0;
  return {
    gameId: 'broken',
    mathHash: 'broken',
    mode: 'base',
    stakeUnits: inner.stakeUnits,
    payIds: inner.payIds,
    playRound(source: RandomSource, tally: RoundTally): number {
      const win = inner.playRound(source, tally);
      return played++ >= limit ? -1 : win;
    },
  };
}
