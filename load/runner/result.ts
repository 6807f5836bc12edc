/**
 * The result of a load run, as JSON (`--out FILE`): what was offered and achieved each second,
 * latency of accepted requests per endpoint (from intended starts), the target's metrics, the SLO
 * verdicts, and the burst figures (§4: sustained rounds/s, shed rate, accepted p99, recovery). The
 * books check is added by the caller (it needs the ledger). `croupier load report` and
 * `croupier certify --load` read this shape (`LOAD_RESULT_VERSION`).
 */
import type { BooksCheck } from '../history.ts';
import { k6Expression, k6MetricOf } from '../scenarios/k6-options.ts';
import { ENDPOINTS, type Endpoint, type Threshold } from '../scenarios/model.ts';
import { plannedRatePerS, type RunnerPlan } from '../scenarios/plan.ts';
import type { StopReason } from './open-model.ts';
import type { Recorder } from './recorder.ts';
import type { MetricPoint } from './scrape.ts';

export const LOAD_RESULT_VERSION = 1;

export interface LatencySummaryMs {
  readonly count: number;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly p999: number | null;
  readonly max: number | null;
}

export interface SecondRow {
  readonly second: number;
  readonly plannedVisitsPerS: number;
  readonly visitsOffered: number;
  readonly visitsDropped: number;
  readonly sent: number;
  readonly ok: number;
  readonly shed: number;
  readonly failed: number;
  readonly unknown: number;
  /** Accepted replies (all endpoints, and plays) that arrived in this second. */
  readonly completedOk: number;
  readonly completedPlaysOk: number;
  readonly acceptedP50Ms: number | null;
  readonly acceptedP99Ms: number | null;
  readonly acceptedMaxMs: number | null;
}

export interface Verdict {
  readonly threshold: Threshold;
  /** The same threshold in k6's terms (metric and expression), for the reader who runs both. */
  readonly k6: { readonly metric: string; readonly expression: string };
  readonly actual: number | null;
  readonly ok: boolean;
}

export interface BurstFigures {
  readonly peakPlannedVisitsPerS: number;
  /** Accepted plays per second, mean over the seconds the planned rate was at its peak. */
  readonly sustainedRoundsPerS: number;
  /** Accepted requests per second, mean over the same seconds. */
  readonly acceptedRequestsPerS: number;
  /** shed / sent over the whole run, and over the peak alone. */
  readonly shedRate: number;
  readonly peakShedRate: number;
  readonly acceptedPlayP99Ms: number | null;
  /**
   * Seconds from the end of the peak until every later second had no shed reply, no unknown
   * outcome and an accepted p99 within the play SLO; null when that never happened in the run.
   */
  readonly recoverySAfterPeak: number | null;
}

export type BooksSection =
  | ({ readonly available: true } & BooksCheck)
  | {
      readonly available: false;
      readonly reason: string;
      readonly ledgerVerified?: boolean;
      readonly ledgerProblems?: readonly string[];
    };

export interface LoadResult {
  readonly kind: 'croupier-load-result';
  readonly resultVersion: typeof LOAD_RESULT_VERSION;
  readonly scenario: string;
  readonly scale: number;
  readonly seed: number;
  readonly runId: string;
  readonly target: string;
  readonly embedded: boolean;
  /** The game the visits opened; null: the server's default game. */
  readonly gameID: string | null;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly stoppedBy: StopReason;
  readonly plan: Pick<RunnerPlan, 'ratesPerS' | 'stageDurationsMs' | 'maxConcurrentVisits' | 'maxRequests'>;
  readonly totals: {
    readonly requests: number;
    readonly ok: number;
    readonly shed: number;
    readonly failed: number;
    readonly unknown: number;
    readonly visitsOffered: number;
    readonly visitsStarted: number;
    readonly visitsDropped: number;
    readonly visitsCut: number;
    readonly checksPassed: number;
    readonly checksFailed: number;
  };
  readonly failedChecks: Readonly<Record<string, number>>;
  readonly endpoints: Readonly<
    Record<
      Endpoint,
      LatencySummaryMs & { sent: number; ok: number; shed: number; failed: number; unknown: number }
    >
  >;
  readonly perSecond: readonly SecondRow[];
  readonly metrics: Readonly<Record<string, readonly MetricPoint[]>>;
  readonly verdicts: readonly Verdict[];
  readonly sloOk: boolean;
  readonly burst: BurstFigures;
  books: BooksSection | null;
  historyFile: string | null;
}

type Histogram = Recorder['perSecondLatency'][number];

function percentileMs(histogram: Histogram, percentile: number): number | null {
  if (histogram.totalCount === 0) return null;
  return Math.round(histogram.getValueAtPercentile(percentile)) / 1_000;
}

export function latencySummary(histogram: Histogram): LatencySummaryMs {
  return {
    count: histogram.totalCount,
    p50: percentileMs(histogram, 50),
    p90: percentileMs(histogram, 90),
    p95: percentileMs(histogram, 95),
    p99: percentileMs(histogram, 99),
    p999: percentileMs(histogram, 99.9),
    max: histogram.totalCount === 0 ? null : histogram.maxValue / 1_000,
  };
}

export function evaluateThresholds(thresholds: readonly Threshold[], recorder: Recorder): Verdict[] {
  let sent = 0;
  let bad = 0;
  for (const counts of recorder.counts.values()) {
    sent += counts.sent;
    bad += counts.failed + counts.unknown;
  }
  const checks = recorder.checksPassed + recorder.checksFailed;
  return thresholds.map((threshold) => {
    let actual: number | null;
    if (threshold.metric === 'latency') {
      actual = percentileMs(recorder.accepted.get(threshold.endpoint!)!, threshold.stat === 'p95' ? 95 : 99);
    } else if (threshold.metric === 'errors') actual = sent === 0 ? null : bad / sent;
    else actual = checks === 0 ? null : recorder.checksPassed / checks;
    // No sample: nothing crossed the line (k6 does the same); the error rate catches a dead target.
    const ok =
      actual === null || (threshold.op === '<' ? actual < threshold.value : actual > threshold.value);
    return {
      threshold,
      k6: { metric: k6MetricOf(threshold), expression: k6Expression(threshold) },
      actual,
      ok,
    };
  });
}

export function secondRows(plan: RunnerPlan, recorder: Recorder): SecondRow[] {
  return recorder.perSecond.map((counts, second) => {
    const latency = recorder.perSecondLatency[second]!;
    return {
      second,
      plannedVisitsPerS: Math.round(plannedRatePerS(plan, second * 1_000 + 500) * 100) / 100,
      ...counts,
      acceptedP50Ms: percentileMs(latency, 50),
      acceptedP99Ms: percentileMs(latency, 99),
      acceptedMaxMs: latency.totalCount === 0 ? null : latency.maxValue / 1_000,
    };
  });
}

export function endpointSummaries(recorder: Recorder): LoadResult['endpoints'] {
  const out = {} as Record<Endpoint, LoadResult['endpoints'][Endpoint]>;
  for (const endpoint of ENDPOINTS)
    out[endpoint] = {
      ...recorder.counts.get(endpoint)!,
      ...latencySummary(recorder.accepted.get(endpoint)!),
    };
  return out;
}

/** §4's figures from the per-second rows: what the server sustained at the peak, and how it came back. */
export function burstFigures(
  plan: RunnerPlan,
  rows: readonly SecondRow[],
  playP99Ms: number | null,
  playSloP99Ms: number,
): BurstFigures {
  const peak = Math.max(...plan.ratesPerS);
  const atPeak = rows.filter((row) => row.plannedVisitsPerS >= peak * 0.999 && peak > 0);
  const mean = (values: number[]) =>
    values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
  const sum = (list: readonly SecondRow[], key: 'sent' | 'shed') =>
    list.reduce((total, row) => total + row[key], 0);
  // The peak ends where the last stage at the peak rate ends.
  let peakEndMs = 0;
  let elapsedMs = 0;
  plan.stageDurationsMs.forEach((durationMs, index) => {
    elapsedMs += durationMs;
    if (plan.ratesPerS[index + 1] === peak) peakEndMs = elapsedMs;
  });
  let recoveredAtS: number | null = null;
  // From the last second backwards while each is healthy: the earliest of that run is recovery.
  for (let second = rows.length - 1; second >= Math.floor(peakEndMs / 1_000); second--) {
    const row = rows[second]!;
    const healthy = row.shed === 0 && row.unknown === 0 && (row.acceptedP99Ms ?? 0) <= playSloP99Ms;
    if (!healthy) break;
    recoveredAtS = second;
  }
  return {
    peakPlannedVisitsPerS: peak,
    sustainedRoundsPerS: Math.round(mean(atPeak.map((row) => row.completedPlaysOk)) * 10) / 10,
    acceptedRequestsPerS: Math.round(mean(atPeak.map((row) => row.completedOk)) * 10) / 10,
    shedRate: ratio(sum(rows, 'shed'), sum(rows, 'sent')),
    peakShedRate: ratio(sum(atPeak, 'shed'), sum(atPeak, 'sent')),
    acceptedPlayP99Ms: playP99Ms,
    recoverySAfterPeak: recoveredAtS === null ? null : Math.max(0, recoveredAtS - peakEndMs / 1_000),
  };
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;
}
