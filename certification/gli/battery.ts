import { assertTestNames, GLI_TEST_NAMES } from '../names.ts';
import { couponCollectorTest } from './coupon-collector.ts';
import { frequencyTest } from './frequency.ts';
import { gapTest } from './gap.ts';
import { ksUniformity } from './kolmogorov-smirnov.ts';
import { maximumOfTTest } from './maximum-of-t.ts';
import { permutationTest } from './permutation.ts';
import { pokerTest } from './poker.ts';
import { runsUpTest } from './runs-up.ts';
import { runsUpDownTest } from './runs-up-down.ts';
import { serialTest } from './serial.ts';
import { serialCorrelationTest } from './serial-correlation.ts';
import {
  ALPHA,
  arraySource,
  type GliTestResult,
  type ScaledSource,
  type ScaledSourceDescription,
} from './types.ts';

export interface GliTestDefinition {
  readonly name: string;
  /** Knuth's subsection letter (or the paper) the test implements. */
  readonly reference: string;
  readonly run: (source: ScaledSource, sampleSize: number) => GliTestResult;
}

/** The GLI-style battery, in Knuth's order (§3.3.2 A–K). */
export const GLI_TESTS: readonly GliTestDefinition[] = [
  { name: 'frequency', reference: 'Knuth §3.3.2A', run: frequencyTest },
  { name: 'serial-pairs', reference: 'Knuth §3.3.2B', run: (s, n) => serialTest(s, n, 2) },
  { name: 'serial-triples', reference: 'Knuth §3.3.2B', run: (s, n) => serialTest(s, n, 3) },
  { name: 'gap', reference: 'Knuth §3.3.2C', run: gapTest },
  { name: 'poker', reference: 'Knuth §3.3.2D', run: pokerTest },
  { name: 'coupon-collector', reference: 'Knuth §3.3.2E', run: couponCollectorTest },
  { name: 'permutation', reference: 'Knuth §3.3.2F', run: permutationTest },
  { name: 'runs-up', reference: 'Knuth §3.3.2G', run: runsUpTest },
  { name: 'runs-up-down', reference: 'Levene & Wolfowitz 1944', run: runsUpDownTest },
  { name: 'maximum-of-t', reference: 'Knuth §3.3.2H', run: maximumOfTTest },
  { name: 'serial-correlation', reference: 'Knuth §3.3.2K', run: serialCorrelationTest },
];

export { GLI_TEST_NAMES };

assertTestNames(
  'GLI',
  GLI_TESTS.map((t) => t.name),
  GLI_TEST_NAMES,
);

/**
 * Runs the battery (or the tests named in `only`) on ONE sequence of draws: every test reads the
 * same draws from the start, as SP 800-22 runs every test on the same sequence.
 */
export function runGliSequence(
  draws: Float64Array,
  description: ScaledSourceDescription,
  only?: readonly string[],
): GliTestResult[] {
  const tests = selectGliTests(only);
  return tests.map((test) => test.run(arraySource(draws, description), draws.length));
}

export function selectGliTests(only?: readonly string[]): readonly GliTestDefinition[] {
  if (!only || only.length === 0) return GLI_TESTS;
  const unknown = only.filter((name) => !GLI_TEST_NAMES.includes(name));
  if (unknown.length > 0) {
    throw new RangeError(`unknown GLI test(s): ${unknown.join(', ')}; known: ${GLI_TEST_NAMES.join(', ')}`);
  }
  return GLI_TESTS.filter((t) => only.includes(t.name));
}

/** Across-sequence verdict of one test. */
export interface GliSecondLevelRow {
  readonly name: string;
  readonly sequences: number;
  /** Sequences on which the test was applicable. */
  readonly applicable: number;
  /** Applicable sequences with P >= alpha. */
  readonly passed: number;
  readonly proportion: number;
  /** Most failing sequences accepted: see `maximumAcceptedFailures`. */
  readonly maximumFailures: number;
  /** Smallest P-value of the row (the whole evidence of a single sequence); null when none. */
  readonly smallestPValue: number | null;
  /** KS uniformity of the P-values (Knuth §3.3.1B); null with fewer than 2 P-values. */
  readonly ksStatistic: number | null;
  readonly ksPValue: number | null;
  /** Whether the KS P-value judges the row (`ksApplicability`), and why not when it does not. */
  readonly ksApplied: boolean;
  readonly ksNote?: string;
  readonly verdict: 'pass' | 'fail' | 'not applicable';
  readonly reasons: string[];
}

/** KS P-value below which the P-values are judged non-uniform (as SP 800-22 §4.2.2 judges its P-value_T). */
export const UNIFORMITY_THRESHOLD = 0.0001;
/**
 * SP 800-22 §4.2.2: "at least 55 sequences must be processed to derive statistically meaningful
 * results for the uniformity of P-values". With fewer the KS figures are reported, not judged.
 */
export const MIN_SEQUENCES_FOR_UNIFORMITY = 55;
/**
 * Largest atom h of a statistic (GliTestResult.largestAtom) the KS second level tolerates, as
 * h sqrt(r) <= KS_MAX_ATOM_SCALE over r P-values. Why: P-values of a statistic with atoms of size h
 * are not uniform; their distribution function departs from the diagonal by up to about h, which
 * moves sqrt(r) D_r by up to h sqrt(r). At the threshold 1e-4 (sqrt(r) D ~ 2.23, limiting law
 * 2 exp(-2 lambda^2)) a shift of 0.05 raises the false-alarm rate to at most ~1.4e-4; a larger
 * one grows it fast (poker at range 2 on 1,000 draws: h ~ 0.23, sqrt(500) h ~ 5, every seed
 * failed). Rule: the KS second level judges a row only when r >= MIN_SEQUENCES_FOR_UNIFORMITY and
 * max h sqrt(r) <= KS_MAX_ATOM_SCALE; otherwise the row rests on its proportion of failures and
 * says so. (A discrete-exact replacement would need each statistic's exact law, which the
 * battery does not have: the chi-square and normal laws are themselves approximations.)
 */
export const KS_MAX_ATOM_SCALE = 0.05;

/** Whether the KS second level may judge r P-values of a statistic with largest atom `atom`. */
export function ksApplicability(r: number, atom: number): { applied: boolean; note?: string } {
  if (r < MIN_SEQUENCES_FOR_UNIFORMITY) {
    return { applied: false, note: `uniformity not judged below ${MIN_SEQUENCES_FOR_UNIFORMITY} sequences` };
  }
  if (atom * Math.sqrt(r) > KS_MAX_ATOM_SCALE) {
    return {
      applied: false,
      note: `uniformity not judged: the statistic is discrete (largest atom h ~ ${atom.toPrecision(2)}, h sqrt(${r}) = ${(atom * Math.sqrt(r)).toPrecision(2)} > ${KS_MAX_ATOM_SCALE})`,
    };
  }
  return { applied: true };
}
/** Significance of the proportion criterion: too many failing sequences is itself a P < 0.001 event. */
export const PROPORTION_SIGNIFICANCE = 0.001;

/**
 * The largest number of failing sequences (P < alpha) out of s that is still acceptable: the
 * largest f with P(Binomial(s, alpha) >= f) >= PROPORTION_SIGNIFICANCE. SP 800-22 §4.2.1 uses the
 * normal range (1 - alpha) +- 3 sqrt(alpha (1 - alpha)/s) instead; for alpha = 0.01 and the few
 * dozen sequences typical here the binomial is far from normal (that range rejects a good source
 * with 2 failures out of 30 in 3.6% of runs), so the exact binomial tail is used. s = 1: 0.
 */
export function maximumAcceptedFailures(s: number, alpha = ALPHA): number {
  if (s <= 1) return 0;
  // P(X = f) by the recurrence pmf(f+1) = pmf(f) (s - f)/(f + 1) alpha/(1 - alpha), tail summed downwards.
  const pmf: number[] = [(1 - alpha) ** s];
  for (let f = 0; f < s; f++) pmf.push((pmf[f]! * (s - f) * alpha) / ((f + 1) * (1 - alpha)));
  let tail = 0;
  for (let f = s; f >= 1; f--) {
    tail += pmf[f]!;
    // tail = P(X >= f); f failures are acceptable while this is >= the significance.
    if (tail >= PROPORTION_SIGNIFICANCE) return f;
  }
  return 0;
}

/**
 * Second level across sequences, per test. With s sequences:
 * - s == 1: the test passes when its P-value >= alpha (99% confidence).
 * - s >= 2: no more failing sequences than `maximumAcceptedFailures(s)` (the proportion
 *   criterion of SP 800-22 §4.2.1 with an exact binomial bound), and, where `ksApplicability`
 *   allows (s >= 55, a statistic not too discrete), the P-values must look uniform: the KS test
 *   of Knuth §3.3.1B with P >= UNIFORMITY_THRESHOLD (§4.2.2's threshold).
 */
export function gliSecondLevel(
  perSequence: readonly (readonly GliTestResult[])[],
  alpha = ALPHA,
): GliSecondLevelRow[] {
  const byName = new Map<string, GliTestResult[]>();
  for (const sequence of perSequence) {
    for (const result of sequence) {
      const list = byName.get(result.name) ?? [];
      list.push(result);
      byName.set(result.name, list);
    }
  }
  const rows: GliSecondLevelRow[] = [];
  for (const [name, results] of byName) {
    const applicableResults = results.filter((r) => r.applicable && r.pValues.length > 0);
    const pValues = applicableResults.flatMap((r) => r.pValues);
    const s = pValues.length;
    if (s === 0) {
      rows.push({
        name,
        sequences: results.length,
        applicable: 0,
        passed: 0,
        proportion: 0,
        maximumFailures: 0,
        smallestPValue: null,
        ksStatistic: null,
        ksPValue: null,
        ksApplied: false,
        verdict: 'not applicable',
        reasons: [...new Set(results.map((r) => r.reason ?? 'not applicable'))],
      });
      continue;
    }
    const passed = pValues.filter((p) => p >= alpha).length;
    const proportion = passed / s;
    const maximumFailures = maximumAcceptedFailures(s, alpha);
    const ks = s >= 2 ? ksUniformity(pValues) : null;
    const atom = Math.max(0, ...applicableResults.map((r) => r.largestAtom ?? 0));
    const ksRule = ksApplicability(s, atom);
    const reasons: string[] = [];
    if (s - passed > maximumFailures) {
      reasons.push(
        s === 1
          ? `P = ${pValues[0]!.toExponential(3)} < ${alpha}`
          : `${s - passed} of ${s} sequences failed (at most ${maximumFailures} acceptable)`,
      );
    }
    if (ks && ksRule.applied && ks.pValue < UNIFORMITY_THRESHOLD) {
      reasons.push(`P-values not uniform: KS P = ${ks.pValue.toExponential(3)}`);
    }
    rows.push({
      name,
      sequences: results.length,
      applicable: applicableResults.length,
      passed,
      proportion,
      maximumFailures,
      smallestPValue: Math.min(...pValues),
      ksStatistic: ks?.statistic ?? null,
      ksPValue: ks?.pValue ?? null,
      ksApplied: ksRule.applied,
      ...(ksRule.note ? { ksNote: ksRule.note } : {}),
      verdict: reasons.length === 0 ? 'pass' : 'fail',
      reasons,
    });
  }
  return rows;
}
