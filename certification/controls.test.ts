/**
 * Negative and positive controls of the batteries (fixed seeds). Known-bad generators must FAIL
 * the tests that detect them, and each case names which test catches which defect; the DRBGs and
 * the simulation streams must PASS at the expected proportion.
 */
import { describe, expect, it } from 'vitest';
import { createGenerator, GENERATORS, uniformInt } from '../rng/index.ts';
import {
  createModuloBiasedSampler,
  Randu,
  RanduTopByte,
  StuckBitSource,
  TruncatedLcg,
} from '../test/support/bad-generators.ts';
import { gliSecondLevel, runGliSequence } from './gli/battery.ts';
import type { GliTestResult, ScaledSourceDescription } from './gli/types.ts';
import { sequenceSeed } from './inputs.ts';
import { bytesToBits, runNistSequence } from './nist/index.ts';

function draws(count: number, next: () => number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = next();
  return out;
}

function pOf(results: GliTestResult[], name: string): number {
  const r = results.find((x) => x.name === name);
  if (!r?.applicable) throw new Error(`${name} not applicable: ${r?.reason}`);
  return r.pValues[0]!;
}

const SEED = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

describe('negative controls: known-bad inputs fail the tests that detect them', () => {
  it('RANDU: consecutive triples lie on 15 planes; only the serial test on triples sees it', () => {
    // Scaled to d = 32 with the kernel's uniformInt: for a power of two Lemire's map is exactly the
    // top 5 bits of the word, i.e. of RANDU's x, so the triple (x_k, x_k+1, x_k+2) keeps its
    // lattice. The cell side 1/32 is below the planes' spacing 1/sqrt(118) ~ 0.092, so most of the
    // 32^3 cells are empty or over-full. Every one-dimensional or pairwise test is blind to it.
    const source = new Randu(1);
    const description: ScaledSourceDescription = { label: 'uniformInt(RANDU, 32)', range: 32 };
    const results = runGliSequence(
      draws(400_000, () => uniformInt(source, 32)),
      description,
    );
    expect(pOf(results, 'serial-triples')).toBeLessThan(1e-12);
    // Poker hands of 5 contain triples and react faintly (P ~ 0.007 here): not asserted either way.
    for (const blind of ['frequency', 'serial-pairs', 'gap', 'runs-up', 'serial-correlation']) {
      expect(pOf(results, blind), blind).toBeGreaterThan(0.01);
    }
  });

  it("RANDU's top byte passes a subset of SP 800-22 on 100,000 bits (the classic lesson)", () => {
    // Each output's top byte, MSB first. Frequency, block frequency, cumulative sums, runs, longest
    // run, rank, DFT and approximate entropy all pass; only patterns spanning three outputs reveal
    // the planes (NIST's Serial with m = 16 spans two bytes and is borderline here, P ~ 0.012).
    const bytes = new Uint8Array(12_500);
    new RanduTopByte(1).fillBytes(bytes);
    const bits = bytesToBits(bytes);
    const subset = [
      'Frequency',
      'BlockFrequency',
      'CumulativeSums',
      'Runs',
      'LongestRun',
      'Rank',
      'FFT',
      'ApproximateEntropy',
    ];
    for (const result of runNistSequence(bits, {}, subset)) {
      for (const p of result.pValues) expect(p, result.name).toBeGreaterThanOrEqual(0.01);
    }
  });

  it('truncated LCG (low bytes, period 64 words): serial pairs, gap, poker and coupon collector catch it', () => {
    // Range 16: uniformInt reads the top 4 bits of each word, the low byte of an LCG state whose
    // bits have periods 2^(k+1). Over a period the 16 values come out exactly evenly, so the
    // frequency test is blind (P ~ 1); the order within the period is rigid.
    const source = new TruncatedLcg(1);
    const results = runGliSequence(
      draws(200_000, () => uniformInt(source, 16)),
      { label: 'uniformInt(truncated LCG, 16)', range: 16 },
    );
    for (const name of ['serial-pairs', 'serial-triples', 'gap', 'poker', 'coupon-collector', 'runs-up']) {
      expect(pOf(results, name), name).toBeLessThan(1e-12);
    }
    expect(pOf(results, 'frequency')).toBeGreaterThan(0.99);
  });

  it('stuck bit 30: caught by frequency (half of [0, 1000) never drawn) and everything built on it', () => {
    const source = new StuckBitSource(createGenerator('hmac-drbg', SEED), 30, 1);
    const results = runGliSequence(
      draws(100_000, () => uniformInt(source, 1000)),
      { label: 'uniformInt(stuck bit, 1000)', range: 1000 },
    );
    for (const name of ['frequency', 'serial-pairs', 'poker', 'maximum-of-t']) {
      expect(pOf(results, name), name).toBeLessThan(1e-12);
    }
  });

  it('modulo-biased mapping of a 32-bit word onto 3*2^30: frequency fails (values < 2^30 twice as likely)', () => {
    const source = createGenerator('hmac-drbg', SEED);
    const range = 3 * 2 ** 30;
    const biased = runGliSequence(
      draws(100_000, () => source.nextUint32() % range),
      { label: 'word % 3*2^30', range },
    );
    expect(pOf(biased, 'frequency')).toBeLessThan(1e-12);
    // The same words through the kernel's unbiased uniformInt pass.
    const fair = runGliSequence(
      draws(100_000, () => uniformInt(source, range)),
      { label: 'uniformInt(hmac-drbg, 3*2^30)', range },
      ['frequency'],
    );
    expect(pOf(fair, 'frequency')).toBeGreaterThan(0.01);
  });

  it('a reel of 7 stops drawn as (8-bit word) % 7: frequency fails (stops 0-3 get 37/256, 4-6 get 36/256)', () => {
    const source = createGenerator('ctr-drbg', SEED);
    const results = runGliSequence(
      draws(1_000_000, () => (source.nextUint32() >>> 24) % 7),
      { label: 'byte % 7', range: 7 },
      ['frequency'],
    );
    // Non-centrality N * sum (p_i - 1/7)^2 / (1/7) = 1e6 * 1.83e-4 = 183 on 6 degrees of freedom.
    expect(pOf(results, 'frequency')).toBeLessThan(1e-12);
  });

  it('C rand() % 20000 (15-bit words): frequency fails (0..12767 twice as likely)', () => {
    const sample = createModuloBiasedSampler(1);
    const results = runGliSequence(
      draws(100_000, () => sample(20_000)),
      { label: 'rand() % 20000', range: 20_000 },
      ['frequency'],
    );
    expect(pOf(results, 'frequency')).toBeLessThan(1e-12);
  });
});

describe('positive controls: the DRBGs and simulation streams pass at the expected proportion', () => {
  const sequences = 12;
  for (const { name } of GENERATORS) {
    it(`${name}: GLI battery, ${sequences} sequences of 40,000 draws in [0, 1000)`, () => {
      const perSequence: GliTestResult[][] = [];
      for (let k = 0; k < sequences; k++) {
        const source = createGenerator(name, sequenceSeed(SEED, k));
        perSequence.push(
          runGliSequence(
            draws(40_000, () => uniformInt(source, 1000)),
            { label: name, range: 1000 },
          ),
        );
      }
      for (const row of gliSecondLevel(perSequence)) {
        expect(row.verdict, `${name} ${row.name}: ${row.reasons.join('; ')}`).toBe('pass');
        expect(row.applicable).toBe(sequences);
      }
    });
  }
});
