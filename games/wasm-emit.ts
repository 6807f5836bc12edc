/**
 * A minimal WebAssembly binary writer: the subset of the MVP instruction set the batch kernels use
 * (integer and f64 arithmetic, loads and stores, structured control flow, one imported function),
 * encoded per the WebAssembly Core Specification 1.0, chapter 5 ("Binary Format").
 *
 * Why hand-written: the kernels are generated per game at compile time, synchronously (compileGame
 * is synchronous and runs in every simulator worker). The WebAssembly text toolchains on npm load
 * a multi-megabyte compiler asynchronously; this is about a hundred lines, and every module it
 * writes is checked by the engine's own validator when it is compiled.
 *
 * Instructions are plain byte arrays, written in stack order (operands first), so an expression is
 * the concatenation of its operands and its opcode: `add(get(a), i32(1))`.
 */
export type Bytes = number[];

/** Unsigned LEB128 (spec 5.2.2). */
export function uleb(value: number): Bytes {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`uleb: ${value}`);
  const out: Bytes = [];
  let v = value;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of an integer (spec 5.2.2), as i32 or i64 immediates need. */
export function sleb(value: bigint): Bytes {
  const out: Bytes = [];
  let v = value;
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

export const I32 = 0x7f;
export const I64 = 0x7e;
export const F64 = 0x7c;
export type ValueType = typeof I32 | typeof I64 | typeof F64;

/** Concatenates instruction sequences. */
export function seq(...parts: Bytes[]): Bytes {
  return parts.flat();
}

// Constants and locals (spec 5.4.4, 5.4.7).
export const i32 = (v: number): Bytes => {
  if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 32) throw new RangeError(`i32 constant ${v}`);
  return [0x41, ...sleb(BigInt(v | 0))];
};
export const i64 = (v: bigint): Bytes => [0x42, ...sleb(BigInt.asIntN(64, v))];
export const f64 = (v: number): Bytes => {
  const bytes = new Uint8Array(new Float64Array([v]).buffer); // little-endian IEEE 754
  return [0x44, ...bytes];
};
export const get = (local: number): Bytes => [0x20, ...uleb(local)];
export const set = (local: number, value: Bytes): Bytes => [...value, 0x21, ...uleb(local)];

// Memory (spec 5.4.6): index × element size + a constant offset (the region's base address).
const memarg = (alignLog2: number, offset: number): Bytes => [...uleb(alignLog2), ...uleb(offset)];
const scaled = (index: Bytes, shift: number): Bytes =>
  shift === 0 ? index : [...index, ...i32(shift), 0x74];
export const loadI32 = (base: number, index: Bytes): Bytes => [...scaled(index, 2), 0x28, ...memarg(2, base)];
export const loadU16 = (base: number, index: Bytes): Bytes => [...scaled(index, 1), 0x2f, ...memarg(1, base)];
export const loadF64 = (base: number, index: Bytes): Bytes => [...scaled(index, 3), 0x2b, ...memarg(3, base)];
export const storeI32 = (base: number, index: Bytes, value: Bytes): Bytes => [
  ...scaled(index, 2),
  ...value,
  0x36,
  ...memarg(2, base),
];
export const storeF64 = (base: number, index: Bytes, value: Bytes): Bytes => [
  ...scaled(index, 3),
  ...value,
  0x39,
  ...memarg(3, base),
];

// Numeric instructions (spec 5.4.5).
const binary =
  (opcode: number) =>
  (a: Bytes, b: Bytes): Bytes => [...a, ...b, opcode];
const unary =
  (opcode: number) =>
  (a: Bytes): Bytes => [...a, opcode];
export const eqz = unary(0x45);
export const eq = binary(0x46);
export const ne = binary(0x47);
export const ltS = binary(0x48);
export const ltU = binary(0x49);
export const gtS = binary(0x4a);
export const gtU = binary(0x4b);
export const leS = binary(0x4c);
export const geS = binary(0x4e);
export const geU = binary(0x4f);
export const clz = unary(0x67);
export const popcnt = unary(0x69);
export const add = binary(0x6a);
export const sub = binary(0x6b);
export const mul = binary(0x6c);
export const and = binary(0x71);
export const xor = binary(0x73);
export const shl = binary(0x74);
export const shrU = binary(0x76);
export const mul64 = binary(0x7e);
export const shrU64 = binary(0x88);
export const fNe = binary(0x62);
export const fGe = binary(0x66);
export const fAdd = binary(0xa0);
export const fMul = binary(0xa2);
export const wrap64 = unary(0xa7);
export const extendU32 = unary(0xad);
export const fFromU32 = unary(0xb8);

// Control (spec 5.4.1). Blocks have no result type (0x40); `br n` leaves n enclosing blocks.
export const block = (...body: Bytes[]): Bytes => [0x02, 0x40, ...body.flat(), 0x0b];
export const loop = (...body: Bytes[]): Bytes => [0x03, 0x40, ...body.flat(), 0x0b];
export const when = (condition: Bytes, ...body: Bytes[]): Bytes => [
  ...condition,
  0x04,
  0x40,
  ...body.flat(),
  0x0b,
];
export const ifElse = (condition: Bytes, then: Bytes, otherwise: Bytes): Bytes => [
  ...condition,
  0x04,
  0x40,
  ...then,
  0x05,
  ...otherwise,
  0x0b,
];
export const br = (depth: number): Bytes => [0x0c, ...uleb(depth)];
export const brIf = (depth: number, condition: Bytes): Bytes => [...condition, 0x0d, ...uleb(depth)];
export const call = (func: number, ...args: Bytes[]): Bytes => [...args.flat(), 0x10, ...uleb(func)];
export const ret = (value: Bytes): Bytes => [...value, 0x0f];

const vec = (items: Bytes[]): Bytes => [...uleb(items.length), ...items.flat()];
const name = (text: string): Bytes => vec([...new TextEncoder().encode(text)].map((b) => [b]));
const section = (id: number, content: Bytes): Bytes => [id, ...uleb(content.length), ...content];
const funcType = (params: ValueType[], results: ValueType[]): Bytes => [
  0x60,
  ...vec(params.map((t) => [t])),
  ...vec(results.map((t) => [t])),
];

export interface ModuleSpec {
  /** One imported function, `env.<name>`: function index 0. */
  readonly importName: string;
  readonly importParams: ValueType[];
  readonly importResults: ValueType[];
  /** The one defined function (index 1), exported as `exportName`. */
  readonly exportName: string;
  readonly params: ValueType[];
  readonly results: ValueType[];
  /** Types of the locals after the parameters, in index order. */
  readonly locals: ValueType[];
  readonly body: Bytes;
  /** Pages of 64 KiB of the exported memory `memory`. */
  readonly memoryPages: number;
}

/** The binary module (spec 5.5): types, import, function, memory, exports, code. */
export function encodeModule(spec: ModuleSpec): Uint8Array {
  const localGroups: Bytes[] = [];
  for (let i = 0; i < spec.locals.length; ) {
    let j = i;
    while (j < spec.locals.length && spec.locals[j] === spec.locals[i]) j++;
    localGroups.push([...uleb(j - i), spec.locals[i]!]);
    i = j;
  }
  const code = [...vec(localGroups), ...spec.body, 0x0b];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(
      1,
      vec([funcType(spec.importParams, spec.importResults), funcType(spec.params, spec.results)]),
    ),
    ...section(2, vec([[...name('env'), ...name(spec.importName), 0x00, 0x00]])),
    ...section(3, vec([[0x01]])),
    ...section(5, vec([[0x00, ...uleb(spec.memoryPages)]])),
    ...section(
      7,
      vec([
        [...name(spec.exportName), 0x00, 0x01],
        [...name('memory'), 0x02, 0x00],
      ]),
    ),
    ...section(10, vec([[...uleb(code.length), ...code]])),
  ];
  return Uint8Array.from(bytes);
}
