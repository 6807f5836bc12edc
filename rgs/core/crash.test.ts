/**
 * Chaos: PostgreSQL is killed with SIGKILL while rounds are in flight, then restarted (a private
 * server from startPostgres(), never the shared one). Clients retry every call that failed with
 * the same requestId, as the protocol prescribes. Afterwards no round may be half-written and no
 * money lost or doubled:
 * - every player has exactly the rounds it was told about (no extra round from a retried play);
 * - every balance equals initial − costs + payouts as the client saw them;
 * - verifyLedger: balances = postings, zero-sum, every round's bet/settlement matches it;
 * - verifyAudit: chains intact and every round has its audit records;
 * - no round is left active (each win was ended).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoGame } from '../../games/index.ts';
import { type ServerHandle, startPostgres } from '../../test/support/services.ts';
import { createTestDatabase, type TestDatabase } from '../db/testing.ts';
import type { Result } from './contract.ts';
import { createRgsCore, type RgsCoreService } from './core.ts';

const PLAYERS = 6;
const ROUNDS = 30;
const INITIAL = 100_000_000n;
const RETRY_DEADLINE_MS = 45_000;

let server: ServerHandle;
let database: TestDatabase;
let core: RgsCoreService;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Retries a call that failed with ERR_MAINTENANCE (database unreachable, outcome unknown); bounded.
 * Anything else, ERR_GEN included, fails the test: an outage must be reported as retryable.
 */
async function untilAnswered<T>(call: () => Promise<Result<T>>, failures: { n: number }): Promise<T> {
  const deadline = Date.now() + RETRY_DEADLINE_MS;
  for (;;) {
    const result = await call();
    if (result.ok) return result.value;
    if (result.error.code !== 'ERR_MAINTENANCE' || Date.now() > deadline) {
      throw new Error(`${result.error.code}: ${result.error.message}`);
    }
    failures.n++;
    await sleep(50);
  }
}

beforeAll(async () => {
  server = await startPostgres();
  database = await createTestDatabase(server.url, 'crash');
  core = await createRgsCore({
    db: { url: database.url, maxConnections: 6 },
    games: [{ game: loadDemoGame('lucky-wheel') }],
  });
}, 60_000);

afterAll(async () => {
  await core?.close();
  await server?.destroy();
});

describe('kill -9 of PostgreSQL mid-rounds', () => {
  it('leaves no half round and no lost or doubled money', async () => {
    const players: string[] = [];
    for (let i = 0; i < PLAYERS; i++) {
      const created = await core.createPlayer({
        currency: 'EUR',
        initialBalanceMinor: INITIAL,
        jurisdiction: 'default',
      });
      if (!created.ok) throw new Error(created.error.message);
      players.push(created.value.playerId);
    }
    const failures = { n: 0 };
    const seen = new Map<string, { net: bigint; roundIds: Set<string> }>(
      players.map((p) => [p, { net: 0n, roundIds: new Set() }]),
    );
    let roundsDone = 0;
    const loops = players.map(async (playerId, p) => {
      for (let i = 0; i < ROUNDS; i++) {
        const played = await untilAnswered(
          () =>
            core.play({
              requestId: `crash-${p}-${i}`,
              playerId,
              sessionId: 's',
              currency: 'EUR',
              gameId: 'lucky-wheel',
              mode: 'base',
              amountMinor: 1_000_000n,
            }),
          failures,
        );
        const mine = seen.get(playerId)!;
        mine.net += played.round.payoutMinor - played.round.costMinor;
        mine.roundIds.add(played.round.roundId);
        if (played.round.active) {
          await untilAnswered(
            () => core.endRound({ requestId: `crash-end-${p}-${i}`, playerId, sessionId: 's' }),
            failures,
          );
        }
        roundsDone++;
      }
    });
    // Kill while the loops are mid-flight, twice, then let them finish.
    const chaos = (async () => {
      for (const after of [ROUNDS * 1, ROUNDS * 3]) {
        while (roundsDone < after) await sleep(5);
        await server.kill9();
        await sleep(300);
        await server.restart();
      }
    })();
    await Promise.all([...loops, chaos]);
    expect(failures.n).toBeGreaterThan(0); // the crashes were felt by in-flight calls

    for (const playerId of players) {
      const mine = seen.get(playerId)!;
      expect(mine.roundIds.size).toBe(ROUNDS);
      const balance = await core.balance(playerId, 'EUR');
      expect(balance).toEqual({ ok: true, value: { amountMinor: INITIAL + mine.net, currency: 'EUR' } });
      const recalled = await core.recall(playerId, 100);
      if (!recalled.ok) throw new Error(recalled.error.message);
      expect(new Set(recalled.value.map((r) => r.roundId))).toEqual(mine.roundIds);
      expect(recalled.value.every((r) => r.status === 'closed')).toBe(true);
    }
    const ledger = await core.verifyLedger();
    expect(ledger.problems).toEqual([]);
    const audit = await core.verifyAudit();
    expect(audit.problems).toEqual([]);
  });
});
