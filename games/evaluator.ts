/**
 * THE reference evaluator: (game, mode, bet, RandomSource) -> the full outcome of one round. The RGS
 * serves rounds with it and the simulators are checked against it; the compiled fast path
 * (compile.ts) must return the same win for the same draws.
 *
 * Written for clarity, not speed: every win is reported with its pay, symbols and positions.
 *
 * Round rules (reels games):
 * 1. Base spin on the mode's reel set: one stop per reel, drawn left to right (draw.ts).
 * 2. Line pays: per payline, the highest pay (and, both ways, the highest right-to-left pay not
 *    covering every reel); ways pays: per symbol, the best pay for its run times the ways; scatter
 *    pays: per scatter symbol, the highest pay for its count × base stake.
 * 3. Free spins: the trigger symbol's count in the window awards spins (the award with the largest
 *    count reached). Each free spin is played on the free-spins reel set, every win × multiplier; a
 *    retrigger adds spins. Spins are played in order until none are left.
 * 4. Max-win cap (if defined): after the base spin and after every free spin, if the running total
 *    reaches cap = maxWin.multiplier × baseStakeUnits, the total becomes the cap and the round ends
 *    at once (remaining free spins are forfeited; a trigger in a capped base spin plays no spins).
 * Table games: one weighted draw over the outcomes; the win is the outcome's pay (capped likewise).
 */
import type { RandomSource } from '../rng/index.ts';
import { gameForMode } from './coins.ts';
import { createIndexDraw, type IndexDraw } from './draw.ts';
import {
  evaluateLine,
  findMode,
  type Game,
  type PreparedReel,
  type ReelModel,
  stakeUnitsOf,
} from './model.ts';

/** Hard bound on free spins in one round (TIGER_STYLE: bound every loop). Validation rejects
 * supercritical retriggers, so reaching this is a broken invariant, not a rare event. */
export const MAX_FREE_SPINS_PER_ROUND = 1_000_000;

export interface BetChoice {
  readonly coinValueMinor: number;
  readonly betLevel: number;
}

export interface Position {
  readonly reel: number;
  readonly row: number;
}

export interface LineWin {
  readonly kind: 'line';
  readonly payId: string;
  /** Payline index (0-based). */
  readonly line: number;
  readonly direction: 'left-to-right' | 'right-to-left';
  /** Symbols of the whole payline, left to right. */
  readonly lineSymbols: readonly string[];
  /** The positions that form the combination. */
  readonly positions: readonly Position[];
  readonly pay: number;
  readonly multiplier: number;
  /** pay × multiplier (before a free-spin multiplier). */
  readonly winUnits: number;
}

export interface WaysWin {
  readonly kind: 'ways';
  readonly payId: string;
  readonly symbol: string;
  /** Adjacent reels from the left showing the symbol (or a substituting wild). */
  readonly reels: number;
  /** Number of distinct ways (product of plain counts). */
  readonly ways: number;
  /** Sum over the ways of their wild multipliers (= ways when there are no multipliers). */
  readonly weightedWays: number;
  readonly positions: readonly Position[];
  readonly pay: number;
  readonly winUnits: number;
}

export interface ScatterWin {
  readonly kind: 'scatter';
  readonly payId: string;
  readonly symbol: string;
  readonly count: number;
  readonly positions: readonly Position[];
  /** Multiple of the base stake. */
  readonly pay: number;
  readonly winUnits: number;
}

export type Win = LineWin | WaysWin | ScatterWin;

export interface SpinOutcome {
  readonly reelSet: string;
  readonly freeSpin: boolean;
  readonly stops: readonly number[];
  /** window[reel][row]: symbol ids, row 0 at the top. */
  readonly window: readonly (readonly string[])[];
  readonly wins: readonly Win[];
  /** Sum of the wins before the free-spin multiplier. */
  readonly rawWinUnits: number;
  readonly multiplier: number;
  /** rawWinUnits × multiplier. */
  readonly winUnits: number;
  /** Trigger symbols in the window (0 when the game has no free spins). */
  readonly triggerCount: number;
  /** Free spins this spin awards (trigger in the base game, retrigger in free spins). */
  readonly spinsAwarded: number;
}

export interface RoundOutcome {
  readonly gameId: string;
  readonly mathHash: string;
  readonly mode: string;
  readonly bet: BetChoice;
  readonly stakeUnits: number;
  readonly stakeMinor: number;
  /** The base spin (reels games) or null (table games). */
  readonly base: SpinOutcome | null;
  /** Table games: the outcome drawn. */
  readonly tableOutcome: { readonly index: number; readonly id: string; readonly pay: number } | null;
  readonly freeSpins: readonly SpinOutcome[];
  readonly featureTriggered: boolean;
  /** Free spins awarded but not played because the cap ended the round. */
  readonly freeSpinsForfeited: number;
  /** Total win of what was played, before the cap. */
  readonly uncappedWinUnits: number;
  /** The running total reached the cap: the win is the cap and the round ended there. */
  readonly capApplied: boolean;
  readonly totalWinUnits: number;
  readonly totalWinMinor: number;
}

export class BetError extends Error {
  readonly code = 'invalid-bet';
  constructor(message: string) {
    super(message);
    this.name = 'BetError';
  }
}

function checkBet(game: Game, bet: BetChoice): void {
  const b = game.definition.bet;
  if (!b.coinValuesMinor.includes(bet.coinValueMinor)) {
    throw new BetError(`coin value ${bet.coinValueMinor} is not one of ${b.coinValuesMinor.join(', ')}`);
  }
  if (!b.betLevels.includes(bet.betLevel)) {
    throw new BetError(`bet level ${bet.betLevel} is not one of ${b.betLevels.join(', ')}`);
  }
}

function reelModel(game: Game): ReelModel {
  if (game.model.type !== 'reels') throw new TypeError(`game "${game.definition.id}" is a table game`);
  return game.model;
}

/** Stops index into the strip; the window shows stops stop..stop+rows-1 (wrapping). */
function buildWindow(
  model: ReelModel,
  reels: readonly PreparedReel[],
  stops: readonly number[],
): Int32Array[] {
  if (stops.length !== model.reelCount) {
    throw new RangeError(`expected ${model.reelCount} stops, got ${stops.length}`);
  }
  return reels.map((reel, r) => {
    const stop = stops[r]!;
    const n = reel.stops.length;
    if (!Number.isInteger(stop) || stop < 0 || stop >= n) {
      throw new RangeError(`stop ${stop} on reel ${r} is outside [0, ${n})`);
    }
    const column = new Int32Array(model.rows);
    for (let row = 0; row < model.rows; row++) column[row] = reel.stops[(stop + row) % n]!;
    return column;
  });
}

/** Symbol ids of symbol indices (a plain loop: Array.from over a typed array is slow in V8). */
function symbolNames(ids: readonly string[], symbols: Int32Array): string[] {
  const out = new Array<string>(symbols.length);
  for (let i = 0; i < symbols.length; i++) out[i] = ids[symbols[i]!]!;
  return out;
}

function evaluateWindow(
  model: ReelModel,
  reelSet: string,
  stops: readonly number[],
  freeSpin: boolean,
): SpinOutcome {
  const reels = model.reelSets.get(reelSet);
  if (reels === undefined) throw new RangeError(`unknown reel set "${reelSet}"`);
  const window = buildWindow(model, reels, stops);
  const ids = model.symbolIds;
  const wins: Win[] = [];
  const R = model.reelCount;

  if (model.evaluation === 'lines') {
    const lineSymbols = new Int32Array(R);
    model.lines.forEach((line, li) => {
      for (let r = 0; r < R; r++) lineSymbols[r] = window[r]![line[r]!]!;
      const { ltr, rtl } = evaluateLine(model, lineSymbols);
      for (const m of [ltr, rtl]) {
        if (m === null) continue;
        wins.push({
          kind: 'line',
          payId: model.payIds[m.payIndex]!,
          line: li,
          direction: m.direction,
          lineSymbols: symbolNames(ids, lineSymbols),
          positions: m.reels.map((reel) => ({ reel, row: line[reel]! })),
          pay: m.pay,
          multiplier: m.multiplier,
          winUnits: m.win,
        });
      }
    });
  } else {
    for (const ws of model.waysSymbols) {
      let run = 0;
      let ways = 1;
      let weightedWays = 1;
      const positions: Position[] = [];
      for (let r = 0; r < R; r++) {
        let plain = 0;
        let weighted = 0;
        for (let row = 0; row < model.rows; row++) {
          const m = ws.match[window[r]![row]!]!;
          if (m !== 0) {
            plain++;
            weighted += m;
          }
        }
        if (plain === 0) break;
        run++;
        ways *= plain;
        weightedWays *= weighted;
      }
      const pay = ws.bestPay[run] ?? 0;
      if (pay > 0) {
        for (let r = 0; r < run; r++) {
          for (let row = 0; row < model.rows; row++) {
            if (ws.match[window[r]![row]!] !== 0) positions.push({ reel: r, row });
          }
        }
        wins.push({
          kind: 'ways',
          payId: model.payIds[ws.bestPayIndex[run]!]!,
          symbol: ids[ws.symbol]!,
          reels: run,
          ways,
          weightedWays,
          positions,
          pay,
          winUnits: pay * weightedWays,
        });
      }
    }
  }

  const countOf = (symbol: number): Position[] => {
    const positions: Position[] = [];
    for (let r = 0; r < R; r++) {
      for (let row = 0; row < model.rows; row++)
        if (window[r]![row] === symbol) positions.push({ reel: r, row });
    }
    return positions;
  };
  for (const sc of model.scatters) {
    const positions = countOf(sc.symbol);
    const pay = sc.bestPay[positions.length]!;
    if (pay > 0) {
      wins.push({
        kind: 'scatter',
        payId: model.payIds[sc.bestPayIndex[positions.length]!]!,
        symbol: ids[sc.symbol]!,
        count: positions.length,
        positions,
        pay,
        winUnits: pay * sc.unitsPerPay,
      });
    }
  }

  let triggerCount = 0;
  let spinsAwarded = 0;
  const fs = model.freeSpins;
  if (fs !== null) {
    triggerCount = countOf(fs.symbol).length;
    spinsAwarded = freeSpin ? fs.retriggerByCount[triggerCount]! : fs.awardByCount[triggerCount]!;
  }
  let rawWinUnits = 0;
  for (const w of wins) rawWinUnits += w.winUnits;
  const multiplier = freeSpin && fs !== null ? fs.multiplier : 1;
  return {
    reelSet,
    freeSpin,
    stops: [...stops],
    window: window.map((col) => symbolNames(ids, col)),
    wins,
    rawWinUnits,
    multiplier,
    winUnits: rawWinUnits * multiplier,
    triggerCount,
    spinsAwarded,
  };
}

/**
 * Evaluates one spin at given stops (for enumeration, replay and recall): on the mode's reel set,
 * or with `freeSpin: true` as a free spin (free-spins reel set and multiplier).
 */
export function evaluateStops(
  game: Game,
  mode: string,
  stops: readonly number[],
  options: { readonly freeSpin?: boolean } = {},
): SpinOutcome {
  const model = reelModel(gameForMode(game, mode));
  const freeSpin = options.freeSpin === true;
  if (freeSpin && model.freeSpins === null)
    throw new RangeError(`game "${game.definition.id}" has no free spins`);
  const reelSet = freeSpin ? model.freeSpins!.reelSet : findMode(game, mode).reelSet!;
  return evaluateWindow(model, reelSet, stops, freeSpin);
}

const drawCache = new WeakMap<readonly PreparedReel[], readonly IndexDraw[]>();
const tableDrawCache = new WeakMap<Game, IndexDraw>();

/** Stop draws of a reel set, created once per prepared reel set. */
export function reelDraws(reels: readonly PreparedReel[]): readonly IndexDraw[] {
  let draws = drawCache.get(reels);
  if (draws === undefined) {
    draws = reels.map((reel) => createIndexDraw(reel.stops.length, reel.weights));
    drawCache.set(reels, draws);
  }
  return draws;
}

/** Draws the stops of one spin: one draw per reel, left to right. */
export function drawStops(reels: readonly PreparedReel[], source: RandomSource): number[] {
  return reelDraws(reels).map((draw) => draw(source));
}

function assertSafe(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${what} is not a safe integer: ${value}`);
  return value;
}

/** Plays one whole round with the reference rules. Throws BetError for a bet the game does not offer. */
export function playRound(
  gameOfAnyMode: Game,
  mode: string,
  bet: BetChoice,
  source: RandomSource,
): RoundOutcome {
  // A mode playing several coins has its own pay columns (coins.ts).
  const game = gameForMode(gameOfAnyMode, mode);
  checkBet(game, bet);
  const modeDef = findMode(game, mode);
  const stakeUnits = stakeUnitsOf(game, mode);
  const minorPerUnit = bet.coinValueMinor * bet.betLevel;
  const cap = game.model.capUnits;
  const common = {
    gameId: game.definition.id,
    mathHash: game.mathHash,
    mode,
    bet: { coinValueMinor: bet.coinValueMinor, betLevel: bet.betLevel },
    stakeUnits,
    stakeMinor: assertSafe(stakeUnits * minorPerUnit, 'stake'),
  };

  if (game.model.type === 'table') {
    const table = game.model;
    let draw = tableDrawCache.get(game);
    if (draw === undefined) {
      draw = createIndexDraw(table.weights.length, table.weights);
      tableDrawCache.set(game, draw);
    }
    const index = draw(source);
    const pay = table.pays[index]!;
    const capApplied = cap !== null && pay >= cap;
    const total = capApplied ? cap! : pay;
    return {
      ...common,
      base: null,
      tableOutcome: { index, id: table.payIds[index]!, pay },
      freeSpins: [],
      featureTriggered: false,
      freeSpinsForfeited: 0,
      uncappedWinUnits: pay,
      capApplied,
      totalWinUnits: total,
      totalWinMinor: assertSafe(total * minorPerUnit, 'win'),
    };
  }

  const model = game.model;
  const baseReels = model.reelSets.get(modeDef.reelSet!)!;
  const base = evaluateWindow(model, modeDef.reelSet!, drawStops(baseReels, source), false);
  let total = base.winUnits;
  let capApplied = false;
  const freeSpins: SpinOutcome[] = [];
  let spinsLeft = base.spinsAwarded;
  let uncapped = total;
  if (cap !== null && total >= cap) {
    capApplied = true;
  } else if (model.freeSpins !== null && spinsLeft > 0) {
    const fs = model.freeSpins;
    const fsReels = model.reelSets.get(fs.reelSet)!;
    while (spinsLeft > 0) {
      if (freeSpins.length >= MAX_FREE_SPINS_PER_ROUND) {
        throw new Error(`invariant broken: more than ${MAX_FREE_SPINS_PER_ROUND} free spins in one round`);
      }
      spinsLeft--;
      const spin = evaluateWindow(model, fs.reelSet, drawStops(fsReels, source), true);
      freeSpins.push(spin);
      total += spin.winUnits;
      uncapped = total;
      spinsLeft += spin.spinsAwarded;
      if (cap !== null && total >= cap) {
        capApplied = true;
        break;
      }
    }
  }
  const totalWinUnits = capApplied ? cap! : total;
  return {
    ...common,
    base,
    tableOutcome: null,
    freeSpins,
    featureTriggered: base.spinsAwarded > 0,
    freeSpinsForfeited: capApplied ? spinsLeft : 0,
    uncappedWinUnits: uncapped,
    capApplied,
    totalWinUnits: assertSafe(totalWinUnits, 'win'),
    totalWinMinor: assertSafe(totalWinUnits * minorPerUnit, 'win'),
  };
}
