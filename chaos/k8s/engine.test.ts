/**
 * The Kubernetes engine against a local fake API server (node:http) that records every request and
 * plays back Chaos Mesh status changes: a created experiment reports AllInjected "True" after a
 * couple of reads, and AllRecovered "True" once its spec.duration has passed. The real client
 * library (@kubernetes/client-node) talks to it over HTTP.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { findScenario } from '../scenarios/schema.ts';
import { PAUSE_ANNOTATION, runK8s } from './engine.ts';

interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

interface Fake {
  readonly server: Server;
  readonly url: string;
  readonly requests: Recorded[];
  readonly objects: Map<string, { object: Record<string, unknown>; createdAt: number; reads: number }>;
  /** When false, experiments never report AllInjected (a stuck controller). */
  inject: boolean;
}

async function body(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : JSON.parse(text);
}

function durationMsOf(object: Record<string, unknown>): number {
  const duration = (object.spec as { duration?: string }).duration;
  return duration === undefined ? 0 : Number(duration.replace(/s$/, '')) * 1000;
}

async function startFake(): Promise<Fake> {
  const fake = { requests: [], objects: new Map(), inject: true } as unknown as Fake;
  const server = createServer(async (request, response) => {
    const path = request.url ?? '';
    const parsed = await body(request);
    fake.requests.push({
      method: request.method ?? '',
      path,
      contentType: request.headers['content-type'],
      body: parsed,
    });
    const reply = (status: number, value: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(value));
    };
    const match = /^\/apis\/chaos-mesh\.org\/v1alpha1\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/?]+))?/.exec(
      path,
    );
    if (match === null) return reply(404, { kind: 'Status', code: 404 });
    const [, namespace, plural, name] = match;
    if (request.method === 'POST') {
      const object = parsed as Record<string, unknown>;
      const key = `${namespace}/${plural}/${(object.metadata as { name: string }).name}`;
      fake.objects.set(key, { object: { ...object, status: {} }, createdAt: Date.now(), reads: 0 });
      return reply(201, object);
    }
    const key = `${namespace}/${plural}/${name}`;
    const stored = fake.objects.get(key);
    if (stored === undefined) return reply(404, { kind: 'Status', code: 404 });
    if (request.method === 'GET') {
      stored.reads++;
      const injected = fake.inject && stored.reads >= 2;
      const recovered = injected && Date.now() - stored.createdAt >= durationMsOf(stored.object);
      const conditions = [
        { type: 'Selected', status: 'True' },
        { type: 'AllInjected', status: injected && !recovered ? 'True' : 'False' },
        { type: 'AllRecovered', status: recovered ? 'True' : 'False' },
      ];
      return reply(200, { ...stored.object, status: { conditions } });
    }
    if (request.method === 'PATCH') {
      const patch = parsed as { metadata?: { annotations?: Record<string, string> } };
      const metadata = stored.object.metadata as { annotations?: Record<string, string> };
      metadata.annotations = { ...metadata.annotations, ...patch.metadata?.annotations };
      return reply(200, stored.object);
    }
    if (request.method === 'DELETE') {
      fake.objects.delete(key);
      return reply(200, { kind: 'Status', status: 'Success' });
    }
    return reply(405, {});
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address() as { port: number };
  return Object.assign(fake, { server, url: `http://127.0.0.1:${address.port}` });
}

function kubeConfigFor(url: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'fake', server: url, skipTLSVerify: true }],
    users: [{ name: 'tester', token: 'test-token' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'tester', namespace: 'croupier' }],
    currentContext: 'fake',
  });
  return config;
}

let fake: Fake | undefined;
afterEach(async () => {
  await new Promise((done) => fake?.server.close(done));
  fake = undefined;
});

describe('Kubernetes engine (fake API server)', () => {
  it('creates the experiment on time, waits for AllInjected then AllRecovered, and deletes it', async () => {
    fake = await startFake();
    const scenario = findScenario('db-latency');
    const result = await runK8s({
      scenario,
      namespace: 'croupier',
      kubeConfig: kubeConfigFor(fake.url),
      durationMs: 3_000,
      pollIntervalMs: 50,
      conditionTimeoutMs: 5_000,
    });
    const writes = fake.requests.filter((r) => r.method !== 'GET');
    expect(writes.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual([
      'POST /apis/chaos-mesh.org/v1alpha1/namespaces/croupier/networkchaos',
      'DELETE /apis/chaos-mesh.org/v1alpha1/namespaces/croupier/networkchaos/db-latency-0-0-net',
    ]);
    expect(writes[0]!.body).toMatchObject({
      kind: 'NetworkChaos',
      spec: { action: 'delay', delay: { latency: '200ms', jitter: '50ms' } },
    });
    expect(fake.requests.filter((r) => r.method === 'GET').length).toBeGreaterThanOrEqual(3);
    expect(fake.objects.size).toBe(0);
    const lifecycle = result.expectations.find((e) => e.name.startsWith('chaos-mesh-lifecycle'))!;
    expect(lifecycle).toMatchObject({ ok: true, problems: [] });
    // The fault started at its scaled start time (1500 ms of 8000 → 563 ms of 3000), not before.
    expect(result.faults[0]!.startMs).toBeGreaterThanOrEqual(560);
    // No load was given: the run says the books were not checked, and is not a pass.
    expect(result.books).toBeNull();
    expect(result.ok).toBe(false);
    expect(result.expectations.find((e) => e.name === 'load-ran')?.problems.join('')).toMatch(
      /books not checked/,
    );
  });

  it('pauses and deletes every live experiment when interrupted', async () => {
    fake = await startFake();
    const controller = new AbortController();
    const scenario = findScenario('reset-storm');
    const run = runK8s({
      scenario,
      namespace: 'croupier',
      kubeConfig: kubeConfigFor(fake.url),
      durationMs: 8_000,
      pollIntervalMs: 50,
      signal: controller.signal,
    });
    for (let i = 0; i < 200 && fake.objects.size < 2; i++) await new Promise((done) => setTimeout(done, 20));
    expect(fake.objects.size).toBe(2);
    controller.abort();
    await run;
    const patches = fake.requests.filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(2);
    for (const patch of patches) {
      expect(patch.contentType).toBe('application/merge-patch+json');
      expect(patch.body).toEqual({ metadata: { annotations: { [PAUSE_ANNOTATION]: 'true' } } });
    }
    expect(fake.requests.filter((r) => r.method === 'DELETE')).toHaveLength(2);
    expect(fake.objects.size).toBe(0);
  });

  it('reports a controller that never injects, and still cleans up', async () => {
    fake = await startFake();
    fake.inject = false;
    const scenario = findScenario('kill-rgs-node');
    const result = await runK8s({
      scenario,
      namespace: 'croupier',
      kubeConfig: kubeConfigFor(fake.url),
      durationMs: 2_000,
      pollIntervalMs: 50,
      conditionTimeoutMs: 300,
    });
    const lifecycle = result.expectations.find((e) => e.name.startsWith('chaos-mesh-lifecycle'))!;
    expect(lifecycle.ok).toBe(false);
    expect(lifecycle.problems.join('')).toMatch(/AllInjected not True/);
    expect(fake.objects.size).toBe(0);
  });

  it('refuses a scenario Chaos Mesh cannot express', async () => {
    fake = await startFake();
    await expect(
      runK8s({
        scenario: findScenario('revoke-session-websocket'),
        namespace: 'croupier',
        kubeConfig: kubeConfigFor(fake.url),
      }),
    ).rejects.toThrow(/--engine local/);
    expect(fake.requests).toEqual([]);
  });
});
