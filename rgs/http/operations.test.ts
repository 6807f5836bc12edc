/**
 * Operations under faults: readiness with a paused Redis, rate limiting, session expiry, server
 * faults (500 ERR_GEN only then), graceful shutdown with a money call in flight. Real core on a
 * fresh PostgreSQL database; a private Redis for the pause drill.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { type ServerHandle, startRedis } from '../../test/support/services.ts';
import { rawRequest } from '../../test/support/stake-client.ts';
import type { RgsCore } from '../core/contract.ts';
import { createTestDatabase, type TestDatabase } from '../db/testing.ts';
import { createRgsCore, type RgsCoreService } from '../index.ts';
import { postgresReadiness } from '../server.ts';
import { MemorySessionStore, RedisSessionStore } from '../sessions/index.ts';
import { FAKE_GAME_ID, FakeRgsCore } from './fake-core.test-support.ts';
import { startHarness } from './harness.test-support.ts';

const GAME = 'jungle-twenty';
let database: TestDatabase;
let core: RgsCoreService;

beforeAll(async () => {
  database = await createTestDatabase(inject('databaseUrl'), 'rgs_http_ops');
  core = await createRgsCore({ db: { url: database.url } });
});
afterAll(async () => {
  await core?.close();
  await database?.drop();
});

/** The shared core, not closed by a harness. */
function borrowed(inner: RgsCore, overrides: Partial<RgsCore> = {}): RgsCore {
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'close') return async () => {};
      if (property in overrides) return overrides[property as keyof RgsCore];
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('readiness', () => {
  let redis: ServerHandle;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.destroy();
  });

  test('/ready is false while Redis is paused, and wallet calls answer 503 changing nothing', async () => {
    const sessions = await RedisSessionStore.connect({ url: redis.url, commandTimeoutMs: 300 });
    const h = await startHarness({
      core: borrowed(core),
      sessions,
      // Every /ready checks (no reuse of a recent pass): the pause must show at once.
      options: { defaultGameId: GAME, readinessTimeoutMs: 500, readinessCacheMs: 0 },
      readiness: [postgresReadiness(database.url)],
    });
    try {
      const client = await h.startSession({ currency: 'USD', balance: 100_000_000 });
      const auth = await client.authenticate();
      expect((await rawRequest(`${h.baseUrl}/ready`)).status).toBe(200);

      redis.pause();
      try {
        const ready = await rawRequest(`${h.baseUrl}/ready`);
        expect(ready.status).toBe(503);
        expect(ready.json).toMatchObject({
          ready: false,
          checks: { redis: expect.stringMatching(/timed? ?out/i), postgres: 'ok' },
        });
        expect((await rawRequest(`${h.baseUrl}/health`)).status).toBe(200);
        const play = await client.raw('/wallet/play', {
          sessionID: client.sessionID,
          amount: auth.config.defaultBetLevel,
          mode: 'base',
        });
        expect(play.status).toBe(503);
        expect(play.json).toMatchObject({ error: 'ERR_MAINTENANCE' });
      } finally {
        redis.resume();
      }
      // Healed: ready again, and the refused play moved no money.
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        status = (await rawRequest(`${h.baseUrl}/ready`)).status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status).toBe(200);
      const after = await client.authenticate();
      expect(after.balance.amount).toBe(100_000_000);
      expect(after.round).toBeNull();
    } finally {
      await h.close();
    }
  });
});

describe('limits and lifetimes', () => {
  test('per-player rate limit: 429 ERR_RATE_LIMITED with Retry-After; other players unaffected', async () => {
    const sessions = await RedisSessionStore.connect({
      url: inject('redisUrl'),
      prefix: `test:${randomBytes(4).toString('hex')}:`,
    });
    const h = await startHarness({
      core: borrowed(core),
      sessions,
      options: { defaultGameId: GAME, rateLimitPerWindow: 5, rateLimitWindowMs: 60_000 },
    });
    try {
      const alice = await h.startSession({ currency: 'USD', balance: 100_000_000 });
      const bob = await h.startSession({ currency: 'USD', balance: 100_000_000 });
      const auth = await alice.authenticate();
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await alice.raw('/wallet/balance', { sessionID: alice.sessionID })).status);
      const limited = await alice.raw('/wallet/play', {
        sessionID: alice.sessionID,
        amount: auth.config.defaultBetLevel,
        mode: 'base',
      });
      expect(statuses).toEqual([200, 200, 200, 200]);
      expect(limited.status).toBe(429);
      expect(limited.json).toMatchObject({ error: 'ERR_RATE_LIMITED' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect((await bob.authenticate()).balance.amount).toBe(100_000_000);
      // Still limited within the window; the refused play changed nothing (asked of the core, since
      // Alice's own calls are refused until the window ends).
      expect((await alice.raw('/wallet/balance', { sessionID: alice.sessionID })).status).toBe(429);
      expect(await core.balance(alice.playerID, 'USD')).toMatchObject({
        ok: true,
        value: { amountMinor: 100_000_000n },
      });
      expect(await core.currentRound(alice.playerID, GAME)).toEqual({ ok: true, value: null });
    } finally {
      await h.close();
    }
  });

  test('sessions expire: after the TTL every call is ERR_IS', async () => {
    const h = await startHarness({
      core: borrowed(core),
      sessions: new MemorySessionStore(),
      options: { defaultGameId: GAME, sessionTtlMs: 400 },
    });
    try {
      const client = await h.startSession({ currency: 'USD', balance: 100_000_000 });
      await client.authenticate();
      await new Promise((resolve) => setTimeout(resolve, 600));
      await expect(client.balance()).rejects.toMatchObject({ status: 401, code: 'ERR_IS' });
      await expect(client.authenticate()).rejects.toMatchObject({ status: 401, code: 'ERR_IS' });
    } finally {
      await h.close();
    }
  });
});

describe('server faults', () => {
  test('a throwing core (test-only fake) is 500 ERR_GEN with a generic message; ERR_GEN values too', async () => {
    const fake = new FakeRgsCore();
    const h = await startHarness({
      core: fake,
      sessions: new MemorySessionStore(),
      options: { defaultGameId: FAKE_GAME_ID },
    });
    try {
      const client = await h.startSession({ currency: 'USD', balance: 10_000_000 });
      await client.authenticate();
      fake.broken = true;
      const response = await client.raw('/wallet/play', {
        sessionID: client.sessionID,
        amount: 1_000_000,
        mode: 'base',
      });
      expect(response.status).toBe(500);
      expect(response.json).toEqual({ error: 'ERR_GEN', message: 'internal server error' });
      expect(response.text).not.toContain('simulated');
      fake.broken = false;
      const failing = borrowed(core, {
        balance: async () => ({ ok: false, error: { code: 'ERR_GEN', message: 'server error' } }),
      });
      const h2 = await startHarness({
        core: failing,
        sessions: new MemorySessionStore(),
        options: { defaultGameId: GAME },
      });
      try {
        const c2 = await h2.startSession({ currency: 'USD', balance: 1 });
        const auth = await c2.raw('/wallet/authenticate', { sessionID: c2.sessionID });
        expect(auth.status).toBe(500);
        expect(auth.json).toMatchObject({ error: 'ERR_GEN' });
      } finally {
        await h2.close();
      }
    } finally {
      await h.close();
    }
  });
});

describe('graceful shutdown', () => {
  test('a play in flight finishes; new wallet calls are refused; then the listener closes', async () => {
    let releasePlay: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      releasePlay = resolve;
    });
    let playStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      playStarted = resolve;
    });
    const slow = borrowed(core, {
      play: async (request) => {
        playStarted();
        await gate;
        return await core.play(request);
      },
    });
    const h = await startHarness({
      core: slow,
      sessions: new MemorySessionStore(),
      options: { defaultGameId: GAME },
    });
    const client = await h.startSession({ currency: 'USD', balance: 100_000_000 });
    const auth = await client.authenticate();
    const other = await h.startSession({ currency: 'USD', balance: 100_000_000 });
    await other.authenticate();
    const inFlight = client.raw('/wallet/play', {
      sessionID: client.sessionID,
      amount: auth.config.defaultBetLevel,
      mode: 'base',
    });
    await started;
    expect(h.server.inFlight()).toBe(1);
    const shutdown = h.server.shutdown(5_000);
    // While draining: new money calls are refused (connections may already be closing).
    const refused = await other
      .raw('/wallet/play', { sessionID: other.sessionID, amount: auth.config.defaultBetLevel, mode: 'base' })
      .catch((error: Error) => ({ status: -1, json: { error: error.message } }));
    expect([503, -1]).toContain(refused.status);
    releasePlay();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await shutdown).toEqual({ abandoned: 0 });
    await expect(rawRequest(`${h.baseUrl}/health`, { timeoutMs: 1_000 })).rejects.toThrow();
    // The round that was in flight is committed: the next authenticate would resume or show it.
    const played = response.json as { round: { betID: string } };
    const current = await core.currentRound(client.playerID, GAME);
    expect(current.ok && current.value?.roundId).toBe(played.round.betID);
    // The refused play of the other player moved nothing.
    expect(await core.currentRound(other.playerID, GAME)).toEqual({ ok: true, value: null });
  });
});
