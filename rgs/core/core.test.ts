/**
 * The RGS core against the run's real PostgreSQL (a fresh database for this file): play/endRound,
 * idempotency, funds, one active round, compliance, recall, replay, stale rounds, rollbacks,
 * verification and its negative controls (tampering as superuser must be detected).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadDemoGame, loadGame, playRound } from '../../games/index.ts';
import { verifyProvablyFair } from '../../rng/index.ts';
import { createTestDatabase, type TestDatabase } from '../db/testing.ts';
import {
  ACTIVE_ROUND_MESSAGE,
  NO_ROUND_MESSAGE,
  type PlayRequest,
  type Result,
  viewRequestId,
} from './contract.ts';
import { createRgsCore, type RgsCoreService } from './core.ts';
import { API_UNITS_PER_GAME_MINOR, payoutMultiplier, prepareServedGame } from './games.ts';

const START_MS = Date.parse('2025-03-01T12:00:00.000Z');
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
  return value(await core.createPlayer({ currency: 'EUR', initialBalanceMinor: balanceMinor, jurisdiction }))
    .playerId;
}

let requestCounter = 0;
function wheel(
  playerId: string,
  amountMinor = 1_000_000n,
  requestId = `req-${++requestCounter}`,
): PlayRequest {
  return {
    requestId,
    playerId,
    sessionId: 'sess-1',
    currency: 'EUR',
    gameId: 'lucky-wheel',
    mode: 'base',
    amountMinor,
  };
}

async function counts(): Promise<Record<string, number>> {
  const tables = ['rgs.ledger_transactions', 'rgs.postings', 'rgs.rounds', 'rgs.requests', 'audit.events'];
  const out: Record<string, number> = {};
  for (const t of tables) out[t] = Number((await admin.query(`SELECT count(*) AS n FROM ${t}`)).rows[0].n);
  return out;
}

/** Plays until a round stays active (a win); returns it. Bounded. */
async function playUntilWin(
  playerId: string,
): Promise<{ roundId: string; payoutMinor: bigint; balance: bigint }> {
  for (let i = 0; i < 200; i++) {
    const r = value(await core.play(wheel(playerId)));
    if (r.round.active)
      return { roundId: r.round.roundId, payoutMinor: r.round.payoutMinor, balance: r.balance.amountMinor };
  }
  throw new Error('no win in 200 rounds');
}

beforeAll(async () => {
  database = await createTestDatabase(inject('databaseUrl'), 'core');
  core = await createRgsCore({ db: { url: database.url, maxConnections: 4 }, clock });
  admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
});

afterAll(async () => {
  await core?.close();
  await admin?.end();
  await database?.drop();
});

describe('bet configuration', () => {
  it('derives API-unit bet levels that map exactly onto the evaluator BetChoice', () => {
    const config = value(core.betConfig('lucky-wheel', 'EUR'));
    // lucky-wheel: stake 10 units, coins 1/10/100 cents, levels 1/2/5/10 -> 0.10 .. 100.00
    expect(config.minBet).toBe(100_000n);
    expect(config.maxBet).toBe(100_000_000n);
    expect(config.stepBet).toBe(100_000n);
    expect(config.betLevels).toContain(1_000_000n);
    expect(config.betModes.base).toEqual({ costMultiplier: 1, rtp: '96.00' });
    const served = core.games.get('lucky-wheel')!;
    for (const [amount, choice] of served.betChoices) {
      expect(BigInt(choice.coinValueMinor * choice.betLevel * 10) * API_UNITS_PER_GAME_MINOR).toBe(amount);
    }
    for (const level of config.betLevels) expect(level % config.stepBet).toBe(0n);
    expect(core.betConfig('nope', 'EUR')).toMatchObject({ ok: false, error: { code: 'ERR_VAL' } });
  });

  it('rejects an offered bet that does not map onto coin value × level × stake', () => {
    const game = loadDemoGame('lucky-wheel');
    expect(() => prepareServedGame({ game, betLevels: [150_000n] })).toThrow(/does not map/);
    expect(prepareServedGame({ game, betLevels: [200_000n] }).config.betLevels).toEqual([200_000n]);
  });

  it('formats payout multipliers exactly', () => {
    expect(payoutMultiplier(33_400_000n, 1_000_000n)).toBe('33.4');
    expect(payoutMultiplier(0n, 1_000_000n)).toBe('0');
    expect(payoutMultiplier(1n, 3n)).toBe('0.333333');
  });
});

describe('play and endRound', () => {
  it('debits, defers the credit of a win to endRound, closes and reveals the seed', async () => {
    const playerId = await newPlayer(100_000_000n);
    const commitment = value(await core.nextSeedCommitment(playerId));
    const win = await playUntilWin(playerId);
    const current = value(await core.currentRound(playerId, 'lucky-wheel'))!;
    expect(current.roundId).toBe(win.roundId);
    expect(current.active).toBe(true);
    expect(current.fairness.serverSeed).toBeNull();
    expect(current.state.length).toBeGreaterThan(0);
    expect(value(await core.setEvent(playerId, '3')).event).toBe('3');
    const ended = value(await core.endRound({ requestId: `end-${win.roundId}`, playerId, sessionId: 's' }));
    expect(ended.balance.amountMinor).toBe(win.balance + win.payoutMinor);
    const closed = value(await core.currentRound(playerId, 'lucky-wheel'))!;
    expect(closed).toMatchObject({ roundId: win.roundId, active: false, status: 'closed', event: '3' });
    expect(closed.balanceAfterMinor).toBe(ended.balance.amountMinor);
    expect(closed.fairness.serverSeed).toMatch(/^[0-9a-f]{64}$/);
    // The first round used the seed committed before any bet.
    const first = value(await core.recall(playerId, 100)).at(-1)!;
    expect(first.fairness.serverSeedCommitment).toBe(commitment);
    expect(first.fairness.nonce).toBe(0);
    // Replayed end-round (lost response): same balance; a new one finds no round.
    const again = value(await core.endRound({ requestId: `end-${win.roundId}`, playerId, sessionId: 's' }));
    expect(again.balance.amountMinor).toBe(ended.balance.amountMinor);
    expect(await core.endRound({ requestId: 'end-other', playerId, sessionId: 's' })).toMatchObject({
      ok: false,
      error: { code: 'ERR_BNF' },
    });
    expect(value(await core.balance(playerId, 'EUR')).amountMinor).toBe(ended.balance.amountMinor);
  });

  it('closes a zero-win round inside play (active false, seed revealed)', async () => {
    const playerId = await newPlayer(100_000_000n);
    for (let i = 0; i < 100; i++) {
      const r = value(await core.play(wheel(playerId)));
      if (r.round.active) {
        value(await core.endRound({ requestId: `e-${r.round.roundId}`, playerId, sessionId: 's' }));
        continue;
      }
      expect(r.round.payoutMinor).toBe(0n);
      expect(r.round.status).toBe('closed');
      expect(r.round.fairness.serverSeed).toMatch(/^[0-9a-f]{64}$/);
      expect(r.round.balanceAfterMinor).toBe(r.balance.amountMinor);
      expect(r.round.balanceBeforeMinor - r.round.costMinor).toBe(r.balance.amountMinor);
      return;
    }
    throw new Error('no zero-win round in 100');
  });

  it('refuses a second play while a round is active (ERR_BE)', async () => {
    const playerId = await newPlayer(100_000_000n);
    await playUntilWin(playerId);
    expect(await core.play(wheel(playerId))).toMatchObject({ ok: false, error: { code: 'ERR_BE' } });
  });

  it('returns the original response to an idempotent retry and refuses a different payload', async () => {
    const playerId = await newPlayer(100_000_000n);
    const request = wheel(playerId);
    const first = value(await core.play(request));
    const before = await counts();
    const retry = value(await core.play({ ...request, sessionId: 'another-session' }));
    // The original answer, marked as replayed (the HTTP layer then records and pushes nothing).
    expect(retry).toEqual({ ...first, replayed: true });
    expect(await counts()).toEqual(before);
    const mismatch = await core.play({ ...request, amountMinor: 2_000_000n });
    expect(mismatch).toMatchObject({ ok: false, error: { code: 'ERR_IDEM' } });
    expect(await counts()).toEqual(before);
  });

  it('keys play and endRound on the latest round they read (latestRoundView)', async () => {
    const playerId = await newPlayer(100_000_000n);
    const view = { gameId: 'lucky-wheel', keyed: true } as const;
    const viewed = (): PlayRequest => ({ ...wheel(playerId, 1_000_000n, 'p-base'), latestRoundView: view });
    // No round yet: the key is the base and 'none'; a replay of that key is the same round.
    const first = value(await core.play(viewed()));
    const stored = await admin.query('SELECT request_id FROM rgs.requests WHERE player_id = $1', [playerId]);
    expect(stored.rows.map((r) => r.request_id)).toEqual([viewRequestId('p-base', null)]);
    expect(value(await core.play(wheel(playerId, 1_000_000n, viewRequestId('p-base', null))))).toEqual({
      ...first,
      replayed: true,
    });
    // Each play reads the previous one as the latest round: a new key each time, until a win.
    let win = first;
    for (let i = 0; i < 200 && !win.round.active; i++) {
      const next = value(await core.play(viewed()));
      expect(next.round.fairness.nonce).toBe(win.round.fairness.nonce + 1);
      win = next;
    }
    expect(win.round.active).toBe(true);
    {
      // An active latest round is ERR_BE before anything else, even for a request that is invalid.
      const before = await counts();
      expect(await core.play(viewed())).toEqual({
        ok: false,
        error: { code: 'ERR_BE', message: ACTIVE_ROUND_MESSAGE },
      });
      expect(await core.play({ ...viewed(), amountMinor: 1_500_000n })).toMatchObject({
        ok: false,
        error: { code: 'ERR_BE' },
      });
      expect(await counts()).toEqual(before);
      const end = { requestId: 'e-base', playerId, sessionId: 's', latestRoundView: view };
      const ended = value(await core.endRound(end));
      expect(ended.round).toMatchObject({ roundId: win.round.roundId, active: true });
      // A replayed end-round converges: same balance, the same round (now closed); one key.
      const again = value(await core.endRound(end));
      expect(again.balance).toEqual(ended.balance);
      expect(again.round).toMatchObject({ roundId: win.round.roundId, active: false, status: 'closed' });
      const keys = await admin.query(
        `SELECT request_id FROM rgs.requests WHERE player_id = $1 AND operation = 'end-round'`,
        [playerId],
      );
      expect(keys.rows.map((r) => r.request_id)).toEqual([viewRequestId('e-base', win.round.roundId)]);
    }
    // The next play reads the new latest round: a new key, a new round.
    const second = value(await core.play(viewed()));
    expect(second.round.roundId).not.toBe(win.round.roundId);
    expect(second.round.fairness.nonce).toBe(win.round.fairness.nonce + 1);
    // A game with no round: nothing to end.
    expect(
      await core.endRound({
        requestId: 'e-base',
        playerId,
        sessionId: 's',
        latestRoundView: { gameId: 'jungle-twenty', keyed: true },
      }),
    ).toEqual({ ok: false, error: { code: 'ERR_BNF', message: NO_ROUND_MESSAGE } });
  });

  it('racing plays keyed on their view: every bet is in an answer, money exact', async () => {
    const playerId = await newPlayer(100_000_000n);
    const view = { gameId: 'lucky-wheel', keyed: true } as const;
    let expected = 100_000_000n;
    const answered = new Set<string>();
    for (let attempt = 0; attempt < 5; attempt++) {
      const request: PlayRequest = { ...wheel(playerId, 1_000_000n, 'p-race'), latestRoundView: view };
      const raced = await Promise.all([core.play(request), core.play(request), core.play(request)]);
      const rounds = new Map<string, { costMinor: bigint; payoutMinor: bigint; active: boolean }>();
      for (const r of raced) {
        if (r.ok) rounds.set(r.value.round.roundId, r.value.round);
        else expect(r.error.code).toBe('ERR_BE');
      }
      expect(rounds.size).toBeGreaterThanOrEqual(1);
      for (const [roundId, round] of rounds) {
        answered.add(roundId);
        expected -= round.costMinor;
        if (!round.active) expected += round.payoutMinor;
      }
      const current = value(await core.currentRound(playerId, 'lucky-wheel'))!;
      if (current.active) {
        value(await core.endRound({ requestId: `e-race-${attempt}`, playerId, sessionId: 's' }));
        expected += current.payoutMinor;
      }
      expect(value(await core.balance(playerId, 'EUR')).amountMinor).toBe(expected);
    }
    // Plays that read the same latest round shared a key: one bet, answered to each. No bet was
    // booked that no answer carries.
    const booked = await admin.query('SELECT id FROM rgs.rounds WHERE player_id = $1', [playerId]);
    expect(new Set(booked.rows.map((r) => r.id))).toEqual(answered);
  });

  it('writes nothing when funds are insufficient (ERR_IPB)', async () => {
    const playerId = await newPlayer(500_000n);
    const before = await counts();
    expect(await core.play(wheel(playerId, 1_000_000n))).toMatchObject({
      ok: false,
      error: { code: 'ERR_IPB' },
    });
    expect(await counts()).toEqual(before);
    expect(value(await core.balance(playerId, 'EUR')).amountMinor).toBe(500_000n);
  });

  it('rejects bad input with ERR_VAL and changes nothing', async () => {
    const playerId = await newPlayer(10_000_000n);
    const before = await counts();
    const bad: PlayRequest[] = [
      { ...wheel(playerId), amountMinor: 1_500_000n },
      { ...wheel(playerId), amountMinor: -1_000_000n },
      { ...wheel(playerId), mode: 'turbo' },
      { ...wheel(playerId), gameId: 'unknown-game' },
      { ...wheel(playerId), currency: 'USD' },
      { ...wheel(playerId), playerId: 'not-a-uuid' },
      { ...wheel(playerId), requestId: '' },
    ];
    for (const request of bad) {
      expect(await core.play(request)).toMatchObject({ ok: false, error: { code: 'ERR_VAL' } });
    }
    expect(await core.recall(playerId, 0)).toMatchObject({ ok: false, error: { code: 'ERR_VAL' } });
    expect(await counts()).toEqual(before);
  });
});

describe('compliance', () => {
  it('refuses play during self-exclusion with ERR_GLE and audits the reason', async () => {
    const playerId = await newPlayer(10_000_000n);
    value(
      await core.setLimits(playerId, {
        lossLimitMinor: null,
        lossLimitWindowMs: null,
        selfExcludedUntil: new Date(nowMs + 3_600_000),
      }),
    );
    const refused = await core.play(wheel(playerId));
    expect(refused).toMatchObject({ ok: false, error: { code: 'ERR_GLE' } });
    const audit = await admin.query(
      "SELECT payload FROM audit.events WHERE player_id = $1 AND kind = 'compliance.refused'",
      [playerId],
    );
    expect(audit.rows).toHaveLength(1);
    expect(JSON.parse(audit.rows[0].payload).data.reason).toMatch(/self-excluded/);
    expect(value(await core.balance(playerId, 'EUR')).amountMinor).toBe(10_000_000n);
  });

  it('enforces a loss limit over its window', async () => {
    // Server seeds are fresh OS entropy, so each player's path is random, and an early big wheel win
    // can keep the loss under the limit for thousands of rounds (measured: 0.5% of paths within 400
    // rounds). A fresh player is tried then, at most 5 times: all 5 escaping is a 3e-12 event.
    let refusedAt = -1;
    let playerId = '';
    for (let attempt = 0; attempt < 5 && refusedAt < 0; attempt++) {
      playerId = await newPlayer(100_000_000n);
      value(
        await core.setLimits(playerId, {
          lossLimitMinor: 2_500_000n,
          lossLimitWindowMs: 86_400_000,
          selfExcludedUntil: null,
        }),
      );
      for (let i = 0; i < 400 && refusedAt < 0; i++) {
        const r = await core.play(wheel(playerId));
        if (!r.ok) {
          expect(r.error.code).toBe('ERR_GLE');
          refusedAt = i;
        } else if (r.value.round.active) {
          value(await core.endRound({ requestId: `e-${r.value.round.roundId}`, playerId, sessionId: 's' }));
        }
      }
    }
    expect(refusedAt).toBeGreaterThanOrEqual(2);
    const loss = await admin.query(
      'SELECT sum(cost_minor - payout_minor) AS loss FROM rgs.rounds WHERE player_id = $1',
      [playerId],
    );
    // The refused round would have let the worst-case loss exceed the limit.
    expect(BigInt(loss.rows[0].loss) + 1_000_000n).toBeGreaterThan(2_500_000n);
    expect(BigInt(loss.rows[0].loss)).toBeLessThanOrEqual(2_500_000n);
  });

  it('enforces the jurisdiction minimum round duration', async () => {
    const playerId = await newPlayer(100_000_000n, 'strict');
    const flags = value(await core.jurisdiction(playerId)).flags;
    expect(flags.minimumRoundDurationMs).toBe(2_500);
    let first = value(await core.play(wheel(playerId)));
    if (first.round.active)
      value(await core.endRound({ requestId: `e-${first.round.roundId}`, playerId, sessionId: 's' }));
    expect(await core.play(wheel(playerId))).toMatchObject({ ok: false, error: { code: 'ERR_GLE' } });
    nowMs += 2_500;
    first = value(await core.play(wheel(playerId)));
    expect(first.round.roundId).toMatch(/-/);
  });
});

describe('recall and replay', () => {
  it('recalls the last rounds newest first with steps, balances and wagers', async () => {
    const playerId = await newPlayer(100_000_000n);
    for (let i = 0; i < 12; i++) {
      const r = value(await core.play(wheel(playerId)));
      if (r.round.active)
        value(await core.endRound({ requestId: `e-${r.round.roundId}`, playerId, sessionId: 's' }));
    }
    const rounds = value(await core.recall(playerId, 10));
    expect(rounds).toHaveLength(10);
    rounds.forEach((round, i) => {
      expect(round.fairness.nonce).toBe(11 - i);
      expect(round.state.length).toBeGreaterThan(0);
      expect(round.balanceAfterMinor).toBe(round.balanceBeforeMinor - round.costMinor + round.payoutMinor);
      if (i > 0) expect(round.balanceAfterMinor).toBe(rounds[i - 1]!.balanceBeforeMinor);
    });
    for (const round of rounds) {
      const report = value(await core.replay(round.roundId));
      expect(report).toMatchObject({ reproduced: true, storedPayoutMinor: round.payoutMinor });
      expect(report.replayedPayoutMinor).toBe(round.payoutMinor);
    }
  });

  it('replays a reel game and detects an altered stored outcome', async () => {
    const playerId = await newPlayer(1_000_000_000n);
    const request = (i: number): PlayRequest => ({
      requestId: `jungle-${playerId}-${i}`,
      playerId,
      sessionId: 's',
      currency: 'EUR',
      gameId: 'jungle-twenty',
      mode: 'base',
      amountMinor: 200_000n,
    });
    let roundId = '';
    for (let i = 0; i < 30; i++) {
      const r = value(await core.play(request(i)));
      roundId = r.round.roundId;
      if (r.round.active) value(await core.endRound({ requestId: `e-${roundId}`, playerId, sessionId: 's' }));
    }
    expect(value(await core.replay(roundId)).reproduced).toBe(true);
    // Negative control: change the stored outcome as superuser behind the guard trigger.
    await admin.query('ALTER TABLE rgs.rounds DISABLE TRIGGER rounds_guard');
    try {
      await admin.query(`UPDATE rgs.rounds SET state = state || '[{"type":"forged"}]'::jsonb WHERE id = $1`, [
        roundId,
      ]);
    } finally {
      await admin.query('ALTER TABLE rgs.rounds ENABLE TRIGGER rounds_guard');
    }
    expect(value(await core.replay(roundId)).reproduced).toBe(false);
  });
});

describe('provably fair', () => {
  it('lets a player verify a closed round from the revealed seed, with their own client seed', async () => {
    const playerId = await newPlayer(100_000_000n);
    expect(value(await core.setClientSeed(playerId, 'my lucky seed'))).toEqual({
      clientSeed: 'my lucky seed',
    });
    const commitment = value(await core.nextSeedCommitment(playerId));
    const played = value(await core.play(wheel(playerId)));
    if (played.round.active) {
      value(await core.endRound({ requestId: `e-${played.round.roundId}`, playerId, sessionId: 's' }));
    }
    const round = value(await core.recall(playerId, 1))[0]!;
    expect(round.fairness).toMatchObject({
      serverSeedCommitment: commitment,
      clientSeed: 'my lucky seed',
      nonce: 0,
    });
    const game = core.games.get('lucky-wheel')!;
    const bet = game.betChoices.get(round.amountMinor)!;
    const check = verifyProvablyFair(
      {
        serverSeedHex: round.fairness.serverSeed!,
        commitmentHex: round.fairness.serverSeedCommitment,
        clientSeed: round.fairness.clientSeed,
        nonce: round.fairness.nonce,
      },
      { draw: (source) => playRound(loadDemoGame('lucky-wheel'), 'base', bet, source).totalWinMinor },
    );
    expect(check.ok).toBe(true);
    if (check.ok) expect(BigInt(check.outcome!) * API_UNITS_PER_GAME_MINOR).toBe(round.payoutMinor);
    // The next round commits to a fresh seed.
    expect(value(await core.nextSeedCommitment(playerId))).not.toBe(commitment);
  });
});

describe('incomplete rounds and rollbacks', () => {
  it('completes (credits) stale rounds by default and voids + refunds under a void-refund policy', async () => {
    const completed = await newPlayer(100_000_000n);
    const voided = await newPlayer(100_000_000n, 'social');
    const w1 = await playUntilWin(completed);
    const w2 = await playUntilWin(voided);
    const cost = 1_000_000n;
    expect(value(await core.voidStaleRounds({ olderThanMs: 60_000 })).map((a) => a.roundId)).not.toContain(
      w1.roundId,
    );
    nowMs += 120_000;
    const actions = value(await core.voidStaleRounds({ olderThanMs: 60_000 }));
    expect(actions).toEqual(
      expect.arrayContaining([
        { roundId: w1.roundId, playerId: completed, action: 'completed', creditedMinor: w1.payoutMinor },
        { roundId: w2.roundId, playerId: voided, action: 'voided-refunded', creditedMinor: cost },
      ]),
    );
    expect(value(await core.balance(completed, 'EUR')).amountMinor).toBe(w1.balance + w1.payoutMinor);
    expect(value(await core.balance(voided, 'EUR')).amountMinor).toBe(w2.balance + cost);
    expect(value(await core.currentRound(voided, 'lucky-wheel'))!.status).toBe('voided');
  });

  it('rolls back an active bet, and tombstones an unknown one so the late bet is refused', async () => {
    const playerId = await newPlayer(100_000_000n);
    let request = wheel(playerId);
    let r = value(await core.play(request));
    for (let i = 0; i < 200 && !r.round.active; i++) {
      request = wheel(playerId);
      r = value(await core.play(request));
    }
    const betRequestId = request.requestId;
    const rolled = value(await core.rollbackBet({ requestId: `rb-${betRequestId}`, playerId, betRequestId }));
    expect(rolled).toEqual({
      balance: { amountMinor: r.balance.amountMinor + 1_000_000n, currency: 'EUR' },
      tombstone: false,
    });
    expect(value(await core.currentRound(playerId, 'lucky-wheel'))!.status).toBe('voided');

    const late = wheel(playerId);
    const tomb = value(
      await core.rollbackBet({ requestId: `rb-${late.requestId}`, playerId, betRequestId: late.requestId }),
    );
    expect(tomb.tombstone).toBe(true);
    expect(await core.play(late)).toMatchObject({ ok: false, error: { code: 'ERR_VAL' } });
  });
});

describe('ledger and append-only storage', () => {
  it('verifies the ledger and the audit chains', async () => {
    const ledger = await core.verifyLedger();
    expect(ledger.problems).toEqual([]);
    expect(ledger.ok).toBe(true);
    expect(ledger.checked).toBeGreaterThan(50);
    const audit = await core.verifyAudit();
    expect(audit.problems).toEqual([]);
    expect(audit.checked).toBeGreaterThan(50);
  });

  it('refuses UPDATE and DELETE of postings, transactions and audit records as the app role', async () => {
    expect(core.databaseRole).toBe('croupier_app'); // the core itself runs as this role
    await admin.query('SET ROLE croupier_app');
    try {
      for (const sql of [
        'UPDATE rgs.postings SET amount_minor = amount_minor + 1',
        'DELETE FROM rgs.postings',
        "UPDATE rgs.ledger_transactions SET kind = 'win'",
        'DELETE FROM rgs.ledger_transactions',
        "UPDATE audit.events SET kind = 'x'",
        'DELETE FROM audit.events',
        'TRUNCATE rgs.postings',
      ]) {
        await expect(admin.query(sql), sql).rejects.toMatchObject({ code: '42501' });
      }
      // The app role may lock its account row but never change a balance directly.
      await expect(admin.query('UPDATE rgs.accounts SET balance_minor = balance_minor + 1')).rejects.toThrow(
        /only through postings/,
      );
    } finally {
      await admin.query('RESET ROLE');
    }
  });

  it('refuses them for a superuser too (triggers), and refuses an unbalanced transaction at commit', async () => {
    for (const sql of [
      'UPDATE rgs.postings SET amount_minor = amount_minor + 1',
      'DELETE FROM rgs.postings',
      "UPDATE rgs.ledger_transactions SET kind = 'win'",
      'DELETE FROM audit.events',
      'DELETE FROM rgs.requests',
      'TRUNCATE audit.events',
    ]) {
      await expect(admin.query(sql), sql).rejects.toThrow(/append-only/);
    }
    const [tx] = (
      await admin.query("SELECT id, player_id FROM rgs.ledger_transactions WHERE kind = 'bet' LIMIT 1")
    ).rows;
    const [account] = (await admin.query('SELECT id FROM rgs.accounts WHERE player_id = $1', [tx.player_id]))
      .rows;
    await admin.query('BEGIN');
    await admin.query(
      `INSERT INTO rgs.ledger_transactions (id, kind, idempotency_key, request_hash, player_id, currency, amount_minor, created_at)
       VALUES (gen_random_uuid(), 'deposit', 'forged', repeat('0', 64), $1, 'EUR', 5, now())`,
      [tx.player_id],
    );
    await admin.query(
      "INSERT INTO rgs.postings (tx_id, account_id, amount_minor) SELECT id, $1, 5 FROM rgs.ledger_transactions WHERE idempotency_key = 'forged'",
      [account.id],
    );
    await expect(admin.query('COMMIT')).rejects.toThrow(/unbalanced/);
    expect(
      (
        await admin.query(
          "SELECT count(*) AS n FROM rgs.ledger_transactions WHERE idempotency_key = 'forged'",
        )
      ).rows[0].n,
    ).toBe('0');
  });

  it('detects an altered audit record and names it (tampered as superuser, trigger disabled)', async () => {
    const [victim] = (
      await admin.query(
        "SELECT chain_id, seq FROM audit.events WHERE kind = 'round.played' ORDER BY chain_id, seq LIMIT 1",
      )
    ).rows;
    await admin.query('ALTER TABLE audit.events DISABLE TRIGGER events_append_only');
    try {
      await admin.query(
        `UPDATE audit.events SET payload = regexp_replace(payload, '"costMinor":"[0-9]+"', '"costMinor":"1"')
          WHERE chain_id = $1 AND seq = $2`,
        [victim.chain_id, victim.seq],
      );
    } finally {
      await admin.query('ALTER TABLE audit.events ENABLE TRIGGER events_append_only');
    }
    const report = await core.verifyAudit();
    expect(report.ok).toBe(false);
    expect(report.problems).toContain(
      `audit record ${victim.chain_id}#${victim.seq}: hash mismatch (record altered)`,
    );
  });

  it('detects a balance changed behind the ledger (negative control for verifyLedger)', async () => {
    const [account] = (await admin.query("SELECT id FROM rgs.accounts WHERE kind = 'player' LIMIT 1")).rows;
    await admin.query('ALTER TABLE rgs.accounts DISABLE TRIGGER accounts_guard');
    try {
      await admin.query('UPDATE rgs.accounts SET balance_minor = balance_minor + 1 WHERE id = $1', [
        account.id,
      ]);
    } finally {
      await admin.query('ALTER TABLE rgs.accounts ENABLE TRIGGER accounts_guard');
    }
    const report = await core.verifyLedger();
    expect(report.ok).toBe(false);
    expect(report.problems.some((p) => p.startsWith(`account ${account.id} (player)`))).toBe(true);
  });
});

describe('game catalogue', () => {
  it('serves a custom game given to createRgsCore and refuses a duplicate', async () => {
    const game = loadGame({
      formatVersion: 1,
      id: 'coin',
      name: 'Coin',
      type: 'table',
      outcomes: [
        { id: 'lose', weight: 1, pay: 0 },
        { id: 'win', weight: 1, pay: 2 },
      ],
      bet: { baseStakeUnits: 1, coinValuesMinor: [100], betLevels: [1] },
      modes: [{ id: 'base', costMultiplier: 1 }],
    });
    await expect(createRgsCore({ db: { url: database.url }, games: [{ game }, { game }] })).rejects.toThrow(
      /twice/,
    );
  });
});
