/**
 * Line evaluation for the compiled fast path, derived entirely from the reference `evaluateLine`
 * (through its exhaustive line table, `LineTable`), so it cannot disagree with it:
 *
 * 1. A line automaton: the minimal deterministic automaton reading a payline's symbols reel by reel
 *    (left to right) and ending in the line's outcome (win, left-to-right pay, right-to-left pay).
 *    Two prefixes share a state when every completion gives them the same outcome (Myhill–Nerode);
 *    built bottom-up from the table. State 0 is "dead": no completion pays, so evaluation stops.
 * 2. Per reel set, a prefix table: for each stop combination of the first (up to three) reels, the
 *    lines still alive after them and their automaton state, and a bit set of the combinations
 *    with any line alive. Most combinations leave few or no lines alive, so a spin touches only
 *    those, and each costs one step per remaining reel.
 */
import type { LineTable } from './compile.ts';
import type { PreparedReel } from './model.ts';

export interface LineAutomaton {
  readonly symbolCount: number;
  readonly reelCount: number;
  /** State before reel 0 (premultiplied, see `next`); 0 when no line can ever pay. */
  readonly start: number;
  /**
   * next[state + symbol]: the state after reading `symbol`. States are premultiplied by the symbol
   * count (state id × S), so a step is one addition and one load. Reading the last reel gives an
   * outcome index instead. 0 is the dead state (and the no-pay outcome).
   */
  readonly next: Int32Array;
  /** Per outcome index: the line's total win (both directions); outcome 0 wins nothing. */
  readonly outcomeWin: Float64Array;
  /** Per outcome index: pay index of the left-to-right / right-to-left match, or -1. */
  readonly outcomeLtrPay: Int32Array;
  readonly outcomeRtlPay: Int32Array;
}

/** Builds the minimal line automaton of a line table (keys: Σ_r symbol_r × S^r). */
export function buildLineAutomaton(table: LineTable): LineAutomaton {
  const S = table.symbolCount;
  const R = table.reelCount;
  const size = S ** R;
  if (table.win.length !== size) throw new Error('line table size is not S^R');

  // Level R: the outcome of every full key, interned; outcome 0 = no pay.
  const outcomeIndex = new Map<string, number>();
  const outcomeWin = [0];
  const outcomeLtrPay = [-1];
  const outcomeRtlPay = [-1];
  let level = new Int32Array(size);
  for (let key = 0; key < size; key++) {
    const ltr = table.ltrPay[key]!;
    const rtl = table.rtlPay[key]!;
    if (ltr < 0 && rtl < 0) {
      if (table.win[key] !== 0) throw new Error('line table: a win without a pay');
      continue;
    }
    const id = `${ltr}|${rtl}|${table.win[key]}`;
    let index = outcomeIndex.get(id);
    if (index === undefined) {
      index = outcomeWin.length;
      outcomeIndex.set(id, index);
      outcomeWin.push(table.win[key]!);
      outcomeLtrPay.push(ltr);
      outcomeRtlPay.push(rtl);
    }
    level[key] = index;
  }

  // Levels R-1 .. 0: a prefix of k symbols (key mod S^k) is the tuple of its S children's states
  // at level k + 1 (child s = prefix + s × S^k); equal tuples are one state.
  const transitions: number[] = new Array<number>(S).fill(0); // row of the dead state 0
  let stateCount = 1;
  for (let k = R - 1; k >= 0; k--) {
    const span = S ** k;
    const childIsOutcome = k === R - 1;
    const states = new Map<string, number>();
    const prev = new Int32Array(span);
    const children = new Array<number>(S);
    for (let prefix = 0; prefix < span; prefix++) {
      let alive = false;
      for (let s = 0; s < S; s++) {
        const child = level[prefix + s * span]!;
        children[s] = childIsOutcome ? child : child * S;
        if (child !== 0) alive = true;
      }
      if (!alive) continue;
      const id = children.join(',');
      let state = states.get(id);
      if (state === undefined) {
        state = stateCount++;
        states.set(id, state);
        for (let s = 0; s < S; s++) transitions.push(children[s]!);
      }
      prev[prefix] = state;
    }
    level = prev;
  }
  if (stateCount * S >= 2 ** 31) throw new Error('line automaton too large');
  return {
    symbolCount: S,
    reelCount: R,
    start: level[0]! * S,
    next: Int32Array.from(transitions),
    outcomeWin: Float64Array.from(outcomeWin),
    outcomeLtrPay: Int32Array.from(outcomeLtrPay),
    outcomeRtlPay: Int32Array.from(outcomeRtlPay),
  };
}

/** Reels a prefix table reads at most: after three reels few lines are still undecided. */
const MAX_PREFIX_DEPTH = 3;
/** Most stop combinations a prefix table may index (its `first` array: 1 MiB at most). */
const MAX_PREFIXES = 1 << 18;
/** Most (prefix, line) entries a prefix table may hold. */
const MAX_PREFIX_ENTRIES = 1 << 22;

/** Per reel set: the lines still alive after the first `depth` reels, per stop combination. */
export interface LinePrefixTable {
  /** Reels read by the table (1 to 3): as many as fit the size limits. */
  readonly depth: number;
  /**
   * Bit p of the bit set (bit p & 31 of word p >>> 5): prefix p leaves at least one line alive.
   * One bit per prefix (8.8 KB for 42 × 41 × 41 stops) stays in the L1 cache, and most prefixes
   * have no line alive (about 57 % on jungle-twenty), so those spins never touch `first` or `live`.
   */
  readonly alive: Int32Array;
  /**
   * Entries of prefix p, where the prefix of stops s_0..s_{depth-1} is p = (…(s_0 × n_1 + s_1) × …)
   * with n_r the stop count of reel r: live[first[p]] .. live[first[p + 1]] (exclusive).
   */
  readonly first: Int32Array;
  /**
   * One entry per (prefix, live line), packed in one int32: (state << lineBits) | line, with the
   * line index in the low `lineBits` bits and the automaton state after `depth` reels (an outcome
   * index when depth = R) above them. Half the size of separate (line, state) pairs.
   */
  readonly live: Int32Array;
  /** Bits of a live entry holding the line index (lineIndexMask = 2^lineBits − 1). */
  readonly lineBits: number;
  readonly lineIndexMask: number;
}

/** Bits needed for the index of any of `lineCount` lines (at least 1). */
function bitsFor(lineCount: number): number {
  let bits = 1;
  while (1 << bits < lineCount) bits++;
  return bits;
}

/** `window[reel][stop × rows + row]` = symbol index: each window column of each stop. */
export function windowColumns(reels: readonly PreparedReel[], rows: number): Int32Array[] {
  return reels.map((reel) => {
    const n = reel.stops.length;
    const out = new Int32Array(n * rows);
    for (let stop = 0; stop < n; stop++) {
      for (let row = 0; row < rows; row++) out[stop * rows + row] = reel.stops[(stop + row) % n]!;
    }
    return out;
  });
}

/**
 * The prefix table of a reel set, or null when its entries cannot be packed in an int32 (a state
 * id above 2^(31 − lineBits): an automaton far larger than any real game's); lines are then
 * evaluated directly.
 */
export function buildLinePrefixTable(
  automaton: LineAutomaton,
  columns: readonly Int32Array[],
  reels: readonly PreparedReel[],
  rows: number,
  lines: readonly (readonly number[])[],
): LinePrefixTable | null {
  const R = automaton.reelCount;
  const next = automaton.next;
  const lineBits = bitsFor(lines.length);
  // Every state or outcome index is below next.length (outcome indices: below the outcome count).
  const largestState = Math.max(next.length, automaton.outcomeWin.length);
  if (largestState >= 2 ** (31 - lineBits)) return null;
  const radix = Int32Array.from(reels, (reel) => reel.stops.length);
  let depth = 1;
  let prefixes = radix[0]!;
  while (
    depth < Math.min(R, MAX_PREFIX_DEPTH) &&
    prefixes * radix[depth]! <= MAX_PREFIXES &&
    prefixes * radix[depth]! * lines.length <= MAX_PREFIX_ENTRIES
  ) {
    prefixes *= radix[depth]!;
    depth++;
  }
  const alive = new Int32Array(Math.ceil(prefixes / 32));
  const first = new Int32Array(prefixes + 1);
  const live: number[] = [];
  const stops = new Int32Array(depth);
  for (let prefix = 0; prefix < prefixes; prefix++) {
    first[prefix] = live.length;
    for (let r = depth - 1, rest = prefix; r >= 0; r--) {
      stops[r] = rest % radix[r]!;
      rest = Math.floor(rest / radix[r]!);
    }
    for (let l = 0; l < lines.length; l++) {
      const line = lines[l]!;
      let state = automaton.start;
      for (let r = 0; r < depth; r++) state = next[state + columns[r]![stops[r]! * rows + line[r]!]!]!;
      if (state !== 0) live.push((state << lineBits) | l);
    }
    if (live.length > first[prefix]!) alive[prefix >>> 5]! |= 1 << (prefix & 31);
  }
  first[prefixes] = live.length;
  return { depth, alive, first, live: Int32Array.from(live), lineBits, lineIndexMask: (1 << lineBits) - 1 };
}
