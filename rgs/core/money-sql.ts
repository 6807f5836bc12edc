/**
 * The money SQL builders: one statement with data-modifying CTEs writes a whole round (see
 * call-context.ts for the read). Every value has its own placeholder.
 */
import type { SqlParam } from '../db/sql-client.ts';
import { AUDIT_INSERT_COLUMNS, type SealedAudit, sealedAuditValues } from './audit.ts';
import { assertBalanced, type LedgerTransaction } from './ledger.ts';
import type { RoundRow } from './rows.ts';
import { encodeStored } from './stored-requests.ts';

/**
 * Numbered parameters of one statement. Every value gets its own placeholder (no parameter is
 * used at two places, so PostgreSQL never has to reconcile two inferred types), and the text
 * depends only on the statement's shape, so that it can be a prepared statement.
 */
export class Params {
  readonly values: SqlParam[] = [];
  add(value: unknown): string {
    this.values.push(value as SqlParam);
    return `$${this.values.length}`;
  }
  row(values: readonly unknown[]): string {
    return `(${values.map((v) => this.add(v)).join(', ')})`;
  }
}

export function ledgerInsert(p: Params, t: LedgerTransaction): string {
  assertBalanced(t);
  return `INSERT INTO rgs.ledger_transactions
      (id, kind, idempotency_key, request_hash, player_id, currency, amount_minor, round_id, reference_tx_id, created_at)
    VALUES ${p.row([t.id, t.kind, t.idempotencyKey, t.requestHash, t.playerId, t.currency, t.amountMinor, t.roundId, t.referenceTxId, t.createdAt])}`;
}

/** Rows are applied in the order given (player first, house last). */
export function postingsInsert(p: Params, t: LedgerTransaction): string {
  const rows = t.postings.map((posting) => p.row([t.id, posting.accountId, posting.amountMinor]));
  return `INSERT INTO rgs.postings (tx_id, account_id, amount_minor) VALUES ${rows.join(', ')}`;
}

export function roundInsert(p: Params, r: RoundRow, stateJson: string, sessionId: string): string {
  return `INSERT INTO rgs.rounds (id, player_id, session_id, game_id, game_version, math_hash, mode, currency,
      amount_minor, cost_minor, payout_minor, coin_value_minor, bet_level, status, event, state,
      server_seed_commitment, server_seed, client_seed, nonce, balance_before_minor, balance_after_minor,
      bet_tx_id, started_at, ended_at)
    VALUES (${[
      r.id,
      r.player_id,
      sessionId,
      r.game_id,
      r.game_version,
      r.math_hash,
      r.mode,
      r.currency,
      r.amount_minor,
      r.cost_minor,
      r.payout_minor,
      r.coin_value_minor,
      r.bet_level,
      r.status,
      r.event,
    ]
      .map((v) => p.add(v))
      .join(', ')}, ${p.add(stateJson)}::jsonb, ${[
      r.server_seed_commitment,
      r.server_seed,
      r.client_seed,
      r.nonce,
      r.balance_before_minor,
      r.balance_after_minor,
      r.bet_tx_id,
      r.started_at,
      r.ended_at,
    ]
      .map((v) => p.add(v))
      .join(', ')})`;
}

export function auditInsert(p: Params, sealed: readonly SealedAudit[]): string {
  const rows = sealed.map((s) => p.row(sealedAuditValues(s)));
  return `INSERT INTO audit.events (${AUDIT_INSERT_COLUMNS}) VALUES ${rows.join(', ')}`;
}

export function requestInsert(
  p: Params,
  requestId: string,
  operation: string,
  playerId: string,
  hash: string,
  response: unknown,
  at: Date,
): string {
  return `INSERT INTO rgs.requests (request_id, operation, player_id, request_hash, response, created_at)
    VALUES (${p.add(requestId)}, ${p.add(operation)}, ${p.add(playerId)}, ${p.add(hash)},
            ${p.add(JSON.stringify(encodeStored(response)))}::jsonb, ${p.add(at)})`;
}
