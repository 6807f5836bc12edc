import { igamc } from './special-functions.ts';
import type { NistTestResult } from './types.ts';

/** One row of the second-level analysis: one test and one of its P-values (template, state, …). */
export interface NistSecondLevelRow {
  readonly test: string;
  /** Index into the test's `pValues`. */
  readonly index: number;
  /** The P-value's label (template, state, direction) when the test has several. */
  readonly label?: string;
  /** Sequences whose P-value entered this row. */
  readonly sampleSize: number;
  /** Sequences for which the test was not applicable (or, in reference mode, dropped as 0). */
  readonly excludedCount: number;
  /** Sequences with P ≥ α (read as the reference does, see `nistSecondLevel`). */
  readonly passCount: number;
  readonly proportion: number;
  /** §4.2.1 interval p̂ ± 3√(p̂(1 − p̂)/m), p̂ = 1 − α, as real numbers. */
  readonly proportionInterval: readonly [number, number];
  /** The reference's integer bounds on passCount: (int)(interval·m), e.g. 96..101 for m = 100. */
  readonly passCountBounds: readonly [number, number];
  readonly proportionPassed: boolean;
  /** Counts of P-values in [0, 0.1), …, [0.9, 1]. */
  readonly histogram: number[];
  /** §4.2.2 P-value_T = igamc(9/2, χ²/2); null when sampleSize < 10 (the reference prints ----). */
  readonly uniformityPValue: number | null;
  readonly uniformityPassed: boolean | null;
  readonly verdict: 'pass' | 'fail' | 'no-data';
}

export interface SecondLevelOptions {
  /**
   * The reference's final report counts a random-excursions P-value only when it is > 0 after
   * printing (item 4), which drops non-applicable sequences but also a real P < 5e-7. By default we
   * exclude only sequences the test was not applicable to, so a real failure is never hidden
   * (a deliberate difference, documented); true reproduces the reference exactly.
   */
  readonly excursionZeroDrop?: boolean;
}

/** Minimum P-value_T for uniformity (SP 800-22 §4.2.2). */
export const UNIFORMITY_THRESHOLD = 0.0001;

/**
 * A P-value as the reference's final report sees it (item 1): printed with %f (6 decimals) and read
 * back with fscanf("%f") into a C float.
 */
export function referenceReadBack(p: number): number {
  return Math.fround(Number(p.toFixed(6)));
}

/** The reference's integer bounds on the pass count for sample size m (item 2). */
export function passCountBounds(sampleSize: number, alpha: number): [number, number] {
  const pHat = 1 - alpha;
  const half = 3 * Math.sqrt((pHat * alpha) / sampleSize);
  return [Math.trunc((pHat - half) * sampleSize), Math.trunc((pHat + half) * sampleSize)];
}

/**
 * Uniformity of P-values, SP 800-22 §4.2.2, as the reference computes it (item 3): 10 bins by
 * (int)floor(10p) with p = 1 in the last bin, expCount = ⌊m/10⌋ (integer division),
 * χ² = Σ(F_i − expCount)²/expCount, P-value_T = igamc(9/2, χ²/2); null when expCount = 0.
 */
export function uniformityPValue(histogram: readonly number[], sampleSize: number): number | null {
  const expCount = Math.floor(sampleSize / 10);
  if (expCount === 0) return null;
  let chi2 = 0;
  for (let i = 0; i < 10; i++) chi2 += (histogram[i]! - expCount) ** 2 / expCount;
  return igamc(9 / 2, chi2 / 2);
}

/**
 * Second-level analysis of SP 800-22 §4.2 over m sequences: for every test and P-value index,
 * the proportion of sequences passing at α (§4.2.1) and the uniformity of the P-values (§4.2.2),
 * reproducing the reference's final report (`assess`, finalAnalysisReport.txt): P-values read back
 * as 6-decimal floats, integer pass-count bounds, integer expCount. A row fails when the pass count
 * is outside the bounds or P-value_T < 0.0001. Non-applicable results (random excursions with
 * J < 500, universal with n too small, …) are excluded and counted per row.
 */
export function nistSecondLevel(
  perSequence: NistTestResult[][],
  alpha = 0.01,
  options: SecondLevelOptions = {},
): NistSecondLevelRow[] {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  const zeroDrop = options.excursionZeroDrop ?? false;
  interface Acc {
    test: string;
    index: number;
    label: string | undefined;
    values: number[];
    excluded: number;
  }
  const rows = new Map<string, Acc>();
  const order: string[] = [];
  const accFor = (test: string, index: number, label: string | undefined): Acc => {
    const key = `${test}\u0000${index}`;
    let acc = rows.get(key);
    if (!acc) {
      acc = { test, index, label, values: [], excluded: 0 };
      rows.set(key, acc);
      order.push(key);
    }
    return acc;
  };
  // Widest P-value list per test, so a sequence where a test was not applicable still counts
  // as excluded in every one of that test's rows.
  const width = new Map<string, { count: number; labels: string[] | undefined }>();
  for (const results of perSequence) {
    for (const r of results) {
      const w = width.get(r.name);
      if (!w || r.pValues.length > w.count) width.set(r.name, { count: r.pValues.length, labels: r.labels });
    }
  }
  for (const results of perSequence) {
    for (const r of results) {
      const w = width.get(r.name)!;
      const excursion = r.name === 'RandomExcursions' || r.name === 'RandomExcursionsVariant';
      for (let i = 0; i < w.count; i++) {
        const acc = accFor(r.name, i, w.labels?.[i]);
        const p = r.pValues[i];
        if (!r.applicable || p === undefined) {
          acc.excluded++;
          continue;
        }
        const read = referenceReadBack(p);
        if (excursion && zeroDrop && !(read > 0)) {
          acc.excluded++;
          continue;
        }
        acc.values.push(read);
      }
    }
  }
  return order.map((key) => {
    const acc = rows.get(key)!;
    const m = acc.values.length;
    const histogram = new Array<number>(10).fill(0);
    let passCount = 0;
    for (const p of acc.values) {
      if (!(p < alpha)) passCount++;
      let bin = Math.floor(p * 10);
      if (bin >= 10) bin = 9;
      if (bin < 0) bin = 0;
      histogram[bin]!++;
    }
    const base = {
      test: acc.test,
      index: acc.index,
      ...(acc.label !== undefined ? { label: acc.label } : {}),
      sampleSize: m,
      excludedCount: acc.excluded,
      passCount,
      histogram,
    };
    if (m === 0) {
      return {
        ...base,
        proportion: 0,
        proportionInterval: [0, 0] as const,
        passCountBounds: [0, 0] as const,
        proportionPassed: false,
        uniformityPValue: null,
        uniformityPassed: null,
        verdict: 'no-data' as const,
      };
    }
    const pHat = 1 - alpha;
    const half = 3 * Math.sqrt((pHat * alpha) / m);
    const bounds = passCountBounds(m, alpha);
    const proportionPassed = passCount >= bounds[0] && passCount <= bounds[1];
    const uniformity = uniformityPValue(histogram, m);
    const uniformityPassed = uniformity === null ? null : uniformity >= UNIFORMITY_THRESHOLD;
    return {
      ...base,
      proportion: passCount / m,
      proportionInterval: [pHat - half, pHat + half] as const,
      passCountBounds: bounds,
      proportionPassed,
      uniformityPValue: uniformity,
      uniformityPassed,
      verdict: proportionPassed && uniformityPassed !== false ? ('pass' as const) : ('fail' as const),
    };
  });
}
