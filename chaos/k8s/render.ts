/**
 * A scenario rendered as Chaos Mesh (v2.8, chaos-mesh.org/v1alpha1) custom resources, selecting the
 * pods of deploy/k8s by their labels:
 *
 * | scenario fault                  | Chaos Mesh resource                                             |
 * | ------------------------------- | --------------------------------------------------------------- |
 * | kill (rgs/postgres/redis)       | PodChaos pod-kill, gracePeriod 0 (the controller restarts it)   |
 * | terminate (rgs)                 | PodChaos pod-kill, gracePeriod 30 (SIGTERM, graceful)           |
 * | pause (postgres/redis)          | NetworkChaos partition RGS → target (connections stay, silence) |
 * | link latency ± jitter           | NetworkChaos delay RGS → target                                 |
 * | link bandwidth                  | NetworkChaos bandwidth                                          |
 * | link resets / refusals          | NetworkChaos loss (percent) / partition                         |
 * | link blackhole                  | NetworkChaos partition                                          |
 * | link dropped COMMIT replies     | HTTPChaos abort of /wallet/play responses on the RGS pods: the  |
 * |                                 | same ambiguous commit one layer up (the RGS committed, the      |
 * |                                 | client never hears it); Chaos Mesh has no PostgreSQL-aware fault |
 * | stress                          | StressChaos cpu                                                 |
 * | io-delay                        | IOChaos latency on the data volume                              |
 * | partition (rgs-b)               | NetworkChaos partition of one RGS pod from postgres and redis   |
 * | revoke-session                  | none: an operator action, local engine only                     |
 *
 * The whole scenario is also rendered as a Workflow (each fault a Serial of a Suspend for its start
 * and the chaos for its duration, all in Parallel) and as a Schedule that repeats that Workflow.
 */
import yaml from 'js-yaml';
import type { Fault, Scenario } from '../scenarios/schema.ts';

export const CHAOS_API_VERSION = 'chaos-mesh.org/v1alpha1';
/** Labels of deploy/k8s that experiments select on. */
export const TARGET_LABEL = 'app.kubernetes.io/name';
export const TARGET_LABELS: Readonly<Record<'rgs' | 'postgres' | 'redis', string>> = {
  rgs: 'croupier-rgs',
  postgres: 'croupier-postgres',
  redis: 'croupier-redis',
};
export const RGS_PORT = 7420;
export const POSTGRES_DATA_PATH = '/var/lib/postgresql/data';
export const REDIS_DATA_PATH = '/data';

export type ChaosKind = 'PodChaos' | 'NetworkChaos' | 'StressChaos' | 'IOChaos' | 'HTTPChaos';

export interface ChaosResource {
  readonly apiVersion: typeof CHAOS_API_VERSION;
  readonly kind: ChaosKind | 'Workflow' | 'Schedule';
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Record<string, string>;
  };
  readonly spec: Record<string, unknown>;
}

/** One fault's resource and when the engine applies it (run-relative). */
export interface TimedChaos {
  readonly resource: ChaosResource & { kind: ChaosKind };
  readonly startMs: number;
  readonly durationMs: number;
  readonly fault: Fault;
}

/** The fault cannot be expressed in Chaos Mesh (revoke-session); the message says what to do. */
export class NotRenderableError extends Error {
  override name = 'NotRenderableError';
}

function seconds(ms: number): string {
  return `${Math.max(1, Math.round(ms / 1000))}s`;
}

function selector(namespace: string, target: 'rgs' | 'postgres' | 'redis') {
  return { namespaces: [namespace], labelSelectors: { [TARGET_LABEL]: TARGET_LABELS[target] } };
}

function targetOf(fault: Fault): 'rgs' | 'postgres' | 'redis' {
  if (fault.target === 'rgs-a' || fault.target === 'rgs-b') return 'rgs';
  if (fault.target === 'postgres' || fault.target === 'postgres-link') return 'postgres';
  if (fault.target === 'redis' || fault.target === 'redis-link') return 'redis';
  throw new NotRenderableError(`target ${fault.target} has no pods to select`);
}

/** RGS pods → the target's pods, one direction: what the RGS sees of its database or cache. */
function network(namespace: string, fault: Fault, action: string, extra: Record<string, unknown>) {
  return {
    kind: 'NetworkChaos' as const,
    spec: {
      action,
      mode: 'all',
      selector: selector(namespace, 'rgs'),
      direction: 'to',
      target: { mode: 'all', selector: selector(namespace, targetOf(fault)) },
      duration: seconds(fault.durationMs),
      ...extra,
    },
  };
}

/** The spec(s) of one fault, without metadata. */
function faultSpecs(namespace: string, fault: Fault): { kind: ChaosKind; spec: Record<string, unknown> }[] {
  if (fault.action === 'revoke-session')
    throw new NotRenderableError(
      'revoke-session is an operator action, not a Chaos Mesh fault: run it with --engine local',
    );
  const target = targetOf(fault);
  const one = { mode: target === 'rgs' ? 'one' : 'all', selector: selector(namespace, target) };
  switch (fault.action) {
    case 'kill':
      return [{ kind: 'PodChaos', spec: { action: 'pod-kill', ...one, gracePeriod: 0 } }];
    case 'terminate':
      return [{ kind: 'PodChaos', spec: { action: 'pod-kill', ...one, gracePeriod: 30 } }];
    case 'pause':
      if (target === 'rgs')
        return [
          { kind: 'PodChaos', spec: { action: 'pod-failure', ...one, duration: seconds(fault.durationMs) } },
        ];
      return [network(namespace, fault, 'partition', {})];
    case 'stress':
      return [
        {
          kind: 'StressChaos',
          spec: {
            mode: 'all',
            selector: selector(namespace, target),
            duration: seconds(fault.durationMs),
            stressors: { cpu: { workers: fault.stress!.cpuWorkers, load: fault.stress!.cpuLoadPercent } },
          },
        },
      ];
    case 'io-delay':
      return [
        {
          kind: 'IOChaos',
          spec: {
            action: 'latency',
            mode: 'all',
            selector: selector(namespace, target),
            volumePath: target === 'postgres' ? POSTGRES_DATA_PATH : REDIS_DATA_PATH,
            path: `${target === 'postgres' ? POSTGRES_DATA_PATH : REDIS_DATA_PATH}/**/*`,
            delay: `${fault.io!.delayMs}ms`,
            percent: fault.io!.percent,
            duration: seconds(fault.durationMs),
          },
        },
      ];
    case 'link':
      return linkSpecs(namespace, fault);
    case 'partition':
      // One RGS pod cut off from PostgreSQL and from Redis (both directions).
      return (['postgres', 'redis'] as const).map((other) => ({
        kind: 'NetworkChaos' as const,
        spec: {
          action: 'partition',
          mode: 'one',
          selector: selector(namespace, 'rgs'),
          direction: 'both',
          target: { mode: 'all', selector: selector(namespace, other) },
          duration: seconds(fault.durationMs),
        },
      }));
  }
}

function linkSpecs(namespace: string, fault: Fault): { kind: ChaosKind; spec: Record<string, unknown> }[] {
  const link = fault.link!;
  const specs: { kind: ChaosKind; spec: Record<string, unknown> }[] = [];
  if (link.latencyMs !== undefined || link.jitterMs !== undefined)
    specs.push(
      network(namespace, fault, 'delay', {
        delay: { latency: `${link.latencyMs ?? 0}ms`, jitter: `${link.jitterMs ?? 0}ms`, correlation: '0' },
      }),
    );
  if (link.bandwidthBytesPerSec !== undefined)
    specs.push(
      network(namespace, fault, 'bandwidth', {
        bandwidth: {
          rate: `${Math.max(1, Math.round((link.bandwidthBytesPerSec * 8) / 1000))}kbps`,
          limit: 20_971_520,
          buffer: 10_000,
        },
      }),
    );
  if (link.resetProbability !== undefined && link.resetProbability > 0)
    specs.push(
      network(namespace, fault, 'loss', {
        loss: { loss: String(Math.round(link.resetProbability * 100)), correlation: '0' },
      }),
    );
  if (link.blackhole === true || link.refuseConnections === true)
    specs.push(network(namespace, fault, 'partition', {}));
  if (link.dropCommitReplyFraction !== undefined && link.dropCommitReplyFraction > 0) {
    specs.push({
      kind: 'HTTPChaos',
      spec: {
        mode: 'all',
        selector: selector(namespace, 'rgs'),
        target: 'Response',
        port: RGS_PORT,
        method: 'POST',
        path: '/wallet/play',
        abort: true,
        duration: seconds(fault.durationMs),
      },
    });
  }
  if (specs.length === 0)
    throw new NotRenderableError(`fault ${fault.action} ${fault.target}: nothing to render`);
  return specs;
}

function metadata(scenario: Scenario, namespace: string, suffix: string) {
  const name = `${scenario.name}-${suffix}`.toLowerCase().slice(0, 63).replace(/-+$/, '');
  return {
    name,
    namespace,
    labels: { 'app.kubernetes.io/part-of': 'croupier', 'chaos.croupier.dev/scenario': scenario.name },
  };
}

const SHORT: Record<ChaosKind, string> = {
  PodChaos: 'pod',
  NetworkChaos: 'net',
  StressChaos: 'stress',
  IOChaos: 'io',
  HTTPChaos: 'http',
};

/** Each fault's resources, in start order, for an engine that applies them on time. */
export function renderTimedChaos(scenario: Scenario, namespace: string): TimedChaos[] {
  return scenario.faults.flatMap((fault, index) =>
    faultSpecs(namespace, fault).map((s, part) => ({
      resource: {
        apiVersion: CHAOS_API_VERSION,
        kind: s.kind,
        metadata: metadata(scenario, namespace, `${index}-${part}-${SHORT[s.kind]}`),
        spec: s.spec,
      },
      startMs: fault.startMs,
      durationMs: fault.durationMs,
      fault,
    })),
  );
}

const TEMPLATE_FIELD: Record<ChaosKind, string> = {
  PodChaos: 'podChaos',
  NetworkChaos: 'networkChaos',
  StressChaos: 'stressChaos',
  IOChaos: 'ioChaos',
  HTTPChaos: 'httpChaos',
};

function workflowSpec(scenario: Scenario, namespace: string): Record<string, unknown> {
  const timed = renderTimedChaos(scenario, namespace);
  const templates: Record<string, unknown>[] = [];
  const branches: string[] = [];
  timed.forEach((t, i) => {
    const { duration: _duration, ...spec } = t.resource.spec;
    const chaos = {
      name: `chaos-${i}`,
      templateType: t.resource.kind,
      deadline: seconds(t.durationMs),
      [TEMPLATE_FIELD[t.resource.kind]]: spec,
    };
    if (t.startMs <= 0) {
      templates.push(chaos);
      branches.push(chaos.name);
      return;
    }
    templates.push({ name: `wait-${i}`, templateType: 'Suspend', deadline: seconds(t.startMs) }, chaos);
    templates.push({ name: `fault-${i}`, templateType: 'Serial', children: [`wait-${i}`, `chaos-${i}`] });
    branches.push(`fault-${i}`);
  });
  templates.unshift({ name: 'entry', templateType: 'Parallel', children: branches });
  return { entry: 'entry', templates };
}

export function renderWorkflow(scenario: Scenario, namespace: string): ChaosResource {
  return {
    apiVersion: CHAOS_API_VERSION,
    kind: 'Workflow',
    metadata: metadata(scenario, namespace, 'workflow'),
    spec: workflowSpec(scenario, namespace),
  };
}

/** The scenario's Workflow repeated on a cron schedule (default nightly at 03:00). */
export function renderSchedule(scenario: Scenario, namespace: string, cron = '0 3 * * *'): ChaosResource {
  return {
    apiVersion: CHAOS_API_VERSION,
    kind: 'Schedule',
    metadata: metadata(scenario, namespace, 'schedule'),
    spec: {
      schedule: cron,
      type: 'Workflow',
      historyLimit: 5,
      concurrencyPolicy: 'Forbid',
      workflow: workflowSpec(scenario, namespace),
    },
  };
}

/** Every resource of a scenario: the timed chaos, the Workflow and the Schedule. */
export function renderScenario(scenario: Scenario, namespace: string): ChaosResource[] {
  return [
    ...renderTimedChaos(scenario, namespace).map((t) => t.resource),
    renderWorkflow(scenario, namespace),
    renderSchedule(scenario, namespace),
  ];
}

export function renderScenarioYaml(scenario: Scenario, namespace: string): string {
  return renderScenario(scenario, namespace)
    .map((resource) => yaml.dump(resource, { noRefs: true }))
    .join('---\n');
}
