/**
 * What a drill produces: the JSON `croupier chaos run --out FILE` writes, `croupier chaos report
 * FILE` draws, and `croupier certify --chaos FILE` consumes. Figures come from the recorded
 * History (requests, timeline) and from the books checker (money); nothing is estimated.
 */
import { z } from 'zod';
import type { BooksCheck, History, HistoryEntry, InvariantVerdict } from '../load/index.ts';

export const DRILL_RESULT_KIND = 'croupier-chaos-drill';
export const TIMELINE_BUCKET_MS = 500;

export interface FaultWindow {
  readonly action: string;
  readonly target: string;
  /** Run-relative milliseconds (the History's zero) when the fault was applied and healed. */
  readonly startMs: number;
  readonly endMs: number;
  readonly detail?: string;
}

export interface RequestCounts {
  readonly total: number;
  readonly ok: number;
  readonly failed: number;
  readonly unknown: number;
  /** Replies 5xx other than 503: a failure that is not a clean, retryable refusal. */
  readonly serverErrors: number;
  /** No reply after the request was sent (reset, timeout, closed). */
  readonly transportErrors: number;
  readonly byStatus: Readonly<Record<string, number>>;
}

export interface TimelineBucket {
  readonly startMs: number;
  readonly ok: number;
  readonly failed: number;
  readonly unknown: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

export interface DrillResult {
  readonly kind: typeof DRILL_RESULT_KIND;
  readonly resultVersion: 1;
  readonly scenario: string;
  readonly description: string;
  readonly engine: 'local' | 'k8s';
  readonly startedAt: string;
  readonly durationMs: number;
  readonly faults: readonly FaultWindow[];
  readonly requests: RequestCounts;
  readonly timeline: readonly TimelineBucket[];
  readonly books: BooksCheck | null;
  /** ms from the end of the last fault until service was back for good; null if it never was. */
  readonly recoveryMs: number | null;
  /** The scenario's expectations (fail closed, transport errors, recovery, load) as verdicts. */
  readonly expectations: readonly InvariantVerdict[];
  /** Fault proxy counters by link, when the scenario used one. */
  readonly proxies: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly ok: boolean;
}

const Verdict = z.object({
  name: z.string(),
  ok: z.boolean(),
  checked: z.number(),
  problems: z.array(z.string()),
});

/** Parses a drill result file (report, certify); the error names the field. */
export const DrillResultSchema = z.object({
  kind: z.literal(DRILL_RESULT_KIND),
  resultVersion: z.literal(1),
  scenario: z.string(),
  description: z.string(),
  engine: z.enum(['local', 'k8s']),
  startedAt: z.string(),
  durationMs: z.number(),
  faults: z.array(
    z.object({
      action: z.string(),
      target: z.string(),
      startMs: z.number(),
      endMs: z.number(),
      detail: z.string().optional(),
    }),
  ),
  requests: z.object({
    total: z.number(),
    ok: z.number(),
    failed: z.number(),
    unknown: z.number(),
    serverErrors: z.number(),
    transportErrors: z.number(),
    byStatus: z.record(z.string(), z.number()),
  }),
  timeline: z.array(
    z.object({
      startMs: z.number(),
      ok: z.number(),
      failed: z.number(),
      unknown: z.number(),
      p50Ms: z.number().nullable(),
      p99Ms: z.number().nullable(),
    }),
  ),
  books: z
    .object({
      ok: z.boolean(),
      invariants: z.array(Verdict),
      acknowledgedBets: z.number(),
      unknownBets: z.object({ total: z.number(), booked: z.number(), notBooked: z.number() }),
      lost: z.number(),
      doubled: z.number(),
      unrequested: z.number(),
    })
    .nullable(),
  recoveryMs: z.number().nullable(),
  expectations: z.array(Verdict),
  proxies: z.record(z.string(), z.record(z.string(), z.number())),
  ok: z.boolean(),
});

export function isTransportError(entry: HistoryEntry): boolean {
  return entry.status === undefined && entry.outcome === 'unknown';
}

export function countRequests(history: History): RequestCounts {
  const byStatus: Record<string, number> = {};
  let ok = 0;
  let failed = 0;
  let unknown = 0;
  let serverErrors = 0;
  let transportErrors = 0;
  for (const entry of history.entries) {
    if (entry.outcome === 'ok') ok++;
    else if (entry.outcome === 'failed') failed++;
    else unknown++;
    const status = entry.status === undefined ? (entry.errorCode ?? 'no-reply') : String(entry.status);
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    if (entry.status !== undefined && entry.status >= 500 && entry.status !== 503) serverErrors++;
    if (isTransportError(entry)) transportErrors++;
  }
  return { total: history.entries.length, ok, failed, unknown, serverErrors, transportErrors, byStatus };
}

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return Math.round(sorted[index]! * 10) / 10;
}

/** Per-bucket counts and latency quantiles (nearest-rank), by the time each reply arrived. */
export function timeline(
  history: History,
  durationMs: number,
  bucketMs = TIMELINE_BUCKET_MS,
): TimelineBucket[] {
  const buckets = Math.max(1, Math.ceil(durationMs / bucketMs));
  const rows = Array.from({ length: buckets }, () => ({
    ok: 0,
    failed: 0,
    unknown: 0,
    latencies: [] as number[],
  }));
  for (const entry of history.entries) {
    const index = Math.min(buckets - 1, Math.max(0, Math.floor(entry.endMs / bucketMs)));
    const row = rows[index]!;
    row[entry.outcome]++;
    row.latencies.push(entry.endMs - entry.sentMs);
  }
  return rows.map((row, i) => {
    const sorted = row.latencies.sort((a, b) => a - b);
    return {
      startMs: i * bucketMs,
      ok: row.ok,
      failed: row.failed,
      unknown: row.unknown,
      p50Ms: quantile(sorted, 0.5),
      p99Ms: quantile(sorted, 0.99),
    };
  });
}

/** A drill result file failed validation; the message names the file and the field. */
export class DrillResultError extends Error {
  override name = 'DrillResultError';
}

export function parseDrillResult(source: string, text: string): DrillResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DrillResultError(`${source}: not JSON`);
  }
  const parsed = DrillResultSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DrillResultError(`${source}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data as DrillResult;
}

/** The part of a drill an evidence pack cites (`croupier certify --chaos FILE`). */
export interface DrillEvidence {
  readonly scenario: string;
  readonly engine: 'local' | 'k8s';
  readonly startedAt: string;
  readonly ok: boolean;
  readonly requests: number;
  readonly faults: readonly string[];
  readonly acknowledgedBets: number | null;
  readonly lost: number | null;
  readonly doubled: number | null;
  readonly unrequested: number | null;
  readonly recoverySeconds: number | null;
  readonly verdicts: readonly { readonly name: string; readonly ok: boolean }[];
}

export function drillEvidence(result: DrillResult): DrillEvidence {
  const books = result.books;
  return {
    scenario: result.scenario,
    engine: result.engine,
    startedAt: result.startedAt,
    ok: result.ok,
    requests: result.requests.total,
    faults: result.faults.map((f) => `${f.action} ${f.target}`),
    acknowledgedBets: books?.acknowledgedBets ?? null,
    lost: books?.lost ?? null,
    doubled: books?.doubled ?? null,
    unrequested: books?.unrequested ?? null,
    recoverySeconds: result.recoveryMs === null ? null : Math.round(result.recoveryMs) / 1000,
    verdicts: [...(books?.invariants ?? []), ...result.expectations].map((v) => ({ name: v.name, ok: v.ok })),
  };
}
