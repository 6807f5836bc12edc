/**
 * The prepared form of a validated definition: symbols as small integers, pays resolved to match
 * tables, reel strips as typed arrays. Shared by the reference evaluator, the compiled fast path and
 * the exact analysis so that all three read the rules from one place.
 *
 * Matching rule (one position of a pay naming a symbol or group X, showing symbol s):
 * - s is X, or a member of group X: a match with multiplier 1 (a literal match);
 * - s is a wild that substitutes for X (for a group: for at least one member): a match with the
 *   wild's multiplier (default 1);
 * - otherwise no match. A position naming a wild itself matches only that wild, literally (a wild's
 *   own pays are not multiplied by its multiplier). Blanks and scatters are never substituted.
 * A combination's multiplier is the product of its positions' multipliers.
 */
import { mathHash } from './canonical.ts';
import type {
  GameDefinition,
  ModeDefinition,
  ReelGameDefinition,
  SpinAward,
  TableGameDefinition,
} from './definition.ts';
import { awardFor, parseGameDefinition } from './validate.ts';

export type SymbolKind = 'regular' | 'blank' | 'wild' | 'scatter';

export interface PreparedReel {
  /** Symbol index at each stop. */
  readonly stops: Int32Array;
  /** Per-stop integer weights, or null for a uniform strip. */
  readonly weights: readonly number[] | null;
  /** Sum of the weights (the strip length when uniform). */
  readonly totalWeight: number;
}

export interface PreparedLinePay {
  /** Index into `payIds`. */
  readonly payIndex: number;
  readonly id: string;
  readonly type: 'run' | 'sequence' | 'anywhere';
  readonly pay: number;
  /** Run/sequence: per position (from the aligned end) a match table indexed by symbol: 0 or multiplier. */
  readonly positions: readonly Float64Array[];
  /** Anywhere: the match table and the minimum count. */
  readonly anywhere: Float64Array | null;
  readonly count: number;
}

export interface PreparedWaysSymbol {
  readonly symbol: number;
  /** Per symbol index: 0 (no match) or the multiplier it counts with. */
  readonly match: Float64Array;
  /** bestPay[n] for a run of n reels (0 when nothing pays), and the pay index that gives it. */
  readonly bestPay: readonly number[];
  readonly bestPayIndex: readonly number[];
}

export interface PreparedScatter {
  readonly symbol: number;
  /** bestPay[n] for n in the window (0..reels×rows) in units of the base stake; index of that pay. */
  readonly bestPay: readonly number[];
  readonly bestPayIndex: readonly number[];
  /** Win units per unit of pay: baseStakeUnits (pays in stakes) or 1 (pays in line bets). */
  readonly unitsPerPay: number;
}

export interface PreparedFreeSpins {
  readonly symbol: number;
  readonly reelSet: string;
  readonly multiplier: number;
  readonly awards: readonly SpinAward[];
  readonly retrigger: readonly SpinAward[] | null;
  /** spins awarded for n trigger symbols in the window (n = 0..reels×rows). */
  readonly awardByCount: readonly number[];
  readonly retriggerByCount: readonly number[];
}

export interface ReelModel {
  readonly type: 'reels';
  readonly def: ReelGameDefinition;
  readonly reelCount: number;
  readonly rows: number;
  readonly symbolIds: readonly string[];
  readonly symbolKinds: readonly SymbolKind[];
  readonly symbolIndex: ReadonlyMap<string, number>;
  readonly reelSets: ReadonlyMap<string, readonly PreparedReel[]>;
  readonly evaluation: 'lines' | 'ways';
  readonly bothWays: boolean;
  /** Paylines (row per reel); empty for ways. */
  readonly lines: readonly (readonly number[])[];
  readonly linePays: readonly PreparedLinePay[];
  readonly waysSymbols: readonly PreparedWaysSymbol[];
  readonly scatters: readonly PreparedScatter[];
  readonly freeSpins: PreparedFreeSpins | null;
  readonly payIds: readonly string[];
  readonly baseStakeUnits: number;
  /** Round win cap in win units, or null. */
  readonly capUnits: number | null;
}

export interface TableModel {
  readonly type: 'table';
  readonly def: TableGameDefinition;
  readonly weights: readonly number[];
  readonly pays: readonly number[];
  readonly totalWeight: number;
  readonly payIds: readonly string[];
  readonly baseStakeUnits: number;
  readonly capUnits: number | null;
}

/** A validated, prepared game: what the evaluator, the compiler and the analysis take. */
export interface Game {
  readonly definition: GameDefinition;
  readonly mathHash: string;
  readonly model: ReelModel | TableModel;
}

export function findMode(game: Game, modeId: string): ModeDefinition {
  const mode = game.definition.modes.find((m) => m.id === modeId);
  if (mode === undefined) {
    const known = game.definition.modes.map((m) => m.id).join(', ');
    throw new RangeError(`unknown mode "${modeId}" for game "${game.definition.id}" (modes: ${known})`);
  }
  return mode;
}

/** Stake of one round of `mode` in win units. */
export function stakeUnitsOf(game: Game, modeId: string): number {
  return game.model.baseStakeUnits * findMode(game, modeId).costMultiplier;
}

function prepareTable(def: TableGameDefinition): TableModel {
  let total = 0;
  for (const o of def.outcomes) total += o.weight;
  return {
    type: 'table',
    def,
    weights: def.outcomes.map((o) => o.weight),
    pays: def.outcomes.map((o) => o.pay),
    totalWeight: total,
    payIds: def.outcomes.map((o) => o.id),
    baseStakeUnits: def.bet.baseStakeUnits!,
    capUnits: def.maxWin ? def.maxWin.multiplier * def.bet.baseStakeUnits! : null,
  };
}

/** A group's members: its symbols, or for a complement group every other regular symbol. */
export function groupMembers(
  group: { readonly symbols: readonly string[]; readonly complement?: boolean | undefined },
  regularIds: readonly string[],
): readonly string[] {
  return group.complement === true ? regularIds.filter((id) => !group.symbols.includes(id)) : group.symbols;
}

export function prepareReels(def: ReelGameDefinition): ReelModel {
  const symbolIds = def.symbols.map((s) => s.id);
  const symbolKinds = def.symbols.map((s) => s.kind);
  const symbolIndex = new Map(symbolIds.map((id, i) => [id, i]));
  const S = symbolIds.length;
  // Which regular symbols each wild substitutes for, and with what multiplier.
  const regularIds = def.symbols.filter((s) => s.kind === 'regular').map((s) => s.id);
  const groups = new Map((def.groups ?? []).map((g) => [g.id, groupMembers(g, regularIds)]));
  const wilds = def.symbols
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => s.kind === 'wild')
    .map(({ s, i }) => {
      const base = s.wild?.substitutes ?? regularIds;
      const except = new Set(s.wild?.except ?? []);
      return {
        index: i,
        subs: new Set(base.filter((t) => !except.has(t))),
        multiplier: s.wild?.multiplier ?? 1,
      };
    });

  const termCache = new Map<string, Float64Array>();
  const matchTable = (term: string): Float64Array => {
    const cached = termCache.get(term);
    if (cached) return cached;
    const table = new Float64Array(S);
    const members = groups.get(term) ?? [term];
    for (const m of members) table[symbolIndex.get(m)!] = 1;
    const isWildTerm = symbolKinds[symbolIndex.get(term) ?? -1] === 'wild';
    if (!isWildTerm) {
      for (const w of wilds) {
        if (members.some((m) => w.subs.has(m))) table[w.index] = w.multiplier;
      }
    }
    termCache.set(term, table);
    return table;
  };

  const reelSets = new Map<string, PreparedReel[]>();
  for (const [name, set] of Object.entries(def.reelSets)) {
    reelSets.set(
      name,
      set.reels.map((reel) => {
        const weights = reel.weights ?? null;
        let totalWeight = reel.symbols.length;
        if (weights) {
          totalWeight = 0;
          for (const w of weights) totalWeight += w;
        }
        return { stops: Int32Array.from(reel.symbols, (s) => symbolIndex.get(s)!), weights, totalWeight };
      }),
    );
  }
  const reelCount = def.reelSets[Object.keys(def.reelSets)[0]!]!.reels.length;

  const payIds: string[] = [];
  const ev = def.evaluation;
  const lines: number[][] =
    ev.type === 'lines'
      ? ev.lines.map((l) => [...l])
      : ev.type === 'centre-line'
        ? [new Array<number>(reelCount).fill((def.rows - 1) / 2)]
        : [];

  const linePays: PreparedLinePay[] = [];
  const waysSymbols: PreparedWaysSymbol[] = [];
  if (ev.type === 'ways') {
    const bySymbol = new Map<string, { count: number; pay: number; index: number }[]>();
    for (const p of def.pays) {
      if (p.type !== 'run') continue;
      const index = payIds.push(p.id) - 1;
      const list = bySymbol.get(p.symbol) ?? [];
      list.push({ count: p.count, pay: p.pay, index });
      bySymbol.set(p.symbol, list);
    }
    for (const [sym, list] of bySymbol) {
      const bestPay = new Array<number>(reelCount + 1).fill(0);
      const bestPayIndex = new Array<number>(reelCount + 1).fill(-1);
      for (let n = 1; n <= reelCount; n++) {
        for (const e of list) {
          if (e.count <= n && e.pay > bestPay[n]!) {
            bestPay[n] = e.pay;
            bestPayIndex[n] = e.index;
          }
        }
      }
      waysSymbols.push({ symbol: symbolIndex.get(sym)!, match: matchTable(sym), bestPay, bestPayIndex });
    }
  } else {
    for (const p of def.pays) {
      const payIndex = payIds.push(p.id) - 1;
      if (p.type === 'anywhere') {
        linePays.push({
          payIndex,
          id: p.id,
          type: p.type,
          pay: p.pay,
          positions: [],
          anywhere: matchTable(p.symbol),
          count: p.count,
        });
      } else {
        const terms = p.type === 'run' ? new Array<string>(p.count).fill(p.symbol) : p.pattern;
        linePays.push({
          payIndex,
          id: p.id,
          type: p.type,
          pay: p.pay,
          positions: terms.map(matchTable),
          anywhere: null,
          count: terms.length,
        });
      }
    }
  }

  const windowCells = reelCount * def.rows;
  const scatterSymbols = [...new Set((def.scatterPays ?? []).map((p) => p.symbol))];
  const scatters: PreparedScatter[] = scatterSymbols.map((sym) => {
    const bestPay = new Array<number>(windowCells + 1).fill(0);
    const bestPayIndex = new Array<number>(windowCells + 1).fill(-1);
    const list = (def.scatterPays ?? [])
      .filter((p) => p.symbol === sym)
      .map((p) => ({ ...p, index: payIds.push(p.id) - 1 }));
    for (let n = 0; n <= windowCells; n++) {
      // Highest scatter pay for the count reached.
      for (const p of list) {
        if (p.count <= n && p.pay > bestPay[n]!) {
          bestPay[n] = p.pay;
          bestPayIndex[n] = p.index;
        }
      }
    }
    // validate.ts holds every pay of one scatter symbol to one unit.
    const unitsPerPay = list[0]?.unit === 'line-bet' ? 1 : (def.bet.baseStakeUnits ?? lines.length);
    return { symbol: symbolIndex.get(sym)!, bestPay, bestPayIndex, unitsPerPay };
  });

  let freeSpins: PreparedFreeSpins | null = null;
  if (def.freeSpins) {
    const fs = def.freeSpins;
    const counts = Array.from({ length: windowCells + 1 }, (_, n) => n);
    freeSpins = {
      symbol: symbolIndex.get(fs.symbol)!,
      reelSet: fs.reelSet,
      multiplier: fs.multiplier,
      awards: fs.awards,
      retrigger: fs.retrigger ?? null,
      awardByCount: counts.map((n) => awardFor(fs.awards, n)),
      retriggerByCount: counts.map((n) => (fs.retrigger ? awardFor(fs.retrigger, n) : 0)),
    };
  }

  const baseStakeUnits = def.bet.baseStakeUnits ?? lines.length;
  return {
    type: 'reels',
    def,
    reelCount,
    rows: def.rows,
    symbolIds,
    symbolKinds,
    symbolIndex,
    reelSets,
    evaluation: ev.type === 'ways' ? 'ways' : 'lines',
    bothWays: ev.type === 'lines' && ev.direction === 'both-ways',
    lines,
    linePays,
    waysSymbols,
    scatters,
    freeSpins,
    payIds,
    baseStakeUnits,
    capUnits: def.maxWin ? def.maxWin.multiplier * baseStakeUnits : null,
  };
}

/** Validates an untrusted (JSON-parsed) definition and prepares it. Throws GameDefinitionError. */
export function loadGame(input: unknown): Game {
  const definition = parseGameDefinition(input);
  const model = definition.type === 'reels' ? prepareReels(definition) : prepareTable(definition);
  return Object.freeze({ definition, mathHash: mathHash(definition), model });
}

/** One line match: the pay, its multiplier, the win, and the reels (0-based) of its positions. */
export interface LineMatch {
  readonly payIndex: number;
  readonly pay: number;
  readonly multiplier: number;
  readonly win: number;
  readonly reels: readonly number[];
  readonly direction: 'left-to-right' | 'right-to-left';
}

function matchAligned(
  pay: PreparedLinePay,
  symbols: ArrayLike<number>,
  reelCount: number,
  rightToLeft: boolean,
): number {
  let multiplier = 1;
  for (let i = 0; i < pay.count; i++) {
    const reel = rightToLeft ? reelCount - 1 - i : i;
    const m = pay.positions[i]![symbols[reel]!]!;
    if (m === 0) return 0;
    multiplier *= m;
  }
  return multiplier;
}

function alignedReels(count: number, reelCount: number, rightToLeft: boolean): number[] {
  return Array.from({ length: count }, (_, i) => (rightToLeft ? reelCount - 1 - i : i));
}

/**
 * The wins of one payline given its symbols (one per reel): the highest left-to-right pay (ties: the
 * first pay in definition order) and, for both-ways games, the highest right-to-left run/sequence
 * pay not covering every reel; when the left-to-right win covers every reel there is no
 * right-to-left win (a full line is paid once).
 */
export function evaluateLine(
  model: ReelModel,
  symbols: ArrayLike<number>,
): { ltr: LineMatch | null; rtl: LineMatch | null } {
  const R = model.reelCount;
  let ltr: LineMatch | null = null;
  let rtl: LineMatch | null = null;
  for (const pay of model.linePays) {
    if (pay.anywhere !== null) {
      let n = 0;
      let multiplier = 1;
      const reels: number[] = [];
      for (let r = 0; r < R; r++) {
        const m = pay.anywhere[symbols[r]!]!;
        if (m !== 0) {
          n++;
          multiplier *= m;
          reels.push(r);
        }
      }
      if (n >= pay.count) {
        const win = pay.pay * multiplier;
        if (ltr === null || win > ltr.win) {
          ltr = { payIndex: pay.payIndex, pay: pay.pay, multiplier, win, reels, direction: 'left-to-right' };
        }
      }
      continue;
    }
    const m = matchAligned(pay, symbols, R, false);
    if (m !== 0) {
      const win = pay.pay * m;
      if (ltr === null || win > ltr.win) {
        ltr = {
          payIndex: pay.payIndex,
          pay: pay.pay,
          multiplier: m,
          win,
          reels: alignedReels(pay.count, R, false),
          direction: 'left-to-right',
        };
      }
    }
    if (model.bothWays && pay.count < R) {
      const mr = matchAligned(pay, symbols, R, true);
      if (mr !== 0) {
        const win = pay.pay * mr;
        if (rtl === null || win > rtl.win) {
          rtl = {
            payIndex: pay.payIndex,
            pay: pay.pay,
            multiplier: mr,
            win,
            reels: alignedReels(pay.count, R, true),
            direction: 'right-to-left',
          };
        }
      }
    }
  }
  // A left-to-right combination covering every reel is paid once: no right-to-left win beside it.
  if (ltr !== null && ltr.reels.length === R) rtl = null;
  return { ltr, rtl };
}
