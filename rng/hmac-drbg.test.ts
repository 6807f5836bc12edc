import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkDrbgVectors,
  DRBG_VECTOR_FOLDERS,
  drbgVectorPath,
  expectDrbgError,
  filled,
  hex,
  internals,
  readRsp,
} from '../test/support/cavp.ts';
import { DRBG_MAX_RESEED_INTERVAL } from './drbg-common.ts';
import { HmacDrbg } from './hmac-drbg.ts';

function instantiated(options: { reseedIntervalRequests?: number } = {}): HmacDrbg {
  const drbg = new HmacDrbg(options);
  drbg.instantiate(filled(32, 0x11), filled(16, 0x22), filled(8, 0x33));
  return drbg;
}

describe('HMAC_DRBG SHA-256 against the NIST CAVP vectors (every [SHA-256] record)', () => {
  for (const folder of DRBG_VECTOR_FOLDERS) {
    it(`${folder}: all 240 records, via the §10 algorithms and via the §9 envelope`, () => {
      const all = readRsp(drbgVectorPath(folder, 'HMAC_DRBG.rsp'));
      // The whole file: 7 hashes x 16 blocks x 15 records (SOURCE.md), so a parser slip shows here.
      expect(all).toHaveLength(1680);
      const records = all.filter((r) => r.algorithm === 'SHA-256');
      expect(records).toHaveLength(240);
      expect(new Set(records.map((r) => r.blockIndex)).size).toBe(16);
      expect(records.map((r) => r.count)).toEqual(Array.from({ length: 240 }, (_, i) => i % 15));

      const { mismatches, checked } = checkDrbgVectors(
        records,
        folder,
        () => new HmacDrbg(),
        (inputs) => {
          expect(inputs.returnedBits).toHaveLength(128); // ReturnedBitsLen = 1024
        },
      );
      expect(mismatches).toEqual([]);
      expect(checked).toBe(240);
    });
  }
});

describe('HmacDrbg state handling', () => {
  it('computes the first instantiate step of §10.1.2.2 as written (Key = HMAC(0^256, 0x01^32 || 0x00 || seed))', () => {
    const entropy = filled(32, 0xa5);
    const nonce = filled(16, 0x5a);
    const drbg = new HmacDrbg();
    drbg.instantiate(entropy, nonce);
    // Recompute HMAC_DRBG_Update(seed_material, 0^32, 0x01^32) by hand.
    const seed = Buffer.concat([entropy, nonce]);
    const mac = (key: Uint8Array, ...parts: Uint8Array[]): Buffer => {
      const h = createHmac('sha256', key);
      for (const p of parts) h.update(p);
      return h.digest();
    };
    let k: Uint8Array = filled(32, 0);
    let v: Uint8Array = filled(32, 1);
    k = mac(k, v, Uint8Array.of(0), seed);
    v = mac(k, v);
    k = mac(k, v, Uint8Array.of(1), seed);
    v = mac(k, v);
    const state = drbg.workingState();
    expect(hex(state.key)).toBe(hex(k));
    expect(hex(state.v)).toBe(hex(v));
    expect(state.reseedCounter).toBe(1);
  });

  it('enforces the reseed interval (§10.1.2.5 step 1) and resets the counter on reseed', () => {
    const drbg = instantiated({ reseedIntervalRequests: 2 });
    const out = new Uint8Array(32);
    drbg.generate(out);
    drbg.generate(out);
    expect(drbg.reseedCounter).toBe(3);
    expect(drbg.reseedRequired).toBe(true);
    expectDrbgError(() => drbg.generate(out), 'RESEED_REQUIRED');
    drbg.reseed(filled(32, 0x44));
    expect(drbg.reseedCounter).toBe(1);
    drbg.generate(out);
    expect(drbg.reseedCounter).toBe(2);
  });

  it('accepts reseed intervals 1..2^48 only', () => {
    for (const bad of [0, -1, 1.5, DRBG_MAX_RESEED_INTERVAL + 1, Number.NaN]) {
      expectDrbgError(() => new HmacDrbg({ reseedIntervalRequests: bad }), 'BAD_PARAMETER');
    }
    expect(new HmacDrbg().reseedIntervalRequests).toBe(2 ** 48);
  });

  it('serves 1..65536 bytes per request (2^19 bits) and rejects the rest', () => {
    const drbg = instantiated();
    drbg.generate(new Uint8Array(65_536));
    expectDrbgError(() => drbg.generate(new Uint8Array(65_537)), 'BAD_REQUEST_LENGTH');
    expectDrbgError(() => drbg.generate(new Uint8Array(0)), 'BAD_REQUEST_LENGTH');
  });

  it('returns the leftmost bits: a shorter request is a prefix of a longer one from the same state', () => {
    const a = instantiated();
    const b = instantiated();
    const short = new Uint8Array(77);
    const long = new Uint8Array(128);
    a.generate(short);
    b.generate(long);
    expect(hex(short)).toBe(hex(long.subarray(0, 77)));
  });

  it('checks input lengths (Table 2, §8.6.7) and changes nothing on bad input', () => {
    const fresh = new HmacDrbg();
    expectDrbgError(() => fresh.instantiate(filled(31, 1), filled(16, 2)), 'BAD_INPUT_LENGTH');
    expectDrbgError(() => fresh.instantiate(filled(32, 1), filled(15, 2)), 'BAD_INPUT_LENGTH');
    expect(fresh.isInstantiated).toBe(false);

    const drbg = instantiated();
    const twin = instantiated();
    expectDrbgError(() => drbg.reseed(filled(31, 1)), 'BAD_INPUT_LENGTH');
    expectDrbgError(() => drbg.generate(new Uint8Array(65_537), filled(4, 1)), 'BAD_REQUEST_LENGTH');
    const out = new Uint8Array(64);
    const twinOut = new Uint8Array(64);
    drbg.generate(out);
    twin.generate(twinOut);
    expect(hex(out)).toBe(hex(twinOut));
  });

  it('refuses to run uninstantiated or to instantiate twice', () => {
    const drbg = new HmacDrbg();
    expectDrbgError(() => drbg.generate(new Uint8Array(4)), 'NOT_INSTANTIATED');
    expectDrbgError(() => drbg.reseed(filled(32, 1)), 'NOT_INSTANTIATED');
    drbg.instantiate(filled(32, 1), filled(16, 2));
    expectDrbgError(() => drbg.instantiate(filled(32, 1), filled(16, 2)), 'ALREADY_INSTANTIATED');
  });

  it('uninstantiate zeroizes Key and V (§9.4) and disables the instance', () => {
    const drbg = instantiated();
    drbg.generate(new Uint8Array(32));
    expect(internals(drbg).key.some((b) => b !== 0)).toBe(true);
    drbg.uninstantiate();
    expect(internals(drbg).key.every((b) => b === 0)).toBe(true);
    expect(internals(drbg).v.every((b) => b === 0)).toBe(true);
    expect(drbg.reseedCounter).toBe(0);
    expectDrbgError(() => drbg.generate(new Uint8Array(4)), 'NOT_INSTANTIATED');
  });

  it('treats additional input that shares memory with the output as its value at call time', () => {
    const a = instantiated();
    const b = instantiated();
    const shared = new Uint8Array(96).fill(0x77);
    const separate = new Uint8Array(96);
    a.generate(shared, shared.subarray(0, 32));
    b.generate(separate, filled(32, 0x77));
    expect(hex(shared)).toBe(hex(separate));
    // The next request proves the step-6 update used the same additional input too.
    const nextA = new Uint8Array(32);
    const nextB = new Uint8Array(32);
    a.generate(nextA);
    b.generate(nextB);
    expect(hex(nextA)).toBe(hex(nextB));
  });

  it('makes additional input and personalization matter', () => {
    const outputs = new Set<string>();
    for (const [ps, ai] of [
      [0, 0],
      [8, 0],
      [0, 8],
    ] as const) {
      const drbg = new HmacDrbg();
      drbg.instantiate(filled(32, 1), filled(16, 2), filled(ps, 3));
      const out = new Uint8Array(32);
      drbg.generate(out, filled(ai, 4));
      outputs.add(hex(out));
    }
    expect(outputs.size).toBe(3);
  });
});
