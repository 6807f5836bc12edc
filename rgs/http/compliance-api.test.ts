/**
 * Compliance, recall and replay through HTTP: the real core on the run's PostgreSQL (a fresh
 * database, a controlled clock) and sessions in the run's Redis. The UK profile (flags, net
 * position and session timer in authenticate/balance meta, 2.5 s between rounds, reality checks
 * acknowledged via POST /session/reality-check), POST /bet/recall, and the replay's stored state.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { StakeClient } from '../../test/support/stake-client.ts';
import { createTestDatabase, type TestDatabase } from '../db/testing.ts';
import { createRgsCore, type RgsCoreService } from '../index.ts';
import { RedisSessionStore } from '../sessions/index.ts';
import { type Harness, startHarness } from './harness.test-support.ts';

const GAME = 'jungle-twenty';
const START_BALANCE = 1_000_000_000;
let nowMs = Date.parse('2025-06-01T18:00:00.000Z');

let database: TestDatabase;
let core: RgsCoreService;
let h: Harness;

beforeAll(async () => {
  database = await createTestDatabase(inject('databaseUrl'), 'rgs_http_compliance');
  core = await createRgsCore({ db: { url: database.url, maxConnections: 4 }, clock: () => new Date(nowMs) });
  const sessions = await RedisSessionStore.connect({
    url: inject('redisUrl'),
    prefix: `test:${randomBytes(4).toString('hex')}:`,
  });
  h = await startHarness({ core, sessions, options: { defaultGameId: GAME, rateLimitPerWindow: 1_000 } });
});

afterAll(async () => {
  await h?.close();
  await database?.drop();
});

async function roundCount(playerId: string): Promise<number> {
  const rounds = await core.recall(playerId, 100);
  if (!rounds.ok) throw new Error(rounds.error.message);
  return rounds.value.length;
}

type Player = StakeClient & { readonly playerID: string };

/** One round, ended when it pays; the clock then moves past the minimum round duration. */
async function playRound(client: Player, bet: number) {
  const played = await client.play(bet);
  if (played.round.active) await client.endRound();
  nowMs += 3_000;
  return played;
}

describe('UK profile at the API', () => {
  test('flags, net position and session timer; a second play inside 2.5 s is ERR_GLE with the reason, nothing written', async () => {
    const client = await h.startSession({
      currency: 'GBP',
      balance: START_BALANCE,
      gameID: GAME,
      jurisdiction: 'UK',
    });
    const auth = await client.authenticate();
    expect(auth.config.jurisdiction).toMatchObject({
      disabledAutoplay: true,
      disabledTurbo: true,
      disabledSuperTurbo: true,
      displayNetPosition: true,
      displaySessionTimer: true,
      minimumRoundDuration: 2_500,
    });
    expect(auth.meta).toMatchObject({ jurisdiction: 'UK', netPosition: 0 });
    expect(typeof (auth.meta as { sessionStartedAt?: unknown }).sessionStartedAt).toBe('string');
    expect((auth.meta as { sessionElapsedMs?: number }).sessionElapsedMs).toBeGreaterThanOrEqual(0);
    const bet = auth.config.defaultBetLevel;
    const played = await client.play(bet);
    if (played.round.active) await client.endRound();
    const balance = (await client.balance()).balance.amount;
    const rounds = await roundCount(client.playerID);
    nowMs += 1_000;
    const tooSoon = await client.raw('/wallet/play', {
      sessionID: client.sessionID,
      amount: bet,
      mode: 'base',
    });
    expect(tooSoon.status).toBe(403);
    expect(tooSoon.json).toMatchObject({ error: 'ERR_GLE' });
    expect((tooSoon.json as { message: string }).message).toMatch(
      /minimum round duration 2500 ms: next round allowed in 1500 ms/,
    );
    expect(tooSoon.headers['retry-after']).toBe('2');
    const after = (await client.balance()) as { balance: { amount: number }; meta?: Record<string, unknown> };
    expect(after.balance.amount).toBe(balance);
    expect(after.meta).toMatchObject({ netPosition: balance - START_BALANCE });
    expect(await roundCount(client.playerID)).toBe(rounds);
    nowMs += 1_500;
    await client.play(bet);
  });

  test('reality check: play refused when due, acknowledged with elapsed time and net position, then resumed', async () => {
    const client = await h.startSession({
      currency: 'GBP',
      balance: START_BALANCE,
      gameID: GAME,
      jurisdiction: 'UK',
    });
    const auth = await client.authenticate();
    const bet = auth.config.defaultBetLevel;
    for (let i = 0; i < 3; i++) await playRound(client, bet);
    const notDue = await client.raw('/session/reality-check', { sessionID: client.sessionID });
    expect(notDue.status).toBe(200);
    expect(notDue.json).toMatchObject({ acknowledged: false, realityCheck: { due: false, rounds: 3 } });
    nowMs += 3_600_000;
    const refused = await client.raw('/wallet/play', {
      sessionID: client.sessionID,
      amount: bet,
      mode: 'base',
    });
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({ error: 'ERR_GLE' });
    expect((refused.json as { message: string }).message).toMatch(/reality check due/);
    const balance = (await client.balance()).balance.amount;
    const checked = await client.raw('/session/reality-check', { sessionID: client.sessionID });
    expect(checked.status).toBe(200);
    const body = checked.json as { acknowledged: boolean; realityCheck: Record<string, unknown> };
    expect(body.acknowledged).toBe(true);
    expect(body.realityCheck).toMatchObject({
      due: false,
      rounds: 3,
      intervalMs: 3_600_000,
      wagered: 3 * bet,
    });
    expect(body.realityCheck.elapsedMs).toBeGreaterThanOrEqual(3_600_000 + 9_000);
    expect(body.realityCheck.netPosition).toBe(balance - START_BALANCE);
    await client.play(bet);
  });
});

describe('recall and replay', () => {
  test('POST /bet/recall: the last game and the nine before it, with steps, balances, wagers and wins', async () => {
    const client = await h.startSession({ currency: 'USD', balance: START_BALANCE, gameID: GAME });
    const before = await client.raw('/bet/recall', { sessionID: client.sessionID });
    expect(before.status).toBe(401); // not authenticated yet
    const auth = await client.authenticate();
    const bet = auth.config.defaultBetLevel;
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await playRound(client, bet)).round.betID);
    const recalled = await client.raw('/bet/recall', { sessionID: client.sessionID });
    expect(recalled.status).toBe(200);
    const rounds = (recalled.json as { rounds: Record<string, unknown>[] }).rounds;
    expect(rounds.map((r) => r.betID)).toEqual(ids.slice(-10).reverse());
    rounds.forEach((round, i) => {
      expect(round.amount).toBe(bet);
      expect(round.status).toBe('closed');
      expect((round.state as unknown[]).length).toBeGreaterThan(0);
      expect(round.balanceAfter).toBe(
        (round.balanceBefore as number) - (round.cost as number) + (round.payout as number),
      );
      if (i > 0) expect(round.balanceAfter).toBe(rounds[i - 1]!.balanceBefore);
    });
    const twelve = await client.raw('/bet/recall', { sessionID: client.sessionID, limit: 12 });
    expect((twelve.json as { rounds: unknown[] }).rounds).toHaveLength(12);
    const bad = await client.raw('/bet/recall', { sessionID: client.sessionID, limit: 0 });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: 'ERR_VAL' });
  });

  test('GET /bet/replay returns the stored state beside the replay report', async () => {
    const client = await h.startSession({ currency: 'USD', balance: START_BALANCE, gameID: GAME });
    const auth = await client.authenticate();
    const played = await playRound(client, auth.config.defaultBetLevel);
    const replay = await client.replay(GAME, String(played.round.version), 'base', played.round.betID);
    expect(replay).toMatchObject({
      status: 'REPRODUCED',
      payout: played.round.payout,
      payoutMultiplier: played.round.payoutMultiplier,
      costMultiplier: 1,
      state: played.round.state,
      round: { betID: played.round.betID, reproduced: true, state: played.round.state },
    });
    expect((replay.state as unknown[]).length).toBeGreaterThan(0);
    expect(JSON.stringify(replay)).not.toContain('balance');
  });
});
