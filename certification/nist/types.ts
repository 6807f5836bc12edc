/**
 * Shared result shape of the SP 800-22 tests. Every test returns one `NistTestResult`; several
 * P-values for the tests that report more than one (templates, serial, cusum, excursions).
 */
export interface NistTestResult {
  /** Stable test name, as the reference's final report spells it (e.g. "BlockFrequency"). */
  readonly name: string;
  /** The test's P-values in the reference's order; empty when the test is not applicable. */
  readonly pValues: number[];
  /** Labels of `pValues` (template, state, direction), same length; absent for single P-value tests. */
  readonly labels?: string[];
  readonly statistics: Record<string, unknown>;
  readonly parameters: Record<string, unknown>;
  readonly applicable: boolean;
  /** Why the test was not applicable, or a note on a reference quirk that applied. */
  readonly reason?: string;
}

/** A test that cannot run on this input: no P-values, with the reason. */
export function notApplicable(
  name: string,
  reason: string,
  parameters: Record<string, unknown>,
  statistics: Record<string, unknown> = {},
): NistTestResult {
  return { name, pValues: [], statistics, parameters, applicable: false, reason };
}

/** Throws unless every element of `bits` is 0 or 1 (TIGER_STYLE: assert the input invariant). */
export function assertBits(bits: Uint8Array): void {
  let bad = 0;
  for (let i = 0; i < bits.length; i++) bad |= bits[i]! & 0xfe;
  if (bad !== 0) throw new RangeError('bits must hold one bit (0 or 1) per element');
}

/** Throws unless `value` is an integer in [min, max]. */
export function assertIntegerIn(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
}
