/**
 * Chaos: kill -9 PostgreSQL (a private server, startPostgres()) while players are mid-rounds and
 * the RGS process keeps running.
 *
 * While the database is gone every answer is a clean, retryable error: HTTP 503 ERR_MAINTENANCE
 * with a one-line JSON message (never a 500, never a stack trace, never a dropped connection), and
 * /ready says 503 naming postgres. After PostgreSQL restarts the server recovers on its own
 * (/ready 200 again, no RGS restart), the players resume (authenticate, end the active round) and
 * play on, and the invariants hold: no half round, every balance explained, `croupier rgs verify`
 * exits 0.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { generatePlayers, sessionBody } from '../support/players.ts';
import { croupierVerify, halfRounds, moneyProblems, playerMoney } from '../support/rgs-invariants.ts';
import { type PlayerClient, type RgsProcess, startRgsProcess } from '../support/rgs-process.ts';
import { type ServerHandle, startPostgres } from '../support/services.ts';
import { StakeApiError } from '../support/stake-client.ts';

const GAME = 'jungle-twenty';
const PLAYER_SEED = 31_337;
const PLAYERS = 10;
const ROUNDS_BEFORE_KILL = 30;
const OUTAGE_MS = 2_000;
const RECOVERY_TIMEOUT_MS = 30_000;
const LOOP_ITERATIONS_MAX = 2_000;
const OUTCOME_UNKNOWN = '500 ERR_GEN (outcome unknown: read the round)';
const STACK_TRACE = /\n|\bat [\w.<>]+ \(|\.(ts|js):\d+/;

let postgres: ServerHandle;
let rgs: RgsProcess;
let outageErrors: string[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
  rgs = await startRgsProcess({ databaseUrl: postgres.url, redisUrl: inject('redisUrl') });
});

afterAll(async () => {
  await rgs?.destroy();
  await postgres?.destroy();
});

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

interface Observed {
  rounds: number;
  /** `${status} ${code}` of every API error. */
  readonly apiErrors: string[];
  /** Messages of API errors that looked like a stack trace or were not one line. */
  readonly leaks: string[];
  /** Anything but an HTTP answer (connection refused/reset, timeout). */
  readonly transportErrors: string[];
}

/**
 * A front end that follows the protocol: after any failure it resynchronises with authenticate
 * (ending a round left active) before the next play. Bounded by iterations and a stop flag.
 */
async function player(
  client: PlayerClient,
  bet: number,
  stop: { now: boolean },
  seen: Observed,
  resyncFirst: boolean,
): Promise<void> {
  let resync = resyncFirst;
  for (let i = 0; i < LOOP_ITERATIONS_MAX && !stop.now; i++) {
    try {
      if (resync) {
        const auth = await client.authenticate();
        if (auth.round?.active) await client.endRound();
        resync = false;
      }
      const played = await client.play(bet, 'base');
      if (played.round.payout > 0) await client.endRound();
      seen.rounds++;
    } catch (error) {
      resync = true;
      if (error instanceof StakeApiError) {
        // A play whose COMMIT was in flight at the kill has an unknown outcome until PostgreSQL is
        // back: 500 telling the client to read the round (this loop resyncs), never a 503.
        const unknown = error.status === 500 && /outcome of this call is unknown/.test(error.message);
        seen.apiErrors.push(unknown ? OUTCOME_UNKNOWN : `${error.status} ${error.code}`);
        if (STACK_TRACE.test(error.message)) seen.leaks.push(error.message);
      } else {
        seen.transportErrors.push((error as Error).message);
      }
      await sleep(50);
    }
  }
}

describe('kill -9 of PostgreSQL under a running RGS', () => {
  test('clean 5xx while it is down, recovery after its restart, invariants hold', async () => {
    const players = generatePlayers({ seed: PLAYER_SEED, count: PLAYERS });
    const clients: { client: PlayerClient; bet: number }[] = [];
    for (const p of players) {
      const client = await rgs.startSession(sessionBody(p, GAME), { timeoutMs: 10_000 });
      const auth = await client.authenticate();
      clients.push({ client, bet: auth.config.defaultBetLevel });
    }
    const before: Observed = { rounds: 0, apiErrors: [], leaks: [], transportErrors: [] };
    const stopBefore = { now: false };
    const loops = clients.map(({ client, bet }) => player(client, bet, stopBefore, before, false));
    for (let i = 0; i < 2_000 && before.rounds < ROUNDS_BEFORE_KILL; i++) await sleep(10);
    expect(before.rounds).toBeGreaterThanOrEqual(ROUNDS_BEFORE_KILL);

    // Kill PostgreSQL mid-rounds; the players keep going through the outage.
    const outage: Observed = { rounds: 0, apiErrors: [], leaks: [], transportErrors: [] };
    await postgres.kill9();
    const roundsAtKill = before.rounds;
    const startedAt = Date.now();
    stopBefore.now = true;
    await Promise.all(loops);
    const stopOutage = { now: false };
    const outageLoops = clients.map(({ client, bet }) => player(client, bet, stopOutage, outage, true));
    const ready = await rgs.ready();
    expect(ready.status).toBe(503);
    expect(ready.json).toMatchObject({ ready: false, error: 'ERR_MAINTENANCE' });
    expect((ready.json as { checks: Record<string, string> }).checks.postgres).not.toBe('ok');
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - startedAt)));
    stopOutage.now = true;
    await Promise.all(outageLoops);

    // Down: only clean server errors, every one of them JSON with a one-line message; the RGS
    // process itself stayed up and kept answering.
    expect(rgs.running).toBe(true);
    expect(outage.rounds).toBe(0);
    expect(outage.transportErrors).toEqual([]);
    expect(outage.leaks).toEqual([]);
    expect(outage.apiErrors.length).toBeGreaterThan(0);
    for (const error of [...outage.apiErrors, ...before.apiErrors]) {
      expect(['503 ERR_MAINTENANCE', OUTCOME_UNKNOWN]).toContain(error);
    }
    expect(before.leaks).toEqual([]);
    expect(roundsAtKill).toBeGreaterThan(0);

    // Back: PostgreSQL restarts on the same data; the RGS recovers without a restart of its own.
    await postgres.restart();
    await rgs.waitReady(RECOVERY_TIMEOUT_MS);
    const after: Observed = { rounds: 0, apiErrors: [], leaks: [], transportErrors: [] };
    const stopAfter = { now: false };
    const afterLoops = clients.map(({ client, bet }) => player(client, bet, stopAfter, after, true));
    for (let i = 0; i < 2_000 && after.rounds < PLAYERS * 3; i++) await sleep(10);
    stopAfter.now = true;
    await Promise.all(afterLoops);
    expect(after.rounds).toBeGreaterThanOrEqual(PLAYERS * 3);
    expect(after.transportErrors).toEqual([]);
    expect(after.leaks).toEqual([]);
    // Pool connections that died with the old server may fail once: retryable, never a 500.
    for (const error of after.apiErrors) expect(error).toBe('503 ERR_MAINTENANCE');

    // Settle what the last loop left active, then the books.
    for (const { client } of clients) {
      const auth = await client.authenticate();
      if (auth.round?.active) await client.endRound();
    }
    expect(await halfRounds(postgres.url)).toEqual([]);
    const money = await playerMoney(postgres.url);
    expect(moneyProblems(money)).toEqual([]);
    for (const [index, { client }] of clients.entries()) {
      const m = money.get(client.playerID)!;
      expect(m.activeRounds).toBe(0);
      expect(Number(m.deposits)).toBe(players[index]!.balance);
      expect(BigInt((await client.balance()).balance.amount)).toBe(m.balance);
    }
    const verify = await croupierVerify(postgres.url);
    expect(verify.stdout).toMatch(/ledger: ok/);
    expect(verify.stdout).toMatch(/audit: ok/);
    expect(verify.code).toBe(0);
    outageErrors = outage.apiErrors;
  });

  // The client sees only "database unavailable"; the operator must see the database error itself.
  test('the server logs WHY it answered ERR_MAINTENANCE (the database error), at warn level or above', () => {
    expect(outageErrors).toContain('503 ERR_MAINTENANCE');
    const logged = rgs
      .output()
      .split('\n')
      .filter((line) => !line.startsWith('croupier rgs: '));
    expect(logged.join('\n')).toMatch(/ECONNREFUSED|terminat|connection|server closed/i);
  });
});
