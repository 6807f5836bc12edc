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

  /**
   * Overwrites `target[0 .. length)` with the next words, as int32 (`>>> 0` gives the uint32): the
   * same words `nextUint32()` would return, in order. Generators override it with a loop that keeps
   * their state in locals.
   */
  fillWords(target: Int32Array): void {
    for (let i = 0; i < target.length; i++) target[i] = this.nextUint32();
  }
}

/** Words per refill of a `BufferedWordSource`: 16 KiB, well inside the L1 cache. */
export const DEFAULT_WORD_BUFFER_WORDS = 4096;

/**
 * The words of another source, drawn ahead a block at a time. `nextUint32()` returns exactly the
 * words the inner source would have returned, in the same order, so anything played on it replays
 * identically on the bare source. It exists for the simulator's batch kernels (games/), which read
 * `words[pos]` directly with `pos` held in a local: one L1 load per word instead of a generator step
 * that loads and stores its whole state through an object on every call.
 *
 * Kernel protocol: words in [pos, end) are unread; call `ensure(n)` before reading n words (or, when
 * pos === end, `refill()`); write `pos` back before calling anything else that draws from this
 * source, and reload `pos` and `end` after. Unread words left in the buffer when the source is
 * dropped are never handed out.
 */
export class BufferedWordSource extends WordSource {
  readonly id: string;
  readonly words: Int32Array;
  pos: number;
  end: number;
  /** Words drawn from the inner source so far (read or still buffered). */
  private filledWords: number;

  constructor(
    private readonly inner: RandomSource,
    capacityWords = DEFAULT_WORD_BUFFER_WORDS,
  ) {
    super();
    if (!Number.isInteger(capacityWords) || capacityWords < 1 || capacityWords > 1 << 24) {
      throw new RangeError(`capacityWords must be an integer in [1, 2^24], got ${capacityWords}`);
    }
    this.id = inner.id;
    this.words = new Int32Array(capacityWords);
    this.pos = 0;
    this.end = 0; // empty: the first read refills
    this.filledWords = 0;
  }

  /** Refills the whole buffer from the inner source; only when every buffered word was read. */
  refill(): void {
    if (this.pos !== this.end) throw new Error('BufferedWordSource.refill: unread words would be lost');
    this.ensure(this.words.length);
  }

  /**
   * Makes at least `count` unread words available at [pos, end): when fewer are left, moves them
   * to the front and fills the rest of the buffer from the inner source (same words, same order).
   * A kernel checks once per spin instead of once per word.
   */
  ensure(count: number): void {
    if (this.end - this.pos >= count) return;
    if (!Number.isInteger(count) || count > this.words.length) {
      throw new RangeError(`ensure: ${count} words do not fit a ${this.words.length}-word buffer`);
    }
    const unread = this.end - this.pos;
    if (unread > 0) this.words.copyWithin(0, this.pos, this.end);
    const rest = this.words.subarray(unread);
    const inner = this.inner;
    if (inner instanceof WordSource) inner.fillWords(rest);
    else for (let i = 0; i < rest.length; i++) rest[i] = inner.nextUint32();
    this.filledWords += rest.length;
    this.pos = 0;
    this.end = this.words.length;
  }

  nextUint32(): number {
    if (this.pos === this.end) this.refill();
    return this.words[this.pos++]! >>> 0;
  }

  /** Words handed out so far: the position a bare inner source would be at. */
  wordsRead(): number {
    return this.filledWords - (this.end - this.pos);
  }
}

/** One line of a self-test (known-answer test, health test): what was checked and how it went. */
export interface SelfTestResult {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}
