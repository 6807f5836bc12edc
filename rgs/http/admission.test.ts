import { spawn } from 'node:child_process';
import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { registerAdmission } from './admission.ts';

const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

/** A server whose /wallet/play and /wallet/end-round wait until the test lets them go. */
async function slowServer(maxInFlight: number) {
  const app = Fastify();
  const registry = new Registry();
  registerAdmission(app, registry, { maxInFlight, retryAfterS: 1, maxEventLoopLagMs: 0 });
  const waiting: (() => void)[] = [];
  let handled = 0;
  const slow = async () => {
    handled += 1;
    await new Promise<void>((resolve) => waiting.push(resolve));
    return { ok: true };
  };
  app.post('/wallet/play', slow);
  app.post('/wallet/end-round', slow);
  app.get('/health', async () => ({ status: 'ok' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  apps.push(app);
  const address = app.server.address() as { port: number };
  const url = (path: string) => `http://127.0.0.1:${address.port}${path}`;
  const post = (path: string) =>
    fetch(url(path), { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
  const until = async (predicate: () => boolean) => {
    for (let i = 0; i < 200 && !predicate(); i++) await new Promise((r) => setTimeout(r, 5));
    expect(predicate()).toBe(true);
  };
  return { app, registry, waiting, handled: () => handled, post, url, until };
}

describe('admission control', () => {
  it('sheds past the bound at once, with Retry-After and not-applied, and admits again after', async () => {
    const server = await slowServer(2);
    const first = [server.post('/wallet/play'), server.post('/wallet/play')];
    await server.until(() => server.waiting.length === 2);
    const started = performance.now();
    const shed = await server.post('/wallet/play');
    expect(performance.now() - started).toBeLessThan(500);
    expect(shed.status).toBe(503);
    expect(shed.headers.get('retry-after')).toBe('1');
    expect(shed.headers.get('croupier-outcome')).toBe('not-applied');
    expect(await shed.json()).toMatchObject({ error: 'ERR_MAINTENANCE' });
    // The shed request never reached a handler.
    expect(server.handled()).toBe(2);
    // Operations endpoints are never shed.
    expect((await fetch(server.url('/health'))).status).toBe(200);
    // End-round has a quarter more room (2 × 1.25 = 2.5 > 2): it is admitted while plays are shed.
    const ending = server.post('/wallet/end-round');
    await server.until(() => server.waiting.length === 3);
    for (const resolve of server.waiting.splice(0)) resolve();
    for (const response of await Promise.all([...first, ending])) expect(response.status).toBe(200);
    const again = server.post('/wallet/play');
    await server.until(() => server.waiting.length === 1);
    server.waiting.splice(0)[0]!();
    expect((await again).status).toBe(200);
    const metrics = await server.registry.metrics();
    expect(metrics).toMatch(/rgs_admission_shed_total\{route="\/wallet\/play"\} 1/);
    expect(metrics).toMatch(/rgs_admission_in_flight 0/);
  });

  it('a client that leaves mid-handler keeps the slot until the handler replies', async () => {
    const server = await slowServer(1);
    const controller = new AbortController();
    const gone = fetch(server.url('/wallet/play'), {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
      signal: controller.signal,
    }).catch(() => null);
    await server.until(() => server.waiting.length === 1);
    controller.abort();
    await gone;
    // The money work is still running: the bound holds.
    expect((await server.post('/wallet/play')).status).toBe(503);
    server.waiting.splice(0)[0]!();
    // Its reply goes nowhere, but handing it over frees the slot.
    for (let i = 0; i < 200 && !/rgs_admission_in_flight 0/.test(await server.registry.metrics()); i++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    const next = server.post('/wallet/play');
    await server.until(() => server.waiting.length === 1);
    server.waiting.splice(0)[0]!();
    expect((await next).status).toBe(200);
  });

  it('sheds new work, not end-round, while the event loop runs late, and admits again once it catches up', async () => {
    const app = Fastify();
    registerAdmission(app, new Registry(), { maxInFlight: 1_000, retryAfterS: 1, maxEventLoopLagMs: 50 });
    app.post('/block', async () => {
      // Synchronous work (as embedded PGlite's queries are): nothing else runs meanwhile.
      const until = performance.now() + 1_500;
      while (performance.now() < until) {}
      return { ok: true };
    });
    app.post('/wallet/play', async () => ({ ok: true }));
    app.post('/wallet/end-round', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    apps.push(app);
    const { port } = app.server.address() as { port: number };
    const base = `http://127.0.0.1:${port}`;
    // The clients run in another process, so their requests arrive while this loop is blocked.
    const script = `
      const post = (p) => fetch('${base}' + p, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })
        .then((r) => r.status + ':' + (r.headers.get('croupier-outcome') || ''));
      console.log('ready');
      setTimeout(async () => {
        console.log(JSON.stringify(await Promise.all([post('/wallet/play'), post('/wallet/play'), post('/wallet/end-round')])));
      }, 300);`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    const ready = new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('ready')) resolve();
      }),
    );
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await ready;
    const post = (path: string) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
    expect((await post('/block')).status).toBe(200);
    await exited;
    const statuses = JSON.parse(output.trim().split('\n').at(-1)!) as string[];
    expect(statuses).toEqual(['503:not-applied', '503:not-applied', '200:']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await post('/wallet/play')).status).toBe(200);
  });
});
