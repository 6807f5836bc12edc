import { describe, expect, it } from 'vitest';
import {
  RUNS_UP_MIN_VALUES,
  runLengthClasses,
  runLengthMoments,
  runsAtLeastCovariance,
  solveLinear,
} from './runs-up.ts';

function* permutations(a: number[], k = 0): Generator<number[]> {
  if (k === a.length) {
    yield a;
    return;
  }
  for (let i = k; i < a.length; i++) {
    [a[k], a[i]] = [a[i]!, a[k]!];
    yield* permutations(a, k + 1);
    [a[k], a[i]] = [a[i]!, a[k]!];
  }
}

describe('moments of runs up (Knuth §3.3.2G)', () => {
  it('covariance formula equals complete enumeration of all permutations of 8', () => {
    const n = 8;
    const P = 7;
    const sums = new Float64Array(P);
    const products = new Float64Array(P * P);
    let count = 0;
    for (const perm of permutations([...Array(n).keys()])) {
      const atLeast = new Float64Array(P);
      let length = 1;
      const lengths: number[] = [];
      for (let j = 1; j < n; j++) {
        if (perm[j]! > perm[j - 1]!) length++;
        else {
          lengths.push(length);
          length = 1;
        }
      }
      lengths.push(length);
      for (const l of lengths) for (let q = 1; q < P; q++) if (l >= q) atLeast[q]! += 1;
      for (let a = 1; a < P; a++) {
        sums[a]! += atLeast[a]!;
        for (let b = 1; b < P; b++) products[a * P + b]! += atLeast[a]! * atLeast[b]!;
      }
      count++;
    }
    for (let a = 1; a < P; a++) {
      for (let b = 1; b < P; b++) {
        const enumerated = products[a * P + b]! / count - (sums[a]! / count) * (sums[b]! / count);
        expect(runsAtLeastCovariance(a, b, n)).toBeCloseTo(enumerated, 12);
      }
    }
  });
  it("inverse covariance times n tends to Knuth's published a_ij, and means to b_i", () => {
    const n = 1e7;
    const { mean, covariance } = runLengthMoments(n);
    const a: number[][] = [];
    for (let j = 0; j < 6; j++) {
      const unit = [0, 0, 0, 0, 0, 0];
      unit[j] = 1;
      a.push(solveLinear(covariance, unit).map((v) => v * n));
    }
    // Knuth TAOCP vol. 2 §3.3.2, eq. (11): first row, last diagonal entry.
    const knuthFirstRow = [4529.4, 9044.9, 13568, 18091, 22615, 27892];
    for (const [j, v] of knuthFirstRow.entries()) expect(a[0]![j]! / v).toBeCloseTo(1, 4);
    expect(a[5]![5]! / 172860).toBeCloseTo(1, 4);
    const b = [1 / 6, 5 / 24, 11 / 120, 19 / 720, 29 / 5040, 1 / 840];
    for (const [i, v] of b.entries()) expect(mean[i]! / n).toBeCloseTo(v, 6);
  });
});

describe('run-length classes by sample size (issue 15)', () => {
  it('six classes from 67,200 values, then 5, 4, 3, 2 at the documented thresholds, none below 240', () => {
    expect(runLengthClasses(67_200)).toBe(6);
    expect(runLengthClasses(67_199)).toBe(5);
    expect(runLengthClasses(11_520)).toBe(5);
    expect(runLengthClasses(11_519)).toBe(4);
    expect(runLengthClasses(2400)).toBe(4);
    expect(runLengthClasses(640)).toBe(3);
    expect(runLengthClasses(639)).toBe(2);
    expect(runLengthClasses(240)).toBe(2);
    expect(runLengthClasses(239)).toBeNull();
    expect(RUNS_UP_MIN_VALUES).toBe(240);
  });
  it('the statistic on fewer classes is the quadratic form of the merged counts', () => {
    // Merging classes is a linear map of the counts: its moments are those of runLengthMoments(n, c).
    const n = 500;
    const six = runLengthMoments(n, 6);
    const three = runLengthMoments(n, 3);
    expect(three.mean[0]).toBeCloseTo(six.mean[0]!, 12);
    expect(three.mean[2]).toBeCloseTo(six.mean[2]! + six.mean[3]! + six.mean[4]! + six.mean[5]!, 10);
    let merged = 0;
    for (let i = 2; i < 6; i++) for (let j = 2; j < 6; j++) merged += six.covariance[i]![j]!;
    expect(three.covariance[2]![2]).toBeCloseTo(merged, 9);
  });
});
