import { mean, sampleVariance } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { estimateRtp, normalQuantile, parseRtp, rtpVerdict, twoSidedPValue } from './statistics.ts';

describe('normal quantile', () => {
  it('matches published standard normal quantiles (Abramowitz & Stegun, table 26.5)', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 6);
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489, 6);
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536269514722, 6);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 6);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.959963984540054, 6);
  });

  it('gives two-sided p-values consistent with the quantiles', () => {
    expect(twoSidedPValue(1.959963984540054)).toBeCloseTo(0.05, 6);
    expect(twoSidedPValue(-2.5758293035489)).toBeCloseTo(0.01, 6);
    expect(twoSidedPValue(0)).toBeCloseTo(1, 6);
  });
});

describe('RTP estimate from exact sums', () => {
  const wins = [0, 0, 10, 0, 40, 0, 0, 20, 200, 0, 0, 5, 0, 0, 0, 1000, 0, 10, 0, 0];
  const stake = 20;
  const sum = BigInt(wins.reduce((a, b) => a + b, 0));
  const squares = BigInt(wins.reduce((a, b) => a + b * b, 0));

  it('equals the sample mean and the unbiased variance of the per-round wins', () => {
    const e = estimateRtp(wins.length, sum, squares, stake);
    expect(e.rtp).toBeCloseTo(mean(wins) / stake, 12);
    expect(e.stdDevPerRoundX).toBeCloseTo(Math.sqrt(sampleVariance(wins)) / stake, 12);
    expect(e.standardError).toBeCloseTo(Math.sqrt(sampleVariance(wins) / wins.length) / stake, 12);
    expect((e.ci95.high - e.rtp) / e.standardError).toBeCloseTo(1.959963984540054, 6);
    expect((e.rtp - e.ci99.low) / e.standardError).toBeCloseTo(2.5758293035489, 6);
  });

  it('stays exact when sums exceed 2^53', () => {
    // 10^12 rounds of 10^6 units each: S1 = 10^18, S2 = 10^24, zero variance.
    const n = 10 ** 12;
    const e = estimateRtp(n, 10n ** 18n, 10n ** 24n, 1_000);
    expect(e.rtp).toBe(1000);
    expect(e.standardError).toBe(0);
  });

  it('refuses impossible sums', () => {
    expect(() => estimateRtp(10, 100n, 1n, 1)).toThrow(/variance/);
  });
});

describe('RTP verdict (99% two-sided z-test)', () => {
  const estimate = estimateRtp(1_000_000, 960_000n * 20n, 30_000_000_000n, 20); // rtp 0.96
  it('passes at the true value and fails a value many standard errors away (negative control)', () => {
    expect(rtpVerdict(estimate, 0.96).passed).toBe(true);
    expect(rtpVerdict(estimate, 0.96).zScore).toBeCloseTo(0, 9);
    const far = 0.96 + 3 * estimate.standardError;
    const v = rtpVerdict(estimate, far);
    expect(v.passed).toBe(false);
    expect(v.zScore).toBeCloseTo(-3, 6);
    const near = 0.96 - 2.5 * estimate.standardError;
    expect(rtpVerdict(estimate, near).passed).toBe(true);
  });

  it('with zero variance passes only on equality', () => {
    const constant = estimateRtp(100, 2000n, 40_000n, 20); // always 20 units: RTP exactly 1
    expect(rtpVerdict(constant, 1).passed).toBe(true);
    expect(rtpVerdict(constant, 0.999).passed).toBe(false);
  });

  it('parses RTPs as decimals, percentages and fractions', () => {
    expect(parseRtp('0.9612')).toBe(0.9612);
    expect(parseRtp('96.12%')).toBeCloseTo(0.9612, 12);
    expect(parseRtp('961/1000')).toBe(0.961);
    for (const bad of ['', 'abc', '-0.5', '1/0']) expect(() => parseRtp(bad)).toThrow();
  });
});
