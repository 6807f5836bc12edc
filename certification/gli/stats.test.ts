import { describe, expect, it } from 'vitest';
import { couponLengthProbabilities } from './coupon-collector.ts';
import {
  chiSquareUpperTail,
  coarsening,
  continuityGrouping,
  distinctCountProbabilities,
  normalTwoSidedP,
  pooledChiSquare,
} from './stats.ts';

/** Stirling numbers of the second kind, exactly (BigInt), by S(n, k) = k S(n-1, k) + S(n-1, k-1). */
function stirling2(n: number, k: number): bigint {
  const table: bigint[][] = [[1n]];
  for (let i = 1; i <= n; i++) {
    const row: bigint[] = [0n];
    for (let j = 1; j <= i; j++)
      row.push(BigInt(j) * (table[i - 1]![j] ?? 0n) + (table[i - 1]![j - 1] ?? 0n));
    table.push(row);
  }
  return table[n]![k] ?? 0n;
}

describe('chi-square and normal tails', () => {
  it('matches published critical values (Abramowitz & Stegun Table 26.8)', () => {
    expect(chiSquareUpperTail(3.841458820694124, 1)).toBeCloseTo(0.05, 12);
    expect(chiSquareUpperTail(6.634896601021214, 1)).toBeCloseTo(0.01, 12);
    expect(chiSquareUpperTail(23.209251158954356, 10)).toBeCloseTo(0.01, 12);
    expect(chiSquareUpperTail(124.34211340400407, 100)).toBeCloseTo(0.05, 10);
    expect(chiSquareUpperTail(0, 5)).toBe(1);
  });
  it('normal two-sided P at z = 1.96 and 2.5758 (A&S Table 26.1)', () => {
    expect(normalTwoSidedP(1.959963984540054)).toBeCloseTo(0.05, 12);
    expect(normalTwoSidedP(-2.5758293035489)).toBeCloseTo(0.01, 12);
  });
});

describe('pooledChiSquare', () => {
  it('computes Pearson chi-square with k - 1 degrees of freedom: Knuth §3.3.1 dice example', () => {
    // Knuth §3.3.1, eq. (5)-(6): 144 throws of two dice, observed Y_s for s = 2..12; V = 7 7/48.
    const observed = [2, 4, 10, 12, 22, 29, 21, 15, 14, 9, 6];
    const probabilities = [1, 2, 3, 4, 5, 6, 5, 4, 3, 2, 1].map((w) => w / 36);
    const outcome = pooledChiSquare(
      observed,
      probabilities.map((p) => p * 144),
    )!;
    // Knuth lumps nothing here (the smallest expected count is 4); with our minimum of 5 the two
    // extreme cells (expected 4 each) are pooled, so compute Knuth's V directly too.
    let v = 0;
    for (let i = 0; i < observed.length; i++)
      v += (observed[i]! - 144 * probabilities[i]!) ** 2 / (144 * probabilities[i]!);
    expect(v).toBeCloseTo(7 + 7 / 48, 10);
    expect(outcome.categories).toBe(10);
    expect(outcome.degreesOfFreedom).toBe(9);
  });
  it('lumps small cells by expectation only, never drops observations', () => {
    const outcome = pooledChiSquare([10, 3, 1, 2, 0], [10, 2, 2, 2, 1])!;
    expect(outcome.rawCategories).toBe(5);
    expect(outcome.categories).toBe(2);
    // pools: {10|10}, {3+1+2+0 | 2+2+2+1}
    expect(outcome.statistic).toBeCloseTo(0 + (6 - 7) ** 2 / 7, 12);
  });
  it('returns null with fewer than two categories', () => {
    expect(pooledChiSquare([3, 1], [2, 2])).toBeNull();
  });
});

describe('coarsening', () => {
  it('maps to the leading radix-d digit and rejects the partial top cell', () => {
    const c = coarsening(10, 3);
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(c.map)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, -1]);
    const exact = coarsening(3 * 2 ** 30, 64);
    expect(exact.acceptBelow).toBe(3 * 2 ** 30);
    expect(exact.map(3 * 2 ** 30 - 1)).toBe(63);
  });
  it('grouping for continuity: least k with collision probability <= 2^-20', () => {
    expect(continuityGrouping(2 ** 32)).toBe(1);
    expect(continuityGrouping(2 ** 20)).toBe(1);
    expect(continuityGrouping(7)).toBe(8); // 7^8 = 5.7e6 >= 2^20 > 7^7
    expect(continuityGrouping(2, [1, 0])).toBeNull();
  });
});

describe('poker and coupon distributions equal Knuth eqs. (5) and (9)', () => {
  it('distinct values among 5 of 10: 0.0001, 0.0135, 0.18, 0.504, 0.3024 (Knuth §3.3.2D)', () => {
    const p = distinctCountProbabilities(10, 5);
    expect([...p.subarray(1)].map((x) => Number(x.toFixed(10)))).toEqual([
      0.0001, 0.0135, 0.18, 0.504, 0.3024,
    ]);
  });
  it('distinct-count law equals d(d-1)...(d-r+1)/d^k S(k, r)', () => {
    for (const [d, k] of [
      [16, 5],
      [7, 9],
      [3, 6],
    ] as const) {
      const p = distinctCountProbabilities(d, k);
      for (let r = 1; r <= k; r++) {
        let falling = 1;
        for (let i = 0; i < r; i++) falling *= d - i;
        const exact = (falling * Number(stirling2(k, r))) / d ** k;
        expect(p[r]!).toBeCloseTo(exact, 14);
      }
    }
  });
  it('segment length law equals d!/d^r S(r-1, d-1)', () => {
    for (const d of [2, 5, 8]) {
      const p = couponLengthProbabilities(d, 60);
      let dFactorial = 1;
      for (let i = 2; i <= d; i++) dFactorial *= i;
      for (let r = d; r < 60; r++) {
        const exact = (dFactorial * Number(stirling2(r - 1, d - 1))) / d ** r;
        expect(p[r]!).toBeCloseTo(exact, 14);
      }
      for (let r = 0; r < d; r++) expect(p[r]).toBe(0);
    }
  });
});
