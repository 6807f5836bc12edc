import { describe, expect, it } from 'vitest';
import { kolmogorovCdf, kolmogorovLimitingTail, ksUniformity } from './kolmogorov-smirnov.ts';

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
