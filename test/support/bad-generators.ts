/**
 * TEST-ONLY: deliberately bad random generators, used as negative controls. The certification
 * batteries and the scaling tests must FAIL on these; a battery that passes them is broken.
 * Never import this module from production code (rng/, games/, rgs/, sim/).
 *
 * All are seeded and deterministic so a failing control reproduces exactly, except
 * `mathRandomModuloInt`, which exists only for demonstrations where determinism is not needed.
 */
import { type RandomSource, WordSource } from '../../rng/random-source.ts';

function assertInteger(value: number, min: number, max: number, name: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
}

/**
 * RANDU (IBM System/360 Scientific Subroutine Package, 1960s): x' = 65539 x mod 2^31, odd seed.
 * Famous for its lattice structure: x_{k+2} = 6 x_{k+1} - 9 x_k (mod 2^31), so consecutive triples
 * fall on 15 planes. Emitted as 32-bit words `x << 1`: the 31-bit state fills bits 31..1 and bit 0
 * is always 0 (so it also fails any bit-frequency test on bit 0).
 */
export class Randu extends WordSource {
  readonly id: string = 'randu';
  protected x: number;

  constructor(seed = 1) {
    super();
    assertInteger(seed, 1, 0x7fffffff, 'RANDU seed');
    if (seed % 2 === 0) throw new RangeError('RANDU seed must be odd');
    this.x = seed;
  }

  /** Advances and returns the 31-bit state. 65539 x < 2^48 would be exact too; imul keeps it int32. */
  nextState(): number {
    this.x = Math.imul(65539, this.x) & 0x7fffffff;
    return this.x;
  }

  nextUint32(): number {
    return (this.nextState() << 1) >>> 0;
  }
}

/** RANDU keeping only the top byte (bits 30..23) of each 31-bit state; four states per word, big-endian. */
export class RanduTopByte extends Randu {
  override readonly id = 'randu-top-byte';

  override nextUint32(): number {
    let word = 0;
    for (let i = 0; i < 4; i++) word = (word << 8) | (this.nextState() >>> 23);
    return word >>> 0;
  }
}

/**
 * The low bits of a power-of-two-modulus LCG: x' = 1664525 x + 1013904223 mod 2^32 (Numerical
 * Recipes' "quick and dirty" generator). Bit k of x has period 2^(k+1): bit 0 alternates. Each word
 * packs the low byte of four consecutive states (big-endian), so the word sequence repeats every
 * 64 words.
 */
export class TruncatedLcg extends WordSource {
  readonly id = 'lcg-low-bits';
  private x: number;

  constructor(seed = 1) {
    super();
    assertInteger(seed, 0, 0xffffffff, 'LCG seed');
    this.x = seed | 0;
  }

  nextUint32(): number {
    let word = 0;
    for (let i = 0; i < 4; i++) {
      this.x = (Math.imul(1664525, this.x) + 1013904223) | 0;
      word = (word << 8) | (this.x & 0xff);
    }
    return word >>> 0;
  }
}

/** Wraps a good source and forces bit `bit` (0 = least significant) of every word to `value`. */
export class StuckBitSource extends WordSource {
  readonly id: string;
  private readonly inner: RandomSource;
  private readonly mask: number;
  private readonly value: 0 | 1;

  constructor(inner: RandomSource, bit: number, value: 0 | 1) {
    super();
    assertInteger(bit, 0, 31, 'stuck bit index');
    this.inner = inner;
    this.mask = (1 << bit) >>> 0;
    this.value = value;
    this.id = `stuck-bit(${inner.id},bit=${bit},value=${value})`;
  }

  nextUint32(): number {
    const w = this.inner.nextUint32();
    return (this.value === 1 ? w | this.mask : w & ~this.mask) >>> 0;
  }
}

/** A generator of small words (fewer than 32 bits), like C's `rand()`. Not a `RandomSource`. */
export interface SmallWordGenerator {
  readonly id: string;
  readonly wordBits: number;
  nextWord(): number;
}

/**
 * The sample `rand()` of the C standard (C99 §7.20.2.2, example): next = next x 1103515245 + 12345,
 * returning (next / 65536) % 32768, i.e. bits 30..16 (RAND_MAX = 32767, 15-bit words). The state is
 * kept mod 2^31, which gives the same outputs: bits 30..16 depend only on the low 31 bits.
 */
export class AnsiCRand implements SmallWordGenerator {
  readonly id = 'ansi-c-rand';
  readonly wordBits = 15;
  private x: number;

  constructor(seed = 1) {
    assertInteger(seed, 0, 0xffffffff, 'rand() seed');
    this.x = seed | 0;
  }

  nextWord(): number {
    this.x = (Math.imul(1103515245, this.x) + 12345) & 0x7fffffff;
    return this.x >>> 16;
  }
}

/**
 * THE BUG: maps a word to [0, n) with `word % n`. Unless n divides 2^wordBits, residues below
 * 2^wordBits mod n occur once more often than the others: e.g. 15-bit words and n = 20000 make
 * 0..12767 twice as likely as 12768..19999.
 */
export function moduloBiasedInt(generator: SmallWordGenerator, n: number): number {
  assertInteger(n, 1, 2 ** generator.wordBits, 'n');
  return generator.nextWord() % n;
}

/** A seeded biased integer sampler, `rand() % n`, as a function n -> [0, n): a scaled-output negative control. */
export function createModuloBiasedSampler(seed = 1): (n: number) => number {
  const generator = new AnsiCRand(seed);
  return (n) => moduloBiasedInt(generator, n);
}

/**
 * The classic web-code bug, `Math.floor(Math.random() * 2^16) % n`. NOT seedable, NOT reproducible:
 * use only for demonstrations; every recorded negative control uses `createModuloBiasedSampler`.
 */
export function mathRandomModuloInt(n: number): number {
  assertInteger(n, 1, 2 ** 16, 'n');
  return Math.floor(Math.random() * 2 ** 16) % n;
}
