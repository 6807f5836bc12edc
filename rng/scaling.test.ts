import { chiSquaredDistributionTable } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { AnsiCRand, createModuloBiasedSampler, moduloBiasedInt } from '../test/support/bad-generators.ts';
import type { RandomSource } from './random-source.ts';
import {
  createAliasSampler,
  createCumulativeSampler,
  createWeightedSampler,
  lemireMapWord,
  MAX_REJECTION_ATTEMPTS,
  mulHiUint32,
  shuffleInPlace,
  uniformFloat53,
  uniformInt,
  uniformIntBetween,
  uniformIntLarge,
} from './scaling.ts';
import { createStream } from './streams.ts';

/** A source replaying given words (then failing loudly), to drive the code down exact paths. */
function scripted(words: number[]): RandomSource & { used: number } {
  const source = {
    id: 'scripted',
    used: 0,
    nextUint32(): number {
      if (source.used >= words.length) throw new Error('scripted source exhausted');
      return words[source.used++]!;
    },
    fillBytes(): void {
      throw new Error('not used');
    },
  };
  return source;
}

/** Pearson chi-square statistic of observed counts against expected counts. */
function chiSquare(observed: readonly number[], expected: readonly number[]): number {
  return observed.reduce((acc, o, i) => acc + (o - expected[i]!) ** 2 / expected[i]!, 0);
}

/** Critical value at the 1% level (test at 99%) from simple-statistics' table. */
function critical99(df: number): number {
  const row = chiSquaredDistributionTable[df as keyof typeof chiSquaredDistributionTable];
  if (!row) throw new Error(`no table row for ${df} degrees of freedom`);
  return row[0.01];
}

/** Counts, over an entire w-bit word space, how often each output comes up from a single word. */
function enumerateWordSpace(wordBits: number, n: number, map: (word: number) => number) {
  const counts = new Array<number>(n).fill(0);
  let rejected = 0;
  for (let word = 0; word < 2 ** wordBits; word++) {
    const r = map(word);
    if (r < 0) rejected++;
    else counts[r]!++;
  }
  return { counts, rejected };
}

describe('mulHiUint32', () => {
  it('equals the BigInt high word on edge cases and 50 000 pseudo-random pairs', () => {
    const edges = [0, 1, 2, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
    const g = createStream('xoshiro128ss', 11n, 0);
    const pairs: [number, number][] = [];
    for (const a of edges) for (const b of edges) pairs.push([a, b]);
    for (let i = 0; i < 50_000; i++) pairs.push([g.nextUint32(), g.nextUint32()]);
    for (const [a, b] of pairs) {
      const expected = Number((BigInt(a) * BigInt(b)) >> 32n);
      if (mulHiUint32(a, b) !== expected) expect.fail(`${a} * ${b}`);
    }
  });
});

describe("Lemire's method is exact; `x % n` is not (exhaustive over whole word spaces)", () => {
  it('8-bit words, every n in [1, 256]: each output has exactly floor(256 / n) words', () => {
    for (let n = 1; n <= 256; n++) {
      const { counts, rejected } = enumerateWordSpace(8, n, (w) => lemireMapWord(w, n, 8));
      const each = Math.floor(256 / n);
      if (!counts.every((c) => c === each)) expect.fail(`n=${n}: unequal counts ${counts}`);
      expect(rejected).toBe(256 % n);
    }
  });

  it.each([3, 5, 10, 37, 100, 1000, 10_007, 20_000, 40_000, 65_535, 65_536])(
    '16-bit words, n = %i: Lemire gives equal counts, modulo does not (unless n | 2^16)',
    (n) => {
      const lemire = enumerateWordSpace(16, n, (w) => lemireMapWord(w, n, 16));
      const each = Math.floor(65_536 / n);
      expect(new Set(lemire.counts)).toEqual(new Set([each]));
      expect(lemire.rejected).toBe(65_536 % n);

      const modulo = enumerateWordSpace(16, n, (w) => w % n);
      const surplus = 65_536 % n; // residues 0..surplus-1 get one extra word
      if (surplus === 0) {
        expect(new Set(modulo.counts)).toEqual(new Set([each]));
      } else {
        expect(modulo.counts.slice(0, surplus).every((c) => c === each + 1)).toBe(true);
        expect(modulo.counts.slice(surplus).every((c) => c === each)).toBe(true);
      }
    },
  );

  it('32-bit words: for large n every output has exactly floor(2^32 / n) words (sampled outputs, exact count)', () => {
    // For output j the words with floor(x n / 2^32) = j form [ceil(j 2^32 / n), ceil((j+1) 2^32 / n)),
    // short when n is large: enumerate it whole and count the accepted words.
    const g = createStream('philox4x32', 5n, 0);
    for (const n of [2 ** 20 + 7, 1_000_000_007, 2 ** 31 + 1, 3_000_000_019, 2 ** 32 - 1]) {
      const each = Math.floor(2 ** 32 / n);
      const outputs = [0, 1, n - 2, n - 1, ...Array.from({ length: 60 }, () => uniformInt(g, n))];
      for (const j of outputs) {
        const start = (BigInt(j) * 2n ** 32n + BigInt(n) - 1n) / BigInt(n);
        const end = (BigInt(j + 1) * 2n ** 32n + BigInt(n) - 1n) / BigInt(n);
        let accepted = 0;
        for (let x = Number(start); x < Number(end); x++) {
          const r = lemireMapWord(x, n, 32);
          if (r === j) accepted++;
          else if (r !== -1) expect.fail(`n=${n}: word ${x} gave ${r}, expected ${j} or a rejection`);
        }
        if (accepted !== each) expect.fail(`n=${n}, j=${j}: ${accepted} accepted words, expected ${each}`);
      }
    }
  });

  it('uniformInt rejects exactly as lemireMapWord says and takes the next word', () => {
    // n = 3: t = (2^32 - 3) mod 3 = 1, so only words with x*3 = 0 mod 2^32, i.e. x = 0, are rejected.
    expect(lemireMapWord(0, 3, 32)).toBe(-1);
    const s = scripted([0, 0, 0xffffffff]);
    expect(uniformInt(s, 3)).toBe(2);
    expect(s.used).toBe(3);
    expect(uniformInt(scripted([0x80000000]), 2)).toBe(1);
    expect(uniformInt(scripted([0xdeadbeef]), 2 ** 32)).toBe(0xdeadbeef);
    expect(uniformInt(scripted([0xffffffff]), 1)).toBe(0);
  });

  it('uniformInt agrees with lemireMapWord(·, ·, 32) word for word (rejections included)', () => {
    const g = createStream('xoshiro128ss', 12n, 0);
    const bounds = [
      1,
      2,
      3,
      7,
      37,
      1000,
      2 ** 31 - 1,
      2 ** 31,
      2 ** 31 + 1,
      3_000_000_019,
      2 ** 32 - 1,
      2 ** 32,
    ];
    for (let i = 0; i < 2000; i++) bounds.push(1 + uniformInt(g, 2 ** 32));
    let rejections = 0;
    for (const n of bounds) {
      for (let i = 0; i < 20; i++) {
        const words = Array.from({ length: 40 }, () => g.nextUint32());
        const mapped = words.map((w) => lemireMapWord(w, n, 32));
        const firstAccepted = mapped.findIndex((r) => r >= 0);
        rejections += firstAccepted;
        const s = scripted(words);
        expect(uniformInt(s, n)).toBe(mapped[firstAccepted]);
        expect(s.used).toBe(firstAccepted + 1);
      }
    }
    expect(rejections).toBeGreaterThan(0); // n near 2^31 + 1 rejects about half the words
  });

  it('uniformInt fails loudly on a stuck source instead of looping forever', () => {
    const stuck: RandomSource = { id: 'stuck', nextUint32: () => 0, fillBytes: () => {} };
    expect(() => uniformInt(stuck, 3)).toThrow(
      new RegExp(`${MAX_REJECTION_ATTEMPTS} consecutive rejections`),
    );
  });

  it('rejects bad bounds', () => {
    const s = createStream('xoshiro128ss', 1n, 0);
    for (const n of [0, -1, 1.5, 2 ** 32 + 1, Number.NaN]) expect(() => uniformInt(s, n)).toThrow(RangeError);
    expect(() => uniformIntLarge(s, 2 ** 53 + 2)).toThrow(RangeError);
    expect(() => uniformIntBetween(s, 5, 4)).toThrow(RangeError);
    expect(() => uniformIntBetween(s, -(2 ** 52), 2 ** 52)).toThrow(/2\^53/);
  });
});

describe('statistical checks at 99% with fixed seeds', () => {
  it('uniformInt(41): chi-square on 41 cells passes', () => {
    const g = createStream('xoshiro128ss', 2024n, 0);
    const counts = new Array<number>(41).fill(0);
    const draws = 205_000;
    for (let i = 0; i < draws; i++) counts[uniformInt(g, 41)]!++;
    expect(
      chiSquare(
        counts,
        counts.map(() => draws / 41),
      ),
    ).toBeLessThan(critical99(40));
  });

  it('negative control: `rand() % 20000` fails the same kind of test; Lemire on the same words passes', () => {
    // 15-bit words: residues 0..12767 get two words each, 12768..19999 one. Two cells, 1 df.
    const n = 20_000;
    const draws = 50_000;
    const lowShare = 12_768 / n;
    const expected = [draws * lowShare, draws * (1 - lowShare)];

    const biased = createModuloBiasedSampler(7);
    const biasedCounts = [0, 0];
    for (let i = 0; i < draws; i++) biasedCounts[biased(n) < 12_768 ? 0 : 1]!++;
    expect(chiSquare(biasedCounts, expected)).toBeGreaterThan(critical99(1));

    const words = new AnsiCRand(7);
    const exactCounts = [0, 0];
    for (let i = 0; i < draws; i++) {
      let r = -1;
      for (let attempt = 0; r < 0 && attempt < MAX_REJECTION_ATTEMPTS; attempt++) {
        r = lemireMapWord(words.nextWord(), n, 15);
      }
      exactCounts[r < 12_768 ? 0 : 1]!++;
    }
    expect(chiSquare(exactCounts, expected)).toBeLessThan(critical99(1));
    // And the biased mapping over a full word cycle shows the 2:1 ratio exactly.
    const full = new Array<number>(n).fill(0);
    for (let w = 0; w < 32_768; w++) full[w % n]!++;
    expect([full[0], full[12_767], full[12_768], full[n - 1]]).toEqual([2, 2, 1, 1]);
    expect(moduloBiasedInt(new AnsiCRand(1), 1)).toBe(0);
  });

  it('uniformIntLarge(3 x 2^40): values below n, thirds equally likely', () => {
    const g = createStream('philox4x32', 77n, 1);
    const n = 3 * 2 ** 40;
    const counts = [0, 0, 0];
    const draws = 30_000;
    for (let i = 0; i < draws; i++) {
      const v = uniformIntLarge(g, n);
      if (!Number.isSafeInteger(v) || v < 0 || v >= n) expect.fail(`out of range: ${v}`);
      counts[Math.floor(v / 2 ** 40)]!++;
    }
    expect(chiSquare(counts, [draws / 3, draws / 3, draws / 3])).toBeLessThan(critical99(2));
  });

  it('uniformIntLarge uses exactly k bits (k = bit length of n - 1) and rejects values >= n', () => {
    // n = 2^33 + 1: k = 34, so the first word contributes its top 2 bits.
    const n = 2 ** 33 + 1;
    // 0xc0000000 >>> 30 = 3 -> 3 * 2^32 + 0 >= n: rejected; then 0x40000000 -> 1 * 2^32 + 5.
    expect(uniformIntLarge(scripted([0xc0000000, 0, 0x40000000, 5]), n)).toBe(2 ** 32 + 5);
    expect(uniformIntLarge(scripted([0xffffffff, 0xffffffff]), 2 ** 53)).toBe(2 ** 53 - 1);
  });

  it('uniformIntBetween covers both ends inclusively', () => {
    const g = createStream('xoshiro128ss', 3n, 0);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = uniformIntBetween(g, -3, 3);
      expect(v).toBeGreaterThanOrEqual(-3);
      expect(v).toBeLessThanOrEqual(3);
      seen.add(v);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
  });

  it('uniformFloat53: exact extremes, 53-bit grid, uniform deciles', () => {
    expect(uniformFloat53(scripted([0, 0]))).toBe(0);
    expect(uniformFloat53(scripted([0xffffffff, 0xffffffff]))).toBe(1 - 2 ** -53);
    expect(uniformFloat53(scripted([0, 0x40]))).toBe(2 ** -53);
    const g = createStream('xoshiro128ss', 9n, 0);
    const counts = new Array<number>(10).fill(0);
    const draws = 100_000;
    for (let i = 0; i < draws; i++) {
      const u = uniformFloat53(g);
      if (!(u >= 0 && u < 1) || !Number.isInteger(u * 2 ** 53)) expect.fail(`bad value ${u}`);
      counts[Math.floor(u * 10)]!++;
    }
    expect(
      chiSquare(
        counts,
        counts.map(() => draws / 10),
      ),
    ).toBeLessThan(critical99(9));
  });
});

describe('weighted samplers', () => {
  const weights = [1, 0, 3, 7, 2, 0, 5, 1];

  it('alias table: over every (column, level) pair, outcome i appears exactly k·w_i times', () => {
    const sampler = createAliasSampler(weights);
    const k = weights.length;
    const counts = new Array<number>(k).fill(0);
    for (let c = 0; c < k; c++) for (let u = 0; u < sampler.totalWeight; u++) counts[sampler.pick(c, u)]!++;
    expect(counts).toEqual(weights.map((w) => w * k));
  });

  it('alias table: exact for 40 random weight vectors (exhaustive enumeration)', () => {
    const g = createStream('xoshiro128ss', 404n, 0);
    for (let trial = 0; trial < 40; trial++) {
      const k = 1 + uniformInt(g, 30);
      const ws = Array.from({ length: k }, () => (uniformInt(g, 4) === 0 ? 0 : uniformInt(g, 60)));
      if (!ws.some((w) => w > 0)) ws[0] = 1;
      const sampler = createAliasSampler(ws);
      const counts = new Array<number>(k).fill(0);
      for (let c = 0; c < k; c++) for (let u = 0; u < sampler.totalWeight; u++) counts[sampler.pick(c, u)]!++;
      expect(counts).toEqual(ws.map((w) => w * k));
    }
  });

  it('cumulative: over every level, outcome i appears exactly w_i times', () => {
    const sampler = createCumulativeSampler(weights);
    const counts = new Array<number>(weights.length).fill(0);
    for (let u = 0; u < sampler.totalWeight; u++) counts[sampler.pick(u)]!++;
    expect(counts).toEqual(weights);
  });

  it.each(['alias', 'cumulative'] as const)(
    '%s: sample frequencies follow the weights (chi-square 99%)',
    (method) => {
      const ws = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
      const sampler = method === 'alias' ? createAliasSampler(ws) : createCumulativeSampler(ws);
      const g = createStream('philox4x32', 31337n, 0);
      const draws = 110_000;
      const counts = new Array<number>(ws.length).fill(0);
      for (let i = 0; i < draws; i++) counts[sampler.sample(g)]!++;
      expect(
        chiSquare(
          counts,
          ws.map((w) => (draws * w) / 55),
        ),
      ).toBeLessThan(critical99(9));
    },
  );

  it('zero weights are never drawn; one positive weight is always drawn', () => {
    const g = createStream('xoshiro128ss', 1n, 0);
    const only = createWeightedSampler([0, 0, 5, 0]);
    for (let i = 0; i < 200; i++) expect(only.sample(g)).toBe(2);
  });

  it('handles totals beyond 2^32 and picks the cumulative method when k·T > 2^53', () => {
    const big = createWeightedSampler([2 ** 40, 2 ** 40]);
    expect(big.method).toBe('alias');
    expect(big.totalWeight).toBe(2 ** 41);
    const huge = createWeightedSampler([2 ** 52, 2 ** 52 - 1, 0]);
    expect(huge.method).toBe('cumulative');
    expect(huge.totalWeight).toBe(2 ** 53 - 1);
    const g = createStream('xoshiro128ss', 5n, 0);
    const counts = [0, 0, 0];
    for (let i = 0; i < 20_000; i++) counts[huge.sample(g)]!++;
    expect(counts[2]).toBe(0);
    expect(chiSquare(counts.slice(0, 2), [10_000, 10_000])).toBeLessThan(critical99(1));
  });

  it('rejects invalid weights with clear errors', () => {
    expect(() => createWeightedSampler([])).toThrow(/at least one/);
    expect(() => createWeightedSampler([0, 0])).toThrow(/positive/);
    expect(() => createWeightedSampler([1, -1])).toThrow(/weights\[1\]/);
    expect(() => createWeightedSampler([1, 0.5])).toThrow(/weights\[1\]/);
    expect(() => createWeightedSampler([2 ** 53 - 1, 1])).toThrow(/2\^53/);
    expect(() => createAliasSampler([2 ** 52, 2 ** 52 - 1])).toThrow(/createCumulativeSampler/);
  });
});

describe('shuffleInPlace', () => {
  it('returns a permutation of the same array', () => {
    const g = createStream('xoshiro128ss', 8n, 0);
    const items = Array.from({ length: 100 }, (_, i) => i);
    const result = shuffleInPlace(g, items);
    expect(result).toBe(items);
    expect([...items].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(shuffleInPlace(g, [])).toEqual([]);
    expect(shuffleInPlace(g, ['x'])).toEqual(['x']);
  });

  it('draws j uniform in [0, i] for i = n-1 .. 1 (Durstenfeld), consuming one uniformInt each', () => {
    // Use words whose high product word is known: 0x40000000 * 4 -> 1; * 3 -> 0; * 2 -> 0.
    const s = scripted([0x40000000, 0x40000000, 0x40000000]);
    // i=3: j = 1 -> swap(3,1): [a,d,c,b]; i=2: j = 0 -> swap(2,0): [c,d,a,b]; i=1: j = 0 -> [d,c,a,b].
    expect(shuffleInPlace(s, ['a', 'b', 'c', 'd'])).toEqual(['d', 'c', 'a', 'b']);
    expect(s.used).toBe(3);
  });

  it('all 24 permutations of 4 items are equally frequent (chi-square 99%, fixed seed)', () => {
    const g = createStream('philox4x32', 24n, 0);
    const counts = new Map<string, number>();
    const draws = 48_000;
    for (let i = 0; i < draws; i++) {
      const key = shuffleInPlace(g, [0, 1, 2, 3]).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    const observed = [...counts.values()];
    expect(
      chiSquare(
        observed,
        observed.map(() => draws / 24),
      ),
    ).toBeLessThan(critical99(23));
  });
});
