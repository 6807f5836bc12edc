/**
 * 1,000 concurrent plays against the real PostgreSQL (a fresh database for this file).
 *
 * With one active round per player, 1,000 concurrent plays on one player are only meaningful if
 * rounds close inside /play, so the first test serves a zero-payout table game ("blank wheel"):
 * the player can afford exactly K rounds, and exactly K of the 1,000 plays must succeed, the others
 * refused with ERR_IPB, leaving the exact remainder; the second spreads 1,000 concurrent plays over
 * 8 players with different budgets. (Firing 1,000 concurrent lucky-wheel plays instead mostly
 * measures ERR_BE refusals queued behind the one lock.) The third plays winning rounds on 8 players
 * concurrently, with identical end-round retries racing each other: every balance equals its
 * initial balance minus the costs plus the payouts the plays returned, and the ledger and audit
 * chains verify.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadDemoGame, loadGame } from '../../games/index.ts';
import { createTestDatabase, type TestDatabase } from '../db/testing.ts';
import type { Result } from './contract.ts';
import { createRgsCore, type RgsCoreService } from './core.ts';

const PLAYS = 1_000;
let database: TestDatabase;
let core: RgsCoreService;

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

const blankWheel = loadGame({
  formatVersion: 1,
  id: 'blank-wheel',
  name: 'Blank wheel (test fixture: never pays)',
  type: 'table',
  outcomes: [{ id: 'blank', weight: 1, pay: 0 }],
  bet: { baseStakeUnits: 1, coinValuesMinor: [100], betLevels: [1] },
  modes: [{ id: 'base', costMultiplier: 1 }],
});

beforeAll(async () => {
  database = await createTestDatabase(inject('databaseUrl'), 'concurrency');
  core = await createRgsCore({
    db: { url: database.url, maxConnections: 10 },
    games: [{ game: blankWheel }, { game: loadDemoGame('lucky-wheel') }],
    houseShards: 4,
    // 1,000 plays queue on one player's lock here: on a shared machine the last ones wait longer
    // than the default 6 s budget (they would get a correct 503, nothing booked). This file tests
    // exact money under contention, not deadlines (test/rgs/deadlines.test.ts does).
    requestDeadlineMs: 60_000,
    onError: (operation, error) => console.error(operation, (error as Error).message),
  });
});

afterAll(async () => {
  await core?.close();
  await database?.drop();
});

describe('concurrent plays', () => {
  it('lets exactly the affordable plays of 1,000 concurrent ones on one account succeed', async () => {
    const costMinor = 1_000_000n; // coin 100 cents × level 1 × 1 unit = 1.00
    const affordable = 637;
    const remainder = 123_456n;
    const { playerId } = value(
      await core.createPlayer({
        currency: 'EUR',
        initialBalanceMinor: BigInt(affordable) * costMinor + remainder,
        jurisdiction: 'default',
      }),
    );
    const results = await Promise.all(
      Array.from({ length: PLAYS }, (_, i) =>
        core.play({
          requestId: `blank-${i}`,
          playerId,
          sessionId: 's',
          currency: 'EUR',
          gameId: 'blank-wheel',
          mode: 'base',
          amountMinor: costMinor,
        }),
      ),
    );
    const codes = new Map<string, number>();
    for (const r of results) {
      const key = r.ok ? 'ok' : r.error.code;
      codes.set(key, (codes.get(key) ?? 0) + 1);
    }
    expect(Object.fromEntries(codes)).toEqual({ ok: affordable, ERR_IPB: PLAYS - affordable });
    expect(value(await core.balance(playerId, 'EUR')).amountMinor).toBe(remainder);
    const rounds = value(await core.recall(playerId, 100));
    expect(rounds[0]!.fairness.nonce).toBe(affordable - 1);
    const ledger = await core.verifyLedger();
    expect(ledger.problems).toEqual([]);
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      const n = await admin.query(
        "SELECT count(*) AS n FROM rgs.rounds WHERE player_id = $1 AND status = 'closed'",
        [playerId],
      );
      expect(Number(n.rows[0].n)).toBe(affordable);
    } finally {
      await admin.end();
    }
  });

  it('splits 1,000 concurrent plays across 8 players exactly by what each can afford', async () => {
    const costMinor = 1_000_000n;
    const budgets = Array.from({ length: 8 }, (_, i) => 60 + 9 * i); // 60..123 of 125 attempts each
    const players: string[] = [];
    for (const rounds of budgets) {
      const created = await core.createPlayer({
        currency: 'EUR',
        initialBalanceMinor: BigInt(rounds) * costMinor + 1n,
        jurisdiction: 'default',
      });
      players.push(value(created).playerId);
    }
    const results = await Promise.all(
      Array.from({ length: PLAYS }, (_, i) =>
        core.play({
          requestId: `spread-${i}`,
          playerId: players[i % players.length]!,
          sessionId: 's',
          currency: 'EUR',
          gameId: 'blank-wheel',
          mode: 'base',
          amountMinor: costMinor,
        }),
      ),
    );
    players.forEach((_playerId, p) => {
      const mine = results.filter((_, i) => i % players.length === p);
      expect(mine.filter((r) => r.ok)).toHaveLength(budgets[p]!);
      expect(mine.filter((r) => !r.ok && r.error.code === 'ERR_IPB')).toHaveLength(mine.length - budgets[p]!);
    });
    for (const playerId of players) expect(value(await core.balance(playerId, 'EUR')).amountMinor).toBe(1n);
    expect((await core.verifyLedger()).problems).toEqual([]);
  });

  it('keeps balances exact with wins ended concurrently and end-round retries racing each other', async () => {
    const players: string[] = [];
    const initial = 100_000_000n;
    for (let i = 0; i < 8; i++) {
      players.push(
        value(
          await core.createPlayer({ currency: 'EUR', initialBalanceMinor: initial, jurisdiction: 'default' }),
        ).playerId,
      );
    }
    const ROUNDS = 40;
    const net = new Map<string, bigint>(players.map((p) => [p, 0n]));
    await Promise.all(
      players.map(async (playerId, p) => {
        for (let i = 0; i < ROUNDS; i++) {
          const played = value(
            await core.play({
              requestId: `race-${p}-${i}`,
              playerId,
              sessionId: 's',
              currency: 'EUR',
              gameId: 'lucky-wheel',
              mode: 'base',
              amountMinor: 1_000_000n,
            }),
          );
          const round = played.round;
          net.set(playerId, net.get(playerId)! - round.costMinor + round.payoutMinor);
          if (!round.active) continue;
          // A client that lost the response retries at once: three identical end-rounds race.
          const ends = await Promise.all(
            [0, 1, 2].map(() => core.endRound({ requestId: `race-end-${p}-${i}`, playerId, sessionId: 's' })),
          );
          const balances = new Set(ends.map((e) => value(e).balance.amountMinor));
          expect(balances.size).toBe(1);
          expect([...balances][0]).toBe(initial + net.get(playerId)!);
        }
      }),
    );
    for (const playerId of players) {
      expect(value(await core.balance(playerId, 'EUR')).amountMinor).toBe(initial + net.get(playerId)!);
      const last = value(await core.currentRound(playerId, 'lucky-wheel'));
      expect(last).toMatchObject({ active: false });
      expect(last?.fairness.nonce).toBe(ROUNDS - 1);
    }
    expect((await core.verifyLedger()).problems).toEqual([]);
    expect((await core.verifyAudit()).problems).toEqual([]);
  });
});
