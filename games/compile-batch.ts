/**
 * Batch kernels in JavaScript: a reel game's compiled form (compile.ts) turned into one straight-line
 * function that plays many rounds per call, for the Monte Carlo simulator's inner loop. The
 * WebAssembly kernel (compile-wasm.ts) is the default; this one runs what it does not cover, and
 * shares its table layouts and helpers (below) with it.
 *
 * Why generated code: V8 does not unroll loops, and every per-reel constant (stop count, rejection
 * threshold, table offset) read from a typed array is a load plus a bounds check. Emitting the round
 * with the reels unrolled and those constants as literals, and reading words from a
 * `BufferedWordSource` with the read position held in a local, measured 2-3x on the stop draws of
 * jungle-twenty over the table-driven `playRound` (see `npm run bench -- --only sim`).
 *
 * Safety: only integers checked by `literal()` are written into the source; every table is passed
 * in as a typed array, never as text. The function is built once per compiled game.
 *
 * Equivalence: the generated code reads the same words in the same order as `playRound` and
 * computes the same wins with the same floating-point operations in the same order, so a chunk
 * played in batches equals one played round by round, bit for bit (games/compile.test.ts checks
 * it against the reference evaluator on every demo game, stream position included).
 *
 * Pay hits: line outcomes and scatter counts are counted per outcome (one unconditional increment,
 * no branch) and folded into `tally.payHits` at the end of the batch.
 */
import type { BufferedWordSource } from '../rng/index.ts';
import { DRAW_ALIAS, DRAW_UNIFORM, drawBelowAfterReject, drawStop, type StopDraws } from './compile-draw.ts';
import type { LineAutomaton, LinePrefixTable } from './compile-lines.ts';
import { MAX_FREE_SPINS_PER_ROUND } from './evaluator.ts';
import type { RoundTally } from './kernel.ts';

/**
 * Plays `rounds` whole rounds drawing from `source`, writes round i's total win to `wins[i]`, and
 * adds what they hit to `tally`, exactly as `rounds` calls of `playRound` on the same words would.
 */
export type BatchKernel = (
  source: BufferedWordSource,
  rounds: number,
  wins: Float64Array,
  tally: RoundTally,
) => void;

/** One reel set as compile.ts prepared it (the fields the batch kernel reads). */
export interface BatchReelSet {
  readonly draws: StopDraws;
  readonly reelStopBase: Int32Array;
  readonly prefixStride: Int32Array;
  readonly cellSymbol: Int32Array;
  readonly prefix: LinePrefixTable | null;
  readonly waysCount: Float64Array;
  readonly waysPresent: Int32Array;
  readonly counterPacked: Int32Array;
}

/** A compiled reel game, as compile.ts holds it. */
export interface BatchReelGame {
  readonly reelCount: number;
  readonly rows: number;
  readonly isLines: boolean;
  readonly automaton: LineAutomaton | null;
  /** lineRows[l × R + r]: the row line l reads on reel r. */
  readonly lineRows: Int32Array;
  readonly base: BatchReelSet;
  readonly free: BatchReelSet | null;
  readonly waysWords: number;
  readonly waysMinRun: number;
  readonly waysPay: readonly Float64Array[];
  readonly waysPayIndex: readonly Int32Array[];
  /** Counted symbols (scatters, trigger); the batch kernel needs them packed (at most 4). */
  readonly counterCount: number;
  readonly scatterCounter: Int32Array;
  readonly scatterPay: readonly Float64Array[];
  readonly scatterPayIndex: readonly Int32Array[];
  /** Win units per unit of each scatter's pay (base stake or line bet). */
  readonly scatterUnitsPerPay: readonly number[];
  readonly baseStakeUnits: number;
  readonly triggerCounter: number;
  readonly awardByCount: Int32Array;
  readonly retriggerByCount: Int32Array;
  readonly freeMultiplier: number;
  readonly cap: number;
}

/** Counted symbols the packed counter word holds (8 bits each). */
export const MAX_PACKED_COUNTERS = 4;

/** The decimal text of a safe integer; anything else is refused (nothing else is ever emitted). */
function literal(value: number): string {
  if (!Number.isSafeInteger(value)) throw new TypeError(`batch kernel: ${value} is not a safe integer`);
  return String(value);
}

/** Bits needed to hold a row index in [0, rows). */
export function rowBitsFor(rows: number): number {
  return rows <= 1 ? 0 : 32 - Math.clz32(rows - 1);
}

/**
 * A reel set's prefix table with each live entry re-packed for the batch kernel: the automaton state
 * above the rows the line reads on the remaining reels (depth .. R−1, `rowBits` each, reel R−1
 * lowest). The line index itself is no longer needed: the state and the rows decide the outcome.
 * Null when a state does not fit above the row bits.
 */
export function packLiveRows(
  prefix: LinePrefixTable,
  lineRows: Int32Array,
  reelCount: number,
  rowBits: number,
): Int32Array | null {
  const remaining = reelCount - prefix.depth;
  const shift = remaining * rowBits;
  const out = new Int32Array(prefix.live.length);
  for (let e = 0; e < prefix.live.length; e++) {
    const entry = prefix.live[e]!;
    const line = entry & prefix.lineIndexMask;
    const state = entry >>> prefix.lineBits;
    if (state >= 2 ** (31 - shift)) return null;
    let rows = 0;
    for (let r = prefix.depth; r < reelCount; r++) rows = (rows << rowBits) | lineRows[line * reelCount + r]!;
    out[e] = (state << shift) | rows;
  }
  return out;
}

/** The tables the generated function reads, by name (it copies them into locals on entry). */
type Tables = Record<string, unknown>;

/**
 * Source text that makes `count` words readable without further checks (the buffer moves its
 * unread words to the front and refills when fewer are left). Once per spin, and again after any
 * call that drew from the source itself (a rejection, a generic draw).
 */
function ensureWords(count: number): string {
  if (count <= 0) return '';
  return `if (end - pos < ${literal(count)}) { src.pos = pos; src.ensure(${literal(count)}); pos = src.pos; end = src.end; }\n`;
}

/**
 * Source text for `target = uniformInt(n)` with the rejection threshold `reject` (both literals);
 * `wordsAfter` words must still be readable after it for the rest of the spin.
 */
function uniformDraw(target: string, n: number, reject: number, wordsAfter: number): string {
  let code = 'w = words[pos++] >>> 0;\n';
  // floor(w × n / 2^32): w × n < 2^53 is exact and the literal divisor becomes a multiplication.
  const hit = `((w * ${literal(n)}) / 0x100000000) | 0`;
  if (reject === 0) return `${code}${target} = ${hit};\n`; // n a power of two: nothing is rejected
  code += `if ((Math.imul(w, ${literal(n)}) >>> 0) >= ${literal(reject)}) ${target} = ${hit};\n`;
  code += `else { src.pos = pos; ${target} = rejectDraw(src, ${literal(n)}, ${literal(reject)}); pos = src.pos; end = src.end;\n`;
  code += `${ensureWords(wordsAfter)}}\n`;
  return code;
}

/**
 * Source text of one spin on reel set `tag` (`b` base, `f` free): draws the stops, then sets `raw`
 * (the win before any free-spin multiplier) and `packed` (the counted symbols' counts).
 */
function spinCode(
  game: BatchReelGame,
  set: BatchReelSet,
  tag: string,
  tables: Tables,
  layout: LineTableLayout,
): string | null {
  const R = game.reelCount;
  const draws = set.draws;
  // Words each reel's fast draw reads (a generic draw reads through the source itself), and the
  // words reels r .. R-1 read: `wordsFrom[r]`.
  const wordsOf = (r: number) => (draws.kind[r] === DRAW_UNIFORM ? 1 : draws.kind[r] === DRAW_ALIAS ? 2 : 0);
  const wordsFrom = new Array<number>(R + 1).fill(0);
  for (let r = R - 1; r >= 0; r--) wordsFrom[r] = wordsFrom[r + 1]! + wordsOf(r);
  let code = `{\n${ensureWords(wordsFrom[0]!)}`;
  for (let r = 0; r < R; r++) {
    const kind = draws.kind[r]!;
    if (kind === DRAW_UNIFORM) {
      code += `let s${r} = 0;\n${uniformDraw(`s${r}`, draws.bound[r]!, draws.boundReject[r]!, wordsFrom[r + 1]!)}`;
    } else if (kind === DRAW_ALIAS) {
      const total = draws.aliasTotal[r]!;
      if (total > 2 ** 21) return null; // a large total weight takes the generic path (the table-driven kernel)
      code += `let s${r} = 0; let u${r} = 0;\n`;
      code += uniformDraw(`s${r}`, draws.bound[r]!, draws.boundReject[r]!, 1 + wordsFrom[r + 1]!);
      code += uniformDraw(`u${r}`, total, draws.aliasTotalReject[r]!, wordsFrom[r + 1]!);
      const offset = literal(draws.aliasOffset[r]!);
      code += `if (u${r} >= ${tag}Threshold[${offset} + s${r}]) s${r} = ${tag}Outcome[${offset} + s${r}];\n`;
    } else {
      // Generic draws (cumulative samplers, very long strips) call the reference draw.
      code += `let s${r} = 0;\nsrc.pos = pos; s${r} = drawStop(${tag}Draws, ${literal(r)}, src); pos = src.pos; end = src.end;\n`;
      code += ensureWords(wordsFrom[r + 1]!);
    }
    code += `const a${r} = ${literal(set.reelStopBase[r]!)} + s${r};\n`;
  }
  tables[`${tag}Threshold`] = draws.aliasThreshold;
  tables[`${tag}Outcome`] = draws.aliasOutcome;
  tables[`${tag}Draws`] = draws;

  if (game.counterCount > 0) {
    tables[`${tag}Counters`] = set.counterPacked;
    const sum = Array.from({ length: R }, (_, r) => `${tag}Counters[a${r}]`).join(' + ');
    code += `packed = (${sum}) | 0;\n`;
  } else {
    code += 'packed = 0;\n';
  }

  code += 'raw = 0;\n';
  if (game.isLines) {
    const lines = linesCode(game, set, tag, tables, layout);
    if (lines === null) return null;
    code += lines;
  } else {
    code += waysCode(game, set, tag, tables);
  }
  code += scatterCode(game);
  return `${code}}\n`;
}

/**
 * The compact ("head") layout of a reel set's prefix table, when every entry fits 15 bits:
 *
 * - head[p] (16 bits): prefix p's first live entry, 0 (the dead state) when it has none, with bit
 *   15 set when it has more. A spin steps the head entry with no branch (a dead entry steps to the
 *   no-pay outcome); only prefixes with two or more live lines (21 % on jungle-twenty) branch.
 * - Their other entries: the k-th such prefix's are more[moreFirst[k] .. moreFirst[k + 1]), where k
 *   is p's rank among them: a bit set of those prefixes, the count before each of its words, and a
 *   population count of the bits below p in its word.
 *
 * Two bytes per prefix keeps both reel sets' tables in the L2 cache together: measured about 12 %
 * faster than testing an "any line alive" bit first (a branch that goes either way on random stops),
 * then about as much again from halving the per-prefix records. Null when an entry needs 16 bits.
 */
export function headRecords(
  prefix: LinePrefixTable,
  live: Int32Array,
): {
  head: Uint16Array;
  multi: Int32Array;
  multiRank: Int32Array;
  moreFirst: Int32Array;
  more: Int32Array;
} | null {
  const prefixes = prefix.first.length - 1;
  const head = new Uint16Array(prefixes);
  const multi = new Int32Array(Math.ceil(prefixes / 32));
  const multiRank = new Int32Array(multi.length);
  const moreFirst: number[] = [];
  const more: number[] = [];
  for (let p = 0; p < prefixes; p++) {
    if ((p & 31) === 0) multiRank[p >>> 5] = moreFirst.length;
    const start = prefix.first[p]!;
    const stop = prefix.first[p + 1]!;
    if (stop === start) continue;
    for (let e = start; e < stop; e++) if (live[e]! >= 1 << 15) return null;
    head[p] = live[start]!;
    if (stop - start > 1) {
      head[p]! |= 1 << 15;
      multi[p >>> 5]! |= 1 << (p & 31);
      moreFirst.push(more.length);
      for (let e = start + 1; e < stop; e++) more.push(live[e]!);
    }
  }
  moreFirst.push(more.length);
  return { head, multi, multiRank, moreFirst: Int32Array.from(moreFirst), more: Int32Array.from(more) };
}

/** Prefix-table layouts: `auto` takes the compact one when it fits, `wide` always the general one. */
export type LineTableLayout = 'auto' | 'wide';

/** Line pays through the prefix table: only the lines alive after the first reels are stepped. */
function linesCode(
  game: BatchReelGame,
  set: BatchReelSet,
  tag: string,
  tables: Tables,
  layout: LineTableLayout,
): string | null {
  const prefix = set.prefix;
  if (prefix === null || game.automaton === null) return null;
  const R = game.reelCount;
  const rowBits = rowBitsFor(game.rows);
  const live = packLiveRows(prefix, game.lineRows, R, rowBits);
  if (live === null) return null;
  tables[`${tag}Cells`] = set.cellSymbol;
  const terms: string[] = [];
  for (let r = 0; r < prefix.depth; r++) {
    const stride = set.prefixStride[r]!;
    terms.push(stride === 1 ? `s${r}` : `s${r} * ${literal(stride)}`);
  }
  const rowMask = literal((1 << rowBits) - 1);
  /** Steps `entry` through the remaining reels and adds its outcome. */
  let step = `let st = entry >>> ${literal((R - prefix.depth) * rowBits)};\n`;
  for (let r = prefix.depth; r < R; r++) {
    const shift = (R - 1 - r) * rowBits;
    const row =
      rowBits === 0
        ? '0'
        : shift === 0
          ? `(entry & ${rowMask})`
          : `((entry >>> ${literal(shift)}) & ${rowMask})`;
    step += `st = next[st + ${tag}Cells[c${r} + ${row}]];\n`;
  }
  step += 'raw += outcomeWin[st];\noutcomeHits[st]++;\n';

  let code = `const p = ${terms.join(' + ')};\n`;
  for (let r = prefix.depth; r < R; r++) code += `const c${r} = a${r} * ${literal(game.rows)};\n`;
  const head = layout === 'auto' ? headRecords(prefix, live) : null;
  if (head !== null) {
    tables[`${tag}Head`] = head.head;
    tables[`${tag}Multi`] = head.multi;
    tables[`${tag}MultiRank`] = head.multiRank;
    tables[`${tag}MoreFirst`] = head.moreFirst;
    tables[`${tag}More`] = head.more;
    code += `const head = ${tag}Head[p];\n{ const entry = head & 32767;\n${step}}\n`;
    code += 'if (head > 32767) {\n';
    // Rank of p among the prefixes with more entries: those before its bit-set word, plus the bits
    // below p in the word (a 32-bit population count, Hacker's Delight, figure 5-2).
    code += `let x = ${tag}Multi[p >>> 5] & ((1 << (p & 31)) - 1);\n`;
    code += 'x = x - ((x >>> 1) & 0x55555555);\nx = (x & 0x33333333) + ((x >>> 2) & 0x33333333);\n';
    code += `const k = ${tag}MultiRank[p >>> 5] + (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);\n`;
    code += `const last = ${tag}MoreFirst[k + 1];\n`;
    code += `for (let e = ${tag}MoreFirst[k]; e < last; e++) { const entry = ${tag}More[e];\n${step}}\n}\n`;
    return code;
  }
  // General layout: an "any line alive" bit per prefix (L1-resident), then its entries.
  tables[`${tag}Alive`] = prefix.alive;
  tables[`${tag}First`] = prefix.first;
  tables[`${tag}Live`] = live;
  code += `if (((${tag}Alive[p >>> 5] >>> (p & 31)) & 1) !== 0) {\n`;
  code += `const last = ${tag}First[p + 1];\n`;
  code += `for (let e = ${tag}First[p]; e < last; e++) { const entry = ${tag}Live[e];\n${step}}\n}\n`;
  return code;
}

/** Ways pays: the symbols shown on each of the first `waysMinRun` reels, then their runs. */
function waysCode(game: BatchReelGame, set: BatchReelSet, tag: string, tables: Tables): string {
  const R = game.reelCount;
  const W = game.waysWords;
  const P = game.waysPay.length;
  const minRun = game.waysMinRun;
  if (minRun > R || P === 0) return '';
  tables[`${tag}Present`] = set.waysPresent;
  tables[`${tag}WaysCount`] = set.waysCount;
  let code = '';
  for (let r = 0; r < R; r++) code += `const wc${r} = a${r} * ${literal(P)};\n`;
  for (let w = 0; w < W; w++) {
    const present = Array.from(
      { length: minRun },
      (_, r) => `${tag}Present[a${r} * ${literal(W)} + ${literal(w)}]`,
    ).join(' & ');
    code += `{ let candidates = ${present};\n`;
    code += 'while (candidates !== 0) {\nconst low = candidates & -candidates;\ncandidates ^= low;\n';
    code += `const sym = ${literal(w * 32 + 31)} - Math.clz32(low);\n`;
    code += 'let ways = 1; let run = 0; let c = 0;\n';
    // The run from the left, unrolled: stop at the first reel not showing the symbol.
    let close = '';
    for (let r = 0; r < R; r++) {
      code += `c = ${tag}WaysCount[wc${r} + sym];\nif (c !== 0) { ways *= c; run = ${literal(r + 1)};\n`;
      close += '}';
    }
    code += `${close}\n`;
    code += `const at = sym * ${literal(R + 1)} + run;\nconst pay = waysPay[at];\n`;
    code += 'if (pay !== 0) { raw += pay * ways; payHits[waysPayIndex[at]]++; }\n}\n}\n';
  }
  return code;
}

/** Scatter pays on the total stake: counted per (scatter, count), folded into pay hits later. */
function scatterCode(game: BatchReelGame): string {
  let code = '';
  for (let s = 0; s < game.scatterCounter.length; s++) {
    const counter = game.scatterCounter[s]!;
    code += `{ const n = (packed >>> ${literal(8 * counter)}) & 255;\n`;
    code += `raw += scatterUnits${s}[n];\nscatterHits${s}[n]++; }\n`;
  }
  return code;
}

/** The whole batch function's source: rounds loop, base spin, free spins, cap. */
function kernelSource(game: BatchReelGame, tables: Tables, layout: LineTableLayout): string | null {
  const base = spinCode(game, game.base, 'b', tables, layout);
  if (base === null) return null;
  let free: string | null = null;
  if (game.free !== null) {
    free = spinCode(game, game.free, 'f', tables, layout);
    if (free === null) return null;
  }
  const capped = Number.isFinite(game.cap);
  const capCheck = capped ? 'if (total >= capUnits) { capHits++; total = capUnits; }\n' : '';

  let names = Object.keys(tables)
    .map((name) => `const ${name} = tables.${name};\n`)
    .join('');
  names +=
    'const next = tables.next;\nconst outcomeWin = tables.outcomeWin;\nconst outcomeHits = tables.outcomeHits;\n';
  names += 'const waysPay = tables.waysPay;\nconst waysPayIndex = tables.waysPayIndex;\n';
  for (let s = 0; s < game.scatterCounter.length; s++) {
    names += `const scatterUnits${s} = tables.scatterUnits${s};\nconst scatterHits${s} = tables.scatterHits${s};\n`;
  }
  names += 'const award = tables.award;\nconst retrigger = tables.retrigger;\n';
  names += 'const capUnits = tables.capUnits;\nconst freeMultiplier = tables.freeMultiplier;\n';

  let round = `let total = 0;\n${base}total = raw;\n`;
  if (free === null) {
    round += capCheck;
  } else {
    const trigger = `(packed >>> ${literal(8 * game.triggerCounter)}) & 255`;
    round += `let spinsLeft = award[${trigger}];\nif (spinsLeft > 0) featureTriggers++;\n`;
    const scaled = game.freeMultiplier === 1 ? 'raw' : 'raw * freeMultiplier';
    const body =
      `if (played >= ${literal(MAX_FREE_SPINS_PER_ROUND)}) throw new Error('invariant broken: more than ${literal(MAX_FREE_SPINS_PER_ROUND)} free spins in one round');\n` +
      `spinsLeft--;\nplayed++;\n${free}total += ${scaled};\nspinsLeft += retrigger[${trigger}];\n`;
    if (capped) {
      round += 'if (total >= capUnits) { capHits++; total = capUnits; }\n';
      round += `else { let played = 0;\nwhile (spinsLeft > 0) {\n${body}`;
      round += 'if (total >= capUnits) { capHits++; total = capUnits; break; }\n}\n}\n';
    } else {
      round += `let played = 0;\nwhile (spinsLeft > 0) {\n${body}}\n`;
    }
  }

  return `return function playRounds(src, rounds, wins, tally) {
${names}const words = src.words;
let pos = src.pos;
let end = src.end;
const payHits = tally.payHits;
let featureTriggers = 0;
let capHits = 0;
let w = 0;
let raw = 0;
let packed = 0;
for (let i = 0; i < rounds; i++) {
${round}wins[i] = total;
}
src.pos = pos;
tally.featureTriggers += featureTriggers;
tally.capHits += capHits;
foldHits(payHits);
};`;
}

/** Ways pays and their pay indices flattened: [sym × (R + 1) + run]. */
export function flatWaysPays(game: BatchReelGame): { waysPay: Float64Array; waysPayIndex: Int32Array } {
  const stride = game.reelCount + 1;
  const waysPay = new Float64Array(game.waysPay.length * stride);
  const waysPayIndex = new Int32Array(game.waysPay.length * stride);
  game.waysPay.forEach((pays, sym) => {
    for (let run = 0; run < stride; run++) {
      waysPay[sym * stride + run] = pays[run]!;
      waysPayIndex[sym * stride + run] = game.waysPayIndex[sym]![run]!;
    }
  });
  return { waysPay, waysPayIndex };
}

/** Per scatter, its win in units for each count 0..255 (0 where it does not pay). */
export function scatterPayUnits(game: BatchReelGame): Float64Array[] {
  return game.scatterPay.map((pays, s) => {
    const units = new Float64Array(256);
    // The same product `playRound` forms (pay × units per pay), so the same double.
    const perPay = game.scatterUnitsPerPay[s]!;
    for (let n = 0; n < pays.length; n++) units[n] = pays[n]! === 0 ? 0 : pays[n]! * perPay;
    return units;
  });
}

/**
 * Adds a batch's hits counted per line outcome and per (scatter, count) to the pay hits they stand
 * for, and clears them (both batch kernels count this way: one unconditional increment per spin).
 */
export function foldHitCounts(
  game: BatchReelGame,
  payHits: Float64Array,
  outcomeHits: Float64Array,
  scatterHits: readonly Float64Array[],
): void {
  const automaton = game.automaton;
  if (automaton !== null) {
    for (let o = 1; o < automaton.outcomeWin.length; o++) {
      const hits = outcomeHits[o]!;
      if (hits === 0) continue;
      const ltr = automaton.outcomeLtrPay[o]!;
      const rtl = automaton.outcomeRtlPay[o]!;
      if (ltr >= 0) payHits[ltr]! += hits;
      if (rtl >= 0) payHits[rtl]! += hits;
    }
  }
  outcomeHits.fill(0);
  scatterHits.forEach((hits, s) => {
    for (let n = 0; n < hits.length; n++) {
      if (hits[n] !== 0 && game.scatterPay[s]![n]! !== 0) payHits[game.scatterPayIndex[s]![n]!]! += hits[n]!;
    }
    hits.fill(0);
  });
}

/**
 * The batch kernel of a compiled reel game, or null when the game needs something the generated
 * code does not do (more than four counted symbols, a line game without a prefix table, an alias
 * draw over a total weight above 2^21): the caller then loops its `playRound`.
 */
export function buildReelBatchKernel(
  game: BatchReelGame,
  layout: LineTableLayout = 'auto',
): BatchKernel | null {
  if (game.counterCount > MAX_PACKED_COUNTERS) return null;
  if (game.free !== null && game.triggerCounter < 0) return null;
  const tables: Tables = {};
  const source = kernelSource(game, tables, layout);
  if (source === null) return null;

  const automaton = game.automaton;
  // A line's state after its last reel is an outcome index.
  const outcomeHits = new Float64Array(automaton === null ? 1 : automaton.outcomeWin.length);

  const { waysPay, waysPayIndex } = flatWaysPays(game);
  const scatterHits = Array.from(game.scatterCounter, () => new Float64Array(256));
  const scatterUnits = scatterPayUnits(game);
  const fullTables: Tables = {
    ...tables,
    next: automaton?.next ?? new Int32Array(1),
    outcomeWin: automaton?.outcomeWin ?? new Float64Array(1),
    outcomeHits,
    waysPay,
    waysPayIndex,
    award: game.awardByCount,
    retrigger: game.retriggerByCount,
    capUnits: game.cap,
    freeMultiplier: game.freeMultiplier,
  };
  scatterHits.forEach((hits, s) => {
    fullTables[`scatterUnits${s}`] = scatterUnits[s];
    fullTables[`scatterHits${s}`] = hits;
  });

  const foldHits = (payHits: Float64Array) => foldHitCounts(game, payHits, outcomeHits, scatterHits);

  const factory = new Function('tables', 'rejectDraw', 'drawStop', 'foldHits', source) as (
    tables: Tables,
    rejectDraw: typeof drawBelowAfterReject,
    draw: typeof drawStop,
    fold: (payHits: Float64Array) => void,
  ) => BatchKernel;
  return factory(fullTables, drawBelowAfterReject, drawStop, foldHits);
}
