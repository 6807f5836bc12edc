import { igamc } from './special-functions.ts';
import { assertBits, assertIntegerIn, type NistTestResult, notApplicable } from './types.ts';

export const NON_OVERLAPPING_DEFAULT_M = 9;
/** The reference's block count N (item 16) and its cap on templates per run (MAXNUMOFTEMPLATES). */
export const NON_OVERLAPPING_DEFAULT_BLOCKS = 8;
export const REFERENCE_MAX_TEMPLATES = 148;

/** True when no proper suffix of the m-bit template equals its prefix (it cannot overlap itself). */
export function isAperiodic(template: number, m: number): boolean {
  for (let shift = 1; shift < m; shift++) {
    const len = m - shift;
    const mask = (1 << len) - 1;
    // Prefix of length len == suffix of length len.
    if (template >>> shift === (template & mask)) return false;
  }
  return true;
}

/**
 * All aperiodic templates of length m in increasing binary order (the order of the reference's
 * templates/template<m> files, first bit most significant). 148 for m = 9 (SP 800-22 §2.7.2).
 */
export function aperiodicTemplates(m: number): number[] {
  assertIntegerIn('m', m, 2, 21);
  const out: number[] = [];
  for (let t = 0; t < 1 << m; t++) if (isAperiodic(t, m)) out.push(t);
  return out;
}

/**
 * The templates the reference runs for length m: all of them up to 148; above that every
 * SKIP-th with SKIP = ⌊count/148⌋, at most 148 (nonOverlappingTemplateMatchings.c).
 */
export function referenceTemplates(m: number): number[] {
  const all = aperiodicTemplates(m);
  const skip = all.length < REFERENCE_MAX_TEMPLATES ? 1 : Math.floor(all.length / REFERENCE_MAX_TEMPLATES);
  const count = Math.min(REFERENCE_MAX_TEMPLATES, Math.floor(all.length / skip));
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(all[i * skip]!);
  return out;
}

export function templateToString(template: number, m: number): string {
  return template.toString(2).padStart(m, '0');
}

export interface NonOverlappingOptions {
  /** Template length m (default 9). */
  readonly m?: number;
  /** Templates as bit strings; default: the reference's aperiodic set for m. */
  readonly templates?: readonly string[];
  /** Number of blocks N (default 8, as the reference fixes it; §2.7.4 uses N = 2). */
  readonly blocks?: number;
}

/**
 * Non-overlapping template matching test, SP 800-22 §2.7 (description §3.7). M = ⌊n/N⌋,
 * λ = (M − m + 1)/2^m, σ² = M(2^−m − (2m − 1)/2^{2m}), χ² = Σ_j (W_j − λ)²/σ², P = igamc(N/2, χ²/2),
 * one P-value per template. After a match the window jumps past it (item 16).
 *
 * Speed: the m-bit window value is rolled once per block and histogrammed; an aperiodic template
 * cannot overlap itself, so its non-overlapping count equals its count of occurrences, read from
 * the histogram. A periodic template (only when the caller supplies one) is scanned directly.
 */
export function nonOverlappingTemplateTest(
  bits: Uint8Array,
  options: NonOverlappingOptions = {},
): NistTestResult {
  assertBits(bits);
  const m = options.m ?? (options.templates?.[0]?.length || NON_OVERLAPPING_DEFAULT_M);
  assertIntegerIn('m', m, 2, 21);
  const N = options.blocks ?? NON_OVERLAPPING_DEFAULT_BLOCKS;
  assertIntegerIn('blocks', N, 1, 1 << 20);
  const templates = options.templates
    ? options.templates.map((s) => {
        if (s.length !== m || !/^[01]+$/.test(s)) throw new RangeError(`template ${s} is not ${m} bits`);
        return Number.parseInt(s, 2);
      })
    : referenceTemplates(m);
  const n = bits.length;
  const M = Math.floor(n / N);
  const parameters = { n, m, N, M, templateCount: templates.length };
  const lambda = (M - m + 1) / 2 ** m;
  const varW = M * (1 / 2 ** m - (2 * m - 1) / 2 ** (2 * m));
  if (!(lambda > 0))
    return notApplicable('NonOverlappingTemplate', `lambda = ${lambda} is not positive`, parameters);

  const windowCount = M - m + 1;
  const mask = (1 << m) - 1;
  const histograms: Uint32Array[] = [];
  for (let b = 0; b < N; b++) {
    const hist = new Uint32Array(1 << m);
    const start = b * M;
    let v = 0;
    for (let k = 0; k < m - 1; k++) v = (v << 1) | bits[start + k]!;
    for (let j = 0; j < windowCount; j++) {
      v = ((v << 1) | bits[start + j + m - 1]!) & mask;
      hist[v]!++;
    }
    histograms.push(hist);
  }

  const pValues: number[] = [];
  const labels: string[] = [];
  const W: number[][] = [];
  const chi2s: number[] = [];
  const sd = Math.sqrt(varW);
  for (const t of templates) {
    const aperiodic = isAperiodic(t, m);
    const counts: number[] = [];
    let chi2 = 0;
    for (let b = 0; b < N; b++) {
      const w = aperiodic ? histograms[b]![t]! : scanNonOverlapping(bits, b * M, windowCount, t, m);
      counts.push(w);
      chi2 += ((w - lambda) / sd) ** 2;
    }
    W.push(counts);
    chi2s.push(chi2);
    pValues.push(igamc(N / 2, chi2 / 2));
    labels.push(templateToString(t, m));
  }
  return {
    name: 'NonOverlappingTemplate',
    pValues,
    labels,
    statistics: { lambda, mu: lambda, sigma2: varW, W, chi2: chi2s },
    parameters,
    applicable: true,
  };
}

/** Direct scan of one block, jumping past each match (the reference's loop). */
function scanNonOverlapping(
  bits: Uint8Array,
  start: number,
  windowCount: number,
  t: number,
  m: number,
): number {
  const mask = (1 << m) - 1;
  let count = 0;
  let j = 0;
  while (j < windowCount) {
    let v = 0;
    for (let k = 0; k < m; k++) v = (v << 1) | bits[start + j + k]!;
    if ((v & mask) === t) {
      count++;
      j += m;
    } else j++;
  }
  return count;
}
