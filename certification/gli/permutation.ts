import { pooledChiSquare } from './stats.ts';
import {
  checkSampleSize,
  chiSquareResult,
  type GliTestResult,
  MIN_EXPECTED_COUNT,
  notApplicable,
  type ScaledSource,
} from './types.ts';

const NAME = 'permutation';
const REFERENCE = 'Knuth TAOCP vol.2 §3.3.2F (permutation test, Algorithm P), chi-square of §3.3.1A';

/** Group size t (t! = 24 orderings). */
export const PERMUTATION_GROUP = 4;

/**
 * Permutation test, Knuth §3.3.2F: split the draws into non-overlapping groups of t; each group's
 * relative ordering is one of t! equally likely permutations (numbered by Algorithm P, the
 * factorial number system); chi-square with t! - 1 degrees of freedom.
 *
 * Knuth assumes no two values in a group are equal. Integer draws do tie; a group with a tie is
 * DISCARDED: for independent identically distributed draws, conditioning on "all distinct" keeps
 * every ordering equally likely (exchangeability), so the test stays exact for any range and for
 * weighted reels too. t = min(4, range).
 */
export function permutationTest(source: ScaledSource, sampleSize: number): GliTestResult {
  const { range } = source.describe();
  checkSampleSize(sampleSize);
  const t = Math.min(PERMUTATION_GROUP, range);
  let orderings = 1;
  for (let i = 2; i <= t; i++) orderings *= i;
  const parameters = { range, t };
  if (t < 2) return notApplicable(NAME, REFERENCE, 0, parameters, 'range < 2');
  const counts = new Float64Array(orderings);
  const group = new Float64Array(t);
  const groups = Math.floor(sampleSize / t);
  let kept = 0;
  for (let g = 0; g < groups; g++) {
    for (let i = 0; i < t; i++) group[i] = source.next();
    const f = permutationIndex(group, t);
    if (f >= 0) {
      counts[f]! += 1;
      kept++;
    }
  }
  if (kept / orderings < MIN_EXPECTED_COUNT) {
    return notApplicable(
      NAME,
      REFERENCE,
      groups * t,
      { ...parameters, groups, kept },
      'too few tie-free groups',
    );
  }
  const outcome = pooledChiSquare(counts, new Float64Array(orderings).fill(kept / orderings));
  if (!outcome) return notApplicable(NAME, REFERENCE, groups * t, parameters, 'too few categories');
  return chiSquareResult(NAME, REFERENCE, outcome, groups * t, {
    ...parameters,
    groups,
    tieFreeGroups: kept,
  });
}

/**
 * Knuth's Algorithm P (§3.3.2F): repeatedly find the largest of the first r values, f <- r f + s,
 * move it to position r; f ends in [0, t!). Returns -1 when two values are equal. Sorts `group` in
 * place.
 */
export function permutationIndex(group: Float64Array, t: number): number {
  let f = 0;
  for (let r = t; r > 1; r--) {
    let s = 0;
    for (let i = 1; i < r; i++) {
      if (group[i] === group[s]) return -1;
      if (group[i]! > group[s]!) s = i;
    }
    for (let i = 0; i < r; i++) if (i !== s && group[i] === group[s]) return -1;
    f = r * f + s;
    const swap = group[r - 1]!;
    group[r - 1] = group[s]!;
    group[s] = swap;
  }
  return f;
}
