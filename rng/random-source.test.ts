import { describe, expect, it } from 'vitest';
import { BufferedWordSource, WordSource } from './random-source.ts';
import { createStream, STREAM_KINDS } from './streams.ts';

/** A plain word source (no fillWords override): the default fillWords path. */
class CounterSource extends WordSource {
  readonly id = 'counter';
  private next = 0;
  nextUint32(): number {
    this.next = (this.next + 0x9e3779b9) >>> 0;
    return this.next;
  }
}

describe('WordSource.fillWords', () => {
  for (const kind of STREAM_KINDS) {
    it(`${kind}: fillWords gives the words nextUint32 gives, and the stream continues in step`, () => {
      const a = createStream(kind, 42n, 3);
      const b = createStream(kind, 42n, 3);
      // 1000 words: not a multiple of philox's block, so a fill ends inside a block.
      const filled = new Int32Array(1000);
      (a as WordSource).fillWords(filled);
      const expected = Array.from({ length: 1000 }, () => b.nextUint32());
      expect(Array.from(filled, (w) => w >>> 0)).toEqual(expected);
      expect(a.nextUint32()).toBe(b.nextUint32());
    });
  }
});

describe('BufferedWordSource', () => {
  it('hands out exactly the inner words, in order, across refills, and counts them', () => {
    for (const capacity of [1, 3, 61, 4096]) {
      const buffered = new BufferedWordSource(createStream('xoshiro128ss', 9n, 0), capacity);
      const bare = createStream('xoshiro128ss', 9n, 0);
      for (let i = 0; i < 5000; i++) expect(buffered.nextUint32()).toBe(bare.nextUint32());
      expect(buffered.wordsRead()).toBe(5000);
    }
  });

  it('works over a source without a fast fill, and its bytes match the bare source bytes', () => {
    const buffered = new BufferedWordSource(new CounterSource(), 5);
    const bare = new CounterSource();
    const x = new Uint8Array(23);
    const y = new Uint8Array(23);
    buffered.fillBytes(x);
    bare.fillBytes(y);
    expect(Array.from(x)).toEqual(Array.from(y));
    expect(buffered.nextUint32()).toBe(bare.nextUint32());
    expect(buffered.wordsRead()).toBe(7);
  });

  it('follows the kernel protocol: words read from the array directly count as read', () => {
    const buffered = new BufferedWordSource(createStream('philox4x32', 1n, 2), 8);
    const bare = createStream('philox4x32', 1n, 2);
    buffered.refill();
    const first = buffered.words[buffered.pos++]! >>> 0;
    expect(first).toBe(bare.nextUint32());
    expect(buffered.wordsRead()).toBe(1);
    expect(buffered.nextUint32()).toBe(bare.nextUint32());
  });

  it('ensure keeps the unread words in order and refills behind them', () => {
    for (const kind of STREAM_KINDS) {
      const buffered = new BufferedWordSource(createStream(kind, 5n, 1), 16);
      const bare = createStream(kind, 5n, 1);
      const read: number[] = [];
      const expected: number[] = [];
      // Read 0..6 words at a time straight from the array after ensure(k), as kernels do.
      for (let step = 0; step < 400; step++) {
        const k = step % 7;
        buffered.ensure(k);
        expect(buffered.end - buffered.pos).toBeGreaterThanOrEqual(k);
        for (let i = 0; i < k; i++) read.push(buffered.words[buffered.pos++]! >>> 0);
        for (let i = 0; i < k; i++) expected.push(bare.nextUint32());
      }
      expect(read).toEqual(expected);
      expect(buffered.wordsRead()).toBe(expected.length);
      expect(buffered.nextUint32()).toBe(bare.nextUint32());
    }
    expect(() => new BufferedWordSource(createStream('xoshiro128ss', 1n, 0), 4).ensure(5)).toThrow(
      RangeError,
    );
  });

  it('refuses to refill over unread words, and rejects bad capacities', () => {
    const buffered = new BufferedWordSource(createStream('xoshiro128ss', 1n, 0), 4);
    buffered.nextUint32();
    expect(() => buffered.refill()).toThrow(/unread words/);
    for (const bad of [0, -1, 1.5, 2 ** 25]) {
      expect(() => new BufferedWordSource(createStream('xoshiro128ss', 1n, 0), bad)).toThrow(RangeError);
    }
  });
});
