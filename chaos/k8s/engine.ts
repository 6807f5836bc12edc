/**
 * The Kubernetes engine: applies a scenario's Chaos Mesh resources to a cluster with
 * @kubernetes/client-node at their start times, watches each one's `status.conditions` until
 * `AllInjected` (and, for faults with a duration, `AllRecovered`) turn "True", and deletes it. On
 * Ctrl-C (the abort signal) or any error, every experiment it created is first paused (annotation
 * `experiment.chaos-mesh.org/pause: "true"`) and then deleted, so nothing keeps injecting faults.
 *
 * Watching is by polling GET on the resource (bounded interval and deadline): the status of a
 * Chaos Mesh experiment moves a few times per run, and a poll survives API-server hiccups without
 * a watch's reconnect logic. The load and the books check run as with the local engine when the
 * caller gives the RGS URL, operator secret and database URL; without them the run injects faults
 * only and says so in its verdicts.
 */
import { CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { History, InvariantVerdict } from '../../load/index.ts';
import { openRgsDatabase } from '../../rgs/index.ts';
import { checkBooks, recoveryAfter } from '../checker/index.ts';
import { scaleScenario } from '../engine/local.ts';
import { resolveByAuthenticate, runPlayerLoop } from '../load/player-loop.ts';
import { countRequests, DRILL_RESULT_KIND, type DrillResult, type FaultWindow, timeline } from '../result.ts';
import { type Scenario, ScenarioError } from '../scenarios/schema.ts';
import { sleep } from '../sleep.ts';
import { type ChaosKind, type ChaosResource, renderTimedChaos, type TimedChaos } from './render.ts';

export const CHAOS_GROUP = 'chaos-mesh.org';
export const CHAOS_VERSION = 'v1alpha1';
export const PAUSE_ANNOTATION = 'experiment.chaos-mesh.org/pause';
const PLURALS: Record<ChaosKind, string> = {
  PodChaos: 'podchaos',
  NetworkChaos: 'networkchaos',
  StressChaos: 'stresschaos',
  IOChaos: 'iochaos',
  HTTPChaos: 'httpchaos',
};
const POLL_INTERVAL_MS = 250;
const CONDITION_TIMEOUT_MS = 60_000;

export interface K8sLoad {
  readonly nodes: readonly string[];
  readonly operatorSecret: string;
  readonly databaseUrl: string;
}

export interface K8sRunOptions {
  readonly scenario: Scenario;
  readonly namespace: string;
  /** A kubeconfig file; default: $KUBECONFIG or ~/.kube/config. */
  readonly kubeconfigPath?: string;
  /** An already loaded config (tests: the fake API server). */
  readonly kubeConfig?: KubeConfig;
  readonly durationMs?: number;
  readonly load?: K8sLoad;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
  /** Bound on waiting for a condition (default 60 s). */
  readonly conditionTimeoutMs?: number;
  readonly pollIntervalMs?: number;
}

interface Condition {
  readonly type: string;
  readonly status: string;
}

class Experiments {
  private readonly live = new Map<string, ChaosResource & { kind: ChaosKind }>();
  constructor(
    private readonly api: CustomObjectsApi,
    private readonly namespace: string,
  ) {}

  private ref(resource: ChaosResource & { kind: ChaosKind }) {
    return {
      group: CHAOS_GROUP,
      version: CHAOS_VERSION,
      namespace: this.namespace,
      plural: PLURALS[resource.kind],
      name: resource.metadata.name,
    };
  }

  async create(resource: ChaosResource & { kind: ChaosKind }): Promise<void> {
    const { name: _name, ...ref } = this.ref(resource);
    await this.api.createNamespacedCustomObject({ ...ref, body: resource });
    this.live.set(resource.metadata.name, resource);
  }

  async conditions(resource: ChaosResource & { kind: ChaosKind }): Promise<Condition[]> {
    const object = (await this.api.getNamespacedCustomObject(this.ref(resource))) as {
      status?: { conditions?: Condition[] };
    };
    return object.status?.conditions ?? [];
  }

  /** Polls until condition `type` is "True"; false on timeout or abort. */
  async waitFor(
    resource: ChaosResource & { kind: ChaosKind },
    type: string,
    timeoutMs: number,
    pollMs: number,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (let i = 0; i < Math.ceil(timeoutMs / pollMs) + 1 && Date.now() < deadline && !signal?.aborted; i++) {
      const conditions = await this.conditions(resource).catch(() => []);
      if (conditions.some((c) => c.type === type && c.status === 'True')) return true;
      await sleep(pollMs, signal);
    }
    return false;
  }

  async pause(resource: ChaosResource & { kind: ChaosKind }): Promise<void> {
    await this.api.patchNamespacedCustomObject(
      { ...this.ref(resource), body: { metadata: { annotations: { [PAUSE_ANNOTATION]: 'true' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  async delete(resource: ChaosResource & { kind: ChaosKind }): Promise<void> {
    await this.api.deleteNamespacedCustomObject(this.ref(resource));
    this.live.delete(resource.metadata.name);
  }

  /** Pause, then delete, everything still live; errors are collected, never thrown. */
  async cleanup(): Promise<string[]> {
    const problems: string[] = [];
    for (const resource of [...this.live.values()]) {
      await this.pause(resource).catch((e: Error) =>
        problems.push(`pause ${resource.metadata.name}: ${e.message}`),
      );
      await this.delete(resource).catch((e: Error) =>
        problems.push(`delete ${resource.metadata.name}: ${e.message}`),
      );
    }
    return problems;
  }
}

async function runOne(
  timed: TimedChaos,
  experiments: Experiments,
  t0: number,
  options: K8sRunOptions,
): Promise<{ window: FaultWindow; verdict: InvariantVerdict }> {
  const log = options.log ?? (() => {});
  const timeoutMs = options.conditionTimeoutMs ?? CONDITION_TIMEOUT_MS;
  const pollMs = options.pollIntervalMs ?? POLL_INTERVAL_MS;
  const resource = timed.resource;
  await sleep(Math.max(0, timed.startMs - (performance.now() - t0)), options.signal);
  const problems: string[] = [];
  const startMs = performance.now() - t0;
  if (options.signal?.aborted) problems.push('not applied: interrupted');
  else {
    await experiments.create(resource);
    log(`+${(startMs / 1000).toFixed(1)} s  created ${resource.kind}/${resource.metadata.name}`);
    if (!(await experiments.waitFor(resource, 'AllInjected', timeoutMs, pollMs, options.signal)))
      problems.push(`${resource.metadata.name}: AllInjected not True within ${timeoutMs} ms`);
    await sleep(Math.max(0, timed.startMs + timed.durationMs - (performance.now() - t0)), options.signal);
    const oneShot = resource.kind === 'PodChaos' && resource.spec.action === 'pod-kill';
    if (
      !oneShot &&
      !options.signal?.aborted &&
      !(await experiments.waitFor(resource, 'AllRecovered', timeoutMs, pollMs, options.signal))
    )
      problems.push(`${resource.metadata.name}: AllRecovered not True within ${timeoutMs} ms`);
    if (!options.signal?.aborted) await experiments.delete(resource);
  }
  const endMs = performance.now() - t0;
  log(
    `+${(endMs / 1000).toFixed(1)} s  ${resource.metadata.name} ${problems.length === 0 ? 'recovered and deleted' : problems.join('; ')}`,
  );
  return {
    window: {
      action: timed.fault.action,
      target: timed.fault.target,
      startMs: Math.round(startMs),
      endMs: Math.round(endMs),
      detail: `${resource.kind}/${resource.metadata.name}`,
    },
    verdict: {
      name: `chaos-mesh-lifecycle:${resource.metadata.name}`,
      ok: problems.length === 0,
      checked: 1,
      problems,
    },
  };
}

function kubeConfigOf(options: K8sRunOptions): KubeConfig {
  if (options.kubeConfig !== undefined) return options.kubeConfig;
  const config = new KubeConfig();
  if (options.kubeconfigPath !== undefined) config.loadFromFile(options.kubeconfigPath);
  else config.loadFromDefault();
  if (config.getCurrentCluster() === null)
    throw new ScenarioError('no Kubernetes cluster configured (give --kubeconfig or set KUBECONFIG)');
  return config;
}

/** Run a scenario on a cluster with Chaos Mesh; always pauses and deletes what it created. */
export async function runK8s(options: K8sRunOptions): Promise<DrillResult> {
  const scenario = scaleScenario(options.scenario, options.durationMs);
  if (!(scenario.engines ?? ['local', 'k8s']).includes('k8s'))
    throw new ScenarioError(`${scenario.name} does not run on Kubernetes: use --engine local`);
  const timedChaos = renderTimedChaos(scenario, options.namespace);
  const experiments = new Experiments(
    kubeConfigOf(options).makeApiClient(CustomObjectsApi),
    options.namespace,
  );
  const t0 = performance.now();
  const emptyHistory: History = {
    historyVersion: 1,
    runId: scenario.name,
    startedAt: new Date().toISOString(),
    target: options.namespace,
    entries: [],
  };
  try {
    const loop = options.load
      ? runPlayerLoop({
          nodes: options.load.nodes,
          operatorSecret: options.load.operatorSecret,
          players: scenario.load.players,
          durationMs: scenario.load.durationMs,
          requestTimeoutMs: scenario.load.requestTimeoutMs,
          thinkMs: scenario.load.thinkMs,
          balance: scenario.load.balance,
          gameID: scenario.load.gameID,
          runId: `${scenario.name}-k8s`,
          ...(options.signal !== undefined ? { signal: options.signal } : {}),
        })
      : sleep(scenario.load.durationMs, options.signal).then(() => emptyHistory);
    const outcomes = await Promise.all(timedChaos.map((timed) => runOne(timed, experiments, t0, options)));
    const history = await loop;
    const windows = outcomes.map((o) => o.window);
    const faultEndMs = Math.max(...windows.map((w) => w.endMs));
    let books: DrillResult['books'] = null;
    if (options.load !== undefined) {
      const resolutions = await resolveByAuthenticate(
        history,
        options.load.nodes,
        scenario.load.requestTimeoutMs,
      );
      const db = await openRgsDatabase({ url: options.load.databaseUrl });
      books = await checkBooks(history, db, {
        resolutions,
        recovery: { faultEndMs, boundMs: scenario.expect.recoveryWithinMs },
      }).finally(() => db.close());
    }
    const expectations: InvariantVerdict[] = [
      ...outcomes.map((o) => o.verdict),
      {
        name: 'load-ran',
        ok: books !== null && books.acknowledgedBets >= scenario.expect.minAcknowledgedBets,
        checked: 1,
        problems:
          books === null
            ? ['no load was run (give the RGS URL, operator secret and database URL): books not checked']
            : [],
      },
    ];
    return {
      kind: DRILL_RESULT_KIND,
      resultVersion: 1,
      scenario: scenario.name,
      description: scenario.description,
      engine: 'k8s',
      startedAt: history.startedAt,
      durationMs: scenario.load.durationMs,
      faults: windows,
      requests: countRequests(history),
      timeline: timeline(history, scenario.load.durationMs),
      books,
      recoveryMs: recoveryAfter(history, faultEndMs).recoveryMs,
      expectations,
      proxies: {},
      ok: books?.ok === true && expectations.every((e) => e.ok),
    };
  } finally {
    const problems = await experiments.cleanup();
    for (const problem of problems) options.log?.(`cleanup: ${problem}`);
  }
}
