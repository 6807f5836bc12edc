import { describe, expect, it } from 'vitest';
import {
  kolmogorovCdf,
  kolmogorovLimitingTail,
  kolmogorovUpperTail,
  ksUniformity,
  logSmirnovUpperTail,
} from './kolmogorov-smirnov.ts';

describe('Kolmogorov distribution (Marsaglia, Tsang & Wang 2003)', () => {
  it("reproduces the paper's worked value K(10, 0.274) = 0.6284796154565043", () => {
    expect(kolmogorovCdf(10, 0.274)).toBeCloseTo(0.6284796154565043, 13);
  });
  it('gives alpha = 0.05 at the tabulated two-sided critical values (Miller 1956, JASA 51:111)', () => {
    expect(1 - kolmogorovCdf(5, 0.56328)).toBeCloseTo(0.05, 4);
    expect(1 - kolmogorovCdf(10, 0.40925)).toBeCloseTo(0.05, 4);
    expect(1 - kolmogorovCdf(20, 0.29408)).toBeCloseTo(0.05, 4);
    expect(1 - kolmogorovCdf(100, 0.13403)).toBeCloseTo(0.05, 4);
  });
  it('limiting law: P(K >= 1.3581) = 0.05, P(K >= 1.6276) = 0.01', () => {
    expect(kolmogorovLimitingTail(1.3581)).toBeCloseTo(0.05, 4);
    expect(kolmogorovLimitingTail(1.6276)).toBeCloseTo(0.01, 4);
  });
  it('edge cases: D below 1/(2n) is impossible, D = 1 is certain', () => {
    expect(kolmogorovCdf(10, 0.04)).toBe(0);
    expect(kolmogorovCdf(10, 1)).toBe(1);
  });
});

describe('ksUniformity (Knuth §3.3.1B)', () => {
  it('accepts evenly spread values and reports K+ and K-', () => {
    const values = Array.from({ length: 100 }, (_, i) => (i + 0.5) / 100);
    const r = ksUniformity(values);
    expect(r.statistic).toBeCloseTo(0.005, 12);
    expect(r.kPlus).toBeCloseTo(0.05, 12);
    expect(r.kMinus).toBeCloseTo(0.05, 12);
    expect(r.pValue).toBeGreaterThan(0.999);
  });
  it('rejects values crowded near 0', () => {
    const values = Array.from({ length: 100 }, (_, i) => ((i + 0.5) / 100) ** 2);
    const r = ksUniformity(values);
    // D = max(x - x^2) = 1/4; the tail is about 2 exp(-2 n D^2) = 7.5e-6 (Kolmogorov's first term).
    expect(r.statistic).toBeGreaterThan(0.25);
    expect(r.statistic).toBeLessThan(0.26);
    expect(r.pValue).toBeLessThan(1e-5);
    expect(r.pValue).toBeGreaterThan(1e-6);
  });
  it('rejects out-of-range values', () => {
    expect(() => ksUniformity([0.5, 1.5])).toThrow(RangeError);
  });
});

describe('the KS tail (issue 15: no shortcut, never exactly 0)', () => {
  it('for d >= 1/2 the exact two-sided tail is twice the Birnbaum–Tingey one-sided tail', () => {
    // D+ >= d and D- >= d cannot both hold when d > 1/2: two independent formulas must agree.
    for (const [n, d] of [
      [10, 0.6],
      [20, 0.55],
      [15, 0.5],
    ] as const) {
      const exact = 1 - kolmogorovCdf(n, d);
      expect(exact / (2 * Math.exp(logSmirnovUpperTail(n, d)))).toBeCloseTo(1, 9);
    }
  });
  it('one-sided tail against direct enumeration for n = 1: P(D+ >= d) = 1 - d', () => {
    expect(Math.exp(logSmirnovUpperTail(1, 0.3))).toBeCloseTo(0.7, 14);
  });
  it('between 1e-3 and 1e-5 the P-value is the exact one (the old shortcut was off by 0.1-2%)', () => {
    // Exact (matrix) and 2 x Birnbaum–Tingey agree (the two-sided overlap is negligible here);
    // the paper's shortcut, used before where n d^2 > 3.76 (n > 99) or > 7.24, does not.
    for (const [n, d, off] of [
      [50, 0.3, 1e-2],
      [100, 0.22, 4e-3],
      [500, 0.1, 3e-3],
    ] as const) {
      const { pValue, method } = kolmogorovUpperTail(n, d);
      expect(method).toBe('exact');
      expect(pValue / (2 * Math.exp(logSmirnovUpperTail(n, d)))).toBeCloseTo(1, 6);
      const shortcut = 2 * Math.exp(-(2.000071 + 0.331 / Math.sqrt(n) + 1.409 / n) * n * d * d);
      expect(Math.abs(shortcut / pValue - 1)).toBeGreaterThan(off);
    }
  });
  it('tiny P-values are a positive bound, with their log10, never exactly 0', () => {
    const crowded = Array.from({ length: 1000 }, (_, i) => (i + 0.5) / 1000 / 4);
    const r = ksUniformity(crowded);
    expect(r.statistic).toBeCloseTo(0.75, 3);
    expect(r.pValue).toBeGreaterThan(0);
    expect(r.pValueMethod).toBe('upper bound');
    expect(r.log10PValue).toBeLessThan(-400); // below the smallest double: the value is clamped up
    const moderate = kolmogorovUpperTail(1000, 0.2); // ~1e-35: the bound, representable
    expect(moderate.method).toBe('upper bound');
    expect(Math.log(moderate.pValue)).toBeCloseTo(moderate.logPValue, 9);
  });
});
