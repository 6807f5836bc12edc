/**
 * Shared vocabulary of the GLI-style battery: tests on SCALED outputs, i.e. integers in [0, n) as a
 * game consumes them (reel stops, card indices), not on raw generator bits (that is SP 800-22).
 */
import type { ChiSquareOutcome } from './stats.ts';

/** Significance level of every GLI-style test: a test passes at 99% confidence when P >= ALPHA. */
export const ALPHA = 0.01;

/**
 * Smallest expected count per chi-square category. Knuth TAOCP vol. 2 §3.3.1A: "each category
 * should have an expected count of at least 5"; smaller categories are lumped together.
 */
export const MIN_EXPECTED_COUNT = 5;

/** What a scaled source says about itself: its range and, for weighted (virtual) reels, its law. */
export interface ScaledSourceDescription {
  /** Human-readable identity, e.g. "uniformInt(hmac-drbg, 1000)" or "game x reel 3". */
  readonly label: string;
  /** Draws are integers in [0, range). */
  readonly range: number;
  /**
   * Probability of each value when the source is NOT uniform by design (a weighted virtual reel):
   * length `range`, summing to 1. Absent for a uniform source.
   */
  readonly probabilities?: readonly number[];
  /**
   * The reel's integer stop weights, when it has them (probabilities = weights / their sum). Tests
   * that need exact expected counts (weighted serial pairs and triples) use them; without them the
   * exact binary values of `probabilities` are used.
   */
  readonly weights?: readonly number[];
}

/** A stream of scaled draws: integers in [0, describe().range). */
export interface ScaledSource {
  describe(): ScaledSourceDescription;
  next(): number;
}

/** One GLI-style test on one sequence. */
export interface GliTestResult {
  /** Stable test id, e.g. "frequency", "serial-pairs". */
  readonly name: string;
  /** Section of Knuth TAOCP vol. 2 (3rd ed.) or the paper the test implements. */
  readonly reference: string;
  /** P-value(s) of the sequence; empty when the test is not applicable. */
  readonly pValues: number[];
  /** Test statistic (chi-square, z, V, ...), null when not applicable. */
  readonly statistic: number | null;
  /** Degrees of freedom of a chi-square statistic (after lumping small categories); null otherwise. */
  readonly degreesOfFreedom: number | null;
  /** Draws consumed from the source. */
  readonly sampleSize: number;
  /** Every parameter needed to rerun the test (categories, group sizes, coarse range d, ...). */
  readonly parameters: Record<string, number | string | boolean>;
  readonly applicable: boolean;
  /** Why a test is not applicable, or a note on a degenerate outcome. */
  readonly reason?: string;
  /**
   * Estimate of the largest probability of any single value of the statistic under the hypothesis
   * (how discrete it is; `chiSquareLargestAtom`). Decides whether the KS second level may judge the
   * P-values (battery.ts, `KS_MAX_ATOM_SCALE`). Absent: treated as continuous.
   */
  readonly largestAtom?: number;
}

/** Every test's precondition: `sampleSize` (draws to consume) is a positive safe integer. */
export function checkSampleSize(sampleSize: number): void {
  if (!Number.isSafeInteger(sampleSize) || sampleSize < 1) throw new RangeError('sampleSize must be >= 1');
}

/** Builds the result of a test whose statistic is Pearson's chi-square (`pooledChiSquare`). */
export function chiSquareResult(
  name: string,
  reference: string,
  outcome: ChiSquareOutcome,
  sampleSize: number,
  parameters: Record<string, number | string | boolean>,
): GliTestResult {
  return {
    name,
    reference,
    pValues: [outcome.pValue],
    statistic: outcome.statistic,
    degreesOfFreedom: outcome.degreesOfFreedom,
    sampleSize,
    parameters: { ...parameters, pValueMethod: outcome.pValueMethod },
    applicable: true,
    largestAtom: outcome.largestAtom,
  };
}

/**
 * Builds the result of a test that ran but rejects the sequence outright with P = 0, before any
 * distributional statistic (a fixed-count collection that ran short, a zero-variance sample).
 * `statistic` is what was measured instead (e.g. the count collected), or null.
 */
export function rejectedOutright(
  name: string,
  reference: string,
  statistic: number | null,
  sampleSize: number,
  parameters: Record<string, number | string | boolean>,
  reason: string,
): GliTestResult {
  return {
    name,
    reference,
    pValues: [0],
    statistic,
    degreesOfFreedom: null,
    sampleSize,
    parameters,
    applicable: true,
    reason,
  };
}

/** Builds the result of a test that cannot run on this sample (too small, wrong kind of source). */
export function notApplicable(
  name: string,
  reference: string,
  sampleSize: number,
  parameters: Record<string, number | string | boolean>,
  reason: string,
): GliTestResult {
  return {
    name,
    reference,
    pValues: [],
    statistic: null,
    degreesOfFreedom: null,
    sampleSize,
    parameters,
    applicable: false,
    reason,
  };
}

/** A source that replays a recorded array of draws: lets every test of a battery see the same sequence. */
export function arraySource(draws: Float64Array, description: ScaledSourceDescription): ScaledSource {
  let index = 0;
  return {
    describe: () => description,
    next(): number {
      if (index >= draws.length) {
        throw new RangeError(`arraySource exhausted after ${draws.length} draws`);
      }
      return draws[index++]!;
    },
  };
}
