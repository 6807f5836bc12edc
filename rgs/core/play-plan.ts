/**
 * Pure planning of a play (no database, no clock, no randomness of its own): given the player's row
 * read under the lock, the served game, the bet and the ids, it evaluates the round from the
 * committed seed and returns everything the write statement stores — the bet and its postings, the
 * round row, the audit record(s) sealed onto the chain head, and the response. Testable without a
 * database (play-plan.test.ts); core.ts turns the plan into one statement.
 */

import type { BetChoice } from '../../games/index.ts';
import { ProvablyFairSource } from '../../rng/index.ts';
import { playerChain, type SealedAudit, sealAudit } from './audit.ts';
import { headOf, type MoneyCallContext } from './call-context.ts';
import type { Balance, RoundDetail } from './contract.ts';
import { type ServedGame, stateHash } from './games.ts';
import type { JurisdictionPolicy } from './jurisdictions.ts';
import type { LedgerTransaction } from './ledger.ts';
import { hexToBytes, InvariantError, type RoundRow, roundDetail } from './rows.ts';

export interface PlayPlanInput {
  readonly served: ServedGame;
  readonly choice: BetChoice;
  readonly playerId: string;
  readonly sessionId: string;
  readonly mode: string;
  /** Base bet (API units). */
  readonly amountMinor: bigint;
  /** What is debited: amountMinor × the mode's cost multiplier. */
  readonly costMinor: bigint;
  /** The effective requestId (the bet's idempotency key is `bet:<requestId>`). */
  readonly requestId: string;
  readonly hash: string;
  readonly roundId: string;
  readonly betTxId: string;
  /** The house shard account the bet is posted to. */
  readonly houseAccountId: bigint;
  /** The player's row and context, read under the player's lock. */
  readonly player: MoneyCallContext;
  readonly policy: JurisdictionPolicy;
  readonly now: Date;
}

export interface PlayPlan {
  readonly bet: LedgerTransaction;
  readonly row: RoundRow;
  readonly stateJson: string;
  readonly audits: readonly SealedAudit[];
  readonly value: { readonly balance: Balance; readonly round: RoundDetail };
  /** The round pays nothing: closed at once (no end-round). */
  readonly closed: boolean;
  /** The first play of a session under reality checks starts the session's clock. */
  readonly startsSession: boolean;
}

export function planPlay(input: PlayPlanInput): PlayPlan {
  const { served, choice, costMinor, requestId, hash, roundId, betTxId, now } = input;
  const ctx = input.player;
  if (ctx.balance_minor < costMinor) throw new InvariantError('planPlay called without the funds');
  const betKey = `bet:${requestId}`;
  const chainId = playerChain(input.playerId);
  const serverSeedHex = ctx.next_server_seed;
  const nonce = Number(ctx.next_nonce);
  // The served game's own round (evaluator or publication draw): the plan does not know which.
  const outcome = served.play(
    input.mode,
    input.amountMinor,
    choice,
    new ProvablyFairSource({
      serverSeed: hexToBytes(serverSeedHex),
      clientSeed: ctx.client_seed,
      nonce,
    }),
  );
  if (outcome.costMinor !== costMinor) {
    throw new InvariantError(`the game's stake ${outcome.costMinor} does not match cost ${costMinor}`);
  }
  const { payoutMinor, events } = outcome;
  const stateJson = JSON.stringify(events);
  const balanceAfterDebit = ctx.balance_minor - costMinor;
  const closed = payoutMinor === 0n;
  const bet: LedgerTransaction = {
    id: betTxId,
    kind: 'bet',
    idempotencyKey: betKey,
    requestHash: hash,
    playerId: input.playerId,
    currency: ctx.currency,
    amountMinor: costMinor,
    roundId,
    referenceTxId: null,
    createdAt: now,
    postings: [
      { accountId: ctx.account_id, amountMinor: -costMinor },
      {
        accountId: input.houseAccountId,
        amountMinor: costMinor,
      },
    ],
  };
  const row: RoundRow = {
    id: roundId,
    player_id: input.playerId,
    game_id: served.id,
    game_version: served.version,
    math_hash: served.mathHash,
    mode: input.mode,
    currency: ctx.currency,
    amount_minor: input.amountMinor,
    cost_minor: costMinor,
    payout_minor: payoutMinor,
    coin_value_minor: choice.coinValueMinor,
    bet_level: choice.betLevel,
    status: closed ? 'closed' : 'active',
    event: null,
    state: JSON.parse(stateJson) as unknown[],
    server_seed_commitment: ctx.next_seed_commitment,
    server_seed: serverSeedHex,
    client_seed: ctx.client_seed,
    nonce: ctx.next_nonce,
    balance_before_minor: ctx.balance_minor,
    balance_after_minor: closed ? balanceAfterDebit : null,
    bet_tx_id: betTxId,
    started_at: now,
    ended_at: closed ? now : null,
  };
  const played = sealAudit(
    {
      chainId,
      kind: 'round.played',
      playerId: input.playerId,
      roundId,
      txId: betTxId,
      recordedAt: now,
      data: {
        requestId,
        sessionId: input.sessionId,
        gameId: served.id,
        gameVersion: served.version,
        mathHash: served.mathHash,
        mode: input.mode,
        amountMinor: input.amountMinor,
        costMinor,
        payoutMinor,
        bet: choice,
        stateSha256: stateHash(events),
        ...(outcome.simulationId !== undefined ? { simulationId: outcome.simulationId } : {}),
        serverSeedCommitment: ctx.next_seed_commitment,
        clientSeed: ctx.client_seed,
        nonce,
        balanceBeforeMinor: ctx.balance_minor,
        balanceAfterDebitMinor: balanceAfterDebit,
      },
    },
    headOf(ctx),
  );
  const audits = [played];
  if (closed) {
    audits.push(
      sealAudit(
        {
          chainId,
          kind: 'round.closed',
          playerId: input.playerId,
          roundId,
          txId: null,
          recordedAt: now,
          data: { payoutMinor, serverSeed: serverSeedHex, balanceAfterMinor: balanceAfterDebit },
        },
        played,
      ),
    );
  }
  const value = {
    balance: { amountMinor: balanceAfterDebit, currency: ctx.currency },
    round: roundDetail(row),
  };
  const startsSession = (input.policy.realityCheckIntervalMs ?? 0) > 0 && ctx.session_started_at === null;
  return { bet, row, stateJson, audits, value, closed, startsSession };
}
