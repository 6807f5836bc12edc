/**
 * Simulation streams: fast, non-cryptographic generators for Monte Carlo, with reproducible,
 * non-overlapping parallel streams. A simulation split into chunks draws chunk k from stream k of
 * the recorded seed, so its numbers are bit-identical whatever the number of workers: stream k of a
 * seed depends only on (kind, seed, k), never on which other streams exist or were used.
 *
 * Two generators:
 * - xoshiro128** 1.1 (D. Blackman, S. Vigna, "Scrambled linear pseudorandom number generators",
 *   ACM TOMS 47(4), 2021; reference code https://prng.di.unimi.it/xoshiro128starstar.c). Period
 *   2^128 - 1. Stream k starts k x 2^64 steps into the sequence of the seeded state (k jumps), so
 *   streams are consecutive disjoint segments of 2^64 outputs of one cycle: they cannot overlap
 *   unless one stream draws more than 2^64 words (≈ 600 years at 10^9 words/s).
 * - Philox4x32-10 (J. K. Salmon, M. A. Moraes, R. O. Dror, D. E. Shaw, "Parallel random numbers:
 *   as easy as 1, 2, 3", SC'11, doi:10.1145/2063384.2063405), counter-based. For a fixed 64-bit key
 *   it is a bijection of the 128-bit counter. Stream k uses counters (blockIndex, k): words 0-1 of
 *   the counter are the 64-bit block index, words 2-3 the stream index. Two streams never evaluate
 *   the same (key, counter) input, so they never share an output block; each stream has a period of
 *   2^64 blocks = 2^66 words, and exhausting it throws rather than wrapping.
 *
 * Seeds: a bigint in [0, 2^64), or bytes condensed with SHA-256 to their first 8 bytes (big-endian).
 * xoshiro's 128-bit state comes from two outputs of SplitMix64 on the seed, as the authors advise;
 * Philox's key is the seed itself (low word first).
 *
 * Hot paths use only 32-bit integer operations (`Math.imul`, shifts, `>>> 0`); BigInt appears only
 * in seeding and in setting up jumps.
 */
import { createHash } from 'node:crypto';
import { type RandomSource, WordSource } from './random-source.ts';

export type StreamKind = 'xoshiro128ss' | 'philox4x32';
export const STREAM_KINDS: readonly StreamKind[] = ['xoshiro128ss', 'philox4x32'];

/** Stream indices are safe integers: 0 <= streamIndex < 2^53. */
export const MAX_STREAM_INDEX = Number.MAX_SAFE_INTEGER;

const UINT64_MASK = (1n << 64n) - 1n;

/** Reduces a seed to 64 bits: a bigint in [0, 2^64) as is; bytes via SHA-256 (first 8 bytes, big-endian). */
export function seedToUint64(seed: bigint | Uint8Array): bigint {
  if (typeof seed === 'bigint') {
    if (seed < 0n || seed > UINT64_MASK) throw new RangeError(`seed must be in [0, 2^64), got ${seed}`);
    return seed;
  }
  if (!(seed instanceof Uint8Array) || seed.length === 0) {
    throw new TypeError('seed must be a bigint in [0, 2^64) or a non-empty Uint8Array');
  }
  return createHash('sha256').update(seed).digest().readBigUInt64BE(0);
}

/**
 * SplitMix64 (G. Steele, D. Lea, C. Flood, "Fast splittable pseudorandom number generators",
 * OOPSLA 2014; constants as in Vigna's https://prng.di.unimi.it/splitmix64.c). Used only to expand a
 * 64-bit seed into generator state, as the xoshiro authors recommend.
 */
export class SplitMix64 {
  private state: bigint;

  constructor(seed: bigint) {
    this.state = seed & UINT64_MASK;
  }

  next(): bigint {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & UINT64_MASK;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & UINT64_MASK;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & UINT64_MASK;
    return z ^ (z >> 31n);
  }
}

function assertStreamIndex(streamIndex: number): void {
  if (!Number.isSafeInteger(streamIndex) || streamIndex < 0) {
    throw new RangeError(`streamIndex must be an integer in [0, 2^53), got ${streamIndex}`);
  }
}

// ---------------------------------------------------------------------------------------------
// xoshiro128**

/** Jump polynomials from the reference code: 2^64 and 2^96 steps ahead. */
const XOSHIRO128_JUMP: readonly number[] = [0x8764000b, 0xf542d2d3, 0x6fa035c3, 0x77f2db5b];
const XOSHIRO128_LONG_JUMP: readonly number[] = [0xb523952e, 0x0b6f099f, 0xccf5a0ef, 0x1c580662];

export type Xoshiro128State = readonly [number, number, number, number];

/** xoshiro128** 1.1: 128-bit state, 32-bit output `rotl(s1 * 5, 7) * 9`. */
export class Xoshiro128StarStar extends WordSource {
  declare readonly id: 'xoshiro128ss';
  // The four state words, kept as int32 for V8's fast integer paths. `declare`: no class-field
  // definition, so the constructor's first stores (int32) set the fields' representation; a
  // defined field starts as `undefined` and leaves them generic tagged slots (measured: about 1.5x
  // on a bare word loop).
  declare private s0: number;
  declare private s1: number;
  declare private s2: number;
  declare private s3: number;

  /** From an explicit state (not all zero). */
  constructor(state: Xoshiro128State) {
    super();
    for (const w of state) {
      if (!Number.isInteger(w) || w < 0 || w > 0xffffffff) throw new RangeError('state words must be uint32');
    }
    if (state.every((w) => w === 0)) throw new RangeError('xoshiro128** state must not be all zero');
    this.id = 'xoshiro128ss';
    this.s0 = state[0] | 0;
    this.s1 = state[1] | 0;
    this.s2 = state[2] | 0;
    this.s3 = state[3] | 0;
  }

  /**
   * From a 64-bit seed: two SplitMix64 outputs z0, z1 give the state (lo32(z0), hi32(z0), lo32(z1),
   * hi32(z1)). SplitMix64's output function is a bijection and consecutive internal states differ, so
   * z0 and z1 cannot both be zero: the state is never all zero.
   */
  static fromSeed(seed: bigint): Xoshiro128StarStar {
    const mix = new SplitMix64(seedToUint64(seed));
    const z0 = mix.next();
    const z1 = mix.next();
    return new Xoshiro128StarStar([
      Number(z0 & 0xffffffffn),
      Number(z0 >> 32n),
      Number(z1 & 0xffffffffn),
      Number(z1 >> 32n),
    ]);
  }

  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    const s2 = this.s2 ^ s0;
    const s3 = this.s3 ^ s1;
    this.s1 = s1 ^ s2;
    this.s0 = s0 ^ s3;
    this.s2 = s2 ^ t;
    this.s3 = (s3 << 11) | (s3 >>> 21);
    return result;
  }

  /** Same bytes as `WordSource.fillBytes` (words big-endian), with the generator step inlined. */
  override fillBytes(target: Uint8Array): void {
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    const fullEnd = target.length - (target.length & 3);
    let i = 0;
    for (; i < fullEnd; i += 4) {
      const m = Math.imul(s1, 5);
      const w = Math.imul((m << 7) | (m >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      target[i] = w >>> 24;
      target[i + 1] = w >>> 16;
      target[i + 2] = w >>> 8;
      target[i + 3] = w;
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
    if (i < target.length) {
      const w = this.nextUint32();
      for (let shift = 24; i < target.length; i++, shift -= 8) target[i] = (w >>> shift) & 0xff;
    }
  }

  /**
   * The words `nextUint32()` would return, with the generator step inlined over locals, two steps
   * per iteration (V8 does not unroll loops; measured about 15 % more words per second).
   */
  override fillWords(target: Int32Array): void {
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    const n = target.length;
    let i = 0;
    for (; i < n; i++) {
      let m = Math.imul(s1, 5);
      target[i] = Math.imul((m << 7) | (m >>> 25), 9);
      let t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      if (++i === n) break;
      m = Math.imul(s1, 5);
      target[i] = Math.imul((m << 7) | (m >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }

  /** Advances 2^64 steps (the reference `jump()`). */
  jump(): void {
    this.applyJumpPolynomial(XOSHIRO128_JUMP);
  }

  /** Advances 2^96 steps (the reference `long_jump()`). */
  longJump(): void {
    this.applyJumpPolynomial(XOSHIRO128_LONG_JUMP);
  }

  /** The state words as uint32, in the reference order s[0..3]. */
  state(): [number, number, number, number] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  /**
   * Advances `jumps` x 2^64 steps in O(log jumps) GF(2) matrix-vector products (see `jumpMatrixPower`),
   * giving the same state as calling `jump()` `jumps` times.
   */
  jumpMany(jumps: number): void {
    assertStreamIndex(jumps);
    let remaining = jumps;
    let state = this.state();
    for (let k = 0; remaining > 0; k++) {
      if (remaining % 2 === 1) state = applyGf2Matrix(jumpMatrixPower(k), state);
      remaining = Math.floor(remaining / 2);
    }
    [this.s0, this.s1, this.s2, this.s3] = [state[0] | 0, state[1] | 0, state[2] | 0, state[3] | 0];
  }

  private applyJumpPolynomial(polynomial: readonly number[]): void {
    let t0 = 0;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    for (const word of polynomial) {
      for (let b = 0; b < 32; b++) {
        if ((word >>> b) & 1) {
          t0 ^= this.s0;
          t1 ^= this.s1;
          t2 ^= this.s2;
          t3 ^= this.s3;
        }
        this.nextUint32();
      }
    }
    this.s0 = t0;
    this.s1 = t1;
    this.s2 = t2;
    this.s3 = t3;
  }
}

/*
 * The xoshiro state transition is linear over GF(2), so "jump 2^64 steps" is a 128x128 bit matrix J.
 * A matrix is stored by columns: column j (4 words) is the image of the basis state with only bit j
 * set (bit j = bit j%32 of word j/32). J's columns come from the reference jump polynomial applied
 * to each basis state; J^(2^k) follows by repeated squaring. Stream k then costs at most 53
 * matrix-vector products instead of k jumps.
 */
type Gf2Matrix = Uint32Array; // 128 columns x 4 words

function applyGf2Matrix(matrix: Gf2Matrix, v: ArrayLike<number>): [number, number, number, number] {
  let r0 = 0;
  let r1 = 0;
  let r2 = 0;
  let r3 = 0;
  for (let w = 0; w < 4; w++) {
    const word = v[w]!;
    for (let b = 0; b < 32; b++) {
      if ((word >>> b) & 1) {
        const c = 4 * (32 * w + b);
        r0 ^= matrix[c]!;
        r1 ^= matrix[c + 1]!;
        r2 ^= matrix[c + 2]!;
        r3 ^= matrix[c + 3]!;
      }
    }
  }
  return [r0 >>> 0, r1 >>> 0, r2 >>> 0, r3 >>> 0];
}

function squareGf2Matrix(matrix: Gf2Matrix): Gf2Matrix {
  const out = new Uint32Array(512);
  for (let j = 0; j < 128; j++) out.set(applyGf2Matrix(matrix, matrix.subarray(4 * j, 4 * j + 4)), 4 * j);
  return out;
}

/** Memo of J^(2^k), k = 0..52: pure functions of the algorithm's constants, computed once on demand. */
const jumpMatrixPowers: Gf2Matrix[] = [];

function jumpMatrixPower(k: number): Gf2Matrix {
  if (jumpMatrixPowers.length === 0) {
    const j = new Uint32Array(512);
    for (let bit = 0; bit < 128; bit++) {
      const basis: [number, number, number, number] = [0, 0, 0, 0];
      basis[bit >>> 5] = 2 ** (bit & 31);
      const g = new Xoshiro128StarStar(basis);
      g.jump();
      j.set(g.state(), 4 * bit);
    }
    jumpMatrixPowers.push(j);
  }
  while (jumpMatrixPowers.length <= k) {
    jumpMatrixPowers.push(squareGf2Matrix(jumpMatrixPowers[jumpMatrixPowers.length - 1]!));
  }
  return jumpMatrixPowers[k]!;
}

// ---------------------------------------------------------------------------------------------
// Philox4x32-10

const PHILOX_M0 = 0xd2511f53;
const PHILOX_M1 = 0xcd9e8d57;
const PHILOX_W0 = 0x9e3779b9;
const PHILOX_W1 = 0xbb67ae85;
const M0_LO = PHILOX_M0 & 0xffff;
const M0_HI = PHILOX_M0 >>> 16;
const M1_LO = PHILOX_M1 & 0xffff;
const M1_HI = PHILOX_M1 >>> 16;

/**
 * High 32 bits (as an int32 bit pattern) of the 64-bit product of a 32-bit `a` and a 32-bit constant
 * given by its 16-bit halves (bLo, bHi): schoolbook multiplication on 16-bit limbs. Each partial
 * product is < 2^32, so `Math.imul` yields its exact bit pattern; the middle column sum is < 3 x 2^16;
 * and since the true high word is < 2^32, summing modulo 2^32 (`| 0`) is exact. Integer-only: V8 keeps
 * it in int32 registers, measurably faster than float-based alternatives.
 */
function mulHi32(a: number, bLo: number, bHi: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const lh = Math.imul(aLo, bHi);
  const hl = Math.imul(aHi, bLo);
  const mid = (Math.imul(aLo, bLo) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (Math.imul(aHi, bHi) + ((lh >>> 16) + (hl >>> 16) + (mid >>> 16))) | 0;
}

/**
 * One Philox4x32 block: `rounds` rounds of the Random123 round function on a 4-word counter with a
 * 2-word key (the key is bumped by the Weyl constants before every round but the first). Reference
 * form, checked against Random123's known answers; the generator inlines the same code.
 */
export function philox4x32Block(
  counter: readonly [number, number, number, number],
  key: readonly [number, number],
  rounds = 10,
): [number, number, number, number] {
  let c0 = counter[0] >>> 0;
  let c1 = counter[1] >>> 0;
  let c2 = counter[2] >>> 0;
  let c3 = counter[3] >>> 0;
  let k0 = key[0] >>> 0;
  let k1 = key[1] >>> 0;
  for (let r = 0; r < rounds; r++) {
    if (r > 0) {
      k0 = (k0 + PHILOX_W0) >>> 0;
      k1 = (k1 + PHILOX_W1) >>> 0;
    }
    const hi0 = mulHi32(c0, M0_LO, M0_HI) >>> 0;
    const lo0 = Math.imul(PHILOX_M0, c0) >>> 0;
    const hi1 = mulHi32(c2, M1_LO, M1_HI) >>> 0;
    const lo1 = Math.imul(PHILOX_M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
  }
  return [c0, c1, c2, c3];
}

/** Philox blocks computed per refill of `Philox4x32Source` (amortizes the call; 64 words). */
const PHILOX_BLOCKS_PER_REFILL = 16;

/**
 * Philox4x32-10 as a word generator: outputs words 0..3 of block (c0, c1, c2, c3), then increments
 * the 64-bit block index (c0 low, c1 high). Words 2-3 of the counter (the stream index) never
 * change, so the generator never leaves its stream; it throws after 2^64 blocks instead of wrapping.
 */
export class Philox4x32Source extends WordSource {
  readonly id = 'philox4x32';
  /** Block index of the next block to compute (c0 low word, c1 high word). */
  private c0: number;
  private c1: number;
  private readonly c2: number;
  private readonly c3: number;
  /** Round keys k0, k1 for rounds 0..9 (the key schedule is fixed per stream, so computed once). */
  private readonly roundKeys = new Int32Array(20);
  private readonly out = new Uint32Array(4 * PHILOX_BLOCKS_PER_REFILL);
  private outLength = 0;
  private outIndex = 0;
  private exhausted = false;

  constructor(
    key: readonly [number, number],
    counter: readonly [number, number, number, number] = [0, 0, 0, 0],
  ) {
    super();
    for (const w of [...key, ...counter]) {
      if (!Number.isInteger(w) || w < 0 || w > 0xffffffff)
        throw new RangeError('key and counter words must be uint32');
    }
    this.c0 = counter[0];
    this.c1 = counter[1];
    this.c2 = counter[2];
    this.c3 = counter[3];
    for (let r = 0; r < 10; r++) {
      this.roundKeys[2 * r] = (key[0] + r * PHILOX_W0) | 0;
      this.roundKeys[2 * r + 1] = (key[1] + r * PHILOX_W1) | 0;
    }
  }

  nextUint32(): number {
    if (this.outIndex === this.outLength) this.refill();
    return this.out[this.outIndex++]!;
  }

  /** The words `nextUint32()` would return, copied a block at a time (uint32 stored as int32). */
  override fillWords(target: Int32Array): void {
    let i = 0;
    while (i < target.length) {
      if (this.outIndex === this.outLength) this.refill();
      const take = Math.min(this.outLength - this.outIndex, target.length - i);
      target.set(this.out.subarray(this.outIndex, this.outIndex + take), i);
      this.outIndex += take;
      i += take;
    }
  }

  /** Same bytes as `WordSource.fillBytes` (words big-endian), copied straight from the block buffer. */
  override fillBytes(target: Uint8Array): void {
    const fullEnd = target.length - (target.length & 3);
    const out = this.out;
    let i = 0;
    while (i < fullEnd) {
      if (this.outIndex === this.outLength) this.refill();
      let j = this.outIndex;
      const stop = Math.min(this.outLength, j + ((fullEnd - i) >>> 2));
      for (; j < stop; j++, i += 4) {
        const w = out[j]!;
        target[i] = w >>> 24;
        target[i + 1] = w >>> 16;
        target[i + 2] = w >>> 8;
        target[i + 3] = w;
      }
      this.outIndex = j;
    }
    if (i < target.length) {
      const w = this.nextUint32();
      for (let shift = 24; i < target.length; i++, shift -= 8) target[i] = (w >>> shift) & 0xff;
    }
  }

  private refill(): void {
    if (this.exhausted) throw new RangeError('Philox4x32 stream exhausted (2^64 blocks drawn)');
    const out = this.out;
    let o = 0;
    for (let block = 0; block < PHILOX_BLOCKS_PER_REFILL && !this.exhausted; block++) {
      // int32 bit patterns throughout; the Uint32Array store converts to uint32.
      let x0 = this.c0 | 0;
      let x1 = this.c1 | 0;
      let x2 = this.c2 | 0;
      let x3 = this.c3 | 0;
      const roundKeys = this.roundKeys;
      for (let r = 0; r < 20; r += 2) {
        const k0 = roundKeys[r]!;
        const k1 = roundKeys[r + 1]!;
        const hi0 = mulHi32(x0, M0_LO, M0_HI);
        const lo0 = Math.imul(PHILOX_M0, x0);
        const hi1 = mulHi32(x2, M1_LO, M1_HI);
        const lo1 = Math.imul(PHILOX_M1, x2);
        x0 = hi1 ^ x1 ^ k0;
        x1 = lo1;
        x2 = hi0 ^ x3 ^ k1;
        x3 = lo0;
      }
      out[o] = x0;
      out[o + 1] = x1;
      out[o + 2] = x2;
      out[o + 3] = x3;
      o += 4;
      // Next block index, 64-bit with carry; wrapping to 0 would re-enter the stream's own start.
      this.c0 = (this.c0 + 1) >>> 0;
      if (this.c0 === 0) {
        this.c1 = (this.c1 + 1) >>> 0;
        if (this.c1 === 0) this.exhausted = true;
      }
    }
    this.outLength = o;
    this.outIndex = 0;
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * Stream `streamIndex` of `seed` for generator `kind`. The result depends only on its three
 * arguments, so chunk k of a simulation can be computed by any worker, in any order.
 * - 'xoshiro128ss': the SplitMix64-seeded state advanced by streamIndex x 2^64 steps.
 * - 'philox4x32': key = seed (lo, hi words), counter = (0, 0, lo32(streamIndex), hi32(streamIndex)).
 */
export function createStream(kind: StreamKind, seed: bigint | Uint8Array, streamIndex: number): RandomSource {
  assertStreamIndex(streamIndex);
  const seed64 = seedToUint64(seed);
  switch (kind) {
    case 'xoshiro128ss': {
      const generator = Xoshiro128StarStar.fromSeed(seed64);
      generator.jumpMany(streamIndex);
      return generator;
    }
    case 'philox4x32': {
      const key: [number, number] = [Number(seed64 & 0xffffffffn), Number(seed64 >> 32n)];
      const streamLo = streamIndex % 0x100000000;
      const streamHi = Math.floor(streamIndex / 0x100000000);
      return new Philox4x32Source(key, [0, 0, streamLo, streamHi]);
    }
    default:
      throw new RangeError(`unknown stream kind '${kind as string}'; known: ${STREAM_KINDS.join(', ')}`);
  }
}
