/**
 * The wire client against a real local node:http server: each way an exchange can end maps to the
 * outcome the load history and the chaos checker rely on (ok / failed / unknown), and the bounds
 * (sockets, calls in flight, deadline, reply size) hold.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { HistoryOutcome } from '../../load/history.ts';
import { ensureLoopbackTls } from '../http/tls.ts';
import { OUTCOME_HEADER, StakeApiClient, type WireOutcome } from './index.ts';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

let server: http.Server;
let baseUrl: string;
const seen: Seen[] = [];
let openConnections = 0;
let maxOpenConnections = 0;
const held: http.ServerResponse[] = [];

function reply(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

/** Routes by path: each one plays one way an RGS can answer (or not). */
function handle(req: http.IncomingMessage, res: http.ServerResponse, body: string) {
  seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
  const path = req.url ?? '';
  if (path === '/wallet/play')
    return reply(res, 200, { balance: { amount: 5, currency: 'USD' }, round: { betID: 'r1' } });
  if (path === '/wallet/balance')
    return reply(res, 400, { error: 'ERR_IPB', message: 'insufficient balance' });
  if (path === '/wallet/end-round')
    return reply(
      res,
      503,
      { error: 'ERR_MAINTENANCE', message: 'database unavailable' },
      { 'retry-after': '2' },
    );
  if (path === '/bet/event')
    return reply(
      res,
      503,
      { error: 'ERR_MAINTENANCE', message: 'shutting down' },
      { [OUTCOME_HEADER]: 'not-applied' },
    );
  if (path === '/bet/recall') return reply(res, 503, { error: 'ERR_MAINTENANCE', message: 'down' });
  if (path === '/wallet/authenticate') return reply(res, 200, 'not json{');
  if (path === '/hang') {
    held.push(res);
    return;
  }
  if (path === '/reset') {
    req.socket.destroy();
    return;
  }
  if (path === '/partial') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
    res.write('{"balance":');
    setTimeout(() => req.socket.destroy(), 10);
    return;
  }
  if (path === '/slow') {
    setTimeout(() => reply(res, 200, { slow: true }), 30);
    return;
  }
  if (path === '/big') return reply(res, 200, { pad: 'x'.repeat(4096) });
  if (path === '/multi-chunk') return reply(res, 200, { pad: 'é€'.repeat(100_000) });
  if (path === '/session/start') return reply(res, 200, { sessionID: 's', playerID: 'p', url: 'u' });
  return reply(res, 404, { error: 'ERR_NOT_FOUND', message: 'no such route' });
}

function lastSeen(url: string): Seen {
  const found = seen.filter((s) => s.url === url).at(-1);
  if (found === undefined) throw new Error(`the server saw no ${url}`);
  return found;
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (socket) => {
    openConnections++;
    maxOpenConnections = Math.max(maxOpenConnections, openConnections);
    socket.on('close', () => openConnections--);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of held) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('StakeApiClient outcomes', () => {
  it('are the three outcomes a load or chaos History records (checked by the type checker)', () => {
    expectTypeOf<WireOutcome>().toEqualTypeOf<HistoryOutcome>();
    const outcomes: Record<WireOutcome, true> = { ok: true, failed: true, unknown: true };
    expect(Object.keys(outcomes)).toHaveLength(3);
  });

  it('2xx with a JSON body is ok, the body parsed; the request carries the Idempotency-Key', async () => {
    const client = new StakeApiClient({ baseUrl });
    const result = await client.play('sess-1', 1_000_000, 'base', { idempotencyKey: 'k-1', currency: 'USD' });
    client.close();
    expect(result.outcome).toBe('ok');
    expect(result.status).toBe(200);
    if (result.outcome === 'ok') expect(result.body.round.betID).toBe('r1');
    const sent = lastSeen('/wallet/play');
    expect(sent.method).toBe('POST');
    expect(sent.headers['idempotency-key']).toBe('k-1');
    expect(JSON.parse(sent.body)).toEqual({
      sessionID: 'sess-1',
      amount: 1_000_000,
      mode: 'base',
      currency: 'USD',
    });
  });

  it('4xx is failed with the reply code and message', async () => {
    const client = new StakeApiClient({ baseUrl });
    const result = await client.balance('sess-1');
    client.close();
    expect(result).toMatchObject({
      outcome: 'failed',
      status: 400,
      code: 'ERR_IPB',
      message: 'insufficient balance',
    });
  });

  it('a 5xx to a money call is unknown (with Retry-After); with Croupier-Outcome not-applied it is failed', async () => {
    const client = new StakeApiClient({ baseUrl });
    const ended = await client.endRound('sess-1');
    const event = await client.event('sess-1', '3');
    const recall = await client.recall('sess-1');
    client.close();
    expect(ended).toMatchObject({
      outcome: 'unknown',
      status: 503,
      code: 'ERR_MAINTENANCE',
      retryAfterMs: 2000,
    });
    expect(event).toMatchObject({ outcome: 'failed', status: 503, code: 'ERR_MAINTENANCE' });
    // A read changes nothing: its 5xx says it did not happen.
    expect(recall).toMatchObject({ outcome: 'failed', status: 503 });
  });

  it('a 2xx whose body is not JSON is unknown, not ok', async () => {
    const client = new StakeApiClient({ baseUrl });
    const result = await client.authenticate('sess-1', 'en', { keepRaw: true });
    client.close();
    expect(result).toMatchObject({ outcome: 'unknown', status: 200, code: 'CLIENT_BAD_REPLY' });
    expect(result.raw?.text).toBe('not json{');
  });

  it('no reply within the deadline is unknown (CLIENT_TIMEOUT), and the slot is released', async () => {
    const client = new StakeApiClient({ baseUrl, timeoutMs: 100 });
    const result = await client.call('POST', '/hang', 'money', { sessionID: 's' });
    expect(result).toMatchObject({ outcome: 'unknown', status: 0, code: 'CLIENT_TIMEOUT' });
    expect(client.inFlight).toBe(0);
    client.close();
  });

  it('a connection reset after the request went out is unknown (CLIENT_RESET)', async () => {
    const client = new StakeApiClient({ baseUrl });
    const result = await client.call('POST', '/reset', 'money', { sessionID: 's' });
    client.close();
    expect(result).toMatchObject({ outcome: 'unknown', status: 0, code: 'CLIENT_RESET' });
  });

  it('a connection that breaks mid-reply is unknown (CLIENT_RESET), even after a 200 status line', async () => {
    const client = new StakeApiClient({ baseUrl });
    const result = await client.call('POST', '/partial', 'money', { sessionID: 's' });
    client.close();
    expect(result).toMatchObject({ outcome: 'unknown', status: 0, code: 'CLIENT_RESET' });
  });

  it('a refused connection is failed (CLIENT_CONNECT): nothing was sent', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const client = new StakeApiClient({ baseUrl: `http://127.0.0.1:${port}` });
    const result = await client.play('s', 1, 'base');
    client.close();
    expect(result).toMatchObject({ outcome: 'failed', status: 0, code: 'CLIENT_CONNECT' });
  });

  it('a reply over the size bound is cut and unknown (CLIENT_TOO_LARGE)', async () => {
    const client = new StakeApiClient({ baseUrl, maxResponseBytes: 1024 });
    const result = await client.call('GET', '/big', 'read');
    client.close();
    expect(result).toMatchObject({ outcome: 'unknown', code: 'CLIENT_TOO_LARGE' });
  });

  it('a reply in many chunks is decoded whole (multi-byte characters across chunk edges)', async () => {
    const client = new StakeApiClient({ baseUrl });
    const result = await client.call<{ pad: string }>('GET', '/multi-chunk', 'read');
    client.close();
    expect(result.outcome).toBe('ok');
    if (result.outcome === 'ok') expect(result.body.pad).toBe('é€'.repeat(100_000));
  });

  it('operator calls carry the Bearer token; player calls do not', async () => {
    const client = new StakeApiClient({ baseUrl, operatorToken: 'tok' });
    const started = await client.startSession({ currency: 'USD', balance: 0 });
    await client.balance('s');
    client.close();
    expect(started.outcome).toBe('ok');
    expect(lastSeen('/session/start').headers.authorization).toBe('Bearer tok');
    expect(lastSeen('/wallet/balance').headers.authorization).toBeUndefined();
  });
});

describe('StakeApiClient bounds', () => {
  it('never opens more than maxSockets connections, and reuses them (keep-alive)', async () => {
    // Earlier tests' connections close asynchronously: wait (bounded) until none is open.
    for (let i = 0; i < 200 && openConnections > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(openConnections).toBe(0);
    maxOpenConnections = 0;
    const client = new StakeApiClient({ baseUrl, maxSockets: 3 });
    const results = await Promise.all(Array.from({ length: 30 }, () => client.call('GET', '/slow', 'read')));
    const connectionsAfterBurst = openConnections;
    client.close();
    expect(results.every((r) => r.outcome === 'ok')).toBe(true);
    expect(maxOpenConnections).toBe(3);
    // Kept alive: the three connections are still open after the burst (closed by close()).
    expect(connectionsAfterBurst).toBe(3);
  });

  it('a call that waits past its deadline for a socket is failed (nothing was sent)', async () => {
    const client = new StakeApiClient({ baseUrl, maxSockets: 1, timeoutMs: 5_000 });
    const first = client.call('POST', '/hang', 'money', {});
    await new Promise((resolve) => setTimeout(resolve, 20));
    const queued = await client.call('POST', '/wallet/play', 'money', {}, { timeoutMs: 50 });
    expect(queued).toMatchObject({ outcome: 'failed', code: 'CLIENT_QUEUE_TIMEOUT' });
    // Closing the client breaks the held connection: the first call went out, so it is unknown.
    client.close();
    expect(await first).toMatchObject({ outcome: 'unknown', code: 'CLIENT_RESET' });
  });

  it('beyond maxInFlight a call fails at once (CLIENT_OVERLOADED); the others complete', async () => {
    const client = new StakeApiClient({ baseUrl, maxSockets: 2, maxInFlight: 4 });
    const calls = Array.from({ length: 6 }, () => client.call('GET', '/slow', 'read'));
    const results = await Promise.all(calls);
    client.close();
    expect(results.filter((r) => r.outcome === 'ok')).toHaveLength(4);
    expect(results.slice(4).map((r) => r.code)).toEqual(['CLIENT_OVERLOADED', 'CLIENT_OVERLOADED']);
    expect(client.inFlight).toBe(0);
  });

  it('refuses an unbounded or malformed configuration', () => {
    expect(() => new StakeApiClient({ baseUrl, maxSockets: 0 })).toThrow(/maxSockets/);
    expect(() => new StakeApiClient({ baseUrl, timeoutMs: Number.POSITIVE_INFINITY })).toThrow(/timeoutMs/);
    expect(() => new StakeApiClient({ baseUrl: `${baseUrl}/x` })).toThrow(/no path/);
    expect(() => new StakeApiClient({ baseUrl: 'ftp://h' })).toThrow(/http/);
  });
});

describe('StakeApiClient over https', () => {
  it('trusts the given CA on its keep-alive agent; without it nothing is sent (failed)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'croupier-wire-tls-'));
    const tls = await ensureLoopbackTls(dir);
    const secure = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
      req.resume();
      req.on('end', () => reply(res, 200, { balance: { amount: 1, currency: 'USD' } }));
    });
    await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
    const secureUrl = `https://127.0.0.1:${(secure.address() as AddressInfo).port}`;
    try {
      const trusted = new StakeApiClient({ baseUrl: secureUrl, ca: tls.caPem, maxSockets: 1 });
      const first = await trusted.balance('s');
      const second = await trusted.balance('s');
      trusted.close();
      expect([first.outcome, second.outcome]).toEqual(['ok', 'ok']);
      const untrusted = new StakeApiClient({ baseUrl: secureUrl });
      const refused = await untrusted.play('s', 1, 'base');
      untrusted.close();
      expect(refused).toMatchObject({ outcome: 'failed', code: 'CLIENT_CONNECT' });
      expect(refused.message).toMatch(/certificate/i);
    } finally {
      secure.closeAllConnections();
      await new Promise<void>((resolve) => secure.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
