/**
 * The open-model engine: starts each visit at its scheduled time whatever the server does (a slow
 * server cannot slow the offered load), caps concurrent visits (an arrival past the cap is dropped
 * and counted, as k6 drops iterations past maxVUs), and stops by itself: when the schedule is done
 * and the last visit ended, at the deadline (schedule + graceful stop), at the request bound, or
 * when the caller aborts (Ctrl-C). A stopped run still returns what it measured.
 */
import { performance } from 'node:perf_hooks';

export type StopReason = 'completed' | 'deadline' | 'max-requests' | 'interrupted';

export interface OpenModelOptions {
  /** Intended start of every visit, ms from the run's start, in order. */
  readonly arrivals: Iterable<number>;
  readonly maxConcurrentVisits: number;
  /** Hard stop, ms from the run's start. */
  readonly deadlineMs: number;
  /** How long visits still running after a stop may take to settle (their requests time out). */
  readonly drainMs: number;
  readonly signal?: AbortSignal;
  /** Runs one visit; rejects with anything when the run stops under it (ignored). */
  readonly visit: (index: number, arrivalMs: number, engine: Engine) => Promise<void>;
  /** An arrival that found every visit slot taken. */
  readonly onDropped?: (arrivalMs: number) => void;
  readonly onOffered?: (arrivalMs: number) => void;
}

export interface Engine {
  /** Milliseconds since the run's start (monotonic clock). */
  clockMs(): number;
  stopped(): boolean;
  stop(reason: StopReason): void;
  /** Resolves after `ms`, or at once when the run stops. */
  sleep(ms: number): Promise<void>;
}

export interface OpenModelResult {
  readonly startedAt: string;
  readonly stoppedBy: StopReason;
  readonly durationMs: number;
  readonly visitsStarted: number;
  readonly visitsDropped: number;
  /** Visits still running when the drain bound passed (their last request had no reply). */
  readonly visitsCut: number;
}

/** Arrivals started per scheduler wake-up at most: keeps one tick short even far behind. */
const MAX_STARTS_PER_TICK = 10_000;
const MAX_TICK_MS = 5;

export async function runOpenModel(options: OpenModelOptions): Promise<OpenModelResult> {
  const startedAt = new Date().toISOString();
  const origin = performance.now();
  let stopReason: StopReason | null = null;
  const wakers = new Set<() => void>();
  const engine: Engine = {
    clockMs: () => performance.now() - origin,
    stopped: () => stopReason !== null,
    stop(reason) {
      if (stopReason !== null) return;
      stopReason = reason;
      for (const wake of [...wakers]) wake();
    },
    sleep(ms) {
      if (stopReason !== null) return Promise.resolve();
      return new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          wakers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.max(0, ms));
        wakers.add(wake);
      });
    },
  };
  const onAbort = () => engine.stop('interrupted');
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const running = new Set<Promise<void>>();
  const counts = { started: 0, dropped: 0 };
  try {
    await schedule(options, engine, running, counts);
    if (stopReason === null) await untilSettled(running, options.deadlineMs - engine.clockMs(), engine);
    if (stopReason === null) engine.stop(running.size === 0 ? 'completed' : 'deadline');
    const cut = await untilSettled(running, options.drainMs, null);
    return {
      startedAt,
      stoppedBy: stopReason!,
      durationMs: engine.clockMs(),
      visitsStarted: counts.started,
      visitsDropped: counts.dropped,
      visitsCut: cut,
    };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

async function schedule(
  options: OpenModelOptions,
  engine: Engine,
  running: Set<Promise<void>>,
  counts: { started: number; dropped: number },
): Promise<void> {
  const iterator = options.arrivals[Symbol.iterator]();
  let next = iterator.next();
  while (!next.done && !engine.stopped()) {
    const nowMs = engine.clockMs();
    if (nowMs >= options.deadlineMs) return engine.stop('deadline');
    let started = 0;
    while (!next.done && next.value <= nowMs && started < MAX_STARTS_PER_TICK && !engine.stopped()) {
      const arrivalMs = next.value;
      options.onOffered?.(arrivalMs);
      if (running.size >= options.maxConcurrentVisits) {
        counts.dropped += 1;
        options.onDropped?.(arrivalMs);
      } else {
        const index = counts.started++;
        const visit: Promise<void> = options
          .visit(index, arrivalMs, engine)
          .catch(() => {})
          .finally(() => running.delete(visit));
        running.add(visit);
      }
      started += 1;
      next = iterator.next();
    }
    if (!next.done) await engine.sleep(Math.min(MAX_TICK_MS, Math.max(0, next.value - engine.clockMs())));
  }
}

/** Waits until every visit ended or `boundMs` passed; returns how many were still running. */
async function untilSettled(running: Set<Promise<void>>, boundMs: number, engine: Engine | null) {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, boundMs));
  });
  // Bounded: each pass either empties the set or the bound fires.
  while (running.size > 0 && !(engine?.stopped() ?? false)) {
    const settled = await Promise.race([
      Promise.allSettled([...running]).then(() => 'all' as const),
      bound.then(() => 'bound' as const),
      ...(engine
        ? [new Promise<'stop'>((resolve) => void engine.sleep(250).then(() => resolve('stop')))]
        : []),
    ]);
    if (settled === 'bound') break;
  }
  clearTimeout(timer);
  return running.size;
}
