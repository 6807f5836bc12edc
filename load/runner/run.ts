/**
 * `runScenario`: one load run against a Stake Engine RGS. The scenario's plan drives the open-model
 * engine; each arrival is one player's visit (load/journey) through the runner's port; the run
 * records the History, the histograms and the target's metrics, and judges the SLOs. The caller
 * (the CLI) adds the books check and writes the files.
 */
import { StakeApiClient } from '../../rgs/wire/index.ts';
import type { History } from '../history.ts';
import { runVisit } from '../journey/journey.ts';
import { seededRandom } from '../journey/random.ts';
import { PLAYERS } from '../k6/data/players.ts';
import { resolveScenario, type Scenario, type ScenarioOverrides } from '../scenarios/model.ts';
import { arrivalTimesMs, plannedRatePerS, toRunnerPlan } from '../scenarios/plan.ts';
import { runOpenModel } from './open-model.ts';
import { type RunContext, RunnerPort } from './port.ts';
import { Recorder } from './recorder.ts';
import { resolveUnknownSessions, type SessionResolution, waitUntilQuiet } from './resolve.ts';
import {
  burstFigures,
  endpointSummaries,
  evaluateThresholds,
  LOAD_RESULT_VERSION,
  type LoadResult,
  secondRows,
} from './result.ts';
import { MetricsScraper } from './scrape.ts';

export interface ProgressSnapshot {
  readonly elapsedS: number;
  readonly plannedVisitsPerS: number;
  /** Requests offered (by intended start) and accepted (by reply) in the last full second. */
  readonly offeredPerS: number;
  readonly acceptedPerS: number;
  readonly acceptedP99Ms: number | null;
  readonly shedTotal: number;
  readonly errorsTotal: number;
  readonly visitsRunning: number;
}

export interface RunScenarioOptions {
  readonly scenario: Scenario;
  readonly overrides?: ScenarioOverrides;
  /** The RGS's base URL, http(s)://host:port. */
  readonly target: string;
  readonly embedded: boolean;
  readonly operatorToken: string;
  /** The game every visit opens (/session/start's gameID); absent: the server's default game. */
  readonly gameID?: string;
  readonly seed: number;
  readonly runId: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (snapshot: ProgressSnapshot) => void;
  /** Connections to the target at most (default 256). */
  readonly maxSockets?: number;
  readonly ca?: string;
}

export interface ScenarioRun {
  readonly result: LoadResult;
  readonly history: History;
  /** Sessions with an unknown play, as re-authentication showed them after the run. */
  readonly resolutions: ReadonlyMap<string, SessionResolution>;
}

const PROGRESS_INTERVAL_MS = 1_000;
const DEFAULT_MAX_SOCKETS = 256;

export async function runScenario(options: RunScenarioOptions): Promise<ScenarioRun> {
  const plan = toRunnerPlan(resolveScenario(options.scenario, options.overrides));
  const recorder = new Recorder(plan.maxRequests);
  const client = new StakeApiClient({
    baseUrl: options.target,
    timeoutMs: plan.journey.requestTimeoutMs,
    maxSockets: options.maxSockets ?? DEFAULT_MAX_SOCKETS,
    // One request per visit at a time: the visit cap bounds the calls in flight.
    maxInFlight: plan.maxConcurrentVisits + 1,
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
  });
  let clockMs = () => 0;
  const scraper = new MetricsScraper(`${options.target.replace(/\/+$/, '')}/metrics`, () => clockMs());
  let running = 0;
  let progressTimer: NodeJS.Timeout | null = null;
  try {
    const outcome = await runOpenModel({
      arrivals: arrivalTimesMs(plan),
      maxConcurrentVisits: plan.maxConcurrentVisits,
      deadlineMs: plan.scheduleMs + plan.gracefulStopMs,
      drainMs: plan.journey.requestTimeoutMs + 1_000,
      ...(options.signal ? { signal: options.signal } : {}),
      onOffered: (arrivalMs) => void (recorder.second(arrivalMs).visitsOffered += 1),
      onDropped: (arrivalMs) => void (recorder.second(arrivalMs).visitsDropped += 1),
      visit: async (index, arrivalMs, engine) => {
        if (index === 0) {
          clockMs = () => engine.clockMs();
          scraper.start();
          progressTimer = setInterval(() => {
            options.onProgress?.(snapshot(recorder, plan, engine.clockMs(), running));
          }, PROGRESS_INTERVAL_MS);
        }
        running += 1;
        try {
          const context: RunContext = {
            client,
            recorder,
            clockMs: () => engine.clockMs(),
            requestTimeoutMs: plan.journey.requestTimeoutMs,
            operatorToken: options.operatorToken,
            stopped: () => engine.stopped(),
            onFull: () => engine.stop('max-requests'),
            sleep: (ms) => engine.sleep(ms),
          };
          const player = `v${index}`;
          const port = new RunnerPort(context, player, arrivalMs, seededRandom(options.seed, index));
          const end = await runVisit(port, {
            visitId: `${options.runId}-${index}`,
            player: PLAYERS[index % PLAYERS.length]!,
            operatorToken: options.operatorToken,
            journey: plan.journey,
            ...(options.gameID !== undefined ? { gameID: options.gameID } : {}),
          });
          if (end === 'completed') recorder.visitsCompleted += 1;
          else recorder.visitsAbandoned += 1;
        } finally {
          running -= 1;
        }
      },
    });
    if (progressTimer !== null) clearInterval(progressTimer);
    await scraper.stop();
    const rows = secondRows(plan, recorder);
    const verdicts = evaluateThresholds(plan.thresholds, recorder);
    const endpoints = endpointSummaries(recorder);
    const playSlo = plan.thresholds.find(
      (t) => t.metric === 'latency' && t.endpoint === 'play' && t.stat === 'p99',
    );
    const totals = { requests: 0, ok: 0, shed: 0, failed: 0, unknown: 0 };
    for (const counts of recorder.counts.values()) {
      totals.requests += counts.sent;
      totals.ok += counts.ok;
      totals.shed += counts.shed;
      totals.failed += counts.failed;
      totals.unknown += counts.unknown;
    }
    const result: LoadResult = {
      kind: 'croupier-load-result',
      resultVersion: LOAD_RESULT_VERSION,
      scenario: plan.name,
      scale: plan.scale,
      seed: options.seed,
      runId: options.runId,
      target: options.target,
      embedded: options.embedded,
      gameID: options.gameID ?? null,
      startedAt: outcome.startedAt,
      durationMs: Math.round(outcome.durationMs),
      stoppedBy: outcome.stoppedBy,
      plan: {
        ratesPerS: plan.ratesPerS,
        stageDurationsMs: plan.stageDurationsMs,
        maxConcurrentVisits: plan.maxConcurrentVisits,
        maxRequests: plan.maxRequests,
      },
      totals: {
        ...totals,
        visitsOffered: outcome.visitsStarted + outcome.visitsDropped,
        visitsStarted: outcome.visitsStarted,
        visitsDropped: outcome.visitsDropped,
        visitsCut: outcome.visitsCut,
        checksPassed: recorder.checksPassed,
        checksFailed: recorder.checksFailed,
      },
      failedChecks: Object.fromEntries(recorder.failedChecks),
      endpoints,
      perSecond: rows,
      metrics: Object.fromEntries(scraper.series),
      verdicts,
      sloOk: verdicts.every((verdict) => verdict.ok),
      burst: burstFigures(plan, rows, endpoints.play.p99, playSlo?.value ?? Number.POSITIVE_INFINITY),
      books: null,
      historyFile: null,
    };
    const history: History = {
      historyVersion: 1,
      runId: options.runId,
      startedAt: outcome.startedAt,
      target: options.target,
      entries: recorder.entries,
    };
    // Drop the run's connections, let the target finish what it still holds, then read the rounds.
    client.close();
    await waitUntilQuiet(options.target, plan.journey.requestTimeoutMs);
    const resolver = new StakeApiClient({
      baseUrl: options.target,
      maxSockets: 8,
      ...(options.ca !== undefined ? { ca: options.ca } : {}),
    });
    try {
      return { result, history, resolutions: await resolveUnknownSessions(history, resolver) };
    } finally {
      resolver.close();
    }
  } finally {
    if (progressTimer !== null) clearInterval(progressTimer);
    await scraper.stop().catch(() => {});
    client.close();
  }
}

function snapshot(
  recorder: Recorder,
  plan: ReturnType<typeof toRunnerPlan>,
  nowMs: number,
  running: number,
): ProgressSnapshot {
  const last = Math.max(0, Math.floor(nowMs / 1_000) - 1);
  const counts = recorder.perSecond[last];
  const latency = recorder.perSecondLatency[last];
  let shedTotal = 0;
  let errorsTotal = 0;
  for (const c of recorder.counts.values()) {
    shedTotal += c.shed;
    errorsTotal += c.failed + c.unknown;
  }
  return {
    elapsedS: Math.round(nowMs / 100) / 10,
    plannedVisitsPerS: Math.round(plannedRatePerS(plan, nowMs) * 10) / 10,
    offeredPerS: counts?.sent ?? 0,
    acceptedPerS: counts?.completedOk ?? 0,
    acceptedP99Ms: latency && latency.totalCount > 0 ? latency.getValueAtPercentile(99) / 1_000 : null,
    shedTotal,
    errorsTotal,
    visitsRunning: running,
  };
}
