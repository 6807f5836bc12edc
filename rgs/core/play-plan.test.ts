/**
 * planPlay without a database: the plan of a round from a player's row, a served game and ids —
 * money conserved, the round closed exactly when it pays nothing, reproducible from the seed.
 */
import { describe, expect, it } from 'vitest';
import { loadDemoGame } from '../../games/index.ts';
import { commitServerSeed } from '../../rng/index.ts';
import type { MoneyCallContext } from './call-context.ts';
import { prepareServedGame } from './games.ts';
import { DEFAULT_JURISDICTIONS } from './jurisdictions.ts';
import { assertBalanced } from './ledger.ts';
import { type PlayPlanInput, planPlay } from './play-plan.ts';
import { InvariantError } from './rows.ts';

const served = prepareServedGame({ game: loadDemoGame('lucky-wheel') });
const amountMinor = served.config.betLevels[0]!;
const choice = served.betChoices.get(amountMinor)!;
const SEED = 'ab'.repeat(32);
const BALANCE = 100_000_000n;
const NONCES_MAX = 500;

function player(nonce: bigint, balance = BALANCE): MoneyCallContext {
  return {
    account_id: 7n,
    balance_minor: balance,
    currency: 'USD',
    jurisdiction: 'default',
    client_seed: 'client-seed',
    next_nonce: nonce,
    next_server_seed: SEED,
    next_seed_commitment: commitServerSeed(Uint8Array.from(Buffer.from(SEED, 'hex'))),
    loss_limit_minor: null,
    loss_limit_window_ms: null,
    self_excluded_until: null,
    prior_operation: null,
    prior_hash: null,
    prior_response: null,
    tombstoned: false,
    last_start: null,
    window_loss_minor: null,
    audit_seq: 3n,
    audit_hash: 'f'.repeat(64),
    session_started_at: null,
    session_checked_at: null,
    active_id: null,
    active_game_id: null,
    active_payout_minor: null,
    active_cost_minor: null,
    active_bet_tx_id: null,
    active_server_seed: null,
  };
}

function input(nonce: bigint, balance = BALANCE): PlayPlanInput {
  return {
    served,
    choice,
    playerId: '11111111-1111-4111-8111-111111111111',
    sessionId: 'session-1',
    mode: 'base',
    amountMinor,
    costMinor: amountMinor,
    requestId: `request-${nonce}`,
    hash: 'h'.repeat(64),
    roundId: '22222222-2222-4222-8222-222222222222',
    betTxId: '33333333-3333-4333-8333-333333333333',
    houseAccountId: 9n,
    player: player(nonce, balance),
    policy: DEFAULT_JURISDICTIONS.default!,
    now: new Date('2026-01-01T00:00:00Z'),
  };
}

describe('planPlay', () => {
  it('debits the cost against the house, balanced, keyed on the requestId', () => {
    const plan = planPlay(input(0n));
    assertBalanced(plan.bet);
    expect(plan.bet.idempotencyKey).toBe('bet:request-0');
    expect(plan.bet.postings).toEqual([
      { accountId: 7n, amountMinor: -amountMinor },
      { accountId: 9n, amountMinor },
    ]);
    expect(plan.value.balance).toEqual({ amountMinor: BALANCE - amountMinor, currency: 'USD' });
    expect(plan.row.balance_before_minor).toBe(BALANCE);
    // Sealed onto the chain head read under the lock, each record linked to the one before.
    expect(plan.audits[0]!.seq).toBe(4n);
    expect(plan.audits[0]!.prevHash).toBe('f'.repeat(64));
    for (let i = 1; i < plan.audits.length; i++)
      expect(plan.audits[i]!.prevHash).toBe(plan.audits[i - 1]!.hash);
  });

  it('closes the round exactly when it pays nothing, and is reproducible from the seed', () => {
    let sawWin = false;
    let sawLoss = false;
    for (let nonce = 0n; nonce < BigInt(NONCES_MAX) && !(sawWin && sawLoss); nonce++) {
      const plan = planPlay(input(nonce));
      expect(planPlay(input(nonce))).toEqual(plan);
      const pays = plan.row.payout_minor > 0n;
      expect(plan.closed).toBe(!pays);
      expect(plan.row.status).toBe(pays ? 'active' : 'closed');
      expect(plan.audits.map((a) => a.record.kind)).toEqual(
        pays ? ['round.played'] : ['round.played', 'round.closed'],
      );
      expect(plan.row.balance_after_minor).toBe(pays ? null : BALANCE - amountMinor);
      expect(plan.value.round.fairness.serverSeed).toBe(pays ? null : SEED);
      if (pays) sawWin = true;
      else sawLoss = true;
    }
    expect(sawWin && sawLoss).toBe(true);
  });

  it('negative control: planning without the funds is a broken invariant', () => {
    expect(() => planPlay(input(0n, amountMinor - 1n))).toThrow(InvariantError);
  });
});
