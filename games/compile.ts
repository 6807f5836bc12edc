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
 * - Ways games: per reel, stop and paying symbol, the (wild-multiplier weighted) count in the window.
 * - Scatters and the free-spins trigger: per reel and stop, the count in the window.
 *
 * Tally: `payHits` counts every paid combination in every spin of the round (base and free spins),
 * indexed like `payIds`; `featureTriggers` counts rounds whose base spin awarded free spins;
 * `capHits` counts rounds ended by the max-win cap (the running total reached it).
 */
import type { RandomSource } from '../rng/index.ts';
import {
  compileStopDraws,
  DRAW_UNIFORM,
  drawBelowAfterReject,
  drawStop,
  type StopDraws,
  TWO_POW_32,
} from './compile-draw.ts';
import {
  buildLineAutomaton,
  buildLinePrefixTable,
  type LineAutomaton,
  type LinePrefixTable,
  windowColumns,
} from './compile-lines.ts';
import { MAX_FREE_SPINS_PER_ROUND } from './evaluator.ts';

/**
 * Constants of the hot path as literals of this module: V8 folds a module's own constants, while
 * every use of an imported binding is a load (measured: about 2x on jungle-twenty's rounds/s).
 */
const DRAW_UNIFORM_KIND = 0;
const WORD_SPACE = 0x100000000;
if (DRAW_UNIFORM_KIND !== DRAW_UNIFORM || WORD_SPACE !== TWO_POW_32)
  throw new Error('draw constants out of sync');

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

/** Per reel set: everything one spin needs, precomputed. */
interface CompiledReelSet {
  /** How each reel draws its stop (the reference draws, inlined). */
  readonly draws: StopDraws;
  /** Stops of each reel (the radix of `prefix`'s index). */
  readonly stopCount: Int32Array;
  /** Offset of reel r's stops in the per-(reel, stop) tables below: Σ_{q<r} stops of reel q. */
  readonly reelStopBase: Int32Array;
  /** cellSymbol[(reelStopBase[r] + stop) × rows + row]: symbol index shown at (r, row) for stop. */
  readonly cellSymbol: Int32Array;
  /** Line games with a line table: the lines alive after the first reels, per stop prefix. */
  readonly prefix: LinePrefixTable | null;
  /** waysCount[(reelStopBase[r] + stop) × P + p]: weighted count of ways symbol p in the window. */
  readonly waysCount: Float64Array;
  /** counterCount[(reelStopBase[r] + stop) × C + c]: count of counted symbol c in the window. */
  readonly counterCount: Uint8Array;
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
  const counterCount = new Uint8Array(totalStops * C);
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
      }
      for (let c = 0; c < C; c++) {
        let n = 0;
        for (let row = 0; row < rows; row++) if (syms[stop * rows + row] === counted[c]) n++;
        counterCount[at * C + c] = n;
      }
    }
  }
  return {
    draws: compileStopDraws(reels),
    stopCount: Int32Array.from(reels, (reel) => reel.stops.length),
    reelStopBase,
    cellSymbol,
    prefix: automaton === null ? null : buildLinePrefixTable(automaton, columns, reels, rows, model.lines),
    waysCount,
    counterCount,
  };
}

class CompiledReelGame implements CompiledGame {
  readonly gameId: string;
  readonly mathHash: string;
  readonly mode: string;
  readonly stakeUnits: number;
  readonly payIds: readonly string[];

  private readonly model: ReelModel;
  private readonly isLines: boolean;
  private readonly base: CompiledReelSet;
  private readonly free: CompiledReelSet | null;
  /** The line automaton (null for ways games and for line games too large for a line table). */
  private readonly automaton: LineAutomaton | null;
  /** lineRows[l × R + r]: the row line l reads on reel r. */
  private readonly lineRows: Int32Array;
  private readonly lineCount: number;
  private readonly reelCount: number;
  private readonly rows: number;
  private readonly cap: number;
  private readonly baseStakeUnits: number;
  /** Current spin: stop of each reel. */
  private readonly stops: Int32Array;
  /** Current spin: (reelStopBase[r] + stop_r), the row of reel r's stop in the per-stop tables. */
  private readonly stopAt: Int32Array;
  /** Current spin: count of each counted symbol in the window. */
  private readonly counts: Int32Array;
  /** Scratch for the direct (table-less) line evaluation. */
  private readonly lineSymbols: Int32Array;
  private readonly waysPay: readonly Float64Array[];
  private readonly waysPayIndex: readonly Int32Array[];
  /** Per scatter: the counter holding its count, and its best pay / pay index by count. */
  private readonly scatterCounter: Int32Array;
  private readonly scatterPay: readonly Float64Array[];
  private readonly scatterPayIndex: readonly Int32Array[];
  /** Counter of the free-spins symbol, or -1 without free spins. */
  private readonly triggerCounter: number;
  private readonly awardByCount: Int32Array;
  private readonly retriggerByCount: Int32Array;
  private readonly freeMultiplier: number;

  constructor(game: Game, mode: string, model: ReelModel) {
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
    this.stops = new Int32Array(model.reelCount);
    this.stopAt = new Int32Array(model.reelCount);
    this.lineSymbols = new Int32Array(model.reelCount);
    this.cap = model.capUnits ?? Number.POSITIVE_INFINITY;
    this.baseStakeUnits = model.baseStakeUnits;
    this.waysPay = model.waysSymbols.map((w) => Float64Array.from(w.bestPay));
    this.waysPayIndex = model.waysSymbols.map((w) => Int32Array.from(w.bestPayIndex));
    const counted = countedSymbols(model);
    this.counts = new Int32Array(counted.length);
    this.scatterCounter = Int32Array.from(model.scatters, (s) => counted.indexOf(s.symbol));
    this.scatterPay = model.scatters.map((s) => Float64Array.from(s.bestPay));
    this.scatterPayIndex = model.scatters.map((s) => Int32Array.from(s.bestPayIndex));
    const fs = model.freeSpins;
    this.triggerCounter = fs === null ? -1 : counted.indexOf(fs.symbol);
    this.awardByCount = Int32Array.from(fs?.awardByCount ?? [0]);
    this.retriggerByCount = Int32Array.from(fs?.retriggerByCount ?? [0]);
    this.freeMultiplier = fs?.multiplier ?? 1;
  }

  /**
   * Draws the stops (reels left to right, as the reference does), then returns the raw win (before
   * the free-spin multiplier), records pay hits and leaves the counted symbols' counts in `counts`.
   */
  private spin(set: CompiledReelSet, source: RandomSource, payHits: Float64Array): number {
    const R = this.reelCount;
    const stops = this.stops;
    const stopAt = this.stopAt;
    const draws = set.draws;
    const reelStopBase = set.reelStopBase;
    const kind = draws.kind;
    const bound = draws.bound;
    const boundReject = draws.boundReject;
    const prefixDepth = set.prefix === null ? 0 : set.prefix.depth;
    const stopCount = set.stopCount;
    let prefix = 0;
    for (let r = 0; r < R; r++) {
      let stop: number;
      if (kind[r] === DRAW_UNIFORM_KIND) {
        // drawBelow inlined: Lemire on one word, the rare rejection out of line.
        const n = bound[r]!;
        const word = source.nextUint32();
        stop =
          Math.imul(word, n) >>> 0 >= boundReject[r]!
            ? Math.floor((word * n) / WORD_SPACE)
            : drawBelowAfterReject(source, n, boundReject[r]!);
      } else {
        stop = drawStop(draws, r, source);
      }
      stops[r] = stop;
      stopAt[r] = reelStopBase[r]! + stop;
      if (r < prefixDepth) prefix = prefix * stopCount[r]! + stop;
    }
    let win = this.isLines ? this.lineWins(set, prefix, payHits) : this.waysWins(set, payHits);
    // Counted symbols (scatters, free-spins trigger): per-stop counts summed over the reels.
    const counts = this.counts;
    const C = counts.length;
    if (C > 0) {
      const counterCount = set.counterCount;
      for (let c = 0; c < C; c++) {
        let n = 0;
        for (let r = 0; r < R; r++) n += counterCount[stopAt[r]! * C + c]!;
        counts[c] = n;
      }
      const scatterCounter = this.scatterCounter;
      for (let s = 0; s < scatterCounter.length; s++) {
        const n = counts[scatterCounter[s]!]!;
        const pay = this.scatterPay[s]![n]!;
        if (pay !== 0) {
          win += pay * this.baseStakeUnits;
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
    const automaton = this.automaton!;
    const next = automaton.next;
    const R = this.reelCount;
    const rows = this.rows;
    const stopAt = this.stopAt;
    const cellSymbol = set.cellSymbol;
    const lineRows = this.lineRows;
    const depth = prefix.depth;
    const end = 2 * prefix.first[p + 1]!;
    const live = prefix.live;
    const outcomeWin = automaton.outcomeWin;
    let win = 0;
    for (let e = 2 * prefix.first[p]!; e < end; e += 2) {
      const rowsAt = live[e]! * R;
      let state = live[e + 1]!;
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

  /** Ways pays: per paying symbol, the run of reels from the left showing it, times the ways. */
  private waysWins(set: CompiledReelSet, payHits: Float64Array): number {
    const R = this.reelCount;
    const P = this.waysPay.length;
    const counts = set.waysCount;
    const stopAt = this.stopAt;
    let win = 0;
    for (let p = 0; p < P; p++) {
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
  readonly gameId: string;
  readonly mathHash: string;
  readonly mode: string;
  readonly stakeUnits: number;
  readonly payIds: readonly string[];
  /** The outcome draw: the reference's weighted draw over the outcomes, inlined. */
  private readonly draws: StopDraws;
  private readonly pays: Float64Array;
  private readonly cap: number;

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

/** Compiles a loaded game for one mode into the simulator's fast form. */
export function compileGame(game: Game, mode: string): CompiledGame {
  findMode(game, mode);
  if (game.model.type === 'table') return new CompiledTableGame(game, mode);
  return new CompiledReelGame(game, mode, game.model);
}
