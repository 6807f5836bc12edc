/**
 * Internals checked against slow, obvious implementations (DFT, Berlekamp–Massey, template
 * counts), the battery API, negative controls (known-bad inputs that must fail) and the
 * second-level analysis of §4.2 as the reference's final report computes it.
 */
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Randu } from '../../test/support/bad-generators.ts';
import { asciiToBits, bytesToBits } from './bits.ts';
import { realDftModuli } from './dft.ts';
import { NIST_TESTS, nistSecondLevel, runNistSequence } from './index.ts';
import { berlekampMassey } from './linear-complexity.ts';
import {
  aperiodicTemplates,
  nonOverlappingTemplateTest,
  referenceTemplates,
} from './non-overlapping-template.ts';
import { passCountBounds, referenceReadBack } from './second-level.ts';
import { loadSpec } from './spec-fixtures.ts';
import type { NistTestResult } from './types.ts';

/** Fixed-seed test data: AES-256-CTR keystream (key = seed byte repeated). */
function aesBits(seed: number, nBits: number): Uint8Array {
  const cipher = createCipheriv('aes-256-ctr', Buffer.alloc(32, seed), Buffer.alloc(16, 0));
  const bytes = cipher.update(Buffer.alloc(Math.ceil(nBits / 8)));
  return bytesToBits(new Uint8Array(bytes), nBits);
}

/** The reference's Berlekamp–Massey (linearComplexity.c), bit by bit. */
function naiveBerlekampMassey(s: Uint8Array): number {
  const M = s.length;
  let C = new Uint8Array(M + 1);
  let B = new Uint8Array(M + 1);
  C[0] = 1;
  B[0] = 1;
  let L = 0;
  let m = -1;
  for (let N = 0; N < M; N++) {
    let d = s[N]!;
    for (let i = 1; i <= L; i++) d ^= C[i]! & s[N - i]!;
    if (d === 1) {
      const T = C.slice();
      for (let j = 0; j + N - m <= M; j++) if (B[j] === 1) C[j + N - m] = C[j + N - m]! ^ 1;
      if (L <= N >> 1) {
        L = N + 1 - L;
        m = N;
        B = T;
      }
    }
  }
  C = new Uint8Array(0);
  return L;
}

function naiveModuli(x: Float64Array): Float64Array {
  const n = x.length;
  const out = new Float64Array(Math.floor(n / 2));
  for (let k = 0; k < out.length; k++) {
    let re = 0;
    let im = 0;
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * ((j * k) % n)) / n;
      re += x[j]! * Math.cos(a);
      im += x[j]! * Math.sin(a);
    }
    out[k] = Math.hypot(re, im);
  }
  return out;
}

describe('building blocks', () => {
  it('bytesToBits is MSB-first and asciiToBits skips whitespace', () => {
    expect(Array.from(bytesToBits(new Uint8Array([0xa5, 0x80]), 10))).toEqual([1, 0, 1, 0, 0, 1, 0, 1, 1, 0]);
    expect(Array.from(asciiToBits('10 1\n1'))).toEqual([1, 0, 1, 1]);
    expect(() => asciiToBits('102')).toThrow(RangeError);
    expect(() => runNistSequence(new Uint8Array([0, 2]), {}, ['Frequency'])).toThrow(RangeError);
  });

  it('generates the aperiodic templates: 148 for m = 9, and the reference counts for m = 2..10', () => {
    const counts = [2, 4, 6, 12, 20, 40, 74, 148, 284];
    expect(counts.map((_, i) => aperiodicTemplates(i + 2).length)).toEqual(counts);
    const t9 = aperiodicTemplates(9);
    expect(t9[0]!.toString(2).padStart(9, '0')).toBe('000000001');
    expect(t9.at(-1)!.toString(2).padStart(9, '0')).toBe('111111110');
    expect(referenceTemplates(10)).toHaveLength(148);
  });

  it('non-overlapping counts from the shared window histogram equal a direct scan with jumps', () => {
    const bits = aesBits(3, 40_000);
    const templates = aperiodicTemplates(9).map((t) => t.toString(2).padStart(9, '0'));
    const fast = nonOverlappingTemplateTest(bits).statistics.W as number[][];
    templates.forEach((t, j) => {
      const M = Math.floor(bits.length / 8);
      for (let b = 0; b < 8; b++) {
        let count = 0;
        for (let i = 0; i < M - 9 + 1; i++) {
          let match = true;
          for (let k = 0; k < 9; k++) if (bits[b * M + i + k] !== Number(t[k])) match = false;
          if (match) {
            count++;
            i += 8;
          }
        }
        expect(fast[j]![b]).toBe(count);
      }
    });
    // A periodic template takes the direct-scan path: "11" never matches twice in "111".
    const periodic = nonOverlappingTemplateTest(asciiToBits('1110111011101110'), {
      templates: ['11'],
      blocks: 1,
    });
    expect((periodic.statistics.W as number[][])[0]).toEqual([4]);
  });

  it('the FFT moduli agree with a naive DFT (odd, even, prime, power-of-two lengths)', () => {
    for (const n of [2, 3, 10, 97, 100, 128, 250, 1000, 1024, 1331]) {
      const bits = aesBits(n, n);
      const x = Float64Array.from(bits, (b) => 2 * b - 1);
      const fast = realDftModuli(x);
      const slow = naiveModuli(x);
      expect(fast.length).toBe(slow.length);
      let maxErr = 0;
      for (let k = 0; k < fast.length; k++) maxErr = Math.max(maxErr, Math.abs(fast[k]! - slow[k]!));
      expect(maxErr).toBeLessThan(1e-9);
      // The count under the threshold is what the test uses: identical.
      const T = Math.sqrt(2.995732274 * n);
      expect(fast.filter((m) => m < T).length).toBe(slow.filter((m) => m < T).length);
    }
  });

  it('bit-parallel Berlekamp–Massey equals the reference algorithm', () => {
    const bits = aesBits(9, 20_000);
    for (const M of [1, 13, 31, 32, 33, 64, 100, 500, 1000]) {
      for (let start = 0; start + M <= bits.length && start < 5 * M; start += M) {
        expect(berlekampMassey(bits, start, M)).toBe(naiveBerlekampMassey(bits.subarray(start, start + M)));
      }
    }
    // Degenerate sequences: all zeros has L = 0; 0…01 has L = M.
    const z = new Uint8Array(500);
    expect(berlekampMassey(z, 0, 500)).toBe(0);
    z[499] = 1;
    expect(berlekampMassey(z, 0, 500)).toBe(500);
  });
});

describe('battery API', () => {
  it('NIST_TESTS lists the 15 tests with sections; runNistSequence runs them in that order', () => {
    expect(NIST_TESTS).toHaveLength(15);
    const bits = aesBits(1, 20_000);
    const results = runNistSequence(bits);
    expect(results.map((r) => r.name)).toEqual(NIST_TESTS.map((t) => t.name));
    expect(runNistSequence(bits, {}, ['Runs', 'Frequency']).map((r) => r.name)).toEqual([
      'Frequency',
      'Runs',
    ]);
    expect(() => runNistSequence(bits, {}, ['Nope'])).toThrow(/unknown NIST test/);
    // 20,000 bits: universal (L < 6) and random excursions (J < 500) are not applicable.
    expect(results.find((r) => r.name === 'Universal')!.applicable).toBe(false);
    expect(results.find((r) => r.name === 'RandomExcursions')!.applicable).toBe(false);
    expect(results.find((r) => r.name === 'NonOverlappingTemplate')!.pValues).toHaveLength(148);
    expect(runNistSequence(bits, { blockFrequencyM: 1000 }, ['BlockFrequency'])[0]!.parameters.M).toBe(1000);
  });

  it('a good 10^6-bit sequence (AES-CTR, fixed key) passes: about 1% of its 188 P-values below 0.01', () => {
    const results = runNistSequence(aesBits(42, 1_000_000));
    const all = results.filter((r) => r.applicable).flatMap((r) => r.pValues);
    expect(all.length).toBeGreaterThanOrEqual(162);
    expect(all.every((p) => p >= 0 && p <= 1)).toBe(true);
    expect(all.filter((p) => p < 0.01).length).toBeLessThanOrEqual(6);
    expect(Math.min(...all)).toBeGreaterThan(1e-4);
  });
});

describe('negative controls', () => {
  const n = 100_000;
  it('all ones fails frequency, block frequency, runs (prerequisite), cusum', () => {
    const ones = new Uint8Array(n).fill(1);
    const r = runNistSequence(ones, {}, [
      'Frequency',
      'BlockFrequency',
      'Runs',
      'CumulativeSums',
      'LongestRun',
    ]);
    for (const t of r) for (const p of t.pValues) expect(p, t.name).toBeLessThan(0.01);
    expect(r.find((t) => t.name === 'Runs')!.statistics.prerequisiteFailed).toBe(true);
  });

  it('0101… passes frequency but fails runs, serial, approximate entropy, DFT and linear complexity', () => {
    const alt = Uint8Array.from({ length: n }, (_, i) => i & 1);
    const r = runNistSequence(alt);
    expect(r.find((t) => t.name === 'Frequency')!.pValues[0]).toBe(1);
    for (const name of ['Runs', 'Serial', 'ApproximateEntropy', 'FFT', 'LinearComplexity']) {
      expect(Math.min(...r.find((t) => t.name === name)!.pValues), name).toBeLessThan(0.01);
    }
  });

  it('a stuck bit (bit 0 of every byte forced to 1) fails frequency and the templates', () => {
    const bits = aesBits(5, n);
    for (let i = 7; i < n; i += 8) bits[i] = 1;
    const r = runNistSequence(bits, {}, ['Frequency', 'Serial', 'OverlappingTemplate']);
    for (const t of r) expect(Math.min(...t.pValues), t.name).toBeLessThan(0.01);
  });

  it('RANDU (test/support/bad-generators.ts) fails frequency and block frequency (bit 0 of every word is 0)', () => {
    const bytes = new Uint8Array(n / 8);
    new Randu(1).fillBytes(bytes);
    const r = runNistSequence(bytesToBits(bytes, n), {}, ['Frequency', 'BlockFrequency']);
    for (const t of r) expect(Math.min(...t.pValues), t.name).toBeLessThan(0.01);
  });

  it('a truncated LCG (bit 8 of x ← 69069x + 1 mod 2^32, period 512) fails serial, entropy and rank', () => {
    // (Linear complexity with M = 500 cannot see a period of 512: it passes, as it should.)
    let x = 12345;
    const bits = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x = (Math.imul(69069, x) + 1) >>> 0;
      bits[i] = (x >>> 8) & 1;
    }
    const r = runNistSequence(bits, {}, ['Serial', 'ApproximateEntropy', 'Rank']);
    for (const t of r) expect(Math.min(...t.pValues), t.name).toBeLessThan(0.01);
  });
});

describe('second-level analysis (§4.2, as the reference final report)', () => {
  const result = (name: string, pValues: number[], applicable = true): NistTestResult => ({
    name,
    pValues: applicable ? pValues : [],
    statistics: {},
    parameters: {},
    applicable,
  });

  it('proportion bounds: the §4.2.1 interval and the reference integer bounds', () => {
    const spec = loadSpec();
    const ex = spec.other_checks.proportion_interval_4_2_1.example;
    const rows = nistSecondLevel(
      Array.from({ length: ex.m }, (_, i) => [result('Frequency', [(i + 0.5) / ex.m])]),
      ex.alpha,
    );
    expect(rows[0]!.proportionInterval[0]).toBeCloseTo(ex.interval[0], 12);
    expect(rows[0]!.proportionInterval[1]).toBeCloseTo(ex.interval[1], 12);
    expect(passCountBounds(100, 0.01)).toEqual([96, 101]);
    expect(passCountBounds(59, 0.01)[0]).toBe(56);
    expect(passCountBounds(63, 0.01)[0]).toBe(60);
  });

  it('uniform P-values pass; 5 failures of 100 fail the proportion; clustered P-values fail uniformity', () => {
    const uniform = Array.from({ length: 100 }, (_, i) => [result('Runs', [(i + 0.5) / 100])]);
    const ok = nistSecondLevel(uniform)[0]!;
    expect(ok).toMatchObject({ sampleSize: 100, passCount: 99, verdict: 'pass', proportionPassed: true });
    expect(ok.histogram).toEqual(new Array(10).fill(10));
    expect(ok.uniformityPValue).toBeCloseTo(1, 12);

    const fiveFail = uniform.map((r, i) => (i < 5 ? [result('Runs', [0.001])] : r));
    expect(nistSecondLevel(fiveFail)[0]).toMatchObject({
      passCount: 95,
      proportionPassed: false,
      verdict: 'fail',
    });

    const clustered = Array.from({ length: 100 }, (_, i) => [result('Runs', [0.5 + i / 1000])]);
    const bad = nistSecondLevel(clustered)[0]!;
    expect(bad.proportionPassed).toBe(true);
    expect(bad.uniformityPValue!).toBeLessThan(0.0001);
    expect(bad.verdict).toBe('fail');
  });

  it('reads P-values back as 6-decimal floats: 0.0099996 prints as 0.010000, which as a float is < 0.01', () => {
    expect(referenceReadBack(0.0099996)).toBeLessThan(0.01);
    const rows = nistSecondLevel([[result('Frequency', [0.0099996])], [result('Frequency', [0.0100006])]]);
    expect(rows[0]!.passCount).toBe(1);
    // p = 1 falls in the last bin; fewer than 10 sequences give no uniformity P-value.
    const one = nistSecondLevel([[result('Frequency', [1])]])[0]!;
    expect(one.histogram[9]).toBe(1);
    expect(one.uniformityPValue).toBeNull();
  });

  it('integer expCount: m = 59 uses 5 per bin', () => {
    const ps = Array.from({ length: 59 }, (_, i) => [result('Frequency', [(i % 10) / 10 + 0.05])]);
    const row = nistSecondLevel(ps)[0]!;
    // Bins hold 6,6,6,6,6,6,6,6,6,5 → χ² = 9·1/5 = 1.8 with expCount = 5 (not 5.9).
    expect(row.histogram).toEqual([6, 6, 6, 6, 6, 6, 6, 6, 6, 5]);
    // igamc(4.5, 0.9) = 0.994250 (scipy); with expCount = 5.9 it would be 0.998674.
    expect(row.uniformityPValue).toBeCloseTo(0.99425, 5);
  });

  it('random excursions: non-applicable sequences are excluded and counted per state', () => {
    const states = ['-4', '-3', '-2', '-1', '+1', '+2', '+3', '+4'];
    const ex = (ps: number[] | null): NistTestResult => ({
      name: 'RandomExcursions',
      pValues: ps ?? [],
      labels: states,
      statistics: {},
      parameters: {},
      applicable: ps !== null,
    });
    const seqs = [
      [ex(null)],
      [ex(new Array(8).fill(0.5))],
      [ex(new Array(8).fill(0.3))],
      [ex([0, ...new Array(7).fill(0.2)])],
    ];
    const rows = nistSecondLevel(seqs);
    expect(rows).toHaveLength(8);
    expect(rows.map((r) => r.label)).toEqual(states);
    expect(rows[0]).toMatchObject({ sampleSize: 3, excludedCount: 1, passCount: 2 });
    expect(rows[1]).toMatchObject({ sampleSize: 3, excludedCount: 1, passCount: 3 });
    // The reference also drops a real P = 0.000000 (item 4): available as an option.
    expect(nistSecondLevel(seqs, 0.01, { excursionZeroDrop: true })[0]).toMatchObject({
      sampleSize: 2,
      excludedCount: 2,
      passCount: 2,
    });
  });
});
