/**
 * The one interface every consumer of randomness takes: games, the RGS, the simulators and the
 * certification batteries. Any generator (a DRBG, a simulation stream, a deliberately bad
 * generator for a negative control) can be plugged into any of them.
 *
 * Contract:
 * - `nextUint32()` returns an integer uniformly distributed over [0, 2^32).
 * - `fillBytes(target)` overwrites every byte of `target` with uniformly distributed bytes.
 * - Both draw from the same underlying stream; a source is not thread-safe (one per worker).
 * - Scaling to a range is NEVER done by the caller with `%`: use `rng/scaling.ts`.
 */
export interface RandomSource {
  /** Stable, short generator name, e.g. "hmac-drbg", "xoshiro256ss". */
  readonly id: string;
  /** Uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** Fills `target` entirely with uniform random bytes. */
  fillBytes(target: Uint8Array): void;
}

/** Bytes per refill of a buffered byte generator; SP 800-90A allows 2^19 bits (65536 bytes) per request. */
export const DEFAULT_BUFFER_BYTES = 4096;

/**
 * Adapts a byte-oriented generator (a DRBG's Generate call, a keystream) to `RandomSource` by
 * buffering. Words are read big-endian from the byte stream so that `nextUint32()` and
 * `fillBytes()` consume the same bytes in the same order: a recorded seed replays identically
 * whichever of the two a consumer uses.
 */
export class BufferedByteSource implements RandomSource {
  readonly id: string;
  private readonly refill: (target: Uint8Array) => void;
  private readonly buffer: Uint8Array;
  private offset: number;

  constructor(id: string, refill: (target: Uint8Array) => void, bufferBytes = DEFAULT_BUFFER_BYTES) {
    if (!Number.isInteger(bufferBytes) || bufferBytes < 4 || bufferBytes % 4 !== 0) {
      throw new RangeError(`bufferBytes must be a positive multiple of 4, got ${bufferBytes}`);
    }
    this.id = id;
    this.refill = refill;
    this.buffer = new Uint8Array(bufferBytes);
    this.offset = bufferBytes; // empty: the first draw refills
  }

  nextUint32(): number {
    if (this.offset + 4 > this.buffer.length) this.refillBuffer();
    const b = this.buffer;
    const i = this.offset;
    this.offset = i + 4;
    return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
  }

  fillBytes(target: Uint8Array): void {
    let written = 0;
    while (written < target.length) {
      if (this.offset >= this.buffer.length) this.refillBuffer();
      const take = Math.min(target.length - written, this.buffer.length - this.offset);
      target.set(this.buffer.subarray(this.offset, this.offset + take), written);
      this.offset += take;
      written += take;
    }
  }

  private refillBuffer(): void {
    // Any unread tail (fewer than 4 bytes) is discarded, never reused.
    this.refill(this.buffer);
    this.offset = 0;
  }
}

/**
 * Adapts a word generator (simulation streams) to `RandomSource`. Bytes are emitted big-endian
 * from consecutive words, matching `BufferedByteSource`.
 */
export abstract class WordSource implements RandomSource {
  abstract readonly id: string;
  abstract nextUint32(): number;

  fillBytes(target: Uint8Array): void {
    let i = 0;
    const fullWordsEnd = target.length - (target.length % 4);
    for (; i < fullWordsEnd; i += 4) {
      const w = this.nextUint32();
      target[i] = w >>> 24;
      target[i + 1] = (w >>> 16) & 0xff;
      target[i + 2] = (w >>> 8) & 0xff;
      target[i + 3] = w & 0xff;
    }
    if (i < target.length) {
      const w = this.nextUint32();
      for (let shift = 24; i < target.length; i++, shift -= 8) target[i] = (w >>> shift) & 0xff;
    }
  }
}

/** One line of a self-test (known-answer test, health test): what was checked and how it went. */
export interface SelfTestResult {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}
