import { chiSquaredDistributionTable, probit } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import {
  createStream,
  Philox4x32Source,
  philox4x32Block,
  SplitMix64,
  STREAM_KINDS,
  seedToUint64,
  Xoshiro128StarStar,
} from './streams.ts';

const MASK32 = 0xffffffffn;

/** Independent, deliberately plain BigInt model of xoshiro128** 1.1 (prng.di.unimi.it/xoshiro128starstar.c). */
function referenceXoshiroNext(s: bigint[]): bigint {
  const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & MASK32;
  const result = (rotl((s[1]! * 5n) & MASK32, 7n) * 9n) & MASK32;
  const t = (s[1]! << 9n) & MASK32;
  s[2] = s[2]! ^ s[0]!;
  s[3] = s[3]! ^ s[1]!;
  s[1] = s[1]! ^ s[2]!;
  s[0] = s[0]! ^ s[3]!;
  s[2] = s[2]! ^ t;
  s[3] = rotl(s[3]!, 11n);
  return result;
}

/** The state as one 128-bit integer: word w at bits 32w..32w+31 (bit j = bit j%32 of word j/32). */
const pack = (s: readonly (bigint | number)[]) =>
  s.reduce<bigint>((acc, w, i) => acc | (BigInt(w) << BigInt(32 * i)), 0n);
const unpack = (v: bigint) => [0, 1, 2, 3].map((i) => Number((v >> BigInt(32 * i)) & MASK32));

/**
 * The GF(2) matrix of k steps, by columns (column j = image of basis vector j), built from the
 * reference step function alone and raised by repeated squaring: an independent derivation of
 * "2^64 steps" to check the published jump polynomials against.
 */
function stepMatrixPowerOfTwo(log2Steps: number): bigint[] {
  let columns: bigint[] = [];
  for (let j = 0; j < 128; j++) {
    const s = unpack(1n << BigInt(j)).map(BigInt);
    referenceXoshiroNext(s);
    columns.push(pack(s));
  }
  const apply = (m: bigint[], v: bigint) => {
    let r = 0n;
    for (let j = 0; v !== 0n; j++, v >>= 1n) if (v & 1n) r ^= m[j]!;
    return r;
  };
  for (let k = 0; k < log2Steps; k++) {
    const m = columns;
    columns = m.map((c) => apply(m, c));
  }
  return columns;
}

function applyColumns(columns: bigint[], state: readonly number[]): number[] {
  let v = pack(state);
  let r = 0n;
  for (let j = 0; v !== 0n; j++, v >>= 1n) if (v & 1n) r ^= columns[j]!;
  return unpack(r);
}

describe('SplitMix64 (seeding)', () => {
  it('matches the published outputs for seed 0 (Vigna, splitmix64.c)', () => {
    const g = new SplitMix64(0n);
    expect([g.next(), g.next(), g.next(), g.next()]).toEqual([
      0xe220a8397b1dcdafn,
      0x6e789e6aa1b965f4n,
      0x06c45d188009454fn,
      0xf88bb8a8724c81ecn,
    ]);
  });
});

describe('xoshiro128**', () => {
  it('matches reference-implementation outputs for state {1, 2, 3, 4}', () => {
    // Produced with the reference xoshiro128starstar.c 1.1; published in the rand_xoshiro crate's
    // test `reference` (github.com/rust-random/rngs, rand_xoshiro/src/xoshiro128starstar.rs).
    const g = new Xoshiro128StarStar([1, 2, 3, 4]);
    const got = Array.from({ length: 10 }, () => g.nextUint32());
    expect(got).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804,
    ]);
  });

  it('agrees with an independent BigInt model for 20 000 outputs from a seeded state', () => {
    const g = Xoshiro128StarStar.fromSeed(0x0123456789abcdefn);
    const s = g.state().map(BigInt);
    // Seeding = two SplitMix64 outputs split into low/high words.
    const mix = new SplitMix64(0x0123456789abcdefn);
    const z0 = mix.next();
    const z1 = mix.next();
    expect(s).toEqual([z0 & MASK32, z0 >> 32n, z1 & MASK32, z1 >> 32n]);
    for (let i = 0; i < 20_000; i++) {
      const expected = referenceXoshiroNext(s);
      const got = g.nextUint32();
      if (BigInt(got) !== expected) expect.fail(`output ${i}: ${got} != ${expected}`);
    }
  });

  it('jump() advances exactly 2^64 steps and longJump() 2^96 (GF(2) matrix power from the step function)', () => {
    const jumpColumns = stepMatrixPowerOfTwo(64);
    let longColumns = jumpColumns;
    // Continue squaring to 2^96 without recomputing the first 64.
    const apply = (m: bigint[], v: bigint) => {
      let r = 0n;
      for (let j = 0; v !== 0n; j++, v >>= 1n) if (v & 1n) r ^= m[j]!;
      return r;
    };
    for (let k = 64; k < 96; k++) {
      const m = longColumns;
      longColumns = m.map((c) => apply(m, c));
    }
    for (const seed of [1n, 42n, 0xfeedfacecafebeefn]) {
      const a = Xoshiro128StarStar.fromSeed(seed);
      const start = a.state();
      a.jump();
      expect(a.state()).toEqual(applyColumns(jumpColumns, start));
      const b = Xoshiro128StarStar.fromSeed(seed);
      b.longJump();
      expect(b.state()).toEqual(applyColumns(longColumns, start));
    }
  });

  it('jumpMany(k) equals k calls of jump(), and 2^32 jumps equal one long jump', () => {
    for (const k of [0, 1, 2, 3, 5, 17, 100, 1000]) {
      const stepwise = Xoshiro128StarStar.fromSeed(7n);
      for (let i = 0; i < k; i++) stepwise.jump();
      const fast = Xoshiro128StarStar.fromSeed(7n);
      fast.jumpMany(k);
      expect(fast.state(), `k=${k}`).toEqual(stepwise.state());
    }
    const long = Xoshiro128StarStar.fromSeed(7n);
    long.longJump();
    long.jump();
    long.jump();
    const fast = Xoshiro128StarStar.fromSeed(7n);
    fast.jumpMany(2 ** 32 + 2);
    expect(fast.state()).toEqual(long.state());
  });

  it('refuses an all-zero state', () => {
    expect(() => new Xoshiro128StarStar([0, 0, 0, 0])).toThrow(/all zero/);
  });
});

describe('Philox4x32', () => {
  // Random123 known answers: github.com/DEShawResearch/random123, tests/kat_vectors (columns: name,
  // rounds, counter[4], key[2], expected[4]), the "philox4x32 7" and "philox4x32 10" lines.
  const KAT: {
    rounds: number;
    ctr: [number, number, number, number];
    key: [number, number];
    out: number[];
  }[] = [
    { rounds: 7, ctr: [0, 0, 0, 0], key: [0, 0], out: [0x5f6fb709, 0x0d893f64, 0x4f121f81, 0x4f730a48] },
    {
      rounds: 7,
      ctr: [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
      key: [0xffffffff, 0xffffffff],
      out: [0x5207ddc2, 0x45165e59, 0x4d8ee751, 0x8c52f662],
    },
    {
      rounds: 7,
      ctr: [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
      key: [0xa4093822, 0x299f31d0],
      out: [0x4dfccaba, 0x190a87f0, 0xc47362ba, 0xb6b5242a],
    },
    { rounds: 10, ctr: [0, 0, 0, 0], key: [0, 0], out: [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8] },
    {
      rounds: 10,
      ctr: [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
      key: [0xffffffff, 0xffffffff],
      out: [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
    },
    {
      rounds: 10,
      ctr: [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
      key: [0xa4093822, 0x299f31d0],
      out: [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
    },
  ];

  it.each(KAT)('block function matches Random123 KAT ($rounds rounds)', ({ rounds, ctr, key, out }) => {
    expect(philox4x32Block(ctr, key, rounds)).toEqual(out);
  });

  it.each(KAT.filter((v) => v.rounds === 10))(
    'the generator emits the KAT block at its counter',
    ({ ctr, key, out }) => {
      const g = new Philox4x32Source(key, ctr);
      expect([g.nextUint32(), g.nextUint32(), g.nextUint32(), g.nextUint32()]).toEqual(out);
    },
  );

  it('createStream(philox, 0n, 0) starts with the all-zero KAT block', () => {
    const g = createStream('philox4x32', 0n, 0);
    expect([g.nextUint32(), g.nextUint32(), g.nextUint32(), g.nextUint32()]).toEqual([
      0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8,
    ]);
  });

  it('stream i, block k is the block at counter (k, 0, lo(i), hi(i)) with key = seed', () => {
    const seed = 0x299f31d0a4093822n;
    const key: [number, number] = [0xa4093822, 0x299f31d0];
    for (const streamIndex of [0, 1, 12345, 2 ** 32 + 7, 2 ** 53 - 1]) {
      const g = createStream('philox4x32', seed, streamIndex);
      const lo = streamIndex % 2 ** 32;
      const hi = Math.floor(streamIndex / 2 ** 32);
      // 40 blocks crosses the 16-block refill boundary twice.
      for (let k = 0; k < 40; k++) {
        const expected = philox4x32Block([k, 0, lo, hi], key);
        const got = [g.nextUint32(), g.nextUint32(), g.nextUint32(), g.nextUint32()];
        if (got.join() !== expected.join()) expect.fail(`stream ${streamIndex} block ${k}`);
      }
    }
  });

  it('carries the block index into its high word and throws instead of leaving the stream', () => {
    const g = new Philox4x32Source([1, 2], [0xffffffff, 0, 5, 6]);
    for (let i = 0; i < 4; i++) g.nextUint32();
    expect([g.nextUint32(), g.nextUint32(), g.nextUint32(), g.nextUint32()]).toEqual(
      philox4x32Block([0, 1, 5, 6], [1, 2]),
    );
    const last = new Philox4x32Source([1, 2], [0xffffffff, 0xffffffff, 5, 6]);
    expect([last.nextUint32(), last.nextUint32(), last.nextUint32(), last.nextUint32()]).toEqual(
      philox4x32Block([0xffffffff, 0xffffffff, 5, 6], [1, 2]),
    );
    expect(() => last.nextUint32()).toThrow(/exhausted/);
  });
});

describe('createStream', () => {
  it.each(STREAM_KINDS)(
    '%s: stream k of a seed does not depend on other streams or on creation order',
    (kind) => {
      const draw = (streamIndex: number) => {
        const g = createStream(kind, 99n, streamIndex);
        return Array.from({ length: 64 }, () => g.nextUint32());
      };
      const alone = draw(5);
      for (let k = 0; k < 8; k++) draw(k); // other streams in use meanwhile
      expect(draw(5)).toEqual(alone);
      expect(draw(4)).not.toEqual(alone);
      expect(draw(6)).not.toEqual(alone);
    },
  );

  it.each(STREAM_KINDS)('%s: a chunked computation is identical for 1, 3 and 8 workers', (kind) => {
    const chunkCount = 8;
    const chunk = (k: number) => {
      const g = createStream(kind, 2024n, k);
      let sum = 0;
      for (let i = 0; i < 1000; i++) sum = (sum + g.nextUint32()) % 1_000_003;
      return sum;
    };
    const run = (workers: number) => {
      // Worker w takes chunks w, w + workers, ...; results are gathered by chunk index.
      const results = new Array<number>(chunkCount);
      for (let w = workers - 1; w >= 0; w--)
        for (let k = w; k < chunkCount; k += workers) results[k] = chunk(k);
      return results;
    };
    expect(run(3)).toEqual(run(1));
    expect(run(8)).toEqual(run(1));
  });

  it.each(STREAM_KINDS)('%s: fillBytes emits the nextUint32 words big-endian, for any length', (kind) => {
    for (const length of [0, 1, 3, 4, 5, 63, 64, 257, 4099]) {
      const a = createStream(kind, 3n, 1);
      const b = createStream(kind, 3n, 1);
      const bytes = new Uint8Array(length);
      a.fillBytes(bytes);
      const expected = new Uint8Array(Math.ceil(length / 4) * 4);
      const view = new DataView(expected.buffer);
      for (let i = 0; i < expected.length; i += 4) view.setUint32(i, b.nextUint32());
      expect(Buffer.from(bytes).toString('hex'), `length ${length}`).toBe(
        Buffer.from(expected.subarray(0, length)).toString('hex'),
      );
      // A partial final word is consumed whole: both continue in step.
      expect(a.nextUint32()).toBe(b.nextUint32());
    }
  });

  it.each(STREAM_KINDS)(
    '%s: byte frequencies pass a chi-square test at 99% (fixed seed, 2^20 bytes)',
    (kind) => {
      // Pearson chi-square on 256 equiprobable cells, 255 degrees of freedom.
      const bytes = new Uint8Array(1 << 20);
      createStream(kind, 0xc0ffeen, 3).fillBytes(bytes);
      const counts = new Array<number>(256).fill(0);
      for (const b of bytes) counts[b]!++;
      const expected = bytes.length / 256;
      const statistic = counts.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
      // simple-statistics' table stops at 100 df: use the Wilson–Hilferty cube-root approximation for
      // the 0.99 quantile of chi-square(255) (≈ 310.46), cross-checked against the table at 100 df.
      const quantile99 = (df: number) =>
        df * (1 - 2 / (9 * df) + probit(0.99) * Math.sqrt(2 / (9 * df))) ** 3;
      expect(quantile99(100)).toBeCloseTo(chiSquaredDistributionTable[100]![0.01], 0);
      expect(statistic).toBeLessThan(quantile99(255));
    },
  );

  it('seeds: bigint in [0, 2^64) as is, bytes through SHA-256; clear errors otherwise', () => {
    expect(seedToUint64(5n)).toBe(5n);
    // SHA-256("abc") = ba7816bf8f01cfea..., first 8 bytes big-endian.
    expect(seedToUint64(new TextEncoder().encode('abc'))).toBe(0xba7816bf8f01cfean);
    expect(() => seedToUint64(-1n)).toThrow(/2\^64/);
    expect(() => seedToUint64(1n << 64n)).toThrow(/2\^64/);
    expect(() => seedToUint64(new Uint8Array(0))).toThrow(/non-empty/);
    expect(() => createStream('xoshiro128ss', 1n, -1)).toThrow(/streamIndex/);
    expect(() => createStream('xoshiro128ss', 1n, 1.5)).toThrow(/streamIndex/);
    expect(() => createStream('mt19937' as never, 1n, 0)).toThrow(/xoshiro128ss, philox4x32/);
    // The same seed as bytes and as its SHA-256-derived bigint gives the same stream.
    const a = createStream('philox4x32', new TextEncoder().encode('abc'), 2);
    const b = createStream('philox4x32', 0xba7816bf8f01cfean, 2);
    expect(a.nextUint32()).toBe(b.nextUint32());
  });
});
