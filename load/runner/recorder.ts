/**
 * Everything a run measures, recorded as requests complete:
 * - latency of each request from its *intended* start (the open model's schedule, or the end of
 *   the think time that preceded it) to its reply, in microseconds, into HdrHistograms per endpoint
 *   (accepted replies only, so shed replies cannot flatter the percentiles) and per second of the
 *   run. Measuring from the intended start is the coordinated-omission correction (Gil Tene, "How
 *   NOT to measure latency", 2015): a request that waited behind a stalled one is charged the wait.
 * - counts per second: visits offered, started and dropped, requests by outcome (ok, shed,
 *   failed, unknown), checks;
 * - the client-side History (load/history.ts), bounded by the run's request bound.
 */
import hdr from 'hdr-histogram-js';
import type { HistoryEntry, HistoryOperation } from '../history.ts';
import type { ReplyKind } from '../journey/replies.ts';
import { ENDPOINTS, type Endpoint } from '../scenarios/model.ts';

type Histogram = ReturnType<typeof hdr.build>;

/** 1 µs to 1 h, three significant digits (HdrHistogram's usual setting). */
const HISTOGRAM = {
  lowestDiscernibleValue: 1,
  highestTrackableValue: 3_600_000_000,
  numberOfSignificantValueDigits: 3,
} as const;
/** Per-second series: enough for the longest scenario (soak, 30 min) plus its graceful stop. */
export const MAX_SECONDS = 7_200;

export function newHistogram(): Histogram {
  return hdr.build({ ...HISTOGRAM, autoResize: false });
}

/** Counts of one second: by intended start (offered work), and by reply time (`completed…`). */
export interface SecondCounts {
  visitsOffered: number;
  visitsDropped: number;
  sent: number;
  ok: number;
  shed: number;
  failed: number;
  unknown: number;
  completedOk: number;
  completedPlaysOk: number;
}

export interface EndpointCounts {
  sent: number;
  ok: number;
  shed: number;
  failed: number;
  unknown: number;
}

export interface RequestRecord {
  readonly entry: HistoryEntry;
  readonly kind: ReplyKind;
  readonly endpoint: Endpoint;
}

export class Recorder {
  readonly accepted = new Map<Endpoint, Histogram>();
  readonly counts = new Map<Endpoint, EndpointCounts>();
  readonly perSecond: SecondCounts[] = [];
  readonly perSecondLatency: Histogram[] = [];
  readonly entries: HistoryEntry[] = [];
  checksPassed = 0;
  checksFailed = 0;
  requests = 0;
  visitsCompleted = 0;
  visitsAbandoned = 0;
  readonly failedChecks = new Map<string, number>();

  constructor(readonly maxRequests: number) {
    for (const endpoint of ENDPOINTS) {
      this.accepted.set(endpoint, newHistogram());
      this.counts.set(endpoint, { sent: 0, ok: 0, shed: 0, failed: 0, unknown: 0 });
    }
  }

  /** The counters of the second `atMs` falls in (created on demand, bounded by MAX_SECONDS). */
  second(atMs: number): SecondCounts {
    const index = Math.min(MAX_SECONDS - 1, Math.max(0, Math.floor(atMs / 1_000)));
    while (this.perSecond.length <= index) {
      this.perSecond.push({
        visitsOffered: 0,
        visitsDropped: 0,
        sent: 0,
        ok: 0,
        shed: 0,
        failed: 0,
        unknown: 0,
        completedOk: 0,
        completedPlaysOk: 0,
      });
      this.perSecondLatency.push(newHistogram());
    }
    return this.perSecond[index]!;
  }

  get full(): boolean {
    return this.requests >= this.maxRequests;
  }

  record({ entry, kind, endpoint }: RequestRecord): void {
    if (!(entry.endMs >= entry.intendedStartMs))
      throw new Error('invariant: a reply before its intended start');
    this.requests += 1;
    if (this.entries.length < this.maxRequests) this.entries.push(entry);
    const counts = this.counts.get(endpoint)!;
    counts.sent += 1;
    counts[kind] += 1;
    // Bucketed by intended start: the second the work was offered in.
    const second = this.second(entry.intendedStartMs);
    second.sent += 1;
    second[kind] += 1;
    if (kind === 'ok') {
      const completed = this.second(entry.endMs);
      completed.completedOk += 1;
      if (endpoint === 'play') completed.completedPlaysOk += 1;
      const latencyUs = Math.max(1, Math.round((entry.endMs - entry.intendedStartMs) * 1_000));
      this.accepted.get(endpoint)!.recordValue(Math.min(latencyUs, HISTOGRAM.highestTrackableValue));
      this.perSecondLatency[
        Math.min(MAX_SECONDS - 1, Math.floor(entry.intendedStartMs / 1_000))
      ]!.recordValue(Math.min(latencyUs, HISTOGRAM.highestTrackableValue));
    }
  }

  check(name: string, ok: boolean): void {
    if (ok) this.checksPassed += 1;
    else {
      this.checksFailed += 1;
      this.failedChecks.set(name, (this.failedChecks.get(name) ?? 0) + 1);
    }
  }
}

export function historyOperation(endpoint: Endpoint): HistoryOperation {
  return endpoint;
}
