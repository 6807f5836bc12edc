/**
 * Full-cycle enumeration of one spin on a reel set: the exact distribution (integer weights over the
 * cycle Π_r Σ_stops weight) of (raw spin win, free spins awarded). Brute force over every stop
 * combination is avoided by dynamic programming reel by reel:
 *
 * - Stops showing the same window column are merged (their weights add).
 * - Lines: a payline's win depends on its symbols only. Prefixes of symbols (reels 0..k-1) are
 *   grouped into classes that are equivalent for every possible completion (a Myhill–Nerode
 *   minimisation of the line-win table). The DP state after k reels is the class of every payline
 *   still undecided, the win already decided ("banked") for the others, and the scatter counts;
 *   identical states merge. Most lines are decided after two or three reels, so the state count
 *   stays far below the number of stop combinations.
 * - Ways: the state is, per paying symbol still running, the product of its (wild-weighted)
 *   counts so far; a symbol whose run ends banks bestPay[run] × product.
 * - The last reel is folded straight into the histogram.
 * Weights are integers below 2^53 (checked), so float arithmetic on them is exact.
 */
import { type Game, lineWinTable, type PreparedReel, type ReelModel } from '../../games/index.ts';

export interface SpinHistogram {
  /** Σ weights = the cycle: Π over reels of the reel's total weight. */
  readonly totalWeight: number;
  /** spins awarded -> (raw win in units -> weight). Raw win: before any free-spin multiplier. */
  readonly bySpins: ReadonlyMap<number, ReadonlyMap<number, number>>;
}

export class EnumerationTooLargeError extends Error {
  readonly code = 'enumeration-too-large';
}

/** Upper bound on DP states per reel (bounded work); beyond it the analysis refuses. */
const MAX_STATES = 4_000_000;

interface Column {
  /** Symbol index per row. */
  readonly symbols: Int32Array;
  readonly weight: number;
}

function distinctColumns(reel: PreparedReel, rows: number): Column[] {
  const n = reel.stops.length;
  const merged = new Map<string, { symbols: Int32Array; weight: number }>();
  for (let stop = 0; stop < n; stop++) {
    const symbols = new Int32Array(rows);
    for (let row = 0; row < rows; row++) symbols[row] = reel.stops[(stop + row) % n]!;
    const key = symbols.join(',');
    const w = reel.weights ? reel.weights[stop]! : 1;
    const e = merged.get(key);
    if (e) e.weight += w;
    else merged.set(key, { symbols, weight: w });
  }
  return [...merged.values()];
}

/**
 * Distribution of the scatter code over reels k..R-1 (suffix[k]; suffix[R] = {0: 1}): a state whose
 * paylines (or ways symbols) are all decided needs nothing else from the remaining reels.
 */
function suffixCodes(columns: readonly Column[][], tracker: ScatterTracker): Map<number, number>[] {
  const R = columns.length;
  const out: Map<number, number>[] = new Array(R + 1);
  out[R] = new Map([[0, 1]]);
  for (let k = R - 1; k >= 0; k--) {
    const m = new Map<number, number>();
    for (const col of columns[k]!) {
      const c = tracker.columnCode(col);
      for (const [code, w] of out[k + 1]!) m.set(code + c, (m.get(code + c) ?? 0) + w * col.weight);
    }
    out[k] = m;
  }
  return out;
}

/** Folds decided states (bank, code) -> weight into the histogram against the remaining reels' codes. */
function foldDecided(
  hist: Histogram,
  decided: ReadonlyMap<string, { bank: number; code: number; weight: number }>,
  suffix: ReadonlyMap<number, number>,
  tracker: ScatterTracker,
): void {
  for (const d of decided.values()) {
    for (const [code, w] of suffix) {
      const f = tracker.finish(d.code + code);
      hist.add(f.spins, d.bank + f.win, d.weight * w);
    }
  }
}

function addDecided(
  decided: Map<string, { bank: number; code: number; weight: number }>,
  bank: number,
  code: number,
  weight: number,
): void {
  const key = `${bank}|${code}`;
  const e = decided.get(key);
  if (e) e.weight += weight;
  else decided.set(key, { bank, code, weight });
}

class Histogram {
  readonly bySpins = new Map<number, Map<number, number>>();
  add(spins: number, win: number, weight: number): void {
    let m = this.bySpins.get(spins);
    if (m === undefined) {
      m = new Map();
      this.bySpins.set(spins, m);
    }
    m.set(win, (m.get(win) ?? 0) + weight);
  }
}

/** Scatter bookkeeping: the symbols whose window counts matter, packed in one integer code. */
interface ScatterTracker {
  /** Per tracked symbol, per column: its count. Encoded increment of the code per column. */
  readonly columnCode: (col: Column) => number;
  /** Scatter-pay win (units) and spins awarded for a final code. */
  readonly finish: (code: number) => { win: number; spins: number };
}

function scatterTracker(model: ReelModel, freeSpin: boolean): ScatterTracker {
  const tracked: number[] = [...new Set(model.scatters.map((s) => s.symbol))];
  const fs = model.freeSpins;
  if (fs !== null && !tracked.includes(fs.symbol)) tracked.push(fs.symbol);
  const radix = model.reelCount * model.rows + 1;
  const place = tracked.map((_, i) => radix ** i);
  const spinsByCount = fs === null ? null : freeSpin ? fs.retriggerByCount : fs.awardByCount;
  const cache = new Map<number, { win: number; spins: number }>();
  return {
    columnCode(col) {
      let code = 0;
      tracked.forEach((sym, i) => {
        for (const s of col.symbols) if (s === sym) code += place[i]!;
      });
      return code;
    },
    finish(code) {
      let r = cache.get(code);
      if (r !== undefined) return r;
      let win = 0;
      let spins = 0;
      tracked.forEach((sym, i) => {
        const count = Math.floor(code / place[i]!) % radix;
        const sc = model.scatters.find((s) => s.symbol === sym);
        if (sc) win += sc.bestPay[count]! * sc.unitsPerPay;
        if (fs !== null && sym === fs.symbol) spins = spinsByCount![count]!;
      });
      r = { win, spins };
      cache.set(code, r);
      return r;
    },
  };
}

/** Prefix classes of the line-win function: trans[k][c × S + s] -> class at level k+1; constant value or NaN. */
interface LineClasses {
  readonly trans: readonly Int32Array[];
  readonly constant: readonly Float64Array[];
}

function lineClasses(model: ReelModel): LineClasses {
  const table = lineWinTable(model);
  if (table === null) {
    throw new EnumerationTooLargeError(
      `line table too large for exact analysis (${model.symbolIds.length}^${model.reelCount} entries)`,
    );
  }
  const S = model.symbolIds.length;
  const R = model.reelCount;
  // Level R: classes are the distinct win values.
  let classOf = new Int32Array(S ** R);
  let values: number[] = [];
  {
    const ids = new Map<number, number>();
    for (let key = 0; key < classOf.length; key++) {
      const w = table.win[key]!;
      let id = ids.get(w);
      if (id === undefined) {
        id = values.length;
        ids.set(w, id);
        values.push(w);
      }
      classOf[key] = id;
    }
  }
  const constant: Float64Array[] = new Array(R + 1);
  const trans: Int32Array[] = new Array(R);
  constant[R] = Float64Array.from(values);
  for (let k = R - 1; k >= 0; k--) {
    const size = S ** k;
    const step = size; // child key = prefix + s × S^k
    const nextClassOf = new Int32Array(size);
    const ids = new Map<string, number>();
    const rows: Int32Array[] = [];
    const consts: number[] = [];
    const childConst = constant[k + 1]!;
    const children = new Int32Array(S);
    for (let p = 0; p < size; p++) {
      for (let s = 0; s < S; s++) children[s] = classOf[p + s * step]!;
      const sig = children.join(',');
      let id = ids.get(sig);
      if (id === undefined) {
        id = rows.length;
        ids.set(sig, id);
        rows.push(children.slice());
        const c0 = childConst[children[0]!]!;
        let allSame = !Number.isNaN(c0);
        for (let s = 1; s < S && allSame; s++) allSame = childConst[children[s]!] === c0;
        consts.push(allSame ? c0 : Number.NaN);
      }
      nextClassOf[p] = id;
    }
    const t = new Int32Array(rows.length * S);
    rows.forEach((row, c) => {
      t.set(row, c * S);
    });
    trans[k] = t;
    constant[k] = Float64Array.from(consts);
    classOf = nextClassOf;
    values = consts;
  }
  return { trans, constant };
}

function checkCycle(reels: readonly PreparedReel[]): number {
  let total = 1;
  for (const reel of reels) total *= reel.totalWeight;
  if (total > Number.MAX_SAFE_INTEGER) {
    throw new EnumerationTooLargeError(`cycle of ${total} combinations exceeds 2^53: exact analysis refused`);
  }
  return total;
}

/**
 * Merges DP states with equal (bank, code, live entries). Keys are 52-bit hashes of the state; a
 * bucket holds every state with that hash and states are compared in full, so a hash collision
 * costs time, never correctness.
 */
class StateTable {
  readonly buckets = new Map<number, SparseState[]>();
  size = 0;

  /** Adds weight to the state equal to (bank, code, ids[0..n), vals[0..n)), creating it if new. */
  add(bank: number, code: number, ids: Int32Array, vals: Float64Array, n: number, weight: number): void {
    let h1 = (bank * 2654435761) ^ code;
    let h2 = code * 40503 + bank;
    for (let i = 0; i < n; i++) {
      h1 = Math.imul(h1 ^ ids[i]!, 0x9e3779b1) + vals[i]!;
      h2 = Math.imul(h2 + vals[i]!, 0x85ebca6b) ^ ids[i]!;
    }
    const key = (h1 >>> 0) * 2097152 + ((h2 >>> 0) & 0x1fffff);
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = [];
      this.buckets.set(key, bucket);
    }
    for (const st of bucket) {
      if (st.bank !== bank || st.code !== code || st.ids.length !== n) continue;
      let same = true;
      for (let i = 0; i < n && same; i++) same = st.ids[i] === ids[i] && st.vals[i] === vals[i];
      if (same) {
        st.weight += weight;
        return;
      }
    }
    bucket.push({ bank, code, ids: ids.slice(0, n), vals: vals.slice(0, n), weight });
    this.size++;
    if (this.size > MAX_STATES) throw new EnumerationTooLargeError(`more than ${MAX_STATES} DP states`);
  }

  *states(): Generator<SparseState> {
    for (const bucket of this.buckets.values()) yield* bucket;
  }
}

/** A DP state: win already decided, scatter code, and the undecided entries (line or symbol id, value). */
interface SparseState {
  readonly bank: number;
  readonly code: number;
  readonly ids: Int32Array;
  readonly vals: Float64Array;
  weight: number;
}

function linesHistogram(
  model: ReelModel,
  reels: readonly PreparedReel[],
  tracker: ScatterTracker,
): Histogram {
  const R = model.reelCount;
  const S = model.symbolIds.length;
  const L = model.lines.length;
  const { trans, constant } = lineClasses(model);
  const hist = new Histogram();
  const columns = reels.map((reel) => distinctColumns(reel, model.rows));
  const rootConst = constant[0]![0]!;
  const rootDecided = !Number.isNaN(rootConst);
  let states: Iterable<SparseState> = [
    {
      bank: rootDecided ? rootConst * L : 0,
      code: 0,
      ids: rootDecided ? new Int32Array(0) : Int32Array.from(model.lines, (_, l) => l),
      vals: rootDecided ? new Float64Array(0) : new Float64Array(L),
      weight: 1,
    },
  ];
  const suffix = suffixCodes(columns, tracker);
  const ids = new Int32Array(L);
  const vals = new Float64Array(L);
  for (let k = 0; k < R; k++) {
    const last = k === R - 1;
    const next = new StateTable();
    const decided = new Map<string, { bank: number; code: number; weight: number }>();
    const t = trans[k]!;
    const cNext = constant[k + 1]!;
    const cols = columns[k]!;
    const colCodes = cols.map((c) => tracker.columnCode(c));
    // Symbol seen by each line on this reel, per column.
    const lineSym = cols.map((col) => Int32Array.from(model.lines, (line) => col.symbols[line[k]!]!));
    for (const st of states) {
      const n0 = st.ids.length;
      for (let ci = 0; ci < cols.length; ci++) {
        const syms = lineSym[ci]!;
        let bank = st.bank;
        let n = 0;
        for (let i = 0; i < n0; i++) {
          const l = st.ids[i]!;
          const c2 = t[st.vals[i]! * S + syms[l]!]!;
          const v = cNext[c2]!;
          if (Number.isNaN(v)) {
            ids[n] = l;
            vals[n] = c2;
            n++;
          } else {
            bank += v;
          }
        }
        const weight = st.weight * cols[ci]!.weight;
        const code = st.code + colCodes[ci]!;
        if (last) {
          const f = tracker.finish(code);
          hist.add(f.spins, bank + f.win, weight);
        } else if (n === 0) {
          addDecided(decided, bank, code, weight);
        } else {
          next.add(bank, code, ids, vals, n, weight);
        }
      }
    }
    foldDecided(hist, decided, suffix[k + 1]!, tracker);
    states = next.states();
  }
  return hist;
}

function waysHistogram(model: ReelModel, reels: readonly PreparedReel[], tracker: ScatterTracker): Histogram {
  const R = model.reelCount;
  const P = model.waysSymbols.length;
  const hist = new Histogram();
  const columns = reels.map((reel) => distinctColumns(reel, model.rows));
  interface State {
    bank: number;
    code: number;
    /** Per paying symbol: product of weighted counts so far, 0 when its run has ended. */
    prod: Float64Array;
    weight: number;
  }
  let states: State[] = [{ bank: 0, code: 0, prod: new Float64Array(P).fill(1), weight: 1 }];
  const suffix = suffixCodes(columns, tracker);
  for (let k = 0; k < R; k++) {
    const last = k === R - 1;
    const next = new Map<string, State>();
    const decided = new Map<string, { bank: number; code: number; weight: number }>();
    const cols = columns[k]!;
    const colCodes = cols.map((c) => tracker.columnCode(c));
    const colCounts = cols.map((col) =>
      Float64Array.from(model.waysSymbols, (ws) => {
        let c = 0;
        for (const s of col.symbols) c += ws.match[s]!;
        return c;
      }),
    );
    for (const st of states) {
      for (let ci = 0; ci < cols.length; ci++) {
        const counts = colCounts[ci]!;
        let bank = st.bank;
        const prod = new Float64Array(P);
        let key = '';
        for (let p = 0; p < P; p++) {
          const w = st.prod[p]!;
          if (w === 0) continue;
          const c = counts[p]!;
          if (c === 0) {
            bank += model.waysSymbols[p]!.bestPay[k]! * w;
          } else if (last) {
            bank += model.waysSymbols[p]!.bestPay[R]! * w * c;
          } else {
            prod[p] = w * c;
            key += `${p}:${w * c},`;
          }
        }
        const weight = st.weight * cols[ci]!.weight;
        const code = st.code + colCodes[ci]!;
        if (last) {
          const f = tracker.finish(code);
          hist.add(f.spins, bank + f.win, weight);
          continue;
        }
        if (key === '') {
          addDecided(decided, bank, code, weight);
          continue;
        }
        const k2 = `${bank}|${code}|${key}`;
        const e = next.get(k2);
        if (e) e.weight += weight;
        else next.set(k2, { bank, code, prod, weight });
      }
    }
    if (next.size > MAX_STATES) throw new EnumerationTooLargeError(`more than ${MAX_STATES} DP states`);
    foldDecided(hist, decided, suffix[k + 1]!, tracker);
    states = [...next.values()];
  }
  return hist;
}

/** Exact distribution of one spin on `reelSet` (as a free spin: retrigger awards, else trigger awards). */
export function spinHistogram(game: Game, reelSet: string, freeSpin: boolean): SpinHistogram {
  const model = game.model;
  if (model.type !== 'reels') throw new TypeError('spinHistogram needs a reels game');
  const reels = model.reelSets.get(reelSet);
  if (reels === undefined) throw new RangeError(`unknown reel set "${reelSet}"`);
  const totalWeight = checkCycle(reels);
  const tracker = scatterTracker(model, freeSpin);
  const hist =
    model.evaluation === 'lines'
      ? linesHistogram(model, reels, tracker)
      : waysHistogram(model, reels, tracker);
  let sum = 0;
  for (const m of hist.bySpins.values()) for (const w of m.values()) sum += w;
  if (sum !== totalWeight)
    throw new Error(`invariant broken: histogram weight ${sum} != cycle ${totalWeight}`);
  return { totalWeight, bySpins: hist.bySpins };
}
