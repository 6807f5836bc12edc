/**
 * Issue 9, #2: every request has a deadline. PostgreSQL (a private server) is paused with SIGSTOP
 * while players play: every call is answered before the client's timeout (503, nothing booked),
 * calls queued for a pool connection too, and when PostgreSQL resumes none of the abandoned work
 * commits: no bet that no one was told about.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { type Harness, startHarness } from '../../rgs/http/harness.test-support.ts';
import { createRgsCore, type RgsCoreService } from '../../rgs/index.ts';
import { RedisSessionStore } from '../../rgs/sessions/index.ts';
import { type ServerHandle, startPostgres } from '../support/services.ts';
import type { RawResponse } from '../support/stake-client.ts';

const GAME = 'jungle-twenty';
const START_BALANCE = 1_000_000_000;
/** The core's budget per call, and the client's timeout well above it (the clients: 10 s). */
const REQUEST_DEADLINE_MS = 1_500;
const CLIENT_TIMEOUT_MS = 6_000;
/** More concurrent plays than pooled connections: some wait for the pool. */
const POOL_SIZE = 2;
const PLAYERS = 5;
const AFTER_RESUME_SETTLE_MS = 2_000;

let postgres: ServerHandle;
let core: RgsCoreService;
let h: Harness;

beforeAll(async () => {
  postgres = await startPostgres();
  core = await createRgsCore({
    db: { url: postgres.url, maxConnections: POOL_SIZE },
    requestDeadlineMs: REQUEST_DEADLINE_MS,
  });
  const sessions = await RedisSessionStore.connect({
    url: inject('redisUrl'),
    prefix: `test:${randomBytes(4).toString('hex')}:`,
  });
  h = await startHarness({ core, sessions, options: { defaultGameId: GAME, rateLimitPerWindow: 1_000 } });
});

afterAll(async () => {
  postgres?.resume();
  await h?.close();
  await postgres?.destroy();
});

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

describe('PostgreSQL paused under play', () => {
  test('every call answers before the client times out, and nothing commits after the pause', async () => {
    const players = await Promise.all(
      Array.from({ length: PLAYERS }, () =>
        h.startSession({ currency: 'USD', balance: START_BALANCE, gameID: GAME }),
      ),
    );
    const bets: number[] = [];
    for (const p of players) bets.push((await p.authenticate()).config.defaultBetLevel);
    const before = await Promise.all(players.map(async (p) => (await p.authenticate()).balance.amount));

    postgres.pause();
    let answers: { response: RawResponse | Error; elapsedMs: number }[];
    try {
      answers = await Promise.all(
        players.map(async (p, i) => {
          const startedMs = Date.now();
          const response = await p
            .raw('/wallet/play', { sessionID: p.sessionID, amount: bets[i], mode: 'base' })
            .catch((error: Error) => error);
          return { response, elapsedMs: Date.now() - startedMs };
        }),
      );
    } finally {
      postgres.resume();
    }
    for (const { response, elapsedMs } of answers) {
      // An HTTP answer, not a client timeout; inside the budget and its commit-resolution reserve.
      expect(response).not.toBeInstanceOf(Error);
      expect(elapsedMs).toBeLessThan(CLIENT_TIMEOUT_MS);
      const { status, json, headers } = response as RawResponse;
      expect(status).toBe(503);
      expect(json).toMatchObject({ error: 'ERR_MAINTENANCE' });
      expect((json as { message: string }).message).toMatch(/nothing was booked/);
      // Nothing was booked, and the reply says so to a client (rgs/wire README, Outcomes).
      expect(headers['croupier-outcome']).toBe('not-applied');
    }

    // Resumed: the abandoned transactions must not commit.
    await sleep(AFTER_RESUME_SETTLE_MS);
    for (const [i, p] of players.entries()) {
      const auth = await p.authenticate();
      expect(auth.balance.amount).toBe(before[i]);
      expect(auth.round).toBeNull();
    }
    // Positive control: play works again.
    const played = await players[0]!.play(bets[0]!);
    expect(played.round.amount).toBe(bets[0]);
  }, 60_000);
});
