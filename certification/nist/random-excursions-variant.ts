import { excursionCycleConstraint } from './random-excursions.ts';
import { erfc } from './special-functions.ts';
import { assertBits, type NistTestResult } from './types.ts';

export const RANDOM_EXCURSION_VARIANT_STATES = [
  -9, -8, -7, -6, -5, -4, -3, -2, -1, 1, 2, 3, 4, 5, 6, 7, 8, 9,
] as const;

/**
 * Random excursions variant test, SP 800-22 §2.15 (description §3.15): ξ(x) = total visits to
 * state x ∈ {±1..±9}, P = erfc(|ξ(x) − J|/√(2J(4|x| − 2))). Eighteen P-values. The reference casts
 * the J constraint to int (item 5) and has no cycle cap.
 */
export function randomExcursionsVariantTest(
  bits: Uint8Array,
  options: { readonly enforceConstraint?: boolean } = {},
): NistTestResult {
  assertBits(bits);
  const n = bits.length;
  const enforceConstraint = options.enforceConstraint ?? true;
  const labels = RANDOM_EXCURSION_VARIANT_STATES.map((x) => (x > 0 ? `+${x}` : `${x}`));
  const parameters = { n, enforceConstraint };
  const base = { name: 'RandomExcursionsVariant', labels, parameters };
  if (n === 0)
    return { ...base, pValues: [], statistics: { J: 0 }, applicable: false, reason: 'empty sequence' };
  const visits = new Float64Array(19);
  let J = 0;
  let s = 0;
  for (let i = 0; i < n; i++) {
    s += bits[i] === 1 ? 1 : -1;
    if (s === 0) J++;
    else if (s >= -9 && s <= 9) visits[s + 9]!++;
  }
  if (s !== 0) J++;
  const constraint = Math.trunc(excursionCycleConstraint(n));
  if (enforceConstraint && J < constraint) {
    return {
      ...base,
      pValues: [],
      statistics: { J, constraint },
      applicable: false,
      reason: `J = ${J} < ${constraint}: insufficient number of cycles (2.15.7)`,
    };
  }
  const pValues: number[] = [];
  const visitsByState: Record<string, number> = {};
  for (let i = 0; i < RANDOM_EXCURSION_VARIANT_STATES.length; i++) {
    const x = RANDOM_EXCURSION_VARIANT_STATES[i]!;
    const count = visits[x + 9]!;
    visitsByState[labels[i]!] = count;
    pValues.push(erfc(Math.abs(count - J) / Math.sqrt(2 * J * (4 * Math.abs(x) - 2))));
  }
  return { ...base, pValues, statistics: { J, visits: visitsByState }, applicable: true };
}
