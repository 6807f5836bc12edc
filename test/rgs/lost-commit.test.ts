/**
 * Issue 9, #1: the reply to a successful COMMIT is lost. A TCP fault proxy (chaos/fault-proxy.ts)
 * sits between the RGS and PostgreSQL and, for a fraction of transactions, destroys the connection
 * right after the server's CommandComplete "COMMIT" instead of forwarding it: the bet is booked and
 * the RGS never hears so.
 *
 * Concurrent players behave as real clients do: they resend a play on 503 (without an
 * Idempotency-Key: the Stake API has none), end their wins, and after any other failure read the
 * round with /wallet/authenticate as the protocol says. Afterwards every booked round must be one a
 * player was told about (in a play answer or in authenticate's round), and every balance must be
 * exactly what the rounds the players saw explain: zero double charges.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../../chaos/fault-proxy.ts';
import { adminQuery, createTestDatabase, type TestDatabase } from '../../rgs/db/testing.ts';
import { type Harness, startHarness } from '../../rgs/http/harness.test-support.ts';
import { createRgsCore, type RgsCoreService } from '../../rgs/index.ts';
import { RedisSessionStore } from '../../rgs/sessions/index.ts';
import type { StakeClient } from '../support/stake-client.ts';

const GAME = 'jungle-twenty';
const PLAYERS = 8;
const ROUNDS_PER_PLAYER = 15;
const START_BALANCE = 1_000_000_000;
/** One COMMIT reply in four is lost (seeded: the drill is reproducible). */
const DROP_FRACTION = 0.25;
const PROXY_SEED = 20_261_206;
/** Bound on resends of one call, and on one player's calls. */
const RESENDS_MAX = 20;
const CALLS_PER_PLAYER_MAX = 400;

let database: TestDatabase;
let proxy: FaultProxy;
let core: RgsCoreService;
let h: Harness;

beforeAll(async () => {
  database = await createTestDatabase(inject('databaseUrl'), 'rgs_lost_commit');
  const target = new URL(database.url);
  proxy = await startFaultProxy({
    targetHost: target.hostname,
    targetPort: Number(target.port),
    protocol: 'postgres',
    seed: PROXY_SEED,
  });
  const viaProxy = new URL(database.url);
  viaProxy.hostname = proxy.host;
  viaProxy.port = String(proxy.port);
  core = await createRgsCore({ db: { url: viaProxy.toString(), maxConnections: 6 } });
  const sessions = await RedisSessionStore.connect({
    url: inject('redisUrl'),
    prefix: `test:${randomBytes(4).toString('hex')}:`,
  });
  h = await startHarness({ core, sessions, options: { defaultGameId: GAME, rateLimitPerWindow: 10_000 } });
});

afterAll(async () => {
  await h?.close();
  await proxy?.stop();
  await database?.drop();
});

interface SeenRound {
  readonly betID: string;
  readonly amount: number;
  readonly payout: number;
}

interface PlayerLog {
  readonly playerID: string;
  /** Every round the player was told about, by id. */
  readonly seen: Map<string, SeenRound>;
  statuses: Record<string, number>;
}

function count(log: PlayerLog, key: string): void {
  log.statuses[key] = (log.statuses[key] ?? 0) + 1;
}

/** POST, resending on 503 as a client does (bounded). */
async function resendOn503(client: StakeClient, path: string, body: unknown, log: PlayerLog) {
  for (let attempt = 0; ; attempt++) {
    const response = await client.raw(path, body);
    const code = (response.json as { error?: string } | undefined)?.error ?? 'ok';
    count(log, `${path} ${response.status} ${code}`);
    if (response.status !== 503 || attempt >= RESENDS_MAX) return response;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Reads the round as the protocol says (after a refusal or an unknown outcome) and ends it. */
async function resync(client: StakeClient, log: PlayerLog): Promise<void> {
  const auth = await client.authenticate();
  const round = auth.round as unknown as SeenRound & { active: boolean };
  if (round !== null) log.seen.set(round.betID, round);
  if (round?.active) await resendOn503(client, '/wallet/end-round', { sessionID: client.sessionID }, log);
}

async function playRounds(client: StakeClient & { playerID: string }, bet: number): Promise<PlayerLog> {
  const log: PlayerLog = { playerID: client.playerID, seen: new Map(), statuses: {} };
  let played = 0;
  for (let calls = 0; played < ROUNDS_PER_PLAYER && calls < CALLS_PER_PLAYER_MAX; calls++) {
    const body = { sessionID: client.sessionID, amount: bet, mode: 'base' };
    const response = await resendOn503(client, '/wallet/play', body, log);
    if (response.status === 200) {
      const round = (response.json as { round: SeenRound & { active: boolean } }).round;
      log.seen.set(round.betID, round);
      played++;
      if (round.active) {
        const ended = await resendOn503(client, '/wallet/end-round', { sessionID: client.sessionID }, log);
        if (ended.status !== 200) await resync(client, log);
      }
    } else {
      await resync(client, log);
    }
  }
  return log;
}

describe('COMMIT replies lost under load', () => {
  test('players that resend on 503 are never charged twice', async () => {
    const clients = await Promise.all(
      Array.from({ length: PLAYERS }, () =>
        h.startSession({ currency: 'USD', balance: START_BALANCE, gameID: GAME }),
      ),
    );
    const bets = await Promise.all(clients.map(async (c) => (await c.authenticate()).config.defaultBetLevel));

    proxy.setFault({ dropCommitReplyFraction: DROP_FRACTION });
    const logs = await Promise.all(clients.map((c, i) => playRounds(c, bets[i]!)));
    proxy.setFault({});

    // The fault happened, often, and every player finished.
    const counters = proxy.counters();
    expect(counters.commitRepliesDropped).toBeGreaterThanOrEqual(PLAYERS);
    for (const log of logs) expect(log.seen.size).toBeGreaterThanOrEqual(ROUNDS_PER_PLAYER);

    const booked = await adminQuery(
      database.url,
      `SELECT player_id::text AS player, id::text AS id, amount_minor::text AS amount,
              payout_minor::text AS payout, status FROM rgs.rounds`,
    );
    const unseen: string[] = [];
    for (const [i, log] of logs.entries()) {
      const rounds = booked.rows.filter((r) => r.player === log.playerID);
      for (const r of rounds) if (!log.seen.has(r.id)) unseen.push(`${log.playerID} round ${r.id}`);
      // The balance is exactly what the rounds the player saw explain.
      let expected = START_BALANCE;
      for (const r of rounds) expected += Number(r.payout) - Number(r.amount);
      const balance = (await clients[i]!.balance()).balance.amount;
      expect(balance).toBe(expected);
      expect(rounds.every((r) => r.status === 'closed')).toBe(true);
    }
    expect(unseen).toEqual([]);
    expect((await core.verifyLedger()).ok).toBe(true);
    expect((await core.verifyAudit()).ok).toBe(true);
  }, 120_000);
});
