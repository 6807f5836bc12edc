/**
 * The laws behind the GLI-style tests against EXHAUSTIVE ENUMERATION of small cases (every
 * sequence of draws counted, exact integer or rational weights): gap, poker, coupon collector,
 * permutation and maximum-of-t. Published values (Knuth's tables) are checked in stats.test.ts and
 * runs-up.test.ts; this file checks each formula by brute force, as simple-statistics checks
 * every function against data.
 */
import { describe, expect, it } from 'vitest';
import { couponLengthProbabilities } from './coupon-collector.ts';
import { gapLengthProbabilities } from './gap.ts';
import { maximumProbabilities } from './maximum-of-t.ts';
import { PERMUTATION_GROUP, permutationIndex } from './permutation.ts';
import { distinctCountProbabilities } from './stats.ts';

/** Calls `visit` with every sequence in [0, d)^length (as a reused array). */
function forEachSequence(d: number, length: number, visit: (sequence: readonly number[]) => void): void {
  const sequence = new Array<number>(length).fill(0);
  const total = d ** length;
  for (let index = 0; index < total; index++) {
    let rest = index;
    for (let i = length - 1; i >= 0; i--) {
      sequence[i] = rest % d;
      rest = Math.floor(rest / d);
    }
    visit(sequence);
  }
}

/** Probability of a sequence under integer weights w (P(x) = w[x] / W): product of weights, and W^length. */
function weightOf(sequence: readonly number[], weights: readonly number[]): number {
  return sequence.reduce((product, x) => product * weights[x]!, 1);
}

describe('gap lengths (Knuth §3.3.2C): p (1 - p)^r, and (1 - p)^t for ">= t"', () => {
  for (const weights of [
    [1, 1, 1],
    [1, 2, 3],
  ]) {
    it(`all 3^10 sequences, value set [0, 1), weights ${weights.join(':')}`, () => {
      // The first gap of Algorithm G: the draws before the first hit in [0, a), a = floor(3/2) = 1.
      const length = 10;
      const total = weights.reduce((a, b) => a + b, 0);
      const firstGap = new Array<number>(length + 1).fill(0); // index length: no hit at all
      forEachSequence(3, length, (s) => {
        const hit = s.indexOf(0);
        firstGap[hit < 0 ? length : hit]! += weightOf(s, weights);
      });
      const p = weights[0]! / total;
      const t = 6;
      const law = gapLengthProbabilities(p, t);
      const denominator = total ** length;
      for (let r = 0; r < t; r++) expect(law[r]!).toBeCloseTo(firstGap[r]! / denominator, 14);
      const atLeastT = firstGap.slice(t).reduce((a, b) => a + b, 0);
      expect(law[t]!).toBeCloseTo(atLeastT / denominator, 14);
    });
  }
});

describe('poker (Knuth §3.3.2D): distinct values among k draws of d', () => {
  for (const [d, k] of [
    [6, 5],
    [16, 5],
    [2, 5],
  ] as const) {
    it(`all ${d}^${k} hands`, () => {
      const counts = new Array<number>(k + 1).fill(0);
      forEachSequence(d, k, (hand) => {
        counts[new Set(hand).size]! += 1;
      });
      const law = distinctCountProbabilities(d, k);
      for (let r = 0; r <= k; r++) expect(law[r]!).toBeCloseTo(counts[r]! / d ** k, 15);
    });
  }
});

describe('coupon collector (Knuth §3.3.2E): length of the first complete set', () => {
  for (const [d, length] of [
    [2, 16],
    [3, 12],
    [4, 9],
  ] as const) {
    it(`all ${d}^${length} sequences`, () => {
      const counts = new Array<number>(length + 1).fill(0);
      forEachSequence(d, length, (s) => {
        const seen = new Set<number>();
        for (let i = 0; i < s.length; i++) {
          seen.add(s[i]!);
          if (seen.size === d) {
            counts[i + 1]! += 1;
            return;
          }
        }
      });
      const law = couponLengthProbabilities(d, length + 1);
      for (let r = 0; r <= length; r++) expect(law[r]!).toBeCloseTo(counts[r]! / d ** length, 15);
    });
  }
});

describe('permutation (Knuth §3.3.2F, Algorithm P): tie-free groups are equally likely orderings', () => {
  for (const weights of [
    [1, 1, 1, 1, 1],
    [1, 2, 3, 4, 7],
  ]) {
    it(`all 5^4 groups of 4, weights ${weights.join(':')}`, () => {
      const t = PERMUTATION_GROUP;
      const byIndex = new Array<number>(24).fill(0);
      let ties = 0;
      forEachSequence(5, t, (s) => {
        const f = permutationIndex(Float64Array.from(s), t);
        if (f < 0) ties += weightOf(s, weights);
        else byIndex[f]! += weightOf(s, weights);
      });
      // Exact integer weights: every ordering carries exactly the same total, so conditioning on
      // "no tie" leaves the 24 orderings uniform (the test's claim for any iid law).
      expect(new Set(byIndex).size).toBe(1);
      expect(byIndex[0]! * 24 + ties).toBe(weights.reduce((a, b) => a + b, 0) ** t);
    });
  }
});

describe('maximum-of-t (Knuth §3.3.2H): F(v)^t - F(v-1)^t', () => {
  for (const weights of [
    [1, 1, 1, 1],
    [4, 1, 3, 2],
  ]) {
    it(`all 4^5 groups of 5, weights ${weights.join(':')}`, () => {
      const t = 5;
      const total = weights.reduce((a, b) => a + b, 0);
      const byMaximum = new Array<number>(4).fill(0);
      forEachSequence(4, t, (s) => {
        byMaximum[Math.max(...s)]! += weightOf(s, weights);
      });
      const uniform = weights.every((w) => w === weights[0]);
      const law = maximumProbabilities(4, t, uniform ? undefined : weights.map((w) => w / total));
      for (let v = 0; v < 4; v++) expect(law[v]!).toBeCloseTo(byMaximum[v]! / total ** t, 14);
    });
  }
});
