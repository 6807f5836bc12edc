/**
 * The local engine: runs a scenario on real processes it starts and owns — a throwaway PostgreSQL,
 * a Redis with an append-only file (fsync always, so sessions survive kill -9 as in production),
 * one or two RGS nodes, and fault proxies on the links the scenario names — while the player loop
 * records the History; then heals everything, lets the clients re-authenticate, and runs the books
 * checker.
 *
 * Bounded and clean: every wait has a bound, every process and directory is removed in `finally`
 * (also on Ctrl-C: the abort signal stops the load, and the process-control modules kill what is
 * left on exit). Loopback only: every server listens on 127.0.0.1.
 */
import type { History, InvariantVerdict } from '../../load/index.ts';
import { openRgsDatabase } from '../../rgs/index.ts';
import { checkBooks, recoveryAfter } from '../checker/index.ts';
import { type FaultProxy, startFaultProxy } from '../fault-proxy.ts';
import { resolveByAuthenticate, runPlayerLoop } from '../load/player-loop.ts';
import { createNetns, type Netns, netnsSupport } from '../local/netns.ts';
import { type RgsNode, startRgsNode } from '../local/rgs-node.ts';
import { type ServerHandle, startPostgres, startRedis } from '../local/services.ts';
import {
  countRequests,
  DRILL_RESULT_KIND,
  type DrillResult,
  type FaultWindow,
  isTransportError,
  timeline,
} from '../result.ts';
import { type Fault, type Scenario, ScenarioError } from '../scenarios/schema.ts';
import { openRevocationProbe, type RevocationProbe } from './revoke.ts';

const READY_AFTER_HEAL_MS = 30_000;
/** How long good service must be watched after the first good reply following the heal. */
const RECOVERY_OBSERVE_MS = 1_000;

export interface LocalRunOptions {
  readonly scenario: Scenario;
  /** Override the load's duration; fault times scale with it. */
  readonly durationMs?: number;
  readonly signal?: AbortSignal;
  /** One line per event (fault applied/healed, phase); for the CLI's progress. */
  readonly log?: (line: string) => void;
  readonly seed?: number;
}

interface Stack {
  pg: ServerHandle;
  redis: ServerHandle;
  proxies: Map<'postgres-link' | 'redis-link', FaultProxy>;
  nodes: RgsNode[];
  operatorSecret: string;
  /** rgs-b's network namespace, when a partition is scheduled. */
  netns: Netns | undefined;
}

/** The machine cannot run this drill (no root or no iproute2 for a partition); the message says why. */
export class DrillSkippedError extends Error {
  override name = 'DrillSkippedError';
}

/** The drill was interrupted (Ctrl-C): it stopped early, cleaned up and has no verdict. */
export class DrillInterruptedError extends Error {
  override name = 'DrillInterruptedError';
}

/** The scenario with its load duration (and fault times) scaled to `durationMs`. */
export function scaleScenario(scenario: Scenario, durationMs: number | undefined): Scenario {
  if (durationMs === undefined || durationMs === scenario.load.durationMs) return scenario;
  const factor = durationMs / scenario.load.durationMs;
  return {
    ...scenario,
    load: { ...scenario.load, durationMs },
    faults: scenario.faults.map((f) => ({
      ...f,
      startMs: Math.round(f.startMs * factor),
      durationMs: Math.round(f.durationMs * factor),
    })),
  };
}

async function startStack(
  scenario: Scenario,
  seed: number,
  cleanups: (() => Promise<unknown>)[],
): Promise<Stack> {
  const pg = await startPostgres();
  cleanups.push(() => pg.destroy());
  const redis = await startRedis({ persistence: 'aof' });
  cleanups.push(() => redis.destroy());
  const proxies = new Map<'postgres-link' | 'redis-link', FaultProxy>();
  let databaseUrl = pg.url;
  let redisUrl = redis.url;
  if (scenario.topology.postgresLink === 'proxy') {
    const proxy = await startFaultProxy({
      targetHost: pg.host,
      targetPort: pg.port,
      protocol: 'postgres',
      seed,
    });
    cleanups.push(() => proxy.stop());
    proxies.set('postgres-link', proxy);
    const url = new URL(pg.url);
    url.port = String(proxy.port);
    databaseUrl = url.toString();
  }
  if (scenario.topology.redisLink === 'proxy') {
    const proxy = await startFaultProxy({
      targetHost: redis.host,
      targetPort: redis.port,
      protocol: 'raw',
      seed: seed + 1,
    });
    cleanups.push(() => proxy.stop());
    proxies.set('redis-link', proxy);
    const url = new URL(redis.url);
    url.port = String(proxy.port);
    redisUrl = url.toString();
  }
  const nodes: RgsNode[] = [];
  let operatorSecret: string | undefined;
  let netns: Netns | undefined;
  if (scenario.faults.some((f) => f.action === 'partition')) {
    const support = netnsSupport();
    if (!support.ok) throw new DrillSkippedError(`${scenario.name} skipped: ${support.reason}`);
    const created = await createNetns('b');
    netns = created;
    cleanups.push(() => created.destroy());
  }
  for (const name of ['rgs-a', 'rgs-b'].slice(0, scenario.topology.rgsNodes)) {
    const isolated = name === 'rgs-b' ? netns : undefined;
    const viaRelay = async (url: string, port: number) => {
      const relayed = new URL(url);
      relayed.hostname = isolated!.hostAddress;
      relayed.port = String(await isolated!.relay(port));
      return relayed.toString();
    };
    const node = await startRgsNode({
      databaseUrl: isolated ? await viaRelay(databaseUrl, Number(new URL(databaseUrl).port)) : databaseUrl,
      redisUrl: isolated ? await viaRelay(redisUrl, Number(new URL(redisUrl).port)) : redisUrl,
      name,
      ...(isolated ? { host: isolated.nsAddress, execPrefix: isolated.execPrefix } : {}),
      ...(operatorSecret !== undefined ? { operatorSecret } : {}),
    });
    cleanups.push(() => node.destroy());
    operatorSecret = node.operatorSecret;
    nodes.push(node);
  }
  return { pg, redis, proxies, nodes, operatorSecret: operatorSecret!, netns };
}

interface Applied {
  heal(): Promise<InvariantVerdict[]>;
}

async function applyFault(fault: Fault, stack: Stack, scenario: Scenario): Promise<Applied> {
  if (fault.action === 'link') {
    const proxy = stack.proxies.get(fault.target as 'postgres-link' | 'redis-link')!;
    proxy.setFault(fault.link!);
    return {
      heal: async () => {
        proxy.setFault({});
        return [];
      },
    };
  }
  if (fault.action === 'revoke-session') {
    const probe: RevocationProbe = await openRevocationProbe({
      node: stack.nodes[0]!.url,
      operatorSecret: stack.operatorSecret,
      gameID: scenario.load.gameID,
      balance: scenario.load.balance,
    });
    await probe.revoke();
    return {
      heal: async () => {
        const verdicts = await probe.verdicts();
        probe.close();
        return verdicts;
      },
    };
  }
  if (fault.action === 'partition') {
    const netns = stack.netns!;
    netns.partition();
    return {
      heal: async () => {
        netns.heal();
        return [];
      },
    };
  }
  const target =
    fault.target === 'postgres'
      ? stack.pg
      : fault.target === 'redis'
        ? stack.redis
        : stack.nodes[fault.target === 'rgs-a' ? 0 : 1]!;
  if (fault.action === 'stress' || fault.action === 'io-delay')
    throw new ScenarioError(`${fault.action} runs on Kubernetes only`);
  if (fault.action === 'pause') {
    target.pause();
    return {
      heal: async () => {
        target.resume();
        return [];
      },
    };
  }
  if (fault.action === 'kill') await target.kill9();
  else await target.stop();
  return {
    heal: async () => {
      await target.restart();
      return [];
    },
  };
}

function scheduleFaults(
  scenario: Scenario,
  stack: Stack,
  t0: number,
  log: (line: string) => void,
): { done: Promise<{ windows: FaultWindow[]; verdicts: InvariantVerdict[] }>; cancel: () => void } {
  let cancelled = false;
  // Pending waits, so that cancel() ends them at once (a cleared timer alone would leave its
  // promise pending forever, and the drill with it).
  const waits = new Set<() => void>();
  const sleepUntil = (ms: number) =>
    new Promise<void>((resolve) => {
      if (cancelled) return resolve();
      const done = () => {
        clearTimeout(timer);
        waits.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms - (performance.now() - t0)));
      waits.add(done);
    });
  const runOne = async (fault: Fault): Promise<{ window: FaultWindow; verdicts: InvariantVerdict[] }> => {
    await sleepUntil(fault.startMs);
    const startMs = performance.now() - t0;
    log(`+${(startMs / 1000).toFixed(1)} s  ${fault.action} ${fault.target}`);
    let applied: Applied | undefined;
    let detail: string | undefined;
    try {
      applied = await applyFault(fault, stack, scenario);
    } catch (error) {
      detail = `could not apply: ${(error as Error).message.split('\n')[0]}`;
    }
    if (!cancelled) await sleepUntil(fault.startMs + fault.durationMs);
    const verdicts =
      (await applied?.heal().catch((error: Error) => {
        detail = `could not heal: ${error.message.split('\n')[0]}`;
        return [];
      })) ?? [];
    const endMs = performance.now() - t0;
    log(`+${(endMs / 1000).toFixed(1)} s  healed ${fault.target}`);
    return {
      window: { action: fault.action, target: fault.target, startMs, endMs, ...(detail ? { detail } : {}) },
      verdicts,
    };
  };
  const done = Promise.all(scenario.faults.map(runOne)).then((all) => ({
    windows: all.map((a) => a.window),
    verdicts: all.flatMap((a) => a.verdicts),
  }));
  return {
    done,
    cancel: () => {
      cancelled = true;
      for (const done of [...waits]) done();
    },
  };
}

function expectationVerdicts(scenario: Scenario, history: History): InvariantVerdict[] {
  const serverErrors = history.entries.filter(
    (e) => e.status !== undefined && e.status >= 500 && e.status !== 503,
  );
  const transport = history.entries.filter(isTransportError);
  const verdicts: InvariantVerdict[] = [];
  if (scenario.expect.failClosed) {
    verdicts.push({
      name: 'fail-closed',
      ok: serverErrors.length === 0,
      checked: history.entries.length,
      problems: serverErrors
        .slice(0, 10)
        .map(
          (e) => `${e.player} ${e.operation}: ${e.status} ${e.errorCode ?? ''} at +${Math.round(e.endMs)} ms`,
        ),
    });
  }
  if (scenario.expect.transportErrors === 'none') {
    verdicts.push({
      name: 'no-transport-errors',
      ok: transport.length === 0,
      checked: history.entries.length,
      problems: transport
        .slice(0, 10)
        .map(
          (e) =>
            `${e.player} ${e.operation}: no reply (${e.errorCode ?? 'closed'}) at +${Math.round(e.endMs)} ms`,
        ),
    });
  }
  return verdicts;
}

/** Run one scenario on the local machine; always cleans up. */
export async function runLocal(options: LocalRunOptions): Promise<DrillResult> {
  const scenario = scaleScenario(options.scenario, options.durationMs);
  if (!(scenario.engines ?? ['local', 'k8s']).includes('local'))
    throw new ScenarioError(`${scenario.name} runs on Kubernetes only: use --engine k8s`);
  const log = options.log ?? (() => {});
  const seed = options.seed ?? 1;
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    log(`starting PostgreSQL, Redis and ${scenario.topology.rgsNodes} RGS node(s)`);
    const stack = await startStack(scenario, seed, cleanups);
    const nodes = stack.nodes.map((n) => n.url);
    const loadController = new AbortController();
    options.signal?.addEventListener('abort', () => loadController.abort());
    const t0 = performance.now();
    // The load goes on past its duration until every fault is healed and a reply has come back
    // good after that (or the recovery bound has passed): recovery is observed, not guessed.
    const progress = { healedAtMs: null as number | null, goodAfterHealMs: null as number | null };
    const extendUntilMs = () => {
      if (progress.healedAtMs === null) return Number.POSITIVE_INFINITY;
      if (progress.goodAfterHealMs !== null) return progress.goodAfterHealMs + RECOVERY_OBSERVE_MS;
      return progress.healedAtMs + scenario.expect.recoveryWithinMs + RECOVERY_OBSERVE_MS;
    };
    const loop = runPlayerLoop({
      extendUntilMs,
      onEntry: (entry) => {
        if (
          progress.healedAtMs !== null &&
          progress.goodAfterHealMs === null &&
          entry.outcome === 'ok' &&
          entry.sentMs >= progress.healedAtMs
        )
          progress.goodAfterHealMs = entry.endMs;
      },
      nodes,
      operatorSecret: stack.operatorSecret,
      players: scenario.load.players,
      durationMs: scenario.load.durationMs,
      requestTimeoutMs: scenario.load.requestTimeoutMs,
      thinkMs: scenario.load.thinkMs,
      balance: scenario.load.balance,
      gameID: scenario.load.gameID,
      runId: `${scenario.name}-${seed}`,
      signal: loadController.signal,
    });
    const faults = scheduleFaults(scenario, stack, t0, log);
    void faults.done.then(() => {
      progress.healedAtMs = performance.now() - t0;
    });
    options.signal?.addEventListener('abort', faults.cancel);
    const history = await loop;
    const { windows, verdicts: faultVerdicts } = await faults.done;
    // t0 is taken synchronously just before runPlayerLoop takes the History's zero: same clock.
    const aligned = windows.map((w) => ({
      ...w,
      startMs: Math.round(w.startMs),
      endMs: Math.round(w.endMs),
    }));
    if (options.signal?.aborted)
      throw new DrillInterruptedError(
        'interrupted: faults healed, every process and file of the drill removed; books not checked',
      );
    log('healed; waiting for every node to be ready, then checking the books');
    for (const node of stack.nodes) await node.waitReady(READY_AFTER_HEAL_MS).catch(() => {});
    const resolutions = await resolveByAuthenticate(history, nodes, scenario.load.requestTimeoutMs);
    const faultEndMs = Math.max(...aligned.map((w) => w.endMs));
    const db = await openRgsDatabase({ url: stack.pg.url });
    const books = await checkBooks(history, db, {
      resolutions,
      recovery: { faultEndMs, boundMs: scenario.expect.recoveryWithinMs },
    }).finally(() => db.close());
    const expectations = [
      ...expectationVerdicts(scenario, history),
      ...faultVerdicts,
      {
        name: 'load-ran',
        ok: books.acknowledgedBets >= scenario.expect.minAcknowledgedBets,
        checked: 1,
        problems:
          books.acknowledgedBets >= scenario.expect.minAcknowledgedBets
            ? []
            : [
                `${books.acknowledgedBets} acknowledged bets, expected ≥ ${scenario.expect.minAcknowledgedBets}`,
              ],
      },
      ...aligned
        .filter((w) => w.detail !== undefined)
        .map((w) => ({
          name: 'fault-applied',
          ok: false,
          checked: 1,
          problems: [`${w.action} ${w.target}: ${w.detail}`],
        })),
    ];
    const proxies = Object.fromEntries(
      [...stack.proxies].map(([name, proxy]) => [name, { ...proxy.counters() }]),
    );
    return {
      kind: DRILL_RESULT_KIND,
      resultVersion: 1,
      scenario: scenario.name,
      description: scenario.description,
      engine: 'local',
      startedAt: history.startedAt,
      durationMs: scenario.load.durationMs,
      faults: aligned,
      requests: countRequests(history),
      timeline: timeline(history, Math.max(scenario.load.durationMs, ...history.entries.map((e) => e.endMs))),
      books,
      recoveryMs: recoveryAfter(history, faultEndMs).recoveryMs,
      expectations,
      proxies,
      ok: books.ok && expectations.every((e) => e.ok),
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  }
}
