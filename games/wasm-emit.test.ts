import { describe, expect, it } from 'vitest';
import * as w from './wasm-emit.ts';

const wasm = (
  globalThis as unknown as {
    WebAssembly: {
      Module: new (b: Uint8Array) => object;
      Instance: new (m: object, i: object) => { exports: Record<string, unknown> };
    };
  }
).WebAssembly;

describe('LEB128 (WebAssembly Core Specification 5.2.2)', () => {
  it('encodes the usual worked examples', () => {
    // DWARF / Wikipedia examples: 624485 unsigned, -123456 signed.
    expect(w.uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(w.uleb(0)).toEqual([0]);
    expect(w.uleb(127)).toEqual([0x7f]);
    expect(w.uleb(128)).toEqual([0x80, 0x01]);
    expect(w.sleb(-123456n)).toEqual([0xc0, 0xbb, 0x78]);
    expect(w.sleb(63n)).toEqual([0x3f]);
    expect(w.sleb(64n)).toEqual([0xc0, 0x00]);
    expect(w.sleb(-64n)).toEqual([0x40]);
    expect(w.sleb(-65n)).toEqual([0xbf, 0x7f]);
    expect(() => w.uleb(-1)).toThrow(RangeError);
  });
});

describe('encodeModule', () => {
  it('writes a module the engine validates and runs: a loop, an import call, memory, i64 and f64', () => {
    // sum over i < n of hi32((i + 0x80000000) * 3) + import(i, 1), and memory[8] = 0.5 * n.
    const [n, i, acc] = [0, 1, 2];
    const body = w.seq(
      w.block(
        w.loop(
          w.brIf(1, w.geU(w.get(i), w.get(n))),
          w.set(
            acc,
            w.add(
              w.get(acc),
              w.wrap64(
                w.shrU64(w.mul64(w.extendU32(w.add(w.get(i), w.i32(0x80000000))), w.i64(3n)), w.i64(32n)),
              ),
            ),
          ),
          w.set(acc, w.add(w.get(acc), w.call(0, w.get(i), w.i32(1)))),
          w.set(i, w.add(w.get(i), w.i32(1))),
          w.br(0),
        ),
      ),
      w.storeF64(8, w.i32(0), w.fMul(w.f64(0.5), w.fFromU32(w.get(n)))),
      w.get(acc),
    );
    const bytes = w.encodeModule({
      importName: 'plus',
      importParams: [w.I32, w.I32],
      importResults: [w.I32],
      exportName: 'run',
      params: [w.I32],
      results: [w.I32],
      locals: [w.I32, w.I32],
      body,
      memoryPages: 1,
    });
    const instance = new wasm.Instance(new wasm.Module(bytes), {
      env: { plus: (a: number, b: number) => a + b },
    });
    const run = instance.exports.run as (n: number) => number;
    let expected = 0;
    for (let k = 0; k < 10; k++) expected += Math.floor(((k + 2 ** 31) * 3) / 2 ** 32) + k + 1;
    expect(run(10)).toBe(expected);
    const memory = instance.exports.memory as { buffer: ArrayBuffer };
    expect(new Float64Array(memory.buffer, 8, 1)[0]).toBe(5);
  });
});
