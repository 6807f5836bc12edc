import { describe, expect, it } from 'vitest';
import {
  AnsiCRand,
  createModuloBiasedSampler,
  mathRandomModuloInt,
  Randu,
  RanduTopByte,
  StuckBitSource,
  TruncatedLcg,
} from '../test/support/bad-generators.ts';
import { createGenerator, findGenerator, GENERATOR_NAMES, GENERATORS } from './registry.ts';
import { createStream } from './streams.ts';

const seedA = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const seedB = Uint8Array.from({ length: 32 }, (_, i) => 100 + i);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('GENERATORS', () => {
  it('lists the five generators by their stable names, with standards and parameters', () => {
    expect(GENERATOR_NAMES).toEqual(['hmac-drbg', 'ctr-drbg', 'chacha20', 'xoshiro128ss', 'philox4x32']);
    for (const g of GENERATORS) {
      expect(g.standard.length, g.name).toBeGreaterThan(10);
      expect(g.parameters.length, g.name).toBeGreaterThan(10);
    }
    expect(GENERATORS.filter((g) => g.cryptographic).map((g) => g.name)).toEqual([
      'hmac-drbg',
      'ctr-drbg',
      'chacha20',
    ]);
    expect(findGenerator('chacha20')?.standard).toMatch(/RFC 8439/);
    expect(findGenerator('hmac-drbg')?.standard).toMatch(/SP 800-90A/);
    expect(findGenerator('nope')).toBeUndefined();
  });

  it.each(GENERATOR_NAMES)('%s: the source reports its own name', (name) => {
    expect(createGenerator(name, seedA).id).toBe(name);
  });

  it.each(GENERATOR_NAMES)('%s: reproducible from a seed, different for another seed', (name) => {
    const a = new Uint8Array(5000);
    const b = new Uint8Array(5000);
    createGenerator(name, seedA).fillBytes(a);
    createGenerator(name, Uint8Array.from(seedA)).fillBytes(b);
    expect(hex(a)).toBe(hex(b));
    createGenerator(name, seedB).fillBytes(b);
    expect(hex(a)).not.toBe(hex(b));
  });

  it.each(GENERATOR_NAMES)('%s: unseeded instances differ', (name) => {
    const a = createGenerator(name);
    const b = createGenerator(name);
    const wordsA = [a.nextUint32(), a.nextUint32(), a.nextUint32()];
    const wordsB = [b.nextUint32(), b.nextUint32(), b.nextUint32()];
    expect(wordsA).not.toEqual(wordsB);
  });

  it.each(GENERATOR_NAMES)('%s: fillBytes and nextUint32 read one stream (words big-endian)', (name) => {
    const bytes = new Uint8Array(4 * 3000);
    createGenerator(name, seedA).fillBytes(bytes);
    const words = createGenerator(name, seedA);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < 3000; i++) {
      const w = words.nextUint32();
      if (w !== view.getUint32(4 * i)) expect.fail(`${name}: word ${i}`);
      if (!Number.isInteger(w) || w < 0 || w > 0xffffffff) expect.fail(`${name}: not a uint32: ${w}`);
    }
    // Interleaving keeps them in step.
    const mixed = createGenerator(name, seedA);
    const head = new Uint8Array(8);
    mixed.fillBytes(head);
    expect(hex(head)).toBe(hex(bytes.subarray(0, 8)));
    expect(mixed.nextUint32()).toBe(view.getUint32(8));
  });

  it('stream generators from a seed are stream 0 of the SHA-256-derived seed', () => {
    const viaRegistry = createGenerator('xoshiro128ss', seedA);
    const direct = createStream('xoshiro128ss', seedA, 0);
    expect(viaRegistry.nextUint32()).toBe(direct.nextUint32());
  });

  it('unknown names and bad seeds get clear errors', () => {
    expect(() => createGenerator('mersenne-twister')).toThrow(
      "unknown generator 'mersenne-twister'; valid generators: hmac-drbg, ctr-drbg, chacha20, xoshiro128ss, philox4x32",
    );
    for (const name of GENERATOR_NAMES) {
      expect(() => createGenerator(name, new Uint8Array(8))).toThrow(/16\.\.1024 bytes/);
    }
  });
});

describe('negative controls (test/support/bad-generators.ts) are deterministic and bad in the documented way', () => {
  it('RANDU: x_{k+2} = 6 x_{k+1} - 9 x_k mod 2^31 for every triple; bit 0 of each word is 0', () => {
    const g = new Randu(1);
    const xs = Array.from({ length: 1000 }, () => g.nextUint32() >>> 1);
    expect(xs.slice(0, 3)).toEqual([65539, 393225, 1769499]); // published first RANDU values from seed 1
    for (let k = 0; k + 2 < xs.length; k++) {
      const predicted = (((6 * xs[k + 1]! - 9 * xs[k]!) % 2 ** 31) + 2 ** 31) % 2 ** 31;
      if (predicted !== xs[k + 2]) expect.fail(`triple ${k}`);
    }
    const words = new Randu(12345);
    for (let i = 0; i < 100; i++) expect(words.nextUint32() & 1).toBe(0);
    expect(() => new Randu(2)).toThrow(/odd/);
  });

  it('RANDU top byte: each byte is bits 30..23 of successive states', () => {
    const states = new Randu(1);
    const expected = [0, 1, 2, 3].map(() => states.nextState() >>> 23);
    const word = new RanduTopByte(1).nextUint32();
    expect([word >>> 24, (word >>> 16) & 0xff, (word >>> 8) & 0xff, word & 0xff]).toEqual(expected);
  });

  it('truncated LCG: the low bit alternates and the word sequence repeats every 64 words', () => {
    const g = new TruncatedLcg(12345);
    const words = Array.from({ length: 256 }, () => g.nextUint32());
    // Low bits of consecutive states alternate, so bytes 0 and 1 of a word differ in bit 0 ...
    for (const w of words) expect(((w >>> 24) ^ (w >>> 16)) & 1).toBe(1);
    // ... and the low byte has period 256 states = 64 words.
    expect(words.slice(64, 128)).toEqual(words.slice(0, 64));
  });

  it('stuck bit: the chosen bit is forced, the others pass through', () => {
    const inner = () => createStream('xoshiro128ss', 1n, 0);
    const stuck = new StuckBitSource(inner(), 7, 1);
    const reference = inner();
    for (let i = 0; i < 1000; i++) {
      const w = stuck.nextUint32();
      expect(w).toBe((reference.nextUint32() | 0x80) >>> 0);
    }
    const zero = new StuckBitSource(inner(), 31, 0);
    for (let i = 0; i < 100; i++) expect(zero.nextUint32()).toBeLessThan(2 ** 31);
    expect(zero.id).toBe('stuck-bit(xoshiro128ss,bit=31,value=0)');
  });

  it('rand() % n: deterministic per seed and biased toward low residues', () => {
    // C99 §7.20.2.2 sample rand() from seed 1: 16838, 5758, 10113 (the classic first values).
    const rand = new AnsiCRand(1);
    expect([rand.nextWord(), rand.nextWord(), rand.nextWord()]).toEqual([16838, 5758, 10113]);
    const a = createModuloBiasedSampler(3);
    const b = createModuloBiasedSampler(3);
    const drawsA = Array.from({ length: 50 }, () => a(20_000));
    expect(Array.from({ length: 50 }, () => b(20_000))).toEqual(drawsA);
    // A full cycle of the 15-bit word space maps 2:1 onto residues below 12768.
    const sampler = createModuloBiasedSampler(1);
    let low = 0;
    const draws = 40_000;
    for (let i = 0; i < draws; i++) if (sampler(20_000) < 12_768) low++;
    expect(low / draws).toBeGreaterThan(0.75); // exact mapping would give 0.6384
  });

  it('Math.random() % n stays in range (not seedable: demonstrations only)', () => {
    for (let i = 0; i < 100; i++) {
      const v = mathRandomModuloInt(10);
      expect(Number.isInteger(v) && v >= 0 && v < 10).toBe(true);
    }
  });
});
