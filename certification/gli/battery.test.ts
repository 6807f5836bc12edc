import { describe, expect, it } from 'vitest';
import { GLI_TESTS, gliSecondLevel, runGliSequence, selectGliTests } from './battery.ts';
import { couponCollectorTest } from './coupon-collector.ts';
import { frequencyTest } from './frequency.ts';
import { gapTest } from './gap.ts';
import { maximumOfTTest } from './maximum-of-t.ts';
import { permutationIndex, permutationTest } from './permutation.ts';
import { pokerTest } from './poker.ts';
import { runsUpTest } from './runs-up.ts';
import { runsUpDownTest } from './runs-up-down.ts';
import { serialTest } from './serial.ts';
import { serialCorrelationTest } from './serial-correlation.ts';
import { aesWords, goodSource, unbiasedBelow } from './test-support.ts';
import type { GliTestResult, ScaledSource } from './types.ts';

/** Draws `count` values of a source into an array (the battery replays one array to every test). */
function record(source: ScaledSource, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = source.next();
  return out;
}

/** A good source perturbed by `step(previous, fresh)`: deliberately dependent draws. */
function perturbed(
  seed: number,
  range: number,
  step: (previous: number, fresh: () => number) => number,
): ScaledSource {
  const word = aesWords(seed);
  const fresh = () => unbiasedBelow(word, range);
  let previous = fresh();
  return {
    describe: () => ({ label: 'perturbed', range }),
    next: () => {
      previous = step(previous, fresh);
      return previous;
    },
  };
}

const chance = (seed: number) => {
  const word = aesWords(seed);
  return () => word() / 2 ** 32;
};

const only = (r: GliTestResult) => {
  expect(r.applicable).toBe(true);
  expect(r.pValues).toHaveLength(1);
  return r.pValues[0]!;
};

describe('GLI battery on a good source passes at the expected proportion with uniform P-values', () => {
  const cases: [string, number, (readonly number[])?][] = [
    ['a reel of 7 stops', 7],
    ['a range of 1000', 1000],
    ['a large range 3*2^30', 3 * 2 ** 30],
    ['a weighted reel', 5, [0.1, 0.2, 0.3, 0.25, 0.15]],
  ];
  for (const [label, range, probabilities] of cases) {
    it(label, () => {
      const sequences = 30;
      const perSequence: GliTestResult[][] = [];
      for (let s = 0; s < sequences; s++) {
        const source = goodSource(1000 + s, range, probabilities);
        perSequence.push(runGliSequence(record(source, 50_000), source.describe()));
      }
      const rows = gliSecondLevel(perSequence);
      expect(rows.map((r) => r.name)).toEqual(GLI_TESTS.map((t) => t.name));
      for (const row of rows) {
        if (probabilities && (row.name === 'poker' || row.name === 'coupon-collector')) {
          expect(row.verdict, row.name).toBe('not applicable');
          continue;
        }
        expect(row.verdict, `${row.name}: ${row.reasons.join('; ')}`).toBe('pass');
        expect(row.applicable).toBe(sequences);
      }
    });
  }
});

describe('each test catches the defect it is designed for', () => {
  const n = 200_000;
  it('frequency (§3.3.2A): value 0 over-represented by 5%', () => {
    const u = chance(1);
    const source = perturbed(2, 10, (_p, fresh) => (u() < 0.005 ? 0 : fresh()));
    expect(only(frequencyTest(source, n))).toBeLessThan(1e-6);
  });
  it('serial pairs (§3.3.2B): second of a pair repeats the first 3% of the time; frequency is blind', () => {
    const u = chance(3);
    let odd = false;
    const source = perturbed(4, 16, (previous, fresh) => {
      odd = !odd;
      return !odd && u() < 0.03 ? previous : fresh();
    });
    const draws = record(source, n);
    const description = source.describe();
    const [frequency, pairs] = runGliSequence(draws, description, ['frequency', 'serial-pairs']);
    expect(only(frequency!)).toBeGreaterThan(0.01);
    expect(only(pairs!)).toBeLessThan(1e-6);
  });
  it('serial triples (§3.3.2B): every third draw is the sum of the two before mod 8, 10% of the time', () => {
    const u = chance(5);
    let i = 0;
    let a = 0;
    let b = 0;
    const source = perturbed(6, 8, (_previous, fresh) => {
      const position = i++ % 3;
      if (position === 0) a = fresh();
      if (position === 1) b = fresh();
      if (position === 0) return a;
      if (position === 1) return b;
      return u() < 0.1 ? (a + b) % 8 : fresh();
    });
    const draws = record(source, 300_000);
    const [pairs, triples] = runGliSequence(draws, source.describe(), ['serial-pairs', 'serial-triples']);
    expect(only(triples!)).toBeLessThan(1e-6);
    expect(pairs!.pValues[0]!).toBeGreaterThan(0.001);
  });
  it('gap (§3.3.2C): after a low draw the next is high 55% of the time', () => {
    const u = chance(7);
    const source = perturbed(8, 100, (previous, fresh) =>
      previous < 50 && u() < 0.1 ? 50 + (fresh() % 50) : fresh(),
    );
    expect(only(gapTest(source, n))).toBeLessThan(1e-6);
  });
  it('poker (§3.3.2D) and coupon collector (§3.3.2E): a draw repeats the previous one 5% of the time', () => {
    const u = chance(9);
    const sticky = () => perturbed(10, 10, (previous, fresh) => (u() < 0.05 ? previous : fresh()));
    expect(only(pokerTest(sticky(), n))).toBeLessThan(1e-6);
    expect(only(couponCollectorTest(sticky(), n))).toBeLessThan(1e-6);
  });
  it('permutation (§3.3.2F): 2% of groups of 4 come sorted', () => {
    const word = aesWords(11);
    const u = chance(12);
    const queue: number[] = [];
    const source: ScaledSource = {
      describe: () => ({ label: 'sorted groups', range: 2 ** 32 }),
      next: () => {
        if (queue.length === 0) {
          const group = [word(), word(), word(), word()];
          if (u() < 0.02) group.sort((x, y) => x - y);
          queue.push(...group);
        }
        return queue.shift()!;
      },
    };
    expect(only(permutationTest(source, n))).toBeLessThan(1e-6);
  });
  it('runs up (§3.3.2G) and runs up and down: the next draw exceeds the previous one 55% of the time', () => {
    const make = () => {
      const u = chance(13);
      return perturbed(14, 2 ** 32, (previous, fresh) => {
        const x = fresh();
        const up = u() < 0.55;
        const low = Math.min(x, previous);
        const high = Math.max(x, previous);
        return up ? high : low;
      });
    };
    expect(only(runsUpTest(make(), n))).toBeLessThan(1e-6);
    // Runs up and down reacts to oscillation: high and low draws alternating more often than chance.
    const u = chance(15);
    let up = true;
    const oscillating = perturbed(16, 2 ** 32, (previous, fresh) => {
      const x = fresh();
      up = !up;
      if (u() >= 0.2) return x;
      return up ? Math.max(x, previous) : Math.min(x, previous);
    });
    expect(only(runsUpDownTest(oscillating, n))).toBeLessThan(1e-6);
  });
  it('maximum-of-t (§3.3.2H): the fifth draw of a group is the larger of two draws half of the time', () => {
    const u = chance(17);
    let i = 0;
    const source = perturbed(18, 1000, (_previous, fresh) => {
      const x = fresh();
      return ++i % 5 === 0 && u() < 0.5 ? Math.max(x, fresh()) : x;
    });
    expect(only(maximumOfTTest(source, n))).toBeLessThan(1e-6);
  });
  it('serial correlation (§3.3.2K): a draw repeats the previous one 3% of the time', () => {
    const u = chance(19);
    const source = perturbed(20, 1000, (previous, fresh) => (u() < 0.03 ? previous : fresh()));
    expect(only(serialCorrelationTest(source, n))).toBeLessThan(1e-6);
  });
});

describe('applicability', () => {
  it('a tiny sample makes the chi-square tests not applicable, with a reason', () => {
    const source = goodSource(1, 1000);
    const results = runGliSequence(record(source, 50), source.describe());
    const byName = Object.fromEntries(results.map((r) => [r.name, r]));
    expect(byName['serial-triples']!.applicable).toBe(false);
    expect(byName['serial-triples']!.reason).toMatch(/sample too small/);
    expect(byName['runs-up']!.applicable).toBe(false);
    expect(byName.gap!.applicable).toBe(false);
  });
  it('large ranges are coarsened and the coarse d is recorded', () => {
    const source = goodSource(2, 3 * 2 ** 30);
    const result = serialTest(source, 300_000, 3);
    expect(result.parameters.coarsened).toBe(true);
    expect(result.parameters.d).toBe(21); // floor((100000 / 10)^(1/3))
  });
  it('rejects unknown test names', () => {
    expect(() => selectGliTests(['frequency', 'nope'])).toThrow(/unknown GLI test/);
  });
  it('Algorithm P numbers the 24 orderings of 4 distinct values 0..23 and flags ties', () => {
    const seen = new Set<number>();
    const values = [3, 1, 4, 2];
    const permute = (a: number[], k: number): void => {
      if (k === a.length) {
        seen.add(permutationIndex(Float64Array.from(a), 4));
        return;
      }
      for (let i = k; i < a.length; i++) {
        [a[k], a[i]] = [a[i]!, a[k]!];
        permute(a, k + 1);
        [a[k], a[i]] = [a[i]!, a[k]!];
      }
    };
    permute(values, 0);
    expect([...seen].sort((x, y) => x - y)).toEqual([...Array(24).keys()]);
    expect(permutationIndex(Float64Array.from([5, 1, 5, 2]), 4)).toBe(-1);
    expect(permutationIndex(Float64Array.from([1, 2, 2, 9]), 4)).toBe(-1);
  });
});

describe('second level', () => {
  it('accepts failures up to the exact binomial bound at 0.001', async () => {
    const { maximumAcceptedFailures } = await import('./battery.ts');
    expect(maximumAcceptedFailures(1)).toBe(0);
    expect(maximumAcceptedFailures(30)).toBe(3); // P(X >= 3) = 0.0033, P(X >= 4) = 0.00022
    expect(maximumAcceptedFailures(100)).toBe(5); // P(X >= 5) = 0.0034, P(X >= 6) = 0.00059
  });
  it('fails a test whose P-values crowd near zero, and passes when uniform', () => {
    const make = (p: number): GliTestResult => ({
      name: 'x',
      reference: 'r',
      pValues: [p],
      statistic: 0,
      degreesOfFreedom: 1,
      sampleSize: 1,
      parameters: {},
      applicable: true,
    });
    const uniform = Array.from({ length: 60 }, (_, i) => [make((i + 0.5) / 60)]);
    expect(gliSecondLevel(uniform)[0]!.verdict).toBe('pass');
    const crowded = Array.from({ length: 60 }, (_, i) => [make(0.02 + ((i + 0.5) / 60) * 0.2)]);
    const row = gliSecondLevel(crowded)[0]!;
    expect(row.verdict).toBe('fail');
    expect(row.reasons.join()).toMatch(/not uniform/);
    // Below 55 sequences (SP 800-22 §4.2.2) the KS figure is reported but does not judge the row.
    const few = gliSecondLevel(crowded.slice(0, 54))[0]!;
    expect(few.ksPValue!).toBeLessThan(1e-4);
    expect([few.ksApplied, few.verdict]).toEqual([false, 'pass']);
    // A statistic with large atoms (largestAtom 0.05 over 60 sequences: 0.39 > 0.05) is not judged by KS.
    const discrete = crowded.map(([r]) => [{ ...r!, largestAtom: 0.05 }]);
    expect(gliSecondLevel(discrete)[0]!.ksNote).toMatch(/discrete/);
    expect(gliSecondLevel([[make(0.005)]])[0]!.verdict).toBe('fail');
  });
});
