/**
 * The compiled (fast) form of a game for the Monte Carlo simulator: precomputed tables in typed
 * arrays, no allocation per round. It must return exactly what the reference evaluator returns for
 * the same draws (games/compile.test.ts proves it over random stops and full rounds).
 *
 * Line games: a payline's win depends only on its R symbols, so every combination is evaluated once
 * with the reference `evaluateLine` into a table indexed by key = Σ symbol_r × S^r; per reel and stop
 * the key contribution of each row is precomputed, so one line costs R additions and one lookup.
 * When S^R is too large for a table the line is evaluated directly (slower, same rules).
 * Ways games: per reel, stop and paying symbol, the (wild-multiplier weighted) count in the window.
 * Scatters: per reel and stop, the count in the window.
 *
 * Tally: `payHits` counts every paid combination in every spin of the round (base and free spins),
 * indexed like `payIds`; `featureTriggers` counts rounds whose base spin awarded free spins;
 * `capHits` counts rounds ended by the max-win cap (the running total reached it).
 */
import type { RandomSource } from '../rng/index.ts';
import { createIndexDraw, type IndexDraw } from './draw.ts';
import { MAX_FREE_SPINS_PER_ROUND, reelDraws } from './evaluator.ts';
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
 * For line games with at least two reels: which two-symbol prefixes can still pay (1) or can never
 * pay (0), so most lines are settled with two additions. With fewer than two reels every prefix is
 * marked alive. Keys are little-endian, so the prefix key is key mod S^2.
 */
function alivePrefixTable(table: LineTable | null, reelCount: number): Uint8Array {
  if (table === null) return new Uint8Array(0);
  const S = table.symbolCount;
  if (reelCount < 2) return new Uint8Array(table.win.length).fill(1);
  const prefixes = S * S;
  const alive = new Uint8Array(prefixes);
  for (let key = 0; key < table.win.length; key++) if (table.win[key] !== 0) alive[key % prefixes] = 1;
  return alive;
}

/** Per reel set: everything one spin needs, precomputed. */
interface CompiledReelSet {
  readonly draws: readonly IndexDraw[];
  /** rowKey[r][stop * rows + row] = symbol × S^r (line games). */
  readonly rowKey: readonly Int32Array[];
  /** symbolAt[r][stop * rows + row] = symbol index. */
  readonly symbolAt: readonly Int32Array[];
  /** waysCount[r][stop * P + p]: weighted count of ways symbol p (ways games). */
  readonly waysCount: readonly Float64Array[];
  /** scatterCount[s][r][stop]: count of scatter symbol s in the window. */
  readonly scatterCount: readonly (readonly Uint8Array[])[];
  /** triggerCount[r][stop]: count of the free-spins symbol. */
  readonly triggerCount: readonly Uint8Array[];
}

function compileReelSet(model: ReelModel, reels: readonly PreparedReel[]): CompiledReelSet {
  const S = model.symbolIds.length;
  const rows = model.rows;
  const P = model.waysSymbols.length;
  const symbolAt = reels.map((reel) => {
    const n = reel.stops.length;
    const out = new Int32Array(n * rows);
    for (let stop = 0; stop < n; stop++) {
      for (let row = 0; row < rows; row++) out[stop * rows + row] = reel.stops[(stop + row) % n]!;
    }
    return out;
  });
  const rowKey = symbolAt.map((syms, r) => {
    const scale = S ** r;
    return scale * S <= 2 ** 31 ? Int32Array.from(syms, (s) => s * scale) : new Int32Array(0);
  });
  const waysCount = symbolAt.map((syms, r) => {
    const n = reels[r]!.stops.length;
    const out = new Float64Array(n * P);
    for (let stop = 0; stop < n; stop++) {
      for (let p = 0; p < P; p++) {
        const match = model.waysSymbols[p]!.match;
        let c = 0;
        for (let row = 0; row < rows; row++) c += match[syms[stop * rows + row]!]!;
        out[stop * P + p] = c;
      }
    }
    return out;
  });
  const countOf = (symbol: number) =>
    symbolAt.map((syms, r) => {
      const n = reels[r]!.stops.length;
      const out = new Uint8Array(n);
      for (let stop = 0; stop < n; stop++) {
        let c = 0;
        for (let row = 0; row < rows; row++) if (syms[stop * rows + row] === symbol) c++;
        out[stop] = c;
      }
      return out;
    });
  return {
    draws: reelDraws(reels),
    rowKey,
    symbolAt,
    waysCount,
    scatterCount: model.scatters.map((sc) => countOf(sc.symbol)),
    triggerCount: model.freeSpins ? countOf(model.freeSpins.symbol) : [],
  };
}

class CompiledReelGame implements CompiledGame {
  readonly gameId: string;
  readonly mathHash: string;
  readonly mode: string;
  readonly stakeUnits: number;
  readonly payIds: readonly string[];

  private readonly model: ReelModel;
  private readonly base: CompiledReelSet;
  private readonly free: CompiledReelSet | null;
  private readonly table: LineTable | null;
  private readonly lines: Int32Array;
  private readonly lineCount: number;
  private readonly reelCount: number;
  private readonly rows: number;
  private readonly stops: Int32Array;
  private readonly cap: number;
  private readonly baseStakeUnits: number;
  private readonly lineSymbols: Int32Array;
  /** Key contribution of each window cell of the current spin, index reel × rows + row. */
  private readonly windowKey: Int32Array;
  /** Per line and reel: the window cell index (reel × rows + row). */
  private readonly lineOffsets: Int32Array;
  /** alivePrefix[symbol0 + S × symbol1]: 1 when some completion of the first two symbols pays. */
  private readonly alivePrefix: Uint8Array;
  private readonly waysPay: readonly Float64Array[];
  private readonly waysPayIndex: readonly Int32Array[];
  private readonly scatterPay: readonly Float64Array[];
  private readonly scatterPayIndex: readonly Int32Array[];
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
    this.base = compileReelSet(model, model.reelSets.get(modeDef.reelSet!)!);
    this.free = model.freeSpins ? compileReelSet(model, model.reelSets.get(model.freeSpins.reelSet)!) : null;
    this.table = model.evaluation === 'lines' ? lineWinTable(model) : null;
    this.reelCount = model.reelCount;
    this.rows = model.rows;
    this.lineCount = model.lines.length;
    this.lines = Int32Array.from(model.lines.flat());
    this.stops = new Int32Array(model.reelCount);
    this.lineSymbols = new Int32Array(model.reelCount);
    this.windowKey = new Int32Array(model.reelCount * model.rows);
    this.lineOffsets = Int32Array.from(
      model.lines.flatMap((line) => line.map((row, r) => r * model.rows + row)),
    );
    this.alivePrefix = alivePrefixTable(this.table, model.reelCount);
    this.cap = model.capUnits ?? Number.POSITIVE_INFINITY;
    this.baseStakeUnits = model.baseStakeUnits;
    this.waysPay = model.waysSymbols.map((w) => Float64Array.from(w.bestPay));
    this.waysPayIndex = model.waysSymbols.map((w) => Int32Array.from(w.bestPayIndex));
    this.scatterPay = model.scatters.map((s) => Float64Array.from(s.bestPay));
    this.scatterPayIndex = model.scatters.map((s) => Int32Array.from(s.bestPayIndex));
    const fs = model.freeSpins;
    this.awardByCount = Int32Array.from(fs?.awardByCount ?? [0]);
    this.retriggerByCount = Int32Array.from(fs?.retriggerByCount ?? [0]);
    this.freeMultiplier = fs?.multiplier ?? 1;
  }

  /** Draws the stops and returns the raw win (before the free-spin multiplier); records pay hits. */
  private spin(set: CompiledReelSet, source: RandomSource, payHits: Float64Array): number {
    const R = this.reelCount;
    const rows = this.rows;
    const stops = this.stops;
    const draws = set.draws;
    for (let r = 0; r < R; r++) stops[r] = draws[r]!(source);
    let win = 0;
    if (this.model.evaluation === 'lines') {
      const lines = this.lines;
      const table = this.table;
      if (table !== null) {
        // Key contributions of the window cells, then per line: prefix check, R adds, one lookup.
        const wk = this.windowKey;
        const rowKey = set.rowKey;
        for (let r = 0, i = 0; r < R; r++) {
          const keys = rowKey[r]!;
          const at = stops[r]! * rows;
          for (let row = 0; row < rows; row++, i++) wk[i] = keys[at + row]!;
        }
        const offsets = this.lineOffsets;
        const alive = this.alivePrefix;
        const prefixReels = R < 2 ? R : 2;
        const tw = table.win;
        for (let l = 0, base = 0; l < this.lineCount; l++, base += R) {
          let key = 0;
          for (let r = 0; r < prefixReels; r++) key += wk[offsets[base + r]!]!;
          if (alive[key] === 0) continue;
          for (let r = prefixReels; r < R; r++) key += wk[offsets[base + r]!]!;
          const w = tw[key]!;
          if (w !== 0) {
            win += w;
            const a = table.ltrPay[key]!;
            if (a >= 0) payHits[a]!++;
            const b = table.rtlPay[key]!;
            if (b >= 0) payHits[b]!++;
          }
        }
      } else {
        const syms = this.lineSymbols;
        for (let l = 0, base = 0; l < this.lineCount; l++, base += R) {
          for (let r = 0; r < R; r++) syms[r] = set.symbolAt[r]![stops[r]! * rows + lines[base + r]!]!;
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
      }
    } else {
      const P = this.waysPay.length;
      const counts = set.waysCount;
      for (let p = 0; p < P; p++) {
        let ways = 1;
        let run = 0;
        for (let r = 0; r < R; r++) {
          const c = counts[r]![stops[r]! * P + p]!;
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
    for (let s = 0; s < set.scatterCount.length; s++) {
      const counts = set.scatterCount[s]!;
      let n = 0;
      for (let r = 0; r < R; r++) n += counts[r]![stops[r]!]!;
      const pay = this.scatterPay[s]![n]!;
      if (pay !== 0) {
        win += pay * this.baseStakeUnits;
        payHits[this.scatterPayIndex[s]![n]!]!++;
      }
    }
    return win;
  }

  private triggerCount(set: CompiledReelSet): number {
    let n = 0;
    const counts = set.triggerCount;
    for (let r = 0; r < counts.length; r++) n += counts[r]![this.stops[r]!]!;
    return n;
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
    let spinsLeft = this.awardByCount[this.triggerCount(this.base)]!;
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
      spinsLeft += this.retriggerByCount[this.triggerCount(free)]!;
      if (total >= this.cap) {
        tally.capHits++;
        return this.cap;
      }
    }
    return total;
  }
}

class CompiledTableGame implements CompiledGame {
  readonly gameId: string;
  readonly mathHash: string;
  readonly mode: string;
  readonly stakeUnits: number;
  readonly payIds: readonly string[];
  private readonly draw: IndexDraw;
  private readonly pays: Float64Array;
  private readonly cap: number;

  constructor(game: Game, mode: string) {
    if (game.model.type !== 'table') throw new TypeError('not a table game');
    this.gameId = game.definition.id;
    this.mathHash = game.mathHash;
    this.mode = mode;
    this.stakeUnits = stakeUnitsOf(game, mode);
    this.payIds = game.model.payIds;
    this.draw = createIndexDraw(game.model.weights.length, game.model.weights);
    this.pays = Float64Array.from(game.model.pays);
    this.cap = game.model.capUnits ?? Number.POSITIVE_INFINITY;
  }

  playRound(source: RandomSource, tally: RoundTally): number {
    const index = this.draw(source);
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
