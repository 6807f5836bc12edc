/**
 * The compiled (fast) form of a game for the Monte Carlo simulator: precomputed tables in typed
 * arrays, no allocation and no closure call per round. It must return exactly what the reference
 * evaluator returns for the same draws (games/compile.test.ts proves it over full rounds of every
 * shipped game, and the stop draws word for word).
 *
 * - Stops: the reference draws (draw.ts) inlined, same words, same order (compile-draw.ts).
 * - Line games: every symbol combination of a payline is evaluated once with the reference
 *   `evaluateLine` into a table (`lineWinTable`), minimised into an automaton read reel by reel,
 *   and per reel set a table gives, for each stop pair of the first two reels, the lines still
 *   alive and their state (compile-lines.ts): a spin steps only those lines, stopping as soon as
 *   a line cannot pay. When S^R is too large for a table, lines are evaluated directly (slower).
 * - Ways games: per reel, stop and paying symbol, the (wild-multiplier weighted) count in the window,
 *   and per stop a bit set of the symbols shown: ANDed over the first reels it leaves only the
 *   symbols that can still pay.
 * - Scatters and the free-spins trigger: per reel and stop, the count in the window (packed 8 bits
 *   per symbol into one word, summed while the stops are drawn).
 *
 * - Batch form (`playRounds`), which the simulator runs: the same tables and the same steps
 *   generated per game as WebAssembly (compile-wasm.ts), or as straight-line JavaScript when the
 *   game needs something the WebAssembly kernel does not do (compile-batch.ts): reels unrolled,
 *   constants as immediates, words read from a `BufferedWordSource`. `playRound` stays the
 *   table-driven form. The property tests hold all of them to the reference evaluator.
 *
 * Tally: `payHits` counts every paid combination in every spin of the round (base and free spins),
 * indexed like `payIds`; `featureTriggers` counts rounds whose base spin awarded free spins;
 * `capHits` counts rounds ended by the max-win cap (the running total reached it).
 */
import type { BufferedWordSource, RandomSource } from '../rng/index.ts';
import { gameForMode } from './coins.ts';
import {
  type BatchKernel,
  type BatchReelGame,
  buildReelBatchKernel,
  type LineTableLayout,
} from './compile-batch.ts';
import {
  compileStopDraws,
  DRAW_UNIFORM,
  drawBelowAfterReject,
  drawStop,
  type StopDraws,
} from './compile-draw.ts';
import {
  buildLineAutomaton,
  buildLinePrefixTable,
  type LineAutomaton,
  type LinePrefixTable,
  windowColumns,
} from './compile-lines.ts';
import { buildReelWasmKernel } from './compile-wasm.ts';
import { MAX_FREE_SPINS_PER_ROUND } from './evaluator.ts';

/**
 * Constants of the hot path as literals of this module: every use of an imported binding is a load
 * (measured: about 2x on jungle-twenty's rounds/s). 2^32, not a small integer, is written inline
 * where it is used: even a module's own constant of it stayed a load and a division.
 */
const DRAW_UNIFORM_KIND = 0;
if (DRAW_UNIFORM_KIND !== DRAW_UNIFORM) throw new Error('draw constants out of sync');

import type { CompiledGame, RoundTally } from './kernel.ts';
import {
  evaluateLine,
  findMode,
  type Game,
  type PreparedReel,
  type ReelModel,
  stakeUnitsOf,
} from './model.ts';

/** Largest line table (entries) built; beyond it lines are evaluated directly. */
const MAX_LINE_TABLE_ENTRIES = 1 << 22;

/**
 * Every payline outcome of a line game, indexed by key = Σ_r symbol_r × S^r (S = symbol count).
 */
export interface LineTable {
  readonly symbolCount: number;
  readonly reelCount: number;
  /** Total line win for each key (both directions). */
  readonly win: Float64Array;
  /** The left-to-right and right-to-left parts of `win`. */
  readonly ltrWin: Float64Array;
  readonly rtlWin: Float64Array;
  /** Pay index of the left-to-right / right-to-left match, or -1. */
  readonly ltrPay: Int32Array;
  readonly rtlPay: Int32Array;
}

const lineTableCache = new WeakMap<ReelModel, LineTable | null>();

/** The line table of a line game, or null when S^R exceeds MAX_LINE_TABLE_ENTRIES. Cached. */
export function lineWinTable(model: ReelModel): LineTable | null {
  if (lineTableCache.has(model)) return lineTableCache.get(model)!;
  const S = model.symbolIds.length;
  const R = model.reelCount;
  const size = S ** R;
  if (size > MAX_LINE_TABLE_ENTRIES) {
    lineTableCache.set(model, null);
    return null;
  }
  const win = new Float64Array(size);
  const ltrWin = new Float64Array(size);
  const rtlWin = new Float64Array(size);
  const ltrPay = new Int32Array(size).fill(-1);
  const rtlPay = new Int32Array(size).fill(-1);
  const symbols = new Int32Array(R);
  for (let key = 0; key < size; key++) {
    let k = key;
    for (let r = 0; r < R; r++) {
      symbols[r] = k % S;
      k = Math.floor(k / S);
    }
    const { ltr, rtl } = evaluateLine(model, symbols);
    if (ltr !== null) {
      ltrWin[key] = ltr.win;
      ltrPay[key] = ltr.payIndex;
    }
    if (rtl !== null) {
      rtlWin[key] = rtl.win;
      rtlPay[key] = rtl.payIndex;
    }
    win[key] = ltrWin[key]! + rtlWin[key]!;
  }
  const table = { symbolCount: S, reelCount: R, win, ltrWin, rtlWin, ltrPay, rtlPay };
  lineTableCache.set(model, table);
  return table;
}

/**
 * Counted symbols (scatters, the free-spins trigger) whose per-stop counts are packed into one int32,
 * 8 bits each: a spin adds one word per reel, and no field carries into the next because a count
 * is at most reels × rows <= 255. Games with more counted symbols sum them one by one.
 */
const PACKED_COUNTERS = 4;

/** Per reel set: everything one spin needs, precomputed. */
interface CompiledReelSet {
  /** How each reel draws its stop (the reference draws, inlined). */
  readonly draws: StopDraws;
  /**
   * prefixStride[r]: weight of reel r's stop in the prefix table's index (Π of the stop counts of
   * reels r+1 .. depth−1; 0 from reel `depth` on), so the index is Σ_r stop_r × prefixStride[r].
   */
  readonly prefixStride: Int32Array;
  /** Offset of reel r's stops in the per-(reel, stop) tables below: Σ_{q<r} stops of reel q. */
  readonly reelStopBase: Int32Array;
  /** cellSymbol[(reelStopBase[r] + stop) × rows + row]: symbol index shown at (r, row) for stop. */
  readonly cellSymbol: Int32Array;
  /** Line games with a line table: the lines alive after the first reels, per stop prefix. */
  readonly prefix: LinePrefixTable | null;
  /** waysCount[(reelStopBase[r] + stop) × P + p]: weighted count of ways symbol p in the window. */
  readonly waysCount: Float64Array;
  /**
   * waysPresent[(reelStopBase[r] + stop) × W + w], W = ⌈P / 32⌉: bit p − 32w set when ways symbol
   * p shows in the window (waysCount ≠ 0). ANDed over the first reels, it names the only symbols
   * that can pay, so a spin skips the others without reading their counts.
   */
  readonly waysPresent: Int32Array;
  /** counterCount[(reelStopBase[r] + stop) × C + c]: count of counted symbol c in the window. */
  readonly counterCount: Uint8Array;
  /**
   * counterPacked[reelStopBase[r] + stop]: the same counts, counter c in bits 8c .. 8c+7, when
   * C <= PACKED_COUNTERS (all zero otherwise).
   */
  readonly counterPacked: Int32Array;
}

/**
 * The symbols whose window counts matter (scatter symbols, then the free-spins symbol), each once:
 * a trigger symbol that also pays as a scatter is counted once for both.
 */
function countedSymbols(model: ReelModel): number[] {
  const symbols = model.scatters.map((sc) => sc.symbol);
  if (model.freeSpins !== null) symbols.push(model.freeSpins.symbol);
  return [...new Set(symbols)];
}

function compileReelSet(
  model: ReelModel,
  reels: readonly PreparedReel[],
  automaton: LineAutomaton | null,
): CompiledReelSet {
  const rows = model.rows;
  const P = model.waysSymbols.length;
  const W = Math.ceil(P / 32);
  const counted = countedSymbols(model);
  const C = counted.length;
  if (model.reelCount * rows > 255) throw new RangeError('window too large for 8-bit symbol counts');
  const columns = windowColumns(reels, rows);
  const reelStopBase = new Int32Array(reels.length);
  let totalStops = 0;
  for (let r = 0; r < reels.length; r++) {
    reelStopBase[r] = totalStops;
    totalStops += reels[r]!.stops.length;
  }
  const cellSymbol = new Int32Array(totalStops * rows);
  const waysCount = new Float64Array(totalStops * P);
  const waysPresent = new Int32Array(totalStops * W);
  const counterCount = new Uint8Array(totalStops * C);
  const counterPacked = new Int32Array(totalStops);
  for (let r = 0; r < reels.length; r++) {
    const syms = columns[r]!;
    for (let stop = 0; stop < reels[r]!.stops.length; stop++) {
      const at = reelStopBase[r]! + stop;
      for (let row = 0; row < rows; row++) cellSymbol[at * rows + row] = syms[stop * rows + row]!;
      for (let p = 0; p < P; p++) {
        const match = model.waysSymbols[p]!.match;
        let c = 0;
        for (let row = 0; row < rows; row++) c += match[syms[stop * rows + row]!]!;
        waysCount[at * P + p] = c;
        if (c !== 0) waysPresent[at * W + (p >>> 5)]! |= 1 << (p & 31);
      }
      for (let c = 0; c < C; c++) {
        let n = 0;
        for (let row = 0; row < rows; row++) if (syms[stop * rows + row] === counted[c]) n++;
        counterCount[at * C + c] = n;
        if (C <= PACKED_COUNTERS) counterPacked[at]! |= n << (8 * c);
      }
    }
  }
  const prefix =
    automaton === null ? null : buildLinePrefixTable(automaton, columns, reels, rows, model.lines);
  const prefixStride = new Int32Array(reels.length);
  for (let r = (prefix?.depth ?? 0) - 1, stride = 1; r >= 0; r--) {
    prefixStride[r] = stride;
    stride *= reels[r]!.stops.length;
  }
  return {
    draws: compileStopDraws(reels),
    prefixStride,
    reelStopBase,
    cellSymbol,
    prefix,
    waysCount,
    waysPresent,
    counterCount,
    counterPacked,
  };
}

class CompiledReelGame implements CompiledGame {
  declare readonly gameId: string;
  declare readonly mathHash: string;
  declare readonly mode: string;
  declare readonly stakeUnits: number;
  declare readonly payIds: readonly string[];

  declare private readonly model: ReelModel;
  declare private readonly isLines: boolean;
  declare private readonly base: CompiledReelSet;
  declare private readonly free: CompiledReelSet | null;
  /** The line automaton (null for ways games and for line games too large for a line table). */
  declare private readonly automaton: LineAutomaton | null;
  /** lineRows[l × R + r]: the row line l reads on reel r. */
  declare private readonly lineRows: Int32Array;
  declare private readonly lineCount: number;
  declare private readonly reelCount: number;
  declare private readonly rows: number;
  declare private readonly cap: number;
  declare private readonly baseStakeUnits: number;
  /** Current spin: (reelStopBase[r] + stop_r), the row of reel r's stop in the per-stop tables. */
  declare private readonly stopAt: Int32Array;
  /** Current spin: count of each counted symbol in the window. */
  declare private readonly counts: Int32Array;
  /** Scratch for the direct (table-less) line evaluation. */
  declare private readonly lineSymbols: Int32Array;
  /** Ways games: presence words per stop (⌈P / 32⌉), and the shortest run any ways symbol pays. */
  declare private readonly waysWords: number;
  declare private readonly waysMinRun: number;
  declare private readonly waysPay: readonly Float64Array[];
  declare private readonly waysPayIndex: readonly Int32Array[];
  /** Per scatter: the counter holding its count, and its best pay / pay index by count. */
  declare private readonly scatterCounter: Int32Array;
  declare private readonly scatterPay: readonly Float64Array[];
  declare private readonly scatterUnitsPerPay: readonly number[];
  declare private readonly scatterPayIndex: readonly Int32Array[];
  /** Counter of the free-spins symbol, or -1 without free spins. */
  declare private readonly triggerCounter: number;
  declare private readonly awardByCount: Int32Array;
  declare private readonly retriggerByCount: Int32Array;
  declare private readonly freeMultiplier: number;
  /** The generated batch kernel (WebAssembly, else JavaScript), or null when neither covers the game. */
  declare private readonly batch: BatchKernel | null;
  declare private readonly batchKind: 'wasm' | 'js' | null;

  constructor(game: Game, mode: string, model: ReelModel, options: CompileOptions) {
    const modeDef = findMode(game, mode);
    this.gameId = game.definition.id;
    this.mathHash = game.mathHash;
    this.mode = mode;
    this.stakeUnits = stakeUnitsOf(game, mode);
    this.payIds = model.payIds;
    this.model = model;
    this.isLines = model.evaluation === 'lines';
    const table = this.isLines ? lineWinTable(model) : null;
    this.automaton = table === null ? null : lineAutomaton(model, table);
    this.base = compileReelSet(model, model.reelSets.get(modeDef.reelSet!)!, this.automaton);
    this.free = model.freeSpins
      ? compileReelSet(model, model.reelSets.get(model.freeSpins.reelSet)!, this.automaton)
      : null;
    this.reelCount = model.reelCount;
    this.rows = model.rows;
    this.lineCount = model.lines.length;
    this.lineRows = Int32Array.from(model.lines.flat());
    this.stopAt = new Int32Array(model.reelCount);
    this.lineSymbols = new Int32Array(model.reelCount);
    this.cap = model.capUnits ?? Number.POSITIVE_INFINITY;
    this.baseStakeUnits = model.baseStakeUnits;
    this.waysWords = Math.ceil(model.waysSymbols.length / 32);
    // bestPay[n] is the best pay for a run of n reels or fewer: it never falls as n grows.
    let waysMinRun = model.reelCount + 1;
    for (const w of model.waysSymbols) {
      const n = w.bestPay.findIndex((pay) => pay > 0);
      if (n >= 0) waysMinRun = Math.min(waysMinRun, Math.max(1, n));
    }
    this.waysMinRun = waysMinRun;
    this.waysPay = model.waysSymbols.map((w) => Float64Array.from(w.bestPay));
    this.waysPayIndex = model.waysSymbols.map((w) => Int32Array.from(w.bestPayIndex));
    const counted = countedSymbols(model);
    this.counts = new Int32Array(counted.length);
    this.scatterCounter = Int32Array.from(model.scatters, (s) => counted.indexOf(s.symbol));
    this.scatterPay = model.scatters.map((s) => Float64Array.from(s.bestPay));
    this.scatterUnitsPerPay = model.scatters.map((s) => s.unitsPerPay);
    this.scatterPayIndex = model.scatters.map((s) => Int32Array.from(s.bestPayIndex));
    const fs = model.freeSpins;
    this.triggerCounter = fs === null ? -1 : counted.indexOf(fs.symbol);
    this.awardByCount = Int32Array.from(fs?.awardByCount ?? [0]);
    this.retriggerByCount = Int32Array.from(fs?.retriggerByCount ?? [0]);
    this.freeMultiplier = fs?.multiplier ?? 1;
    const batchGame: BatchReelGame = {
      reelCount: this.reelCount,
      rows: this.rows,
      isLines: this.isLines,
      automaton: this.automaton,
      lineRows: this.lineRows,
      base: this.base,
      free: this.free,
      waysWords: this.waysWords,
      waysMinRun: this.waysMinRun,
      waysPay: this.waysPay,
      waysPayIndex: this.waysPayIndex,
      counterCount: this.counts.length,
      scatterCounter: this.scatterCounter,
      scatterPay: this.scatterPay,
      scatterUnitsPerPay: this.scatterUnitsPerPay,
      scatterPayIndex: this.scatterPayIndex,
      baseStakeUnits: this.baseStakeUnits,
      triggerCounter: this.triggerCounter,
      awardByCount: this.awardByCount,
      retriggerByCount: this.retriggerByCount,
      freeMultiplier: this.freeMultiplier,
      cap: this.cap,
    };
    const wasm =
      (options.batchKernel ?? 'wasm') === 'wasm' ? buildReelWasmKernel(batchGame, this.payIds.length) : null;
    this.batch = wasm ?? buildReelBatchKernel(batchGame, options.lineTableLayout ?? 'auto');
    this.batchKind = wasm !== null ? 'wasm' : this.batch !== null ? 'js' : null;
  }

  /** Which batch kernel `playRounds` runs: WebAssembly, generated JavaScript, or none (a loop of playRound). */
  get batchKernel(): 'wasm' | 'js' | null {
    return this.batchKind;
  }

  playRounds(source: BufferedWordSource, rounds: number, wins: Float64Array, tally: RoundTally): void {
    assertBatch(rounds, wins);
    if (this.batch !== null) this.batch(source, rounds, wins, tally);
    else playEach(this, source, rounds, wins, tally);
  }

  /**
   * Draws the stops (reels left to right, as the reference does), then returns the raw win (before
   * the free-spin multiplier), records pay hits and leaves the counted symbols' counts in `counts`.
   */
  private spin(set: CompiledReelSet, source: RandomSource, payHits: Float64Array): number {
    const R = this.reelCount;
    const stopAt = this.stopAt;
    const draws = set.draws;
    const reelStopBase = set.reelStopBase;
    const kind = draws.kind;
    const bound = draws.bound;
    const boundReject = draws.boundReject;
    const prefixStride = set.prefixStride;
    const counterPacked = set.counterPacked;
    let prefix = 0;
    let packedCounts = 0;
    for (let r = 0; r < R; r++) {
      let stop: number;
      if (kind[r] === DRAW_UNIFORM_KIND) {
        // drawBelow inlined: Lemire on one word, the rare rejection out of line.
        const n = bound[r]!;
        const word = source.nextUint32();
        // floor(w × n / 2^32) as `| 0`: w × n < 2^53 is exact, the quotient is below 2^21, and the
        // divisor is a literal so V8 turns it into a multiplication (a module constant stays a
        // load and a real division: measured about 7 % of jungle-twenty's rounds/s).
        stop =
          Math.imul(word, n) >>> 0 >= boundReject[r]!
            ? ((word * n) / 0x100000000) | 0
            : drawBelowAfterReject(source, n, boundReject[r]!);
      } else {
        stop = drawStop(draws, r, source);
      }
      const at = reelStopBase[r]! + stop;
      stopAt[r] = at;
      prefix += stop * prefixStride[r]!;
      packedCounts = (packedCounts + counterPacked[at]!) | 0;
    }
    let win = this.isLines ? this.lineWins(set, prefix, payHits) : this.waysWins(set, payHits);
    // Counted symbols (scatters, free-spins trigger): per-stop counts summed over the reels.
    const counts = this.counts;
    const C = counts.length;
    if (C > 0) {
      if (C <= PACKED_COUNTERS) {
        for (let c = 0; c < C; c++) counts[c] = (packedCounts >>> (8 * c)) & 0xff;
      } else {
        const counterCount = set.counterCount;
        for (let c = 0; c < C; c++) {
          let n = 0;
          for (let r = 0; r < R; r++) n += counterCount[stopAt[r]! * C + c]!;
          counts[c] = n;
        }
      }
      const scatterCounter = this.scatterCounter;
      for (let s = 0; s < scatterCounter.length; s++) {
        const n = counts[scatterCounter[s]!]!;
        const pay = this.scatterPay[s]![n]!;
        if (pay !== 0) {
          win += pay * this.scatterUnitsPerPay[s]!;
          payHits[this.scatterPayIndex[s]![n]!]!++;
        }
      }
    }
    return win;
  }

  /** Line pays of the drawn stops: only the lines the prefix table leaves alive are stepped. */
  private lineWins(set: CompiledReelSet, p: number, payHits: Float64Array): number {
    const prefix = set.prefix;
    if (prefix === null) return this.lineWinsDirect(set, payHits);
    // Most prefixes leave no line alive: one bit (an L1-resident load) settles those.
    if (((prefix.alive[p >>> 5]! >>> (p & 31)) & 1) === 0) return 0;
    const automaton = this.automaton!;
    const next = automaton.next;
    const R = this.reelCount;
    const rows = this.rows;
    const stopAt = this.stopAt;
    const cellSymbol = set.cellSymbol;
    const lineRows = this.lineRows;
    const depth = prefix.depth;
    const lineBits = prefix.lineBits;
    const lineIndexMask = prefix.lineIndexMask;
    const end = prefix.first[p + 1]!;
    const live = prefix.live;
    const outcomeWin = automaton.outcomeWin;
    let win = 0;
    for (let e = prefix.first[p]!; e < end; e++) {
      const entry = live[e]!;
      const rowsAt = (entry & lineIndexMask) * R;
      let state = entry >>> lineBits;
      // Every remaining reel, without an early exit: the dead state 0 steps to itself, so a fixed
      // trip count replaces a data-dependent (mispredicted) branch per step.
      for (let r = depth; r < R; r++) {
        state = next[state + cellSymbol[stopAt[r]! * rows + lineRows[rowsAt + r]!]!]!;
      }
      win += outcomeWin[state]!;
      if (state !== 0) {
        const a = automaton.outcomeLtrPay[state]!;
        if (a >= 0) payHits[a]!++;
        const b = automaton.outcomeRtlPay[state]!;
        if (b >= 0) payHits[b]!++;
      }
    }
    return win;
  }

  /** Lines of a game too large for a line table: the reference `evaluateLine` per line (slow). */
  private lineWinsDirect(set: CompiledReelSet, payHits: Float64Array): number {
    const R = this.reelCount;
    const rows = this.rows;
    const syms = this.lineSymbols;
    let win = 0;
    for (let l = 0; l < this.lineCount; l++) {
      for (let r = 0; r < R; r++) {
        syms[r] = set.cellSymbol[this.stopAt[r]! * rows + this.lineRows[l * R + r]!]!;
      }
      const { ltr, rtl } = evaluateLine(this.model, syms);
      if (ltr !== null) {
        win += ltr.win;
        payHits[ltr.payIndex]!++;
      }
      if (rtl !== null) {
        win += rtl.win;
        payHits[rtl.payIndex]!++;
      }
    }
    return win;
  }

  /**
   * Ways pays: per paying symbol, the run of reels from the left showing it, times the ways. Only
   * the symbols shown on each of the first `waysMinRun` reels (the presence bits ANDed) can pay.
   */
  private waysWins(set: CompiledReelSet, payHits: Float64Array): number {
    const R = this.reelCount;
    const P = this.waysPay.length;
    const W = this.waysWords;
    const minRun = this.waysMinRun;
    if (minRun > R) return 0;
    const counts = set.waysCount;
    const present = set.waysPresent;
    const stopAt = this.stopAt;
    let win = 0;
    for (let w = 0; w < W; w++) {
      let candidates = -1;
      for (let r = 0; r < minRun; r++) candidates &= present[stopAt[r]! * W + w]!;
      while (candidates !== 0) {
        const low = candidates & -candidates;
        candidates ^= low;
        const p = w * 32 + 31 - Math.clz32(low);
        let ways = 1;
        let run = 0;
        for (let r = 0; r < R; r++) {
          const c = counts[stopAt[r]! * P + p]!;
          if (c === 0) break;
          ways *= c;
          run++;
        }
        const pay = this.waysPay[p]![run]!;
        if (pay !== 0) {
          win += pay * ways;
          payHits[this.waysPayIndex[p]![run]!]!++;
        }
      }
    }
    return win;
  }

  /** Count of the free-spins symbol in the last spin's window (call after `spin`). */
  private triggerCount(): number {
    return this.counts[this.triggerCounter]!;
  }

  playRound(source: RandomSource, tally: RoundTally): number {
    const payHits = tally.payHits;
    let total = this.spin(this.base, source, payHits);
    const free = this.free;
    if (free === null) {
      if (total >= this.cap) {
        tally.capHits++;
        return this.cap;
      }
      return total;
    }
    let spinsLeft = this.awardByCount[this.triggerCount()]!;
    if (spinsLeft > 0) tally.featureTriggers++;
    if (total >= this.cap) {
      tally.capHits++;
      return this.cap;
    }
    let played = 0;
    while (spinsLeft > 0) {
      if (played >= MAX_FREE_SPINS_PER_ROUND) {
        throw new Error(`invariant broken: more than ${MAX_FREE_SPINS_PER_ROUND} free spins in one round`);
      }
      spinsLeft--;
      played++;
      total += this.spin(free, source, payHits) * this.freeMultiplier;
      spinsLeft += this.retriggerByCount[this.triggerCount()]!;
      if (total >= this.cap) {
        tally.capHits++;
        return this.cap;
      }
    }
    return total;
  }
}

const automatonCache = new WeakMap<ReelModel, LineAutomaton>();

/** The line automaton of a model (built once per model, like its line table). */
function lineAutomaton(model: ReelModel, table: LineTable): LineAutomaton {
  let automaton = automatonCache.get(model);
  if (automaton === undefined) {
    automaton = buildLineAutomaton(table);
    automatonCache.set(model, automaton);
  }
  return automaton;
}

class CompiledTableGame implements CompiledGame {
  declare readonly gameId: string;
  declare readonly mathHash: string;
  declare readonly mode: string;
  declare readonly stakeUnits: number;
  declare readonly payIds: readonly string[];
  /** The outcome draw: the reference's weighted draw over the outcomes, inlined. */
  declare private readonly draws: StopDraws;
  declare private readonly pays: Float64Array;
  declare private readonly cap: number;

  constructor(game: Game, mode: string) {
    if (game.model.type !== 'table') throw new TypeError('not a table game');
    this.gameId = game.definition.id;
    this.mathHash = game.mathHash;
    this.mode = mode;
    this.stakeUnits = stakeUnitsOf(game, mode);
    this.payIds = game.model.payIds;
    const weights = game.model.weights;
    this.draws = compileStopDraws([
      { stops: new Int32Array(weights.length), weights, totalWeight: game.model.totalWeight },
    ]);
    this.pays = Float64Array.from(game.model.pays);
    this.cap = game.model.capUnits ?? Number.POSITIVE_INFINITY;
  }

  playRounds(source: BufferedWordSource, rounds: number, wins: Float64Array, tally: RoundTally): void {
    assertBatch(rounds, wins);
    playEach(this, source, rounds, wins, tally);
  }

  playRound(source: RandomSource, tally: RoundTally): number {
    const index = drawStop(this.draws, 0, source);
    tally.payHits[index]!++;
    const pay = this.pays[index]!;
    if (pay >= this.cap) {
      tally.capHits++;
      return this.cap;
    }
    return pay;
  }
}

/** The batch form without a generated kernel: `playRound` once per round. */
function playEach(
  game: CompiledGame,
  source: RandomSource,
  rounds: number,
  wins: Float64Array,
  tally: RoundTally,
): void {
  for (let i = 0; i < rounds; i++) wins[i] = game.playRound(source, tally);
}

function assertBatch(rounds: number, wins: Float64Array): void {
  if (!Number.isInteger(rounds) || rounds < 0 || rounds > wins.length) {
    throw new RangeError(`rounds must be an integer in [0, ${wins.length}] (the wins buffer), got ${rounds}`);
  }
}

export interface CompileOptions {
  /**
   * Prefix-table layout of the batch kernel for line games: `auto` (the compact layout when it
   * fits, the default) or `wide` (always the general one; the tests use it to cover both).
   */
  readonly lineTableLayout?: LineTableLayout;
  /**
   * Batch kernel to build: `wasm` (the default; the generated JavaScript when the game needs
   * something the WebAssembly kernel does not do) or `js` (always the generated JavaScript).
   */
  readonly batchKernel?: 'wasm' | 'js';
}

/** Compiles a loaded game for one mode into the simulator's fast form. */
export function compileGame(gameOfAnyMode: Game, mode: string, options: CompileOptions = {}): CompiledGame {
  findMode(gameOfAnyMode, mode);
  const game = gameForMode(gameOfAnyMode, mode);
  if (game.model.type === 'table') return new CompiledTableGame(game, mode);
  return new CompiledReelGame(game, mode, game.model, options);
}
