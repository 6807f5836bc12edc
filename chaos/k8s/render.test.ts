/**
 * Every scenario's Chaos Mesh resources validate against the CRDs (offline, ajv), and the
 * validator is not a rubber stamp: known-bad resources (an unknown action, a missing selector, a
 * wrong type) are rejected.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { loadScenarios } from '../scenarios/schema.ts';
import {
  NotRenderableError,
  POSTGRES_DATA_PATH,
  REDIS_DATA_PATH,
  RGS_PORT,
  renderScenario,
  renderScenarioYaml,
  renderTimedChaos,
  TARGET_LABEL,
  TARGET_LABELS,
} from './render.ts';
import { loadCrdValidator } from './validate.ts';

const validator = loadCrdValidator();
const scenarios = loadScenarios();
const renderable = scenarios.filter((s) => !s.faults.some((f) => f.action === 'revoke-session'));

describe('Chaos Mesh rendering', () => {
  it('loads the CRDs of every kind we render', () => {
    for (const kind of [
      'PodChaos',
      'NetworkChaos',
      'StressChaos',
      'IOChaos',
      'HTTPChaos',
      'Workflow',
      'Schedule',
    ])
      expect(validator.kinds).toContain(kind);
  });

  it.each(renderable.map((s) => [s.name, s] as const))('%s validates against the CRDs', (_name, scenario) => {
    const resources = renderScenario(scenario, 'croupier');
    expect(resources.length).toBeGreaterThanOrEqual(3);
    for (const resource of resources) expect(validator.validate(resource)).toEqual([]);
    expect(renderScenarioYaml(scenario, 'croupier')).toContain('apiVersion: chaos-mesh.org/v1alpha1');
  });

  it('renders every chaos kind the issue names across the scenarios', () => {
    const kinds = new Set(renderable.flatMap((s) => renderScenario(s, 'ns').map((r) => r.kind)));
    for (const kind of [
      'PodChaos',
      'NetworkChaos',
      'StressChaos',
      'IOChaos',
      'HTTPChaos',
      'Workflow',
      'Schedule',
    ])
      expect(kinds).toContain(kind);
  });

  it('maps the drills to the faults they mean', () => {
    const find = (name: string) => renderTimedChaos(scenarios.find((s) => s.name === name)!, 'ns');
    expect(find('kill-rgs-node')[0]!.resource).toMatchObject({
      kind: 'PodChaos',
      spec: { action: 'pod-kill', mode: 'one', gracePeriod: 0 },
    });
    expect(find('graceful-restart')[0]!.resource.spec).toMatchObject({ action: 'pod-kill', gracePeriod: 30 });
    expect(find('db-latency')[0]!.resource.spec).toMatchObject({
      action: 'delay',
      delay: { latency: '200ms', jitter: '50ms' },
      direction: 'to',
    });
    expect(find('lost-commit-ack')[0]!.resource).toMatchObject({
      kind: 'HTTPChaos',
      spec: { target: 'Response', abort: true, path: '/wallet/play' },
    });
    expect(find('pause-postgres')[0]!.resource.spec).toMatchObject({ action: 'partition' });
  });

  it('refuses what Chaos Mesh cannot express, with a message saying what to do', () => {
    const revoke = scenarios.find((s) => s.name === 'revoke-session-websocket')!;
    expect(() => renderScenario(revoke, 'ns')).toThrow(NotRenderableError);
    expect(() => renderScenario(revoke, 'ns')).toThrow(/--engine local/);
  });

  it('rejects known-bad resources (negative controls)', () => {
    const good = renderTimedChaos(scenarios.find((s) => s.name === 'kill-postgres')!, 'ns')[0]!.resource;
    expect(validator.validate(good)).toEqual([]);
    const badAction = { ...good, spec: { ...good.spec, action: 'pod-explode' } };
    expect(validator.validate(badAction).join('\n')).toMatch(/action/);
    const { selector: _selector, ...noSelector } = good.spec;
    expect(validator.validate({ ...good, spec: noSelector }).join('\n')).toMatch(/selector/);
    expect(validator.validate({ ...good, spec: { ...good.spec, gracePeriod: 'soon' } }).join('\n')).toMatch(
      /gracePeriod/,
    );
    const net = renderTimedChaos(scenarios.find((s) => s.name === 'db-latency')!, 'ns')[0]!.resource;
    expect(validator.validate({ ...net, spec: { ...net.spec, direction: 'sideways' } }).join('\n')).toMatch(
      /direction/,
    );
  });
});

describe('deploy/k8s manifests', () => {
  const dir = join(import.meta.dirname, '..', '..', 'deploy', 'k8s');
  const objects = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .flatMap((f) => yaml.loadAll(readFileSync(join(dir, f), 'utf8')) as Workload[]);
  const workload = (name: string) =>
    objects.find((o) => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && o.metadata.name === name)!;

  it('carry the labels the experiments select, on the pods', () => {
    for (const [target, label] of Object.entries(TARGET_LABELS)) {
      const w = workload(label);
      expect(w, target).toBeDefined();
      expect(w.spec.template.metadata.labels[TARGET_LABEL]).toBe(label);
      expect(w.spec.selector.matchLabels[TARGET_LABEL]).toBe(label);
    }
  });

  it('run two RGS replicas on the port HTTPChaos targets, and mount the volume IOChaos targets', () => {
    const rgs = workload(TARGET_LABELS.rgs);
    expect(rgs.spec.replicas).toBe(2);
    expect(rgs.spec.template.spec.containers[0]!.ports[0]!.containerPort).toBe(RGS_PORT);
    const postgres = workload(TARGET_LABELS.postgres);
    expect(postgres.spec.template.spec.containers[0]!.volumeMounts?.[0]?.mountPath).toBe(POSTGRES_DATA_PATH);
    const redis = workload(TARGET_LABELS.redis);
    expect(redis.spec.template.spec.containers[0]!.volumeMounts?.[0]?.mountPath).toBe(REDIS_DATA_PATH);
  });
});

interface Workload {
  kind: string;
  metadata: { name: string };
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: { containers: { ports: { containerPort: number }[]; volumeMounts?: { mountPath: string }[] }[] };
    };
  };
}
