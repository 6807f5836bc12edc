/**
 * ChaCha20 (RFC 8439 §2.1–2.4, the IETF variant: 256-bit key, 96-bit nonce, 32-bit block counter)
 * and `ChaCha20Source`, a forward-secure generator built on its keystream.
 *
 * Written by hand rather than taken from node:crypto because the generator needs the raw block
 * function with a caller-chosen counter and key, many blocks at a time into a reusable buffer,
 * and because the kernel's known-answer self-test must exercise exactly the code that produces
 * output. Every function here is checked against every RFC 8439 vector in
 * `test/fixtures/rfc8439-chacha20/` (see chacha20.test.ts).
 *
 * Arithmetic: state words live in JS numbers as int32 (`| 0`) inside the round loop and as uint32
 * in `Uint32Array`s; additions wrap with `| 0`, rotations are `(x << r) | (x >>> (32 - r))`.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { RandomSource, SelfTestResult } from './random-source.ts';

/** "expand 32-byte k" as four little-endian words (RFC 8439 §2.3). */
export const CHACHA_CONSTANTS: readonly number[] = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574];

export const CHACHA_KEY_BYTES = 32;
export const CHACHA_NONCE_BYTES = 12;
export const CHACHA_BLOCK_BYTES = 64;

const IS_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function rotl32(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0;
}

function readUint32LE(bytes: Uint8Array, offset: number): number {
  return (
    (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>>
    0
  );
}

function writeUint32LE(bytes: Uint8Array, offset: number, w: number): void {
  bytes[offset] = w & 0xff;
  bytes[offset + 1] = (w >>> 8) & 0xff;
  bytes[offset + 2] = (w >>> 16) & 0xff;
  bytes[offset + 3] = w >>> 24;
}

function assertUint32(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`${name} must be an integer in [0, 2^32), got ${value}`);
  }
}

function assertLength(bytes: Uint8Array, length: number, name: string): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new RangeError(`${name} must be a Uint8Array of ${length} bytes`);
  }
}

/**
 * The ChaCha quarter round QUARTERROUND(a, b, c, d) on four words of `state`, in place
 * (RFC 8439 §2.1 and §2.2). Reference form, used by the readable block function and the tests;
 * the fast keystream path below inlines the same operations.
 */
export function chachaQuarterRound(state: Uint32Array, a: number, b: number, c: number, d: number): void {
  state[a] = state[a]! + state[b]!;
  state[d] = rotl32(state[d]! ^ state[a]!, 16);
  state[c] = state[c]! + state[d]!;
  state[b] = rotl32(state[b]! ^ state[c]!, 12);
  state[a] = state[a]! + state[b]!;
  state[d] = rotl32(state[d]! ^ state[a]!, 8);
  state[c] = state[c]! + state[d]!;
  state[b] = rotl32(state[b]! ^ state[c]!, 7);
}

/** The 16-word initial state: constants, key, block counter, nonce (RFC 8439 §2.3). */
export function chachaInitialState(key: Uint8Array, counter: number, nonce: Uint8Array): Uint32Array {
  assertLength(key, CHACHA_KEY_BYTES, 'key');
  assertLength(nonce, CHACHA_NONCE_BYTES, 'nonce');
  assertUint32(counter, 'counter');
  const state = new Uint32Array(16);
  state.set(CHACHA_CONSTANTS, 0);
  for (let i = 0; i < 8; i++) state[4 + i] = readUint32LE(key, 4 * i);
  state[12] = counter;
  for (let i = 0; i < 3; i++) state[13 + i] = readUint32LE(nonce, 4 * i);
  return state;
}

/** The 20 rounds (10 column + diagonal double rounds) on a copy of `state`, without the final addition. */
export function chachaRounds(state: Uint32Array): Uint32Array {
  const working = Uint32Array.from(state);
  for (let i = 0; i < 10; i++) {
    chachaQuarterRound(working, 0, 4, 8, 12);
    chachaQuarterRound(working, 1, 5, 9, 13);
    chachaQuarterRound(working, 2, 6, 10, 14);
    chachaQuarterRound(working, 3, 7, 11, 15);
    chachaQuarterRound(working, 0, 5, 10, 15);
    chachaQuarterRound(working, 1, 6, 11, 12);
    chachaQuarterRound(working, 2, 7, 8, 13);
    chachaQuarterRound(working, 3, 4, 9, 14);
  }
  return working;
}

/** The block function's output state: the rounds' result plus the initial state, word-wise (§2.3). */
export function chachaBlockState(initialState: Uint32Array): Uint32Array {
  const working = chachaRounds(initialState);
  for (let i = 0; i < 16; i++) working[i] = working[i]! + initialState[i]!;
  return working;
}

/** The serialized 64-byte block: the output state's words little-endian (§2.3). Reference path. */
export function chachaBlock(key: Uint8Array, counter: number, nonce: Uint8Array): Uint8Array {
  const words = chachaBlockState(chachaInitialState(key, counter, nonce));
  const out = new Uint8Array(CHACHA_BLOCK_BYTES);
  for (let i = 0; i < 16; i++) writeUint32LE(out, 4 * i, words[i]!);
  return out;
}

/**
 * Fast path: writes `blockCount` consecutive keystream blocks (counters `counter`,
 * `counter + 1`, ...) as 16 words each into `out` from word `outWord`. `keyWords` is the key as 8
 * little-endian words, `nonceWords` the nonce as 3. Words are the block function's output; on a
 * little-endian machine a `Uint8Array` view of `out` is exactly the RFC byte serialization.
 */
export function chachaKeystreamWords(
  keyWords: Uint32Array,
  nonceWords: Uint32Array,
  counter: number,
  out: Uint32Array,
  outWord: number,
  blockCount: number,
): void {
  if (counter + blockCount > 0x100000000) {
    throw new RangeError('ChaCha20 block counter would wrap past 2^32 (RFC 8439 §2.4 limit)');
  }
  if (outWord < 0 || outWord + 16 * blockCount > out.length) {
    throw new RangeError('keystream output buffer too small');
  }
  const k0 = keyWords[0]! | 0;
  const k1 = keyWords[1]! | 0;
  const k2 = keyWords[2]! | 0;
  const k3 = keyWords[3]! | 0;
  const k4 = keyWords[4]! | 0;
  const k5 = keyWords[5]! | 0;
  const k6 = keyWords[6]! | 0;
  const k7 = keyWords[7]! | 0;
  const n0 = nonceWords[0]! | 0;
  const n1 = nonceWords[1]! | 0;
  const n2 = nonceWords[2]! | 0;
  let o = outWord;
  for (let block = 0; block < blockCount; block++) {
    const ctr = (counter + block) | 0;
    let x0 = 0x61707865;
    let x1 = 0x3320646e;
    let x2 = 0x79622d32;
    let x3 = 0x6b206574;
    let x4 = k0;
    let x5 = k1;
    let x6 = k2;
    let x7 = k3;
    let x8 = k4;
    let x9 = k5;
    let x10 = k6;
    let x11 = k7;
    let x12 = ctr;
    let x13 = n0;
    let x14 = n1;
    let x15 = n2;
    // biome-ignore format: one quarter-round step per line mirrors RFC 8439 §2.1
    for (let round = 0; round < 10; round++) {
      // Column round: QR(0,4,8,12) QR(1,5,9,13) QR(2,6,10,14) QR(3,7,11,15).
      x0 = (x0 + x4) | 0; x12 ^= x0; x12 = (x12 << 16) | (x12 >>> 16);
      x8 = (x8 + x12) | 0; x4 ^= x8; x4 = (x4 << 12) | (x4 >>> 20);
      x0 = (x0 + x4) | 0; x12 ^= x0; x12 = (x12 << 8) | (x12 >>> 24);
      x8 = (x8 + x12) | 0; x4 ^= x8; x4 = (x4 << 7) | (x4 >>> 25);
      x1 = (x1 + x5) | 0; x13 ^= x1; x13 = (x13 << 16) | (x13 >>> 16);
      x9 = (x9 + x13) | 0; x5 ^= x9; x5 = (x5 << 12) | (x5 >>> 20);
      x1 = (x1 + x5) | 0; x13 ^= x1; x13 = (x13 << 8) | (x13 >>> 24);
      x9 = (x9 + x13) | 0; x5 ^= x9; x5 = (x5 << 7) | (x5 >>> 25);
      x2 = (x2 + x6) | 0; x14 ^= x2; x14 = (x14 << 16) | (x14 >>> 16);
      x10 = (x10 + x14) | 0; x6 ^= x10; x6 = (x6 << 12) | (x6 >>> 20);
      x2 = (x2 + x6) | 0; x14 ^= x2; x14 = (x14 << 8) | (x14 >>> 24);
      x10 = (x10 + x14) | 0; x6 ^= x10; x6 = (x6 << 7) | (x6 >>> 25);
      x3 = (x3 + x7) | 0; x15 ^= x3; x15 = (x15 << 16) | (x15 >>> 16);
      x11 = (x11 + x15) | 0; x7 ^= x11; x7 = (x7 << 12) | (x7 >>> 20);
      x3 = (x3 + x7) | 0; x15 ^= x3; x15 = (x15 << 8) | (x15 >>> 24);
      x11 = (x11 + x15) | 0; x7 ^= x11; x7 = (x7 << 7) | (x7 >>> 25);
      // Diagonal round: QR(0,5,10,15) QR(1,6,11,12) QR(2,7,8,13) QR(3,4,9,14).
      x0 = (x0 + x5) | 0; x15 ^= x0; x15 = (x15 << 16) | (x15 >>> 16);
      x10 = (x10 + x15) | 0; x5 ^= x10; x5 = (x5 << 12) | (x5 >>> 20);
      x0 = (x0 + x5) | 0; x15 ^= x0; x15 = (x15 << 8) | (x15 >>> 24);
      x10 = (x10 + x15) | 0; x5 ^= x10; x5 = (x5 << 7) | (x5 >>> 25);
      x1 = (x1 + x6) | 0; x12 ^= x1; x12 = (x12 << 16) | (x12 >>> 16);
      x11 = (x11 + x12) | 0; x6 ^= x11; x6 = (x6 << 12) | (x6 >>> 20);
      x1 = (x1 + x6) | 0; x12 ^= x1; x12 = (x12 << 8) | (x12 >>> 24);
      x11 = (x11 + x12) | 0; x6 ^= x11; x6 = (x6 << 7) | (x6 >>> 25);
      x2 = (x2 + x7) | 0; x13 ^= x2; x13 = (x13 << 16) | (x13 >>> 16);
      x8 = (x8 + x13) | 0; x7 ^= x8; x7 = (x7 << 12) | (x7 >>> 20);
      x2 = (x2 + x7) | 0; x13 ^= x2; x13 = (x13 << 8) | (x13 >>> 24);
      x8 = (x8 + x13) | 0; x7 ^= x8; x7 = (x7 << 7) | (x7 >>> 25);
      x3 = (x3 + x4) | 0; x14 ^= x3; x14 = (x14 << 16) | (x14 >>> 16);
      x9 = (x9 + x14) | 0; x4 ^= x9; x4 = (x4 << 12) | (x4 >>> 20);
      x3 = (x3 + x4) | 0; x14 ^= x3; x14 = (x14 << 8) | (x14 >>> 24);
      x9 = (x9 + x14) | 0; x4 ^= x9; x4 = (x4 << 7) | (x4 >>> 25);
    }
    // Final addition of the initial state (§2.3); the Uint32Array store reduces mod 2^32.
    out[o] = x0 + 0x61707865;
    out[o + 1] = x1 + 0x3320646e;
    out[o + 2] = x2 + 0x79622d32;
    out[o + 3] = x3 + 0x6b206574;
    out[o + 4] = x4 + k0;
    out[o + 5] = x5 + k1;
    out[o + 6] = x6 + k2;
    out[o + 7] = x7 + k3;
    out[o + 8] = x8 + k4;
    out[o + 9] = x9 + k5;
    out[o + 10] = x10 + k6;
    out[o + 11] = x11 + k7;
    out[o + 12] = x12 + ctr;
    out[o + 13] = x13 + n0;
    out[o + 14] = x14 + n1;
    out[o + 15] = x15 + n2;
    o += 16;
  }
}

function bytesToWordsLE(bytes: Uint8Array): Uint32Array {
  const words = new Uint32Array(bytes.length / 4);
  for (let i = 0; i < words.length; i++) words[i] = readUint32LE(bytes, 4 * i);
  return words;
}

/**
 * ChaCha20 encryption (RFC 8439 §2.4): XOR of `input` with the keystream starting at block
 * `counter`. Decryption is the same call. Returns a new array; `input` is not modified.
 */
export function chacha20Encrypt(
  key: Uint8Array,
  counter: number,
  nonce: Uint8Array,
  input: Uint8Array,
): Uint8Array {
  assertLength(key, CHACHA_KEY_BYTES, 'key');
  assertLength(nonce, CHACHA_NONCE_BYTES, 'nonce');
  assertUint32(counter, 'counter');
  const blockCount = Math.ceil(input.length / CHACHA_BLOCK_BYTES);
  const keystream = new Uint32Array(16 * blockCount);
  chachaKeystreamWords(bytesToWordsLE(key), bytesToWordsLE(nonce), counter, keystream, 0, blockCount);
  const keystreamBytes = keystreamBytesLE(keystream);
  const out = new Uint8Array(input.length);
  for (let i = 0; i < input.length; i++) out[i] = input[i]! ^ keystreamBytes[i]!;
  return out;
}

/** The RFC byte serialization of keystream words (a zero-copy view on little-endian machines). */
function keystreamBytesLE(words: Uint32Array): Uint8Array {
  if (IS_LITTLE_ENDIAN) return new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
  const bytes = new Uint8Array(words.length * 4);
  for (let i = 0; i < words.length; i++) writeUint32LE(bytes, 4 * i, words[i]!);
  return bytes;
}

/** Keystream blocks generated per refill of `ChaCha20Source` (64 x 64 = 4096 bytes). */
export const CHACHA_SOURCE_BLOCKS_PER_REFILL = 64;
const REFILL_WORDS = 16 * CHACHA_SOURCE_BLOCKS_PER_REFILL;
const REFILL_BYTES = 4 * REFILL_WORDS;
/** Bytes of each refill that become the next key and are never output. */
const KEY_ERASURE_BYTES = CHACHA_KEY_BYTES;

export interface ChaCha20SourceOptions {
  /**
   * Exactly 32 bytes, used as the first key: the output is then reproducible from the seed.
   * Without it the key comes from the OS CSPRNG (`crypto.randomBytes`). The caller's array is
   * copied, not zeroed: erase it yourself if forward secrecy matters.
   */
  readonly seed?: Uint8Array;
}

/**
 * A forward-secure generator: ChaCha20 keystream with "fast key erasure" (D. J. Bernstein,
 * "Fast-key-erasure random-number generators", 2017, https://blog.cr.yp.to/20170723-random.html).
 *
 * Each refill runs ChaCha20 with the current key, an all-zero nonce and counters 0..63, giving
 * 4096 bytes. The first 32 bytes immediately replace the key and are wiped from the buffer; they
 * are never output. The other 4064 bytes are handed out in order, and every byte is zeroed in
 * the buffer as it is handed out. So whoever captures the object's memory later learns at most
 * the not-yet-returned bytes of the current refill and what follows, never an output already
 * returned (backtracking resistance): the keys that produced earlier output no longer exist and
 * ChaCha20 cannot be inverted from its keystream to its key.
 *
 * Since every key is used once, with counters 0..63, a (key, nonce, counter) triple never repeats.
 *
 * Byte order: the byte stream is the RFC serialization of the keystream; `nextUint32()` reads four
 * bytes big-endian, like `BufferedByteSource`, so a seed replays identically whichever of
 * `nextUint32()`/`fillBytes()` a consumer uses. A partial word (< 4 bytes) left at the end of a
 * refill is discarded by `nextUint32()`.
 */
export class ChaCha20Source implements RandomSource {
  readonly id = 'chacha20';
  private readonly key = new Uint32Array(8);
  private readonly nonce = new Uint32Array(3); // all zero: each key is used for one refill only
  private readonly words = new Uint32Array(REFILL_WORDS);
  private readonly bytes: Uint8Array;
  /** Byte offset of the next unread keystream byte in `words`. */
  private offset = REFILL_BYTES;

  constructor(options: ChaCha20SourceOptions = {}) {
    if (!IS_LITTLE_ENDIAN) {
      // The zero-copy byte view below assumes little-endian typed arrays (every Node target in use).
      throw new Error('ChaCha20Source requires a little-endian platform');
    }
    const seed = options.seed ?? randomBytes(CHACHA_KEY_BYTES);
    assertLength(seed, CHACHA_KEY_BYTES, 'ChaCha20Source seed');
    for (let i = 0; i < 8; i++) this.key[i] = readUint32LE(seed, 4 * i);
    this.bytes = new Uint8Array(this.words.buffer);
  }

  nextUint32(): number {
    let i = this.offset;
    if (i + 4 > REFILL_BYTES) {
      this.refill();
      i = this.offset;
    }
    this.offset = i + 4;
    if ((i & 3) === 0) {
      // Aligned: one keystream word, read big-endian from its little-endian bytes = byte swap.
      const w = this.words[i >>> 2]!;
      this.words[i >>> 2] = 0;
      return ((w << 24) | ((w & 0xff00) << 8) | ((w >>> 8) & 0xff00) | (w >>> 24)) >>> 0;
    }
    const b = this.bytes;
    const value = ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
    b.fill(0, i, i + 4);
    return value;
  }

  fillBytes(target: Uint8Array): void {
    let written = 0;
    while (written < target.length) {
      if (this.offset >= REFILL_BYTES) this.refill();
      const take = Math.min(target.length - written, REFILL_BYTES - this.offset);
      const end = this.offset + take;
      target.set(this.bytes.subarray(this.offset, end), written);
      this.bytes.fill(0, this.offset, end);
      this.offset = end;
      written += take;
    }
  }

  private refill(): void {
    chachaKeystreamWords(this.key, this.nonce, 0, this.words, 0, CHACHA_SOURCE_BLOCKS_PER_REFILL);
    // Fast key erasure: the first 32 keystream bytes become the next key, then vanish from the buffer.
    this.key.set(this.words.subarray(0, 8));
    this.words.fill(0, 0, 8);
    this.offset = KEY_ERASURE_BYTES;
  }
}

/**
 * Derives a 32-byte ChaCha20 key from a seed of any length: a 32-byte seed is the key itself,
 * anything else is condensed with SHA-256. Used by the generator registry.
 */
export function chachaKeyFromSeed(seed: Uint8Array): Uint8Array {
  if (seed.length === CHACHA_KEY_BYTES) return seed;
  return new Uint8Array(createHash('sha256').update(seed).digest());
}

// ---------------------------------------------------------------------------------------------
// Runtime known-answer self-test. Values are RFC 8439's (sections given per entry), embedded
// because a deployed RGS cannot read the test fixtures; chacha20.test.ts checks each one against the
// fixture vector file so that a typo here cannot hide.

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Known answers embedded for `chachaSelfTest` (exported so the tests can compare them with the fixtures). */
export const CHACHA_SELF_TEST_VECTORS = {
  /** RFC 8439 §2.1.1. */
  quarterRound: {
    input: [0x11111111, 0x01020304, 0x9b8d6f43, 0x01234567],
    output: [0xea2a92f4, 0xcb1cf8ce, 0x4581472e, 0x5881c4bb],
  },
  /** RFC 8439 §2.3.2. */
  block: {
    key: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
    nonce: '000000090000004a00000000',
    counter: 1,
    keystream:
      '10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e' +
      'd2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e',
  },
  /** RFC 8439 Appendix A.1, test vector #1 (all-zero key and nonce, counter 0). */
  zeroBlock: {
    keystream:
      '76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7' +
      'da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586',
  },
  /** RFC 8439 §2.4.2 (114 bytes: one full and one partial block). */
  encryption: {
    key: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
    nonce: '000000000000004a00000000',
    counter: 1,
    plaintext:
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
    ciphertext:
      '6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b' +
      'f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8' +
      '07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736' +
      '5af90bbf74a35be6b40b8eedf2785e42874d',
  },
} as const;

function check(name: string, run: () => string | null): SelfTestResult {
  try {
    const failure = run();
    return { name, passed: failure === null, detail: failure ?? 'known answer matched' };
  } catch (error) {
    return { name, passed: false, detail: `threw: ${(error as Error).message}` };
  }
}

/**
 * Known-answer self-test of the ChaCha20 code paths the generator uses: the quarter round, the
 * reference block function, the fast multi-block keystream, encryption across a partial block, and
 * the generator's key-erasure schedule (its output must equal the keystream after the 32 erased bytes).
 */
export function chachaSelfTest(): SelfTestResult[] {
  const v = CHACHA_SELF_TEST_VECTORS;
  return [
    check('chacha20 quarter round (RFC 8439 §2.1.1)', () => {
      const s = Uint32Array.from(v.quarterRound.input);
      chachaQuarterRound(s, 0, 1, 2, 3);
      return s.every((w, i) => w === v.quarterRound.output[i]) ? null : 'quarter round output differs';
    }),
    check('chacha20 block function (RFC 8439 §2.3.2)', () => {
      const got = bytesToHex(
        chachaBlock(hexToBytes(v.block.key), v.block.counter, hexToBytes(v.block.nonce)),
      );
      return got === v.block.keystream ? null : `block differs: ${got}`;
    }),
    check('chacha20 fast keystream (RFC 8439 A.1 #1, §2.3.2)', () => {
      const out = new Uint32Array(32);
      chachaKeystreamWords(new Uint32Array(8), new Uint32Array(3), 0, out, 0, 1);
      chachaKeystreamWords(
        bytesToWordsLE(hexToBytes(v.block.key)),
        bytesToWordsLE(hexToBytes(v.block.nonce)),
        v.block.counter,
        out,
        16,
        1,
      );
      const bytes = bytesToHex(keystreamBytesLE(out));
      return bytes === v.zeroBlock.keystream + v.block.keystream ? null : 'fast keystream differs';
    }),
    check('chacha20 encryption (RFC 8439 §2.4.2)', () => {
      const plaintext = new TextEncoder().encode(v.encryption.plaintext);
      const got = bytesToHex(
        chacha20Encrypt(
          hexToBytes(v.encryption.key),
          v.encryption.counter,
          hexToBytes(v.encryption.nonce),
          plaintext,
        ),
      );
      return got === v.encryption.ciphertext ? null : 'ciphertext differs';
    }),
    check('chacha20 generator key erasure (A.1 #1 keystream after the erased key)', () => {
      // With an all-zero seed, the first refill is the A.1 #1 block at counter 0 (and 63 more);
      // bytes 0..31 become the next key, so output starts at keystream byte 32.
      const source = new ChaCha20Source({ seed: new Uint8Array(32) });
      const first = new Uint8Array(32);
      source.fillBytes(first);
      const expected = v.zeroBlock.keystream.slice(64);
      return bytesToHex(first) === expected
        ? null
        : 'generator output is not the keystream after key erasure';
    }),
  ];
}
