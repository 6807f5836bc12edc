import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES_DIR } from '../test/support/paths.ts';
import {
  CHACHA_SELF_TEST_VECTORS,
  ChaCha20Source,
  chacha20Encrypt,
  chachaBlock,
  chachaBlockState,
  chachaInitialState,
  chachaKeyFromSeed,
  chachaKeystreamWords,
  chachaQuarterRound,
  chachaRounds,
  chachaSelfTest,
} from './chacha20.ts';

/** RFC 8439 vectors, copied into test/fixtures/rfc8439-chacha20 (see its SOURCE.md). */
interface Rfc8439Vectors {
  quarterRound: {
    input: Record<'a' | 'b' | 'c' | 'd', string>;
    output: Record<'a' | 'b' | 'c' | 'd', string>;
  }[];
  quarterRoundOnState: {
    indices: [number, number, number, number];
    inputState: string[];
    outputState: string[];
  }[];
  blockFunction: {
    id: string;
    key: string;
    nonce: string;
    counter: number;
    initialState?: string[];
    stateAfter20Rounds?: string[];
    finalState: string[];
    keystream: string;
  }[];
  encryption: {
    id: string;
    key: string;
    nonce: string;
    counter: number;
    plaintext: string;
    plaintextAscii?: string;
    keystream?: string;
    ciphertext: string;
    blockStates?: { counter: number; initialState: string[]; finalState: string[] }[];
  }[];
}

const VECTORS: Rfc8439Vectors = JSON.parse(
  readFileSync(join(FIXTURES_DIR, 'rfc8439-chacha20/chacha20-rfc8439.json'), 'utf8'),
);

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
const words = (list: string[]) => Uint32Array.from(list.map((w) => Number.parseInt(w, 16)));

describe('ChaCha20 primitives against every RFC 8439 vector', () => {
  it('has the vector counts SOURCE.md announces', () => {
    expect(VECTORS.quarterRound).toHaveLength(1);
    expect(VECTORS.quarterRoundOnState).toHaveLength(1);
    expect(VECTORS.blockFunction).toHaveLength(6);
    expect(VECTORS.encryption).toHaveLength(4);
  });

  it.each(VECTORS.quarterRound)('quarter round on four words (§2.1.1)', (v) => {
    const s = words([v.input.a, v.input.b, v.input.c, v.input.d]);
    chachaQuarterRound(s, 0, 1, 2, 3);
    expect([...s]).toEqual([...words([v.output.a, v.output.b, v.output.c, v.output.d])]);
  });

  it.each(VECTORS.quarterRoundOnState)('quarter round on a state (§2.2.1)', (v) => {
    const s = words(v.inputState);
    chachaQuarterRound(s, ...v.indices);
    expect([...s]).toEqual([...words(v.outputState)]);
  });

  it.each(VECTORS.blockFunction.map((v) => [v.id, v] as const))('block function %s', (_id, v) => {
    const initial = chachaInitialState(bytes(v.key), v.counter, bytes(v.nonce));
    if (v.initialState) expect([...initial]).toEqual([...words(v.initialState)]);
    if (v.stateAfter20Rounds) expect([...chachaRounds(initial)]).toEqual([...words(v.stateAfter20Rounds)]);
    expect([...chachaBlockState(initial)]).toEqual([...words(v.finalState)]);
    expect(hex(chachaBlock(bytes(v.key), v.counter, bytes(v.nonce)))).toBe(v.keystream);

    // The fast multi-block path gives the same block.
    const out = new Uint32Array(16);
    chachaKeystreamWords(
      new Uint32Array(bytes(v.key).buffer),
      new Uint32Array(bytes(v.nonce).buffer),
      v.counter,
      out,
      0,
      1,
    );
    expect(hex(new Uint8Array(out.buffer))).toBe(v.keystream);
  });

  it.each(VECTORS.encryption.map((v) => [v.id, v] as const))('encryption %s', (_id, v) => {
    const plaintext = bytes(v.plaintext);
    if (v.plaintextAscii) expect(Buffer.from(plaintext).toString('latin1')).toBe(v.plaintextAscii);
    const ciphertext = chacha20Encrypt(bytes(v.key), v.counter, bytes(v.nonce), plaintext);
    expect(hex(ciphertext)).toBe(v.ciphertext);
    // Decryption is the same operation.
    expect(hex(chacha20Encrypt(bytes(v.key), v.counter, bytes(v.nonce), ciphertext))).toBe(v.plaintext);
    if (v.keystream) {
      const zeros = new Uint8Array(plaintext.length);
      expect(hex(chacha20Encrypt(bytes(v.key), v.counter, bytes(v.nonce), zeros))).toBe(v.keystream);
    }
    for (const state of v.blockStates ?? []) {
      const initial = chachaInitialState(bytes(v.key), state.counter, bytes(v.nonce));
      expect([...initial]).toEqual([...words(state.initialState)]);
      expect([...chachaBlockState(initial)]).toEqual([...words(state.finalState)]);
    }
  });

  it('rejects bad key, nonce and counter, and a counter that would wrap', () => {
    expect(() => chachaBlock(new Uint8Array(31), 0, new Uint8Array(12))).toThrow(/key/);
    expect(() => chachaBlock(new Uint8Array(32), 0, new Uint8Array(8))).toThrow(/nonce/);
    expect(() => chachaBlock(new Uint8Array(32), 2 ** 32, new Uint8Array(12))).toThrow(/counter/);
    expect(() =>
      chacha20Encrypt(new Uint8Array(32), 0xffffffff, new Uint8Array(12), new Uint8Array(65)),
    ).toThrow(/wrap/);
    // Exactly the last block is allowed.
    expect(
      chacha20Encrypt(new Uint8Array(32), 0xffffffff, new Uint8Array(12), new Uint8Array(64)),
    ).toHaveLength(64);
  });
});

describe('chachaSelfTest', () => {
  it('passes, and every check reports', () => {
    const results = chachaSelfTest();
    expect(results.length).toBeGreaterThanOrEqual(5);
    for (const r of results) expect(r, r.name).toMatchObject({ passed: true });
  });

  it('embeds exactly the RFC values held in the test fixtures', () => {
    const e = CHACHA_SELF_TEST_VECTORS;
    const qr = VECTORS.quarterRound[0]!;
    expect(e.quarterRound.input).toEqual([...words([qr.input.a, qr.input.b, qr.input.c, qr.input.d])]);
    expect(e.quarterRound.output).toEqual([...words([qr.output.a, qr.output.b, qr.output.c, qr.output.d])]);
    const block = VECTORS.blockFunction.find((v) => v.id === 'rfc8439-2.3.2')!;
    expect(e.block).toEqual({
      key: block.key,
      nonce: block.nonce,
      counter: block.counter,
      keystream: block.keystream,
    });
    expect(e.zeroBlock.keystream).toBe(
      VECTORS.blockFunction.find((v) => v.id === 'rfc8439-A.1-1')!.keystream,
    );
    const enc = VECTORS.encryption.find((v) => v.id === 'rfc8439-2.4.2')!;
    expect(e.encryption).toEqual({
      key: enc.key,
      nonce: enc.nonce,
      counter: enc.counter,
      plaintext: enc.plaintextAscii,
      ciphertext: enc.ciphertext,
    });
  });
});

describe('ChaCha20Source (fast key erasure)', () => {
  const seed = bytes('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');

  /** The generator's output, rebuilt from the reference block function: 64 blocks per key, first 32 bytes are the next key. */
  function referenceOutput(firstKey: Uint8Array, refills: number): Uint8Array {
    const parts: Uint8Array[] = [];
    let key = firstKey;
    for (let r = 0; r < refills; r++) {
      const keystream = new Uint8Array(64 * 64);
      for (let b = 0; b < 64; b++) keystream.set(chachaBlock(key, b, new Uint8Array(12)), 64 * b);
      key = keystream.slice(0, 32);
      parts.push(keystream.slice(32));
    }
    return Buffer.concat(parts);
  }

  it('outputs the keystream minus each refill’s first 32 bytes, rekeying from them', () => {
    const expected = referenceOutput(seed, 3);
    expect(expected).toHaveLength(3 * 4064);
    const out = new Uint8Array(expected.length);
    new ChaCha20Source({ seed }).fillBytes(out);
    expect(hex(out)).toBe(hex(expected));
    // The first output bytes are RFC keystream bytes 32.. of block 0 (never bytes 0..31, which became the key).
    expect(hex(out.subarray(0, 32))).toBe(hex(chachaBlock(seed, 0, new Uint8Array(12)).subarray(32)));
  });

  it('nextUint32 reads the same byte stream big-endian, and mixed calls stay in step', () => {
    const stream = referenceOutput(seed, 2);
    const source = new ChaCha20Source({ seed });
    const view = new DataView(stream.buffer, stream.byteOffset);
    for (let i = 0; i < 1016; i++) expect(source.nextUint32()).toBe(view.getUint32(4 * i));
    // Offset 4064 = end of first refill; now mix an odd-sized fillBytes with words.
    const three = new Uint8Array(3);
    source.fillBytes(three);
    expect(hex(three)).toBe(hex(stream.subarray(4064, 4067)));
    expect(source.nextUint32()).toBe(view.getUint32(4067));
  });

  it('is reproducible from a seed, differs across seeds, and is random without one', () => {
    const a = new Uint8Array(10_000);
    const b = new Uint8Array(10_000);
    new ChaCha20Source({ seed }).fillBytes(a);
    new ChaCha20Source({ seed: Uint8Array.from(seed) }).fillBytes(b);
    expect(hex(a)).toBe(hex(b));
    const other = Uint8Array.from(seed);
    other[0] = other[0]! ^ 1;
    new ChaCha20Source({ seed: other }).fillBytes(b);
    expect(hex(a)).not.toBe(hex(b));
    const unseeded1 = new ChaCha20Source();
    const unseeded2 = new ChaCha20Source();
    expect([unseeded1.nextUint32(), unseeded1.nextUint32()]).not.toEqual([
      unseeded2.nextUint32(),
      unseeded2.nextUint32(),
    ]);
  });

  it('erases consumed output and the old key from its memory (backtracking resistance)', () => {
    const source = new ChaCha20Source({ seed });
    const out = new Uint8Array(1000);
    source.fillBytes(out);
    source.nextUint32();
    const internal = source as unknown as { words: Uint32Array; key: Uint32Array; offset: number };
    const bufferBytes = new Uint8Array(internal.words.buffer);
    // Everything before the read offset is zero: erased key slot and all returned output.
    expect(bufferBytes.subarray(0, internal.offset).every((b) => b === 0)).toBe(true);
    // The unread remainder is still keystream, i.e. not zeroed.
    expect(bufferBytes.subarray(internal.offset).some((b) => b !== 0)).toBe(true);
    // The current key is the erased first 32 bytes of the refill, not the seed.
    const firstKeystream = chachaBlock(seed, 0, new Uint8Array(12));
    expect(hex(new Uint8Array(internal.key.buffer))).toBe(hex(firstKeystream.subarray(0, 32)));
  });

  it('refuses seeds that are not exactly 32 bytes', () => {
    expect(() => new ChaCha20Source({ seed: new Uint8Array(16) })).toThrow(/32 bytes/);
  });

  it('chachaKeyFromSeed keeps 32-byte seeds and condenses others with SHA-256', () => {
    expect(chachaKeyFromSeed(seed)).toBe(seed);
    const short = bytes('abcd');
    expect(hex(chachaKeyFromSeed(short))).toBe(
      '123d4c7ef2d1600a1b3a0f6addc60a10f05a3495c9409f2ecbf4cc095d000a6b',
    );
  });
});
