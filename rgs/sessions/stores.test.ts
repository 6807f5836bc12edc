/**
 * Both session stores against the same behaviour: Redis (the run's server, own key prefix) and the
 * in-process store of embedded mode.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, inject, test } from 'vitest';
import type { JurisdictionFlags } from '../core/contract.ts';
import {
  MemorySessionStore,
  type NewSession,
  newSessionId,
  RedisSessionStore,
  type SessionStore,
} from './index.ts';

const FLAGS: JurisdictionFlags = {
  socialCasino: false,
  disabledFullscreen: false,
  disabledTurbo: true,
  disabledSuperTurbo: true,
  disabledAutoplay: true,
  disabledSlamstop: false,
  disabledSpacebar: false,
  disabledBuyFeature: false,
  displayNetPosition: true,
  displayRTP: true,
  displaySessionTimer: false,
  minimumRoundDurationMs: 2_500,
};

function session(ttlMs: number, nowMs = Date.now()): NewSession {
  return {
    sessionId: newSessionId(),
    playerId: 'player-1',
    gameId: 'game',
    currency: 'USD',
    language: 'en',
    device: 'desktop',
    jurisdiction: 'strict',
    flags: FLAGS,
    createdAtMs: nowMs,
    expiresAtMs: nowMs + ttlMs,
  };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

const opened: SessionStore[] = [];
afterAll(async () => {
  await Promise.all(opened.map((store) => store.close()));
});

const kinds: Array<[string, () => Promise<SessionStore>]> = [
  [
    'redis',
    async () =>
      await RedisSessionStore.connect({
        url: inject('redisUrl'),
        prefix: `test:${randomBytes(4).toString('hex')}:`,
      }),
  ],
  ['memory', async () => new MemorySessionStore()],
];

describe.each(kinds)('%s session store', (_kind, open) => {
  test('pushes reach every subscriber in order; an unsubscribed one gets nothing more', async () => {
    const store = await open();
    opened.push(store);
    const first: unknown[] = [];
    const second: unknown[] = [];
    const stopFirst = await store.subscribePushes((playerId, message) => first.push([playerId, message]));
    const stopSecond = await store.subscribePushes((playerId, message) => second.push([playerId, message]));
    await store.publishPush('p1', { type: 'balance', n: 1 });
    await store.publishPush('p2', { type: 'round', n: 2 });
    const expected = [
      ['p1', { type: 'balance', n: 1 }],
      ['p2', { type: 'round', n: 2 }],
    ];
    for (let i = 0; i < 200 && (first.length < 2 || second.length < 2); i++) await sleep(5);
    expect(first).toEqual(expected);
    expect(second).toEqual(expected);
    await stopFirst();
    await store.publishPush('p1', { type: 'balance', n: 3 });
    for (let i = 0; i < 200 && second.length < 3; i++) await sleep(5);
    expect(second).toHaveLength(3);
    expect(first).toHaveLength(2);
    await stopSecond();
  });

  test('create, get, authenticate (start balance kept from the first time), revoke', async () => {
    const store = await open();
    opened.push(store);
    const s = session(60_000);
    await store.create(s);
    const got = await store.get(s.sessionId);
    expect(got).toMatchObject({
      playerId: 'player-1',
      authenticated: false,
      startBalanceMinor: null,
      flags: FLAGS,
    });
    expect((await store.markAuthenticated(s.sessionId, 123n))?.startBalanceMinor).toBe(123n);
    const again = await store.markAuthenticated(s.sessionId, 999n);
    expect(again).toMatchObject({ authenticated: true, startBalanceMinor: 123n });
    expect(await store.revoke(s.sessionId)).toBe(true);
    expect(await store.get(s.sessionId)).toBeNull();
    expect(await store.revoke(s.sessionId)).toBe(false);
    expect(await store.markAuthenticated(s.sessionId, 1n)).toBeNull();
    expect(await store.get(newSessionId())).toBeNull();
  });

  test('sessions expire by TTL', async () => {
    const store = await open();
    opened.push(store);
    const s = session(300);
    await store.create(s);
    expect(await store.get(s.sessionId)).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await store.get(s.sessionId)).toBeNull();
  });

  test('rate limit: fixed window per key, with the time to wait', async () => {
    const store = await open();
    opened.push(store);
    const key = `player:${randomBytes(4).toString('hex')}`;
    const windowStart = 10_000_000;
    const decisions = [];
    for (let i = 0; i < 5; i++) decisions.push(await store.rateLimit(key, 3, 1_000, windowStart + 100));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false, false]);
    expect(decisions[3]).toEqual({ allowed: false, remaining: 0, retryAfterMs: 900 });
    expect((await store.rateLimit(key, 3, 1_000, windowStart + 1_000)).allowed).toBe(true);
    expect((await store.rateLimit(`${key}-other`, 3, 1_000, windowStart + 100)).allowed).toBe(true);
  });

  test('sessionForCall: the session and its player rate hit in one step, shared with rateLimit', async () => {
    const store = await open();
    opened.push(store);
    const s = { ...session(60_000), playerId: `player-${randomBytes(4).toString('hex')}` };
    await store.create(s);
    const windowStart = 20_000_000;
    const at = windowStart + 100;
    // Unknown session, or not authenticated when required: no session / no hit.
    expect(await store.sessionForCall(newSessionId(), false, 2, 1_000, at)).toEqual({
      session: null,
      rate: null,
    });
    const unauthenticated = await store.sessionForCall(s.sessionId, true, 2, 1_000, at);
    expect(unauthenticated.session).toMatchObject({ playerId: s.playerId, authenticated: false });
    expect(unauthenticated.rate).toBeNull();
    // Not required: the counter is hit (first of 2).
    const first = await store.sessionForCall(s.sessionId, false, 2, 1_000, at);
    expect(first.session).toEqual(await store.get(s.sessionId));
    expect(first.rate).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
    await store.markAuthenticated(s.sessionId, 5n);
    const second = await store.sessionForCall(s.sessionId, true, 2, 1_000, at);
    expect(second.session).toMatchObject({ authenticated: true, startBalanceMinor: 5n, flags: FLAGS });
    expect(second.rate).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0 });
    // The same counter as rateLimit('player:<playerId>'): the third hit of the window is refused.
    expect(await store.rateLimit(`player:${s.playerId}`, 2, 1_000, at)).toEqual({
      allowed: false,
      remaining: 0,
      retryAfterMs: 900,
    });
    expect((await store.sessionForCall(s.sessionId, true, 2, 1_000, windowStart + 1_000)).rate?.allowed).toBe(
      true,
    );
    await store.revoke(s.sessionId);
    expect(await store.sessionForCall(s.sessionId, false, 2, 1_000, at)).toEqual({
      session: null,
      rate: null,
    });
  });

  test('ping answers', async () => {
    const store = await open();
    opened.push(store);
    await expect(store.ping()).resolves.toBeUndefined();
  });
});

test('the in-process store stays bounded: the oldest sessions are evicted first', async () => {
  const store = new MemorySessionStore({ sessionsMax: 3 });
  const ids = [];
  for (let i = 0; i < 5; i++) {
    const s = session(60_000);
    ids.push(s.sessionId);
    await store.create(s);
  }
  expect(await store.get(ids[0]!)).toBeNull();
  expect(await store.get(ids[1]!)).toBeNull();
  expect(await store.get(ids[4]!)).not.toBeNull();
});

test('redis store: an unreachable server is one clear error', async () => {
  await expect(RedisSessionStore.connect({ url: 'redis://127.0.0.1:1' })).rejects.toThrow(
    /redis does not answer/,
  );
});
