/**
 * How a battery's verdict reads (presentation only; the verdict itself is family-verdict.ts's).
 *
 * Why: the family verdict's own line ends in "smallest row P = …", the smallest SECOND-level
 * P-value (the binomial tail of a row's pass count, or its uniformity P-value). With few sequences
 * that figure is 1.00 even when a test produced a tiny P-value, which reads as if nothing was close.
 * A reader expects the test's own figure: here every verdict names the smallest first-level
 * P-value of any test, with its test, row and sequence, and keeps the family rule's figures (rows
 * failed, expected by chance, and the Bonferroni threshold when a row crosses it).
 */
import type { FamilyVerdict } from './family-verdict.ts';
import type { GliTestResult } from './gli/types.ts';
import type { InputIdentity } from './inputs.ts';
import type { NistTestResult } from './nist/index.ts';
import type { RngTestReport } from './runner.ts';

/** The smallest first-level P-value of a battery, and where it came from. */
export interface SmallestPValue {
  readonly pValue: number;
  /** Test name, with its row label (template, state, direction) when it has several. */
  readonly test: string;
  /** GLI: the channel (reel); null for NIST. */
  readonly channel: string | null;
  /** 0-based sequence index. */
  readonly sequence: number;
}

function smaller(best: SmallestPValue | null, candidate: SmallestPValue): SmallestPValue {
  return best === null || candidate.pValue < best.pValue ? candidate : best;
}

export function smallestNistPValue(
  perSequence: readonly (readonly NistTestResult[])[],
): SmallestPValue | null {
  let best: SmallestPValue | null = null;
  perSequence.forEach((results, sequence) => {
    for (const r of results) {
      if (!r.applicable) continue;
      r.pValues.forEach((pValue, i) => {
        const test = r.labels?.[i] !== undefined ? `${r.name} ${r.labels[i]}` : r.name;
        best = smaller(best, { pValue, test, channel: null, sequence });
      });
    }
  });
  return best;
}

export function smallestGliPValue(
  channels: readonly {
    readonly channel: string;
    readonly perSequence: readonly (readonly GliTestResult[])[];
  }[],
): SmallestPValue | null {
  let best: SmallestPValue | null = null;
  for (const c of channels) {
    c.perSequence.forEach((results, sequence) => {
      for (const r of results) {
        if (!r.applicable) continue;
        for (const pValue of r.pValues)
          best = smaller(best, { pValue, test: r.name, channel: c.channel, sequence });
      }
    });
  }
  return best;
}

/** A P-value as people read it: 4 decimals, or 3 significant digits in exponent form below 1e-4. */
export function formatPValue(p: number | null): string {
  if (p === null) return '-';
  return p < 1e-4 ? p.toExponential(2) : p.toFixed(4);
}

function where(smallest: SmallestPValue): string {
  const channel = smallest.channel === null ? '' : ` on ${smallest.channel}`;
  return `${smallest.test}${channel}, sequence ${smallest.sequence + 1}`;
}

/** "PASS|FAIL: smallest P-value … ; rows failed …": the verdict as the report prints it. */
export function batteryVerdictText(family: FamilyVerdict, smallest: SmallestPValue | null): string {
  const head = family.verdict.toUpperCase();
  const own =
    smallest === null
      ? 'no test was applicable'
      : `smallest P-value ${formatPValue(smallest.pValue)} (${where(smallest)})`;
  // wip/gli's family verdict may count independent channels (groups) instead of rows; say which.
  const grouping = family as FamilyVerdict & { groups?: number; failedGroups?: number };
  const grouped = grouping.groups !== undefined && grouping.groups < family.rows;
  const counted = grouped ? `; ${grouping.failedGroups} of ${grouping.groups} channels failed` : '';
  const rows = `${family.failedRows} of ${family.rows} rows failed their own rule, ${family.expectedFailedRows.toFixed(2)} expected by chance (${grouped ? 'P <=' : 'P ='} ${family.failedRowsPValue.toPrecision(3)}${counted})`;
  const bonferroni =
    family.smallestRowPValue < family.rowThreshold
      ? `; a row's second-level P = ${family.smallestRowPValue.toExponential(2)} is below the Bonferroni bound ${family.rowThreshold.toExponential(2)}`
      : '';
  return `${head}: ${own}; ${rows}${bonferroni}`;
}

export function nistVerdictText(nist: NonNullable<RngTestReport['nist']>): string {
  return batteryVerdictText(nist.family, smallestNistPValue(nist.perSequence));
}

export function gliVerdictText(gli: NonNullable<RngTestReport['gli']>): string {
  return batteryVerdictText(gli.family, smallestGliPValue(gli.channels));
}

/** One line naming the input a report was run on. */
export function describeInput(input: InputIdentity): string {
  switch (input.kind) {
    case 'file':
      return `file ${input.path} (${input.format}, sha256 ${input.sha256.slice(0, 16)}…)`;
    case 'game':
      return `game ${input.gameId} reel set ${input.reelSet} via ${input.generator}, seed ${input.seedHex}`;
    case 'rgs':
      return `${input.rounds} rounds of ${input.gameId} served by the RGS at ${input.baseUrl} (sample sha256 ${input.sampleSha256.slice(0, 16)}…)`;
    case 'served':
      return input.stream === 'drbg'
        ? `the served ${input.drbg} output, seed ${input.seedHex}`
        : `the served provably-fair stream of ${input.gameId}${input.reelSet ? ` (${input.reelSet})` : ''} via ${input.drbg}, seed ${input.seedHex}`;
    case 'generator':
      return `generator ${input.generator}, seed ${input.seedHex}`;
  }
}

/** One SP 800-22 row, everything a report shows (§4.2: proportion and uniformity). */
export interface NistRowSummary {
  readonly test: string;
  readonly label: string | null;
  /** The row's P-value on each sequence; null where the test was not applicable. */
  readonly pValues: (number | null)[];
  readonly passCount: number;
  readonly sampleSize: number;
  readonly proportion: number | null;
  /** §4.2.1: the acceptable pass counts (the reference's integer bounds). */
  readonly passCountBounds: readonly [number, number];
  /** §4.2.2 P-value_T (null below 10 sequences, as the reference prints ----). */
  readonly uniformityPValue: number | null;
  readonly verdict: 'pass' | 'fail' | 'no-data';
  /** The test's own smallest P-value on this row. */
  readonly smallestPValue: number | null;
  /** Why sequences were left out (the test's own reason), if any were. */
  readonly notApplicable: string[];
}

export function nistRowSummaries(nist: NonNullable<RngTestReport['nist']>): NistRowSummary[] {
  return nist.secondLevel.map((row) => {
    const results = nist.perSequence.map((results) => results.find((r) => r.name === row.test));
    const pValues = results.map((r) => (r?.applicable ? (r.pValues[row.index] ?? null) : null));
    const present = pValues.filter((p): p is number => p !== null);
    return {
      test: row.test,
      label: row.label ?? null,
      pValues,
      passCount: row.passCount,
      sampleSize: row.sampleSize,
      proportion: row.sampleSize > 0 ? row.proportion : null,
      passCountBounds: row.passCountBounds,
      uniformityPValue: row.uniformityPValue,
      verdict: row.verdict,
      smallestPValue: present.length > 0 ? Math.min(...present) : null,
      notApplicable: [
        ...new Set(results.filter((r) => r && !r.applicable).map((r) => r!.reason ?? 'not applicable')),
      ],
    };
  });
}

/** One GLI-style test on one channel, everything a report shows. */
export interface GliRowSummary {
  readonly channel: string;
  readonly test: string;
  readonly reference: string;
  /** The test's P-value on each sequence; null where it was not applicable. */
  readonly pValues: (number | null)[];
  readonly applicable: number;
  readonly passed: number;
  readonly proportion: number | null;
  readonly maximumFailures: number;
  /** Uniformity of the P-values (KS, Knuth §3.3.1B); null below 2 P-values. */
  readonly uniformityPValue: number | null;
  /** Whether that KS figure judges the row (wip/gli: not below 55 sequences or on discrete statistics). */
  readonly uniformityJudged: boolean;
  /** Why the KS figure does not judge the row, when the battery says. */
  readonly uniformityNote: string | null;
  readonly verdict: 'pass' | 'fail' | 'not applicable';
  readonly smallestPValue: number | null;
  /** Why it failed, or why it is not applicable. */
  readonly reasons: string[];
}

export function gliRowSummaries(gli: NonNullable<RngTestReport['gli']>): GliRowSummary[] {
  return gli.channels.flatMap((channel) =>
    channel.secondLevel.map((row) => {
      const results = channel.perSequence.map((results) => results.find((r) => r.name === row.name));
      const pValues = results.map((r) => (r?.applicable ? (r.pValues[0] ?? null) : null));
      const present = pValues.filter((p): p is number => p !== null);
      // ksApplied / ksNote arrive with wip/gli's recalibrated battery; before it, KS always judged.
      const ks = row as typeof row & { ksApplied?: boolean; ksNote?: string };
      return {
        channel: channel.channel,
        test: row.name,
        reference: results.find((r) => r !== undefined)?.reference ?? '',
        pValues,
        applicable: row.applicable,
        passed: row.passed,
        proportion: row.applicable > 0 ? row.proportion : null,
        maximumFailures: row.maximumFailures,
        uniformityPValue: row.ksPValue,
        uniformityJudged: ks.ksApplied ?? row.ksPValue !== null,
        uniformityNote: ks.ksNote ?? null,
        verdict: row.verdict,
        smallestPValue: present.length > 0 ? Math.min(...present) : null,
        reasons: row.reasons,
      };
    }),
  );
}
