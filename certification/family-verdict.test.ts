import { describe, expect, it } from 'vitest';
import { createStream, uniformFloat53 } from '../rng/index.ts';
import {
  binomialCdf,
  binomialUpperTail,
  FAMILY_ALPHA,
  familyVerdict,
  poissonBinomialUpperTail,
  type RowEvidence,
} from './family-verdict.ts';
import { nistSecondLevel } from './nist/second-level.ts';
import type { NistTestResult } from './nist/types.ts';
import { nistRowEvidence } from './runner.ts';

describe('binomial and Poisson-binomial tails', () => {
  it('match exact values', () => {
    // Binomial(10, 1/2): P(X <= 3) = (1 + 10 + 45 + 120) / 1024.
    expect(binomialCdf(10, 0.5, 3)).toBeCloseTo(176 / 1024, 14);
    expect(binomialUpperTail(10, 0.5, 4)).toBeCloseTo(1 - 176 / 1024, 14);
    // Binomial(20, 0.99): P(X <= 17) = 1 − 0.99^20 − 20·0.99^19·0.01 − 190·0.99^18·0.01².
    const exact = 1 - 0.99 ** 20 - 20 * 0.99 ** 19 * 0.01 - 190 * 0.99 ** 18 * 0.0001;
    expect(binomialCdf(20, 0.99, 17)).toBeCloseTo(exact, 12);
    expect(binomialCdf(5, 0.3, -1)).toBe(0);
    expect(binomialUpperTail(5, 0.3, 6)).toBe(0);
    // Equal probabilities: the Poisson-binomial is the binomial.
    expect(poissonBinomialUpperTail(new Array(30).fill(0.1), 7)).toBeCloseTo(
      binomialUpperTail(30, 0.1, 7),
      12,
    );
    expect(poissonBinomialUpperTail([0.5, 0.25], 2)).toBeCloseTo(0.125, 14);
  });
});

describe('familyVerdict', () => {
  const quiet = (n: number): RowEvidence[] =>
    Array.from({ length: n }, () => ({
      failed: false,
      proportionPValue: 0.5,
      uniformityPValue: 0.5,
      failureProbability: 0.0011,
    }));

  it('a lone row failing its own rule at P = 0.001 is chance among 188 rows', () => {
    const rows = quiet(188);
    rows[40] = { failed: true, proportionPValue: 0.001, uniformityPValue: 0.4, failureProbability: 0.0011 };
    const v = familyVerdict(rows);
    expect(v.verdict).toBe('pass');
    expect(v.failedRows).toBe(1);
    expect(v.reason).toMatch(/1 of 188 rows failed/);
  });

  it('fails one extreme row (Bonferroni) and many mildly failing rows (count) — negative controls', () => {
    const extreme = quiet(188);
    extreme[3] = { failed: true, proportionPValue: 1e-9, uniformityPValue: 0.3, failureProbability: 0.0011 };
    expect(familyVerdict(extreme).verdict).toBe('fail');
    expect(familyVerdict(extreme).reason).toMatch(/Bonferroni/);
    const diffuse = quiet(188).map((row, i) =>
      i % 10 === 0 ? { ...row, failed: true, proportionPValue: 0.001 } : row,
    );
    const v = familyVerdict(diffuse);
    expect(v.verdict).toBe('fail');
    expect(v.failedRows).toBe(19);
    expect(v.reason).toMatch(/19 of 188 rows failed/);
  });

  /** A synthetic SP 800-22 run: 188 rows × m sequences of P-values drawn by `draw`. */
  function syntheticRun(m: number, draw: () => number): NistTestResult[][] {
    return Array.from({ length: m }, () => [
      {
        name: 'NonOverlappingTemplate',
        pValues: Array.from({ length: 188 }, draw),
        statistics: {},
        parameters: {},
        applicable: true,
      },
    ]);
  }

  it('holds a sound generator to about the stated 1% (the all-rows rule fails it in about 1 run in 6)', () => {
    // 300 batteries of 188 independent rows × 20 sequences with uniform P-values (fixed seed).
    const source = createStream('xoshiro128ss', 2026n, 0);
    let anyRowFailed = 0;
    let familyFailed = 0;
    const runs = 300;
    for (let run = 0; run < runs; run++) {
      const rows = nistSecondLevel(syntheticRun(20, () => uniformFloat53(source)));
      if (rows.some((r) => r.verdict === 'fail')) anyRowFailed++;
      if (familyVerdict(nistRowEvidence(rows, 0.01)).verdict === 'fail') familyFailed++;
    }
    // Expected: about 17% for "any row fails"; at most FAMILY_ALPHA (plus sampling error) here.
    expect(anyRowFailed / runs).toBeGreaterThan(0.1);
    expect(familyFailed / runs).toBeLessThanOrEqual(FAMILY_ALPHA + 0.02);
  });

  it('still fails P-values that lean low (a mildly flawed generator) nearly every run', () => {
    const source = createStream('xoshiro128ss', 2027n, 0);
    let familyFailed = 0;
    const runs = 40;
    for (let run = 0; run < runs; run++) {
      // P-values distributed as U^1.3: a mild excess of small P-values in every row.
      const rows = nistSecondLevel(syntheticRun(100, () => uniformFloat53(source) ** 1.3));
      if (familyVerdict(nistRowEvidence(rows, 0.01)).verdict === 'fail') familyFailed++;
    }
    expect(familyFailed / runs).toBeGreaterThan(0.9);
  });
});
