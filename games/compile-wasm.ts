/**
 * The batch kernel as WebAssembly: the same rounds as compile-batch.ts's generated JavaScript (same
 * words read in the same order, the same f64 arithmetic in the same order, so the same wins, bit
 * for bit), written per game with the reels unrolled and every per-reel constant an immediate.
 *
 * Why: in JavaScript every typed-array access is bounds-checked and a 32 × 32 → 64-bit product
 * takes a trip through doubles; in WebAssembly a table read is one load and Lemire's high word is
 * one i64 multiply. Measured about 1.9x on jungle-twenty's base game against the generated
 * JavaScript (see `npm run bench -- --only sim`).
 *
 * Memory: the word buffer mirrors the `BufferedWordSource` the caller passes (copied in at each call
 * and after each refill, which the module asks for through its one import, `env.ensure`); the
 * tables of compile.ts are copied in once. Pay hits are counted per line outcome, per (scatter,
 * count) and per ways pay in memory and folded into the tally after each call.
 *
 * Covered: uniform and alias stop draws (total weight <= 2^21) with Lemire rejections, line games
 * with the compact prefix layout, ways games, packed scatter counts, free spins with retriggers
 * and a multiplier, the max-win cap. Anything else gets null, and the caller uses the JavaScript
 * batch kernel.
 */
import type { BufferedWordSource } from '../rng/index.ts';
import { MAX_REJECTION_ATTEMPTS } from '../rng/index.ts';
import {
  type BatchKernel,
  type BatchReelGame,
  type BatchReelSet,
  flatWaysPays,
  foldHitCounts,
  headRecords,
  MAX_PACKED_COUNTERS,
  packLiveRows,
  rowBitsFor,
  scatterPayUnits,
} from './compile-batch.ts';
import { DRAW_ALIAS, DRAW_UNIFORM } from './compile-draw.ts';
import { MAX_FREE_SPINS_PER_ROUND } from './evaluator.ts';
import type { RoundTally } from './kernel.ts';
import * as w from './wasm-emit.ts';

/** Words the module's buffer mirrors at most (a larger `BufferedWordSource` takes the JS kernel). */
const WORD_CAPACITY = 4096;
/** Rounds per call of the module (its wins buffer). */
const ROUNDS_PER_CALL = 4096;

/** Error codes the module leaves in memory when it returns -1. */
const ERROR_REJECTIONS = 1;
const ERROR_FREE_SPINS = 2;

/** Byte addresses of the regions of linear memory, 8-byte aligned. */
class MemoryPlan {
  size = 0;
  readonly data: { address: number; values: ArrayLike<number>; kind: 'i32' | 'u16' | 'f64' }[] = [];

  region(bytes: number): number {
    const address = this.size;
    this.size += Math.ceil(bytes / 8) * 8;
    return address;
  }

  /** A region holding `values` (copied into memory after instantiation). */
  table(values: ArrayLike<number>, kind: 'i32' | 'u16' | 'f64'): number {
    const size = kind === 'u16' ? 2 : kind === 'i32' ? 4 : 8;
    const address = this.region(Math.max(1, values.length) * size);
    this.data.push({ address, values, kind });
    return address;
  }
}

/** Locals after the parameters, by type. */
class Locals {
  readonly types: w.ValueType[] = [];
  constructor(private readonly paramCount: number) {}
  add(type: w.ValueType): number {
    this.types.push(type);
    return this.paramCount + this.types.length - 1;
  }
}

/** Names of the function's locals (parameters first). */
type LocalName =
  | 'rounds'
  | 'pos'
  | 'end'
  | 'i'
  | 'word'
  | 'attempts'
  | 'packed'
  | 'spinsLeft'
  | 'played'
  | 'triggers'
  | 'caps'
  | 'n'
  | 'p'
  | 'head'
  | 'entry'
  | 'st'
  | 'k'
  | 'e'
  | 'last'
  | 'bits'
  | 'candidates'
  | 'low'
  | 'sym'
  | 'run'
  | 'at'
  | 'raw'
  | 'total'
  | 'ways'
  | 'count'
  | 'pay';

/** The WebAssembly API of the runtime (Node's type declarations do not describe it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
/** Undefined where the runtime has no WebAssembly (node --jitless): the JavaScript kernel runs. */
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** Addresses of one reel set's tables. */
interface SetRegions {
  readonly counters: number;
  readonly cells: number;
  readonly head: number;
  readonly multi: number;
  readonly multiRank: number;
  readonly moreFirst: number;
  readonly more: number;
  readonly aliasThreshold: number;
  readonly aliasOutcome: number;
  readonly present: number;
  readonly waysCount: number;
}

/** Everything the code generator shares: locals, fixed regions, the game. */
interface Context {
  readonly game: BatchReelGame;
  readonly l: Record<LocalName, number>;
  /** Per reel r: stop (s), alias u, table row (a), cell row (c), ways row (wc). */
  readonly s: number[];
  readonly u: number[];
  readonly a: number[];
  readonly c: number[];
  readonly wc: number[];
  readonly words: number;
  readonly endCell: number;
  readonly errorCell: number;
  readonly next: number;
  readonly outcomeWin: number;
  readonly outcomeHits: number;
  readonly payHits: number;
  readonly waysPay: number;
  readonly waysPayIndex: number;
  readonly scatterUnits: number[];
  readonly scatterHits: number[];
  readonly award: number;
  readonly retrigger: number;
}

/** `if (end - pos < count) { pos = ensure(pos, count); end = memory[endCell]; }` */
function ensureWords(x: Context, count: number): w.Bytes {
  if (count <= 0) return [];
  const { pos, end } = x.l;
  return w.when(
    w.ltS(w.sub(w.get(end), w.get(pos)), w.i32(count)),
    w.set(pos, w.call(0, w.get(pos), w.i32(count))),
    w.set(end, w.loadI32(x.endCell, w.i32(0))),
  );
}

/** The next word into local `word` (the buffer holds it: checked before). */
function readWord(x: Context): w.Bytes {
  const { pos, word } = x.l;
  return w.seq(w.set(word, w.loadI32(x.words, w.get(pos))), w.set(pos, w.add(w.get(pos), w.i32(1))));
}

/** `target = uniformInt(n)`: Lemire's method, rejections in a bounded loop; `after` words still needed. */
function uniformDraw(x: Context, target: number, n: number, reject: number, after: number): w.Bytes {
  const { word, attempts, pos, end } = x.l;
  let code = readWord(x);
  if (reject !== 0) {
    // Rejected: (w × n) mod 2^32 < (2^32 − n) mod n. Draw again, at most MAX_REJECTION_ATTEMPTS words.
    const rejected = (): w.Bytes => w.ltU(w.mul(w.get(word), w.i32(n)), w.i32(reject));
    code = w.seq(
      code,
      w.when(
        rejected(),
        w.set(attempts, w.i32(1)),
        w.block(
          w.loop(
            w.when(
              w.geS(w.get(attempts), w.i32(MAX_REJECTION_ATTEMPTS)),
              w.storeI32(x.errorCell, w.i32(0), w.i32(ERROR_REJECTIONS)),
              w.ret(w.i32(-1)),
            ),
            w.when(
              w.geS(w.get(pos), w.get(end)),
              w.set(pos, w.call(0, w.get(pos), w.i32(1))),
              w.set(end, w.loadI32(x.endCell, w.i32(0))),
            ),
            readWord(x),
            w.set(attempts, w.add(w.get(attempts), w.i32(1))),
            w.brIf(1, w.eqz(rejected())),
            w.br(0),
          ),
        ),
        ensureWords(x, after),
      ),
    );
  }
  // floor(w × n / 2^32): the high word of the 64-bit product.
  return w.seq(
    code,
    w.set(target, w.wrap64(w.shrU64(w.mul64(w.extendU32(w.get(word)), w.i64(BigInt(n))), w.i64(32n)))),
  );
}

/** One spin on `set`: stops, then `raw` (win before any multiplier) and `packed` (counted symbols). */
function spinCode(x: Context, set: BatchReelSet, regions: SetRegions): w.Bytes | null {
  const game = x.game;
  const R = game.reelCount;
  const draws = set.draws;
  const wordsOf = (r: number) => (draws.kind[r] === DRAW_UNIFORM ? 1 : 2);
  const wordsFrom = new Array<number>(R + 1).fill(0);
  for (let r = R - 1; r >= 0; r--) wordsFrom[r] = wordsFrom[r + 1]! + wordsOf(r);
  const { raw, packed } = x.l;
  const code: w.Bytes[] = [ensureWords(x, wordsFrom[0]!)];
  for (let r = 0; r < R; r++) {
    const kind = draws.kind[r]!;
    if (kind === DRAW_UNIFORM) {
      code.push(uniformDraw(x, x.s[r]!, draws.bound[r]!, draws.boundReject[r]!, wordsFrom[r + 1]!));
    } else if (kind === DRAW_ALIAS && draws.aliasTotal[r]! <= 2 ** 21) {
      code.push(uniformDraw(x, x.s[r]!, draws.bound[r]!, draws.boundReject[r]!, 1 + wordsFrom[r + 1]!));
      code.push(uniformDraw(x, x.u[r]!, draws.aliasTotal[r]!, draws.aliasTotalReject[r]!, wordsFrom[r + 1]!));
      const column = w.add(w.get(x.s[r]!), w.i32(draws.aliasOffset[r]!));
      code.push(
        w.when(
          w.fGe(w.fFromU32(w.get(x.u[r]!)), w.loadF64(regions.aliasThreshold, column)),
          w.set(x.s[r]!, w.loadI32(regions.aliasOutcome, column)),
        ),
      );
    } else {
      return null; // generic draws: the JavaScript kernel calls the reference draw
    }
    code.push(w.set(x.a[r]!, w.add(w.get(x.s[r]!), w.i32(set.reelStopBase[r]!))));
  }
  if (game.counterCount > 0) {
    let sum = w.loadI32(regions.counters, w.get(x.a[0]!));
    for (let r = 1; r < R; r++) sum = w.add(sum, w.loadI32(regions.counters, w.get(x.a[r]!)));
    code.push(w.set(packed, sum));
  } else {
    code.push(w.set(packed, w.i32(0)));
  }
  code.push(w.set(raw, w.f64(0)));
  if (game.isLines) {
    const lines = linesCode(x, set, regions);
    if (lines === null) return null;
    code.push(lines);
  } else {
    code.push(waysCode(x, regions));
  }
  for (let s = 0; s < game.scatterCounter.length; s++) {
    const n = () => w.get(x.l.n);
    code.push(
      w.set(x.l.n, w.and(w.shrU(w.get(packed), w.i32(8 * game.scatterCounter[s]!)), w.i32(255))),
      w.set(raw, w.fAdd(w.get(raw), w.loadF64(x.scatterUnits[s]!, n()))),
      w.storeF64(x.scatterHits[s]!, n(), w.fAdd(w.loadF64(x.scatterHits[s]!, n()), w.f64(1))),
    );
  }
  return w.seq(...code);
}

/** Line pays through the compact prefix layout (see compile-batch.ts, `headRecords`). */
function linesCode(x: Context, set: BatchReelSet, regions: SetRegions): w.Bytes | null {
  const game = x.game;
  const prefix = set.prefix;
  if (prefix === null || game.automaton === null || regions.head < 0) return null;
  const R = game.reelCount;
  const rowBits = rowBitsFor(game.rows);
  const rowMask = (1 << rowBits) - 1;
  const { p, head, entry, st, raw, k, e, last, bits } = x.l;
  /** Steps `entry` through the remaining reels and adds its outcome. */
  const step: w.Bytes[] = [w.set(st, w.shrU(w.get(entry), w.i32((R - prefix.depth) * rowBits)))];
  for (let r = prefix.depth; r < R; r++) {
    const shift = (R - 1 - r) * rowBits;
    const row = rowBits === 0 ? w.i32(0) : w.and(w.shrU(w.get(entry), w.i32(shift)), w.i32(rowMask));
    const cell = w.loadI32(regions.cells, w.add(w.get(x.c[r]!), row));
    step.push(w.set(st, w.loadI32(x.next, w.add(w.get(st), cell))));
  }
  step.push(
    w.set(raw, w.fAdd(w.get(raw), w.loadF64(x.outcomeWin, w.get(st)))),
    w.storeF64(x.outcomeHits, w.get(st), w.fAdd(w.loadF64(x.outcomeHits, w.get(st)), w.f64(1))),
  );
  let index = w.mul(w.get(x.s[0]!), w.i32(set.prefixStride[0]!));
  for (let r = 1; r < prefix.depth; r++)
    index = w.add(index, w.mul(w.get(x.s[r]!), w.i32(set.prefixStride[r]!)));
  const code: w.Bytes[] = [w.set(p, index)];
  for (let r = prefix.depth; r < R; r++) code.push(w.set(x.c[r]!, w.mul(w.get(x.a[r]!), w.i32(game.rows))));
  code.push(
    w.set(head, w.loadU16(regions.head, w.get(p))),
    w.set(entry, w.and(w.get(head), w.i32(32767))),
    ...step,
    w.when(
      w.gtU(w.get(head), w.i32(32767)),
      // k: rank of p among the prefixes with more entries (those before its word, plus popcount).
      w.set(
        bits,
        w.and(
          w.loadI32(regions.multi, w.shrU(w.get(p), w.i32(5))),
          w.sub(w.shl(w.i32(1), w.and(w.get(p), w.i32(31))), w.i32(1)),
        ),
      ),
      w.set(k, w.add(w.loadI32(regions.multiRank, w.shrU(w.get(p), w.i32(5))), w.popcnt(w.get(bits)))),
      w.set(e, w.loadI32(regions.moreFirst, w.get(k))),
      w.set(last, w.loadI32(regions.moreFirst, w.add(w.get(k), w.i32(1)))),
      w.block(
        w.loop(
          w.brIf(1, w.geU(w.get(e), w.get(last))),
          w.set(entry, w.loadU16(regions.more, w.get(e))),
          ...step,
          w.set(e, w.add(w.get(e), w.i32(1))),
          w.br(0),
        ),
      ),
    ),
  );
  return w.seq(...code);
}

/** Ways pays: candidates shown on the first `waysMinRun` reels, then each one's run and ways. */
function waysCode(x: Context, regions: SetRegions): w.Bytes {
  const game = x.game;
  const R = game.reelCount;
  const W = game.waysWords;
  const P = game.waysPay.length;
  if (game.waysMinRun > R || P === 0) return [];
  const { candidates, low, sym, run, ways, count, at, pay, raw } = x.l;
  const code: w.Bytes[] = [];
  for (let r = 0; r < R; r++) code.push(w.set(x.wc[r]!, w.mul(w.get(x.a[r]!), w.i32(P))));
  for (let word = 0; word < W; word++) {
    let present = w.loadI32(regions.present, w.add(w.mul(w.get(x.a[0]!), w.i32(W)), w.i32(word)));
    for (let r = 1; r < game.waysMinRun; r++) {
      present = w.and(
        present,
        w.loadI32(regions.present, w.add(w.mul(w.get(x.a[r]!), w.i32(W)), w.i32(word))),
      );
    }
    // The run from the left, unrolled: stop at the first reel not showing the symbol.
    let runCode: w.Bytes = [];
    for (let r = R - 1; r >= 0; r--) {
      runCode = w.seq(
        w.set(count, w.loadF64(regions.waysCount, w.add(w.get(x.wc[r]!), w.get(sym)))),
        w.when(
          w.fNe(w.get(count), w.f64(0)),
          w.set(ways, w.fMul(w.get(ways), w.get(count))),
          w.set(run, w.i32(r + 1)),
          runCode,
        ),
      );
    }
    code.push(
      w.set(candidates, present),
      w.block(
        w.loop(
          w.brIf(1, w.eqz(w.get(candidates))),
          w.set(low, w.and(w.get(candidates), w.sub(w.i32(0), w.get(candidates)))),
          w.set(candidates, w.xor(w.get(candidates), w.get(low))),
          w.set(sym, w.sub(w.i32(word * 32 + 31), w.clz(w.get(low)))),
          w.set(ways, w.f64(1)),
          w.set(run, w.i32(0)),
          runCode,
          w.set(at, w.add(w.mul(w.get(sym), w.i32(R + 1)), w.get(run))),
          w.set(pay, w.loadF64(x.waysPay, w.get(at))),
          w.when(
            w.fNe(w.get(pay), w.f64(0)),
            w.set(raw, w.fAdd(w.get(raw), w.fMul(w.get(pay), w.get(ways)))),
            w.storeF64(
              x.payHits,
              w.loadI32(x.waysPayIndex, w.get(at)),
              w.fAdd(w.loadF64(x.payHits, w.loadI32(x.waysPayIndex, w.get(at))), w.f64(1)),
            ),
          ),
          w.br(0),
        ),
      ),
    );
  }
  return w.seq(...code);
}

/** Copies one reel set's tables into the plan (head layout: -1 when it does not fit). */
function planSet(plan: MemoryPlan, game: BatchReelGame, set: BatchReelSet): SetRegions {
  let head = { head: -1, multi: -1, multiRank: -1, moreFirst: -1, more: -1 };
  if (game.isLines && set.prefix !== null) {
    const live = packLiveRows(set.prefix, game.lineRows, game.reelCount, rowBitsFor(game.rows));
    const records = live === null ? null : headRecords(set.prefix, live);
    if (records !== null) {
      head = {
        head: plan.table(records.head, 'u16'),
        multi: plan.table(records.multi, 'i32'),
        multiRank: plan.table(records.multiRank, 'i32'),
        moreFirst: plan.table(records.moreFirst, 'i32'),
        more: plan.table(records.more, 'u16'),
      };
    }
  }
  return {
    counters: plan.table(set.counterPacked, 'i32'),
    cells: plan.table(set.cellSymbol, 'i32'),
    ...head,
    aliasThreshold: plan.table(set.draws.aliasThreshold, 'f64'),
    aliasOutcome: plan.table(set.draws.aliasOutcome, 'i32'),
    present: plan.table(set.waysPresent, 'i32'),
    waysCount: plan.table(set.waysCount, 'f64'),
  };
}

/**
 * The WebAssembly batch kernel of a compiled reel game, or null when the game needs something it
 * does not do (the caller then uses the JavaScript batch kernel).
 */
export function buildReelWasmKernel(game: BatchReelGame, payCount: number): BatchKernel | null {
  if (wasmApi === undefined) return null;
  if (game.counterCount > MAX_PACKED_COUNTERS) return null;
  if (game.free !== null && game.triggerCounter < 0) return null;
  const R = game.reelCount;
  const plan = new MemoryPlan();
  const words = plan.region(WORD_CAPACITY * 4);
  const endCell = plan.region(4);
  const errorCell = plan.region(4);
  const counterCells = plan.region(8); // featureTriggers, capHits (i32 each)
  const wins = plan.region(ROUNDS_PER_CALL * 8);
  const automaton = game.automaton;
  const outcomeWin = automaton?.outcomeWin ?? new Float64Array(1);
  const { waysPay, waysPayIndex } = flatWaysPays(game);
  const scatterUnits = scatterPayUnits(game);
  const regionsOf = {
    next: plan.table(automaton?.next ?? new Int32Array(1), 'i32'),
    outcomeWin: plan.table(outcomeWin, 'f64'),
    outcomeHits: plan.region(outcomeWin.length * 8),
    payHits: plan.region(Math.max(1, payCount) * 8),
    waysPay: plan.table(waysPay, 'f64'),
    waysPayIndex: plan.table(waysPayIndex, 'i32'),
    scatterUnits: scatterUnits.map((units) => plan.table(units, 'f64')),
    scatterHits: scatterUnits.map(() => plan.region(256 * 8)),
    award: plan.table(game.awardByCount, 'i32'),
    retrigger: plan.table(game.retriggerByCount, 'i32'),
  };
  const base = planSet(plan, game, game.base);
  const free = game.free === null ? null : planSet(plan, game, game.free);

  // Parameters: rounds, pos, end. Locals follow.
  const locals = new Locals(3);
  const i32Locals: LocalName[] = [
    'i',
    'word',
    'attempts',
    'packed',
    'spinsLeft',
    'played',
    'triggers',
    'caps',
    'n',
  ];
  i32Locals.push(
    'p',
    'head',
    'entry',
    'st',
    'k',
    'e',
    'last',
    'bits',
    'candidates',
    'low',
    'sym',
    'run',
    'at',
  );
  const f64Locals: LocalName[] = ['raw', 'total', 'ways', 'count', 'pay'];
  const l = { rounds: 0, pos: 1, end: 2 } as Record<LocalName, number>;
  for (const name of i32Locals) l[name] = locals.add(w.I32);
  for (const name of f64Locals) l[name] = locals.add(w.F64);
  const perReel = () => Array.from({ length: R }, () => locals.add(w.I32));
  const x: Context = {
    game,
    l,
    s: perReel(),
    u: perReel(),
    a: perReel(),
    c: perReel(),
    wc: perReel(),
    words,
    endCell,
    errorCell,
    ...regionsOf,
  };

  const baseSpin = spinCode(x, game.base, base);
  if (baseSpin === null) return null;
  const freeSpin = free === null ? null : spinCode(x, game.free!, free);
  if (free !== null && freeSpin === null) return null;

  const { i, rounds, raw, total, packed, spinsLeft, played, triggers, caps } = l;
  const capped = Number.isFinite(game.cap);
  const capHit = (): w.Bytes =>
    w.seq(w.set(caps, w.add(w.get(caps), w.i32(1))), w.set(total, w.f64(game.cap)));
  const atCap = (): w.Bytes => w.fGe(w.get(total), w.f64(game.cap));
  const round: w.Bytes[] = [baseSpin, w.set(total, w.get(raw))];
  if (freeSpin === null) {
    if (capped) round.push(w.when(atCap(), capHit()));
  } else {
    const triggerCount = (): w.Bytes =>
      w.and(w.shrU(w.get(packed), w.i32(8 * game.triggerCounter)), w.i32(255));
    const feature = w.seq(
      w.set(played, w.i32(0)),
      w.block(
        w.loop(
          w.brIf(1, w.leS(w.get(spinsLeft), w.i32(0))),
          w.when(
            w.geS(w.get(played), w.i32(MAX_FREE_SPINS_PER_ROUND)),
            w.storeI32(errorCell, w.i32(0), w.i32(ERROR_FREE_SPINS)),
            w.ret(w.i32(-1)),
          ),
          w.set(spinsLeft, w.sub(w.get(spinsLeft), w.i32(1))),
          w.set(played, w.add(w.get(played), w.i32(1))),
          freeSpin,
          w.set(
            total,
            w.fAdd(
              w.get(total),
              game.freeMultiplier === 1 ? w.get(raw) : w.fMul(w.get(raw), w.f64(game.freeMultiplier)),
            ),
          ),
          w.set(spinsLeft, w.add(w.get(spinsLeft), w.loadI32(regionsOf.retrigger, triggerCount()))),
          capped ? w.when(atCap(), capHit(), w.br(2)) : [],
          w.br(0),
        ),
      ),
    );
    round.push(
      w.set(spinsLeft, w.loadI32(regionsOf.award, triggerCount())),
      w.when(w.gtS(w.get(spinsLeft), w.i32(0)), w.set(triggers, w.add(w.get(triggers), w.i32(1)))),
      capped ? w.ifElse(atCap(), capHit(), feature) : feature,
    );
  }
  round.push(w.storeF64(wins, w.get(i), w.get(total)));
  const body = w.seq(
    w.block(
      w.loop(
        w.brIf(1, w.geU(w.get(i), w.get(rounds))),
        ...round,
        w.set(i, w.add(w.get(i), w.i32(1))),
        w.br(0),
      ),
    ),
    w.storeI32(counterCells, w.i32(0), w.get(triggers)),
    w.storeI32(counterCells, w.i32(1), w.get(caps)),
    w.get(l.pos),
  );
  const bytes = w.encodeModule({
    importName: 'ensure',
    importParams: [w.I32, w.I32],
    importResults: [w.I32],
    exportName: 'play',
    params: [w.I32, w.I32, w.I32],
    results: [w.I32],
    locals: locals.types,
    body,
    memoryPages: Math.ceil(plan.size / 65536) + 1,
  });

  // The current call's source: the import refills it and mirrors its words into memory.
  let current: BufferedWordSource | null = null;
  let memory: { buffer: ArrayBuffer } | null = null;
  const ensure = (pos: number, count: number): number => {
    const src = current!;
    src.pos = pos;
    src.ensure(count);
    const view = new Int32Array(memory!.buffer, words, src.words.length);
    view.set(src.words);
    new Int32Array(memory!.buffer, endCell, 1)[0] = src.end;
    return src.pos;
  };
  const instance = new wasmApi.Instance(new wasmApi.Module(bytes), { env: { ensure } });
  memory = instance.exports.memory as { buffer: ArrayBuffer };
  const buffer = memory.buffer;
  for (const { address, values, kind } of plan.data) {
    if (kind === 'i32') new Int32Array(buffer, address, values.length).set(values);
    else if (kind === 'u16') new Uint16Array(buffer, address, values.length).set(values);
    else new Float64Array(buffer, address, values.length).set(values);
  }
  const play = instance.exports.play as (rounds: number, pos: number, end: number) => number;
  const wordView = new Int32Array(buffer, words, WORD_CAPACITY);
  const winView = new Float64Array(buffer, wins, ROUNDS_PER_CALL);
  const cells = new Int32Array(buffer, counterCells, 2);
  const error = new Int32Array(buffer, errorCell, 1);
  const outcomeHits = new Float64Array(buffer, regionsOf.outcomeHits, outcomeWin.length);
  const payHitCells = new Float64Array(buffer, regionsOf.payHits, Math.max(1, payCount));
  const scatterHits = regionsOf.scatterHits.map((address) => new Float64Array(buffer, address, 256));

  /** Adds the call's hits and counts to the tally and clears them. */
  function fold(tally: RoundTally): void {
    foldHitCounts(game, tally.payHits, outcomeHits, scatterHits);
    for (let p = 0; p < payCount; p++) tally.payHits[p]! += payHitCells[p]!;
    payHitCells.fill(0);
    tally.featureTriggers += cells[0]!;
    tally.capHits += cells[1]!;
  }

  return (src, rounds, out, tally) => {
    if (src.words.length > WORD_CAPACITY) throw new RangeError('word buffer larger than the kernel mirrors');
    current = src;
    try {
      for (let done = 0; done < rounds; ) {
        const count = Math.min(ROUNDS_PER_CALL, rounds - done);
        wordView.set(src.words);
        const pos = play(count, src.pos, src.end);
        if (pos < 0) {
          fold(tally);
          if (error[0] === ERROR_REJECTIONS) {
            throw new Error(
              `uniformInt: ${MAX_REJECTION_ATTEMPTS} consecutive rejections; the random source is not producing uniform words`,
            );
          }
          throw new Error(`invariant broken: more than ${MAX_FREE_SPINS_PER_ROUND} free spins in one round`);
        }
        src.pos = pos;
        out.set(winView.subarray(0, count), done);
        fold(tally);
        done += count;
      }
    } finally {
      current = null;
    }
  };
}
