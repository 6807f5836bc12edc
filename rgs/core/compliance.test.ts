/**
 * Compliance controls in the core (a fresh database for this file, a controlled clock): deposit
 * limits, the UK profile's minimum round duration, reality checks, each refusal audited with its
 * reason and nothing else written; the round-by-id read; and the round trips of a play and an
 * end-round (the fast path: BEGIN, one locked read, one write, COMMIT).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPgClient, type SqlClient, type SqlExecutor } from '../db/sql-client.ts';
import { createTestDatabase, type TestDatabase } from '../db/testing.ts';
import type { PlayRequest, Result } from './contract.ts';
import { createRgsCore, type RgsCoreService } from './core.ts';
import { DEFAULT_JURISDICTIONS } from './jurisdictions.ts';

const START_MS = Date.parse('2025-06-01T09:00:00.000Z');
let nowMs = START_MS;
const clock = () => new Date(nowMs);

let database: TestDatabase;
let core: RgsCoreService;
let admin: pg.Client;

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

async function newPlayer(balanceMinor: bigint, jurisdiction = 'default'): Promise<string> {
  return value(await core.createPlayer({ currency: 'GBP', initialBalanceMinor: balanceMinor, jurisdiction }))
    .playerId;
}

let requestCounter = 0;
function wheel(playerId: string, sessionId = 'sess-c'): PlayRequest {
  return {
    requestId: `c-${++requestCounter}`,
    playerId,
    sessionId,
    currency: 'GBP',
    gameId: 'lucky-wheel',
    mode: 'base',
    amountMinor: 1_000_000n,
  };
}

/** Plays one round and ends it when it pays; returns the round. */
async function settledRound(playerId: string, sessionId = 'sess-c') {
  const played = value(await core.play(wheel(playerId, sessionId)));
  if (played.round.active) {
    value(await core.endRound({ requestId: `e-${played.round.roundId}`, playerId, sessionId }));
  }
  return played.round;
}

async function writes(playerId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [name, sql] of [
    ['ledger', 'SELECT count(*) AS n FROM rgs.ledger_transactions WHERE player_id = $1'],
    [
      'postings',
      'SELECT count(*) AS n FROM rgs.postings p JOIN rgs.accounts a ON a.id = p.account_id WHERE a.player_id = $1',
    ],
    ['rounds', 'SELECT count(*) AS n FROM rgs.rounds WHERE player_id = $1'],
    ['requests', 'SELECT count(*) AS n FROM rgs.requests WHERE player_id = $1'],
    ['balance', "SELECT balance_minor AS n FROM rgs.accounts WHERE player_id = $1 AND kind = 'player'"],
  ] as const) {
    out[name] = Number((await admin.query(sql, [playerId])).rows[0].n);
  }
  return out;
}

async function refusals(playerId: string): Promise<{ reason: string; [k: string]: unknown }[]> {
  const rows = await admin.query(
    "SELECT payload FROM audit.events WHERE player_id = $1 AND kind = 'compliance.refused' ORDER BY seq",
    [playerId],
  );
  return rows.rows.map((r) => JSON.parse(r.payload).data);
}

beforeAll(async () => {
  database = await createTestDatabase(inject('databaseUrl'), 'compliance');
  core = await createRgsCore({ db: { url: database.url, maxConnections: 4 }, clock });
  admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
});

afterAll(async () => {
  await core?.close();
  await admin?.end();
  await database?.drop();
});

describe('deposit limits', () => {
  it('refuses a deposit over the daily or the weekly limit with ERR_GLE, audited, nothing moved', async () => {
    nowMs = START_MS;
    const playerId = await newPlayer(0n);
    const limits = value(
      await core.setLimits(playerId, {
        lossLimitMinor: null,
        lossLimitWindowMs: null,
        selfExcludedUntil: null,
        depositLimitDailyMinor: 5_000_000n,
        depositLimitWeeklyMinor: 7_000_000n,
      }),
    );
    expect(limits).toMatchObject({ depositLimitDailyMinor: 5_000_000n, depositLimitWeeklyMinor: 7_000_000n });
    const deposit = (i: number, amountMinor = 3_000_000n) =>
      core.deposit({ requestId: `dep-${playerId}-${i}`, playerId, amountMinor });
    expect(value(await deposit(1)).balance.amountMinor).toBe(3_000_000n);
    const before = await writes(playerId);
    const overDaily = await deposit(2);
    expect(overDaily).toMatchObject({ ok: false, error: { code: 'ERR_GLE' } });
    if (!overDaily.ok) expect(overDaily.error.message).toMatch(/deposit limit 5000000 per 24 h/);
    expect(await writes(playerId)).toEqual(before);
    // Exactly at the limit is allowed.
    expect(value(await deposit(3, 2_000_000n)).balance.amountMinor).toBe(5_000_000n);
    nowMs += 25 * 3_600_000; // a new day, same week: 5.00 deposited this week
    const overWeekly = await deposit(4);
    expect(overWeekly).toMatchObject({ ok: false, error: { code: 'ERR_GLE' } });
    if (!overWeekly.ok) expect(overWeekly.error.message).toMatch(/per 7 days/);
    expect(value(await deposit(5, 2_000_000n)).balance.amountMinor).toBe(7_000_000n);
    const reasons = (await refusals(playerId)).map((r) => r.reason);
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toMatch(/deposit limit 5000000 per 24 h \(deposited 3000000/);
    expect(reasons[1]).toMatch(/deposit limit 7000000 per 7 days \(deposited 5000000/);
    // Limits set without deposit fields keep them; null removes them.
    const kept = value(
      await core.setLimits(playerId, {
        lossLimitMinor: null,
        lossLimitWindowMs: null,
        selfExcludedUntil: null,
      }),
    );
    expect(kept.depositLimitWeeklyMinor).toBe(7_000_000n);
    expect(await deposit(6, 1_000_000n)).toMatchObject({ ok: false, error: { code: 'ERR_GLE' } });
    value(
      await core.setLimits(playerId, {
        lossLimitMinor: null,
        lossLimitWindowMs: null,
        selfExcludedUntil: null,
        depositLimitDailyMinor: null,
        depositLimitWeeklyMinor: null,
      }),
    );
    expect(value(await deposit(7, 1_000_000n)).balance.amountMinor).toBe(8_000_000n);
    expect(await core.setLimits(playerId, { ...kept, depositLimitDailyMinor: -1n })).toMatchObject({
      ok: false,
      error: { code: 'ERR_VAL' },
    });
  });
});

describe('UK profile', () => {
  it('has no autoplay or turbo, a 2.5 s minimum round, net position, RTP, a timer and hourly reality checks', async () => {
    const uk = DEFAULT_JURISDICTIONS.UK!;
    expect(uk.flags).toMatchObject({
      disabledAutoplay: true,
      disabledTurbo: true,
      disabledSuperTurbo: true,
      displayNetPosition: true,
      displayRTP: true,
      displaySessionTimer: true,
      minimumRoundDurationMs: 2_500,
    });
    expect(uk.realityCheckIntervalMs).toBe(3_600_000);
    const playerId = await newPlayer(100_000_000n, 'UK');
    expect(value(await core.jurisdiction(playerId))).toMatchObject({
      name: 'UK',
      realityCheckIntervalMs: 3_600_000,
    });
  });

  it("refuses a UK player's second play inside 2.5 s with ERR_GLE and the reason; nothing written", async () => {
    const playerId = await newPlayer(100_000_000n, 'UK');
    await settledRound(playerId);
    nowMs += 2_499;
    const before = await writes(playerId);
    const refused = await core.play(wheel(playerId));
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('ERR_GLE');
    expect(refused.error.message).toMatch(/minimum round duration 2500 ms: next round allowed in 1 ms/);
    expect(refused.error.retryAfterMs).toBe(1);
    expect(await writes(playerId)).toEqual(before);
    const audited = await refusals(playerId);
    expect(audited).toHaveLength(1);
    expect(audited[0]!.reason).toMatch(/minimum round duration 2500 ms/);
    nowMs += 1;
    await settledRound(playerId);
    expect((await writes(playerId)).rounds).toBe((before.rounds ?? 0) + 1);
  });
});

describe('reality checks', () => {
  it('refuses play once the interval has passed in the session until the player acknowledges', async () => {
    const playerId = await newPlayer(100_000_000n, 'UK');
    const sessionId = 'rc-session';
    const startedAt = nowMs;
    const started = value(await core.startSession({ playerId, sessionId }));
    expect(started).toMatchObject({ elapsedMs: 0, rounds: 0, realityCheckDue: false });
    expect(Date.parse(started.realityCheckDueAt!)).toBe(startedAt + 3_600_000);
    for (let i = 0; i < 5; i++) {
      nowMs += 3_000;
      await settledRound(playerId, sessionId);
    }
    // Nothing is due before the interval; a check then only reports.
    const early = value(await core.realityCheck({ playerId, sessionId }));
    expect(early).toMatchObject({ acknowledged: false, realityCheckDue: false, rounds: 5 });
    nowMs = startedAt + 3_600_000;
    const before = await writes(playerId);
    const refused = await core.play(wheel(playerId, sessionId));
    expect(refused).toMatchObject({ ok: false, error: { code: 'ERR_GLE' } });
    if (!refused.ok) expect(refused.error.message).toMatch(/reality check due: 60 min of play/);
    expect(await writes(playerId)).toEqual(before);
    expect((await refusals(playerId)).at(-1)!.reason).toMatch(/^reality check due/);

    const checked = value(await core.realityCheck({ playerId, sessionId }));
    const rounds = value(await core.recall(playerId, 100)).filter((r) => r.status !== 'voided');
    const wagered = rounds.reduce((sum, r) => sum + r.costMinor, 0n);
    const won = rounds.reduce((sum, r) => sum + (r.status === 'closed' ? r.payoutMinor : 0n), 0n);
    expect(checked).toMatchObject({
      acknowledged: true,
      realityCheckDue: false,
      elapsedMs: 3_600_000,
      rounds: 5,
      wageredMinor: wagered,
      wonMinor: won,
      netPositionMinor: won - wagered,
    });
    expect(Date.parse(checked.realityCheckDueAt!)).toBe(nowMs + 3_600_000);
    const ack = await admin.query(
      "SELECT payload FROM audit.events WHERE player_id = $1 AND kind = 'reality-check.acknowledged'",
      [playerId],
    );
    expect(ack.rows).toHaveLength(1);
    expect(JSON.parse(ack.rows[0].payload).data).toMatchObject({
      sessionId,
      elapsedMs: 3_600_000,
      netPositionMinor: (won - wagered).toString(),
    });
    // Play resumes; a second acknowledgement is not due.
    await settledRound(playerId, sessionId);
    expect(value(await core.realityCheck({ playerId, sessionId })).acknowledged).toBe(false);
    // Another session of the same player has its own clock (started at its first play).
    nowMs += 3_000;
    await settledRound(playerId, 'other-session');
  });

  it('leaves jurisdictions without reality checks alone', async () => {
    const playerId = await newPlayer(100_000_000n);
    value(await core.startSession({ playerId, sessionId: 'long' }));
    nowMs += 10 * 3_600_000;
    await settledRound(playerId, 'long');
    expect(value(await core.realityCheck({ playerId, sessionId: 'long' }))).toMatchObject({
      acknowledged: false,
      realityCheckDue: false,
      realityCheckIntervalMs: 0,
      realityCheckDueAt: null,
    });
  });
});

describe('round by id', () => {
  it('returns the stored round with its state; ERR_BNF when unknown, ERR_VAL when malformed', async () => {
    const playerId = await newPlayer(100_000_000n);
    const played = await settledRound(playerId);
    const stored = value(await core.round(played.roundId));
    const recalled = value(await core.recall(playerId, 1))[0]!;
    expect(stored).toEqual(recalled);
    expect(stored.state).toEqual(played.state);
    expect(stored.state.length).toBeGreaterThan(0);
    expect(await core.round('00000000-0000-4000-8000-000000000000')).toMatchObject({
      ok: false,
      error: { code: 'ERR_BNF' },
    });
    expect(await core.round('nope')).toMatchObject({ ok: false, error: { code: 'ERR_VAL' } });
  });
});

describe('round trips', () => {
  /** Counts the statements (BEGIN and COMMIT included) the core sends through a client. */
  function counting(inner: SqlClient): SqlClient & { statements: number } {
    const counted = {
      kind: inner.kind,
      statements: 0,
      query: (text: string, params?: readonly unknown[], options?: { prepare?: string }) => {
        counted.statements++;
        return inner.query(text, params as never, options);
      },
      exec: (script: string) => inner.exec(script),
      transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>, options?: object) =>
        inner.transaction(async (tx) => {
          counted.statements += 2; // BEGIN, COMMIT
          return await fn({
            query: (text, params, queryOptions) => {
              counted.statements++;
              return tx.query(text, params, queryOptions);
            },
            exec: (script) => tx.exec(script),
          });
        }, options),
      close: () => inner.close(),
    };
    return counted as SqlClient & { statements: number };
  }

  it('plays in 4 round trips and ends a round in 4, compliance included', async () => {
    const client = counting(createPgClient(database.url, { maxConnections: 2, role: 'croupier_app' }));
    const fast = await createRgsCore({ db: { client }, clock });
    try {
      const created = value(
        await fast.createPlayer({ currency: 'GBP', initialBalanceMinor: 100_000_000n, jurisdiction: 'UK' }),
      );
      const playerId = created.playerId;
      value(
        await fast.setLimits(playerId, {
          lossLimitMinor: 50_000_000n,
          lossLimitWindowMs: 86_400_000,
          selfExcludedUntil: null,
        }),
      );
      let played = 0;
      let ended = 0;
      for (let i = 0; i < 40 && ended < 3; i++) {
        nowMs += 3_000;
        const before = client.statements;
        const r = value(await fast.play(wheel(playerId, 'rt-session')));
        // The first round also looks up (and caches) the house shard's account id.
        if (i > 0) expect(client.statements - before).toBe(4);
        played++;
        if (r.round.active) {
          const beforeEnd = client.statements;
          value(await fast.endRound({ requestId: `rt-e-${r.round.roundId}`, playerId, sessionId: 'rt' }));
          expect(client.statements - beforeEnd).toBe(4);
          ended++;
        }
      }
      expect(played).toBeGreaterThan(1);
      expect(ended).toBeGreaterThan(0);
      expect((await fast.verifyLedger()).problems).toEqual([]);
      expect((await fast.verifyAudit()).problems).toEqual([]);
    } finally {
      await fast.close();
      await client.close();
    }
  });
});
