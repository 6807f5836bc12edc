/**
 * A math-sdk lookup table (`lookUpTable_<mode>_0.csv`): one row per simulation, no header,
 * `simulation id, weight, payout multiplier`, each an unsigned 64-bit integer; the payout is ×100
 * of the base bet (1150 = 11.5×). Source: Stake Engine math-sdk docs, `docs/rgs_docs/data_format.md`
 * (summarised in test/fixtures/publications/SOURCE.md).
 *
 * Read streaming in fixed chunks (a table of 10^7 rows never needs its text in memory at once) by a
 * byte-level parser: a 10^6-row table parses in a fraction of a second (bench/publication.bench.ts).
 * Weights are kept as uint64 (BigUint64Array); ids and payouts must stay below 2^53 (they are
 * counters and ×100 multipliers: 2^53 would be a 9×10^13× win) and are kept as doubles, exactly.
 */
import { closeSync, openSync, readSync } from 'node:fs';

export const UINT64_MAX = (1n << 64n) - 1n;

export interface LookupTable {
  readonly path: string;
  readonly rows: number;
  /** Simulation ids, in file order (exact integers < 2^53). */
  readonly ids: Float64Array;
  readonly weights: BigUint64Array;
  /** Payout multipliers ×100, in file order (exact integers < 2^53). */
  readonly payouts: Float64Array;
  /** Σ weights (may exceed 2^64). */
  readonly totalWeight: bigint;
  /** True when ids are first, first+1, ... in file order (then id -> row is arithmetic). */
  readonly contiguousFrom: number | null;
}

export class LookupTableError extends Error {
  readonly code = 'invalid-lookup-table';
  constructor(
    readonly path: string,
    readonly line: number | null,
    detail: string,
  ) {
    super(`${path}${line === null ? '' : `, line ${line}`}: ${detail}`);
    this.name = 'LookupTableError';
  }
}

/** Bytes read per chunk. */
const CHUNK_BYTES = 1 << 20;
/** A bound on one row's length: three 20-digit numbers and separators fit many times over. */
const MAX_LINE_BYTES = 4096;
/** Rows a table may have (a bound on memory: 24 bytes a row). */
export const MAX_LOOKUP_ROWS = 50_000_000;

const COMMA = 44;
const CR = 13;
const LF = 10;
const SPACE = 32;
const TAB = 9;
const ZERO = 48;
const NINE = 57;
const FIELD_NAMES = ['simulation id', 'weight', 'payout multiplier'] as const;

class RowSink {
  ids = new Float64Array(1024);
  weights = new BigUint64Array(1024);
  payouts = new Float64Array(1024);
  rows = 0;
  push(id: number, weight: bigint, payout: number): void {
    if (this.rows === this.ids.length) this.grow();
    this.ids[this.rows] = id;
    this.weights[this.rows] = weight;
    this.payouts[this.rows] = payout;
    this.rows++;
  }
  private grow(): void {
    const size = this.ids.length * 2;
    const ids = new Float64Array(size);
    ids.set(this.ids);
    const weights = new BigUint64Array(size);
    weights.set(this.weights);
    const payouts = new Float64Array(size);
    payouts.set(this.payouts);
    this.ids = ids;
    this.weights = weights;
    this.payouts = payouts;
  }
}

/** Parses one unsigned integer field of bytes [start, end), spaces around it allowed. */
function parseField(
  bytes: Uint8Array,
  start: number,
  end: number,
  fail: (detail: string) => never,
  field: number,
): bigint | number {
  let s = start;
  let e = end;
  while (s < e && (bytes[s] === SPACE || bytes[s] === TAB)) s++;
  while (e > s && (bytes[e - 1] === SPACE || bytes[e - 1] === TAB)) e--;
  const name = FIELD_NAMES[field]!;
  if (s === e) fail(`empty ${name}`);
  if (e - s > 20) fail(`${name} has ${e - s} digits: it overflows 64 bits (at most 18446744073709551615)`);
  let value = 0;
  for (let i = s; i < e; i++) {
    const c = bytes[i]!;
    if (c < ZERO || c > NINE) {
      const text = new TextDecoder().decode(bytes.subarray(s, e));
      fail(
        `${name} "${text}" is not an unsigned integer${field === 0 && i === s ? ' (a lookup table has no header row)' : ''}`,
      );
    }
    value = value * 10 + (c - ZERO);
  }
  if (e - s <= 15) return value; // exact: below 10^15 < 2^53
  const big = BigInt(new TextDecoder().decode(bytes.subarray(s, e)));
  if (big > UINT64_MAX) fail(`${name} ${big} overflows 64 bits (at most 18446744073709551615)`);
  return big;
}

function parseRow(
  bytes: Uint8Array,
  start: number,
  end: number,
  sink: RowSink,
  fail: (detail: string) => never,
): void {
  let c1 = -1;
  let c2 = -1;
  let commas = 0;
  for (let i = start; i < end; i++) {
    if (bytes[i] !== COMMA) continue;
    commas++;
    if (commas === 1) c1 = i;
    else if (commas === 2) c2 = i;
  }
  if (commas !== 2) fail(`expected 3 fields (simulation id, weight, payout multiplier), found ${commas + 1}`);
  const id = parseField(bytes, start, c1, fail, 0);
  const weight = parseField(bytes, c1 + 1, c2, fail, 1);
  const payout = parseField(bytes, c2 + 1, end, fail, 2);
  const idNumber = typeof id === 'bigint' ? Number(id) : id;
  const payoutNumber = typeof payout === 'bigint' ? Number(payout) : payout;
  if (!Number.isSafeInteger(idNumber)) fail(`simulation id ${id} is beyond 2^53 (not supported)`);
  if (!Number.isSafeInteger(payoutNumber)) fail(`payout multiplier ${payout} is beyond 2^53 (not supported)`);
  sink.push(idNumber, BigInt(weight), payoutNumber);
}

/** Reads and checks a lookup table: LookupTableError naming the file, line and field on bad input. */
export function readLookupTable(path: string): LookupTable {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new LookupTableError(
      path,
      null,
      `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const sink = new RowSink();
  let line = 0;
  const fail = (detail: string): never => {
    throw new LookupTableError(path, line, detail);
  };
  try {
    const buffer = new Uint8Array(CHUNK_BYTES + MAX_LINE_BYTES);
    let carry = 0; // bytes of an unfinished line at the start of buffer
    for (;;) {
      const read = readSync(fd, buffer, carry, CHUNK_BYTES, null);
      const end = carry + read;
      let start = 0;
      for (;;) {
        const newline = buffer.indexOf(LF, start);
        if (newline < 0 || newline >= end) break;
        line++;
        const stop = newline > start && buffer[newline - 1] === CR ? newline - 1 : newline;
        if (stop > start) parseRow(buffer, start, stop, sink, fail);
        if (sink.rows > MAX_LOOKUP_ROWS) fail(`more than ${MAX_LOOKUP_ROWS} rows`);
        start = newline + 1;
      }
      if (read === 0) {
        if (end > start) {
          line++;
          const stop = buffer[end - 1] === CR ? end - 1 : end;
          if (stop > start) parseRow(buffer, start, stop, sink, fail);
        }
        break;
      }
      carry = end - start;
      if (carry > MAX_LINE_BYTES) {
        line++;
        fail(`a row longer than ${MAX_LINE_BYTES} bytes`);
      }
      buffer.copyWithin(0, start, end);
    }
  } finally {
    closeSync(fd);
  }
  return finishTable(path, sink);
}

function finishTable(path: string, sink: RowSink): LookupTable {
  const rows = sink.rows;
  if (rows === 0) throw new LookupTableError(path, null, 'no rows');
  const ids = sink.ids.slice(0, rows);
  const weights = sink.weights.slice(0, rows);
  const payouts = sink.payouts.slice(0, rows);
  let totalWeight = 0n;
  for (let i = 0; i < rows; i++) totalWeight += weights[i]!;
  if (totalWeight === 0n) throw new LookupTableError(path, null, 'every weight is 0: nothing can be drawn');
  let increasing = true;
  let contiguous = true;
  for (let i = 1; i < rows; i++) {
    if (ids[i]! <= ids[i - 1]!) increasing = false;
    if (ids[i] !== ids[i - 1]! + 1) contiguous = false;
  }
  if (!increasing) checkDuplicateIds(path, ids);
  return { path, rows, ids, weights, payouts, totalWeight, contiguousFrom: contiguous ? ids[0]! : null };
}

/** Ids need not be sorted, but must be unique: name the first duplicate and both its lines. */
function checkDuplicateIds(path: string, ids: Float64Array): void {
  const sorted = Float64Array.from(ids).sort();
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) {
      const id = sorted[i]!;
      const first = ids.indexOf(id);
      const second = ids.indexOf(id, first + 1);
      throw new LookupTableError(
        path,
        second + 1,
        `duplicate simulation id ${id} (first on line ${first + 1})`,
      );
    }
  }
}

/** id -> row index (-1 when absent): arithmetic for contiguous ids, else a map built once. */
export function rowIndex(table: LookupTable): (id: number) => number {
  const from = table.contiguousFrom;
  if (from !== null) {
    return (id) => {
      const row = id - from;
      return Number.isInteger(row) && row >= 0 && row < table.rows ? row : -1;
    };
  }
  const map = new Map<number, number>();
  for (let row = 0; row < table.rows; row++) map.set(table.ids[row]!, row);
  return (id) => map.get(id) ?? -1;
}
