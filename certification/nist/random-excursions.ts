import { igamc } from './special-functions.ts';
import { assertBits, type NistTestResult } from './types.ts';

export const RANDOM_EXCURSION_STATES = [-4, -3, -2, -1, 1, 2, 3, 4] as const;

/** π_k(x) for |x| = 1..4, k = 0..5 (SP 800-22 §3.14 table), as the reference has them. */
const PI: readonly (readonly number[])[] = [
  [0, 0, 0, 0, 0, 0],
  [0.5, 0.25, 0.125, 0.0625, 0.03125, 0.03125],
  [0.75, 0.0625, 0.046875, 0.03515625, 0.0263671875, 0.0791015625],
  [0.8333333333, 0.02777777778, 0.02314814815, 0.01929012346, 0.01607510288, 0.0803755144],
  [0.875, 0.015625, 0.013671875, 0.01196289063, 0.0104675293, 0.0732727051],
];

/** The reference's minimum cycle count J: max(0.005·√n, 500) (SP 800-22 §2.14.7, item 5). */
export function excursionCycleConstraint(n: number): number {
  return Math.max(0.005 * Math.sqrt(n), 500);
}

export interface RandomExcursionsOptions {
  /**
   * Apply the J ≥ max(0.005√n, 500) constraint (default true, as the reference). false runs the
   * test on any J ≥ 1, e.g. the §2.14.4 illustration with J = 3.
   */
  readonly enforceConstraint?: boolean;
  /**
   * Apply the reference's cycle cap J ≤ max(1000, n/100) (default true): above it the reference
   * writes no result at all (item 6); we report the test as not applicable instead.
   */
  readonly enforceCycleCap?: boolean;
}

/**
 * Random excursions test, SP 800-22 §2.14 (description §3.14): for each state x ∈ {±1..±4}, the
 * number of cycles (excursions from 0) visiting x exactly k = 0..4 and ≥ 5 times, χ² against π_k(x),
 * P = igamc(5/2, χ²/2). Eight P-values in the reference's order −4..−1, +1..+4.
 */
export function randomExcursionsTest(
  bits: Uint8Array,
  options: RandomExcursionsOptions = {},
): NistTestResult {
  assertBits(bits);
  const n = bits.length;
  const enforceConstraint = options.enforceConstraint ?? true;
  const enforceCycleCap = options.enforceCycleCap ?? true;
  const labels = RANDOM_EXCURSION_STATES.map((x) => (x > 0 ? `+${x}` : `${x}`));
  const parameters = { n, enforceConstraint, enforceCycleCap };
  const base = { name: 'RandomExcursions', labels, parameters };
  if (n === 0)
    return { ...base, pValues: [], statistics: { J: 0 }, applicable: false, reason: 'empty sequence' };
  // One pass: walk S_k and, per cycle, count visits to each state; a cycle ends at each return to
  // 0 (the zero itself belongs to no state) and the last one at the end of the sequence.
  const nu: number[][] = RANDOM_EXCURSION_STATES.map(() => [0, 0, 0, 0, 0, 0]);
  const counter = new Int32Array(9);
  let J = 0;
  let s = 0;
  const closeCycle = (): void => {
    for (let i = 0; i < 8; i++) {
      const x = RANDOM_EXCURSION_STATES[i]!;
      const c = counter[x + 4]!;
      nu[i]![c < 5 ? c : 5]!++;
    }
    counter.fill(0);
  };
  for (let i = 0; i < n; i++) {
    s += bits[i] === 1 ? 1 : -1;
    if (s === 0) {
      J++;
      closeCycle();
    } else if (s >= -4 && s <= 4) counter[s + 4]!++;
  }
  if (s !== 0) {
    J++;
    closeCycle();
  }
  const cap = Math.max(1000, Math.trunc(n / 100));
  const constraint = excursionCycleConstraint(n);
  if (enforceCycleCap && J > cap) {
    return {
      ...base,
      pValues: [],
      statistics: { J, cap },
      applicable: false,
      reason: `J = ${J} cycles exceeds the reference's cap max(1000, n/100) = ${cap}; the reference writes no result`,
    };
  }
  if (enforceConstraint && J < constraint) {
    return {
      ...base,
      pValues: [],
      statistics: { J, constraint },
      applicable: false,
      reason: `J = ${J} < max(0.005·sqrt(n), 500) = ${constraint}: insufficient number of cycles (2.14.7)`,
    };
  }
  const pValues: number[] = [];
  const chi2s: number[] = [];
  for (let i = 0; i < 8; i++) {
    const pi = PI[Math.abs(RANDOM_EXCURSION_STATES[i]!)]!;
    let chi2 = 0;
    for (let k = 0; k < 6; k++) chi2 += (nu[i]![k]! - J * pi[k]!) ** 2 / (J * pi[k]!);
    chi2s.push(chi2);
    pValues.push(igamc(2.5, chi2 / 2));
  }
  return { ...base, pValues, statistics: { J, nu, chi2: chi2s }, applicable: true };
}
