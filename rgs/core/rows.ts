/**
 * The core's rows and small helpers: the round row and its API view, the ONE player-row type (what
 * every money call reads under the player's lock), validation of ids, results as values, and the
 * InvariantError that marks a broken invariant (a bug of ours or a corrupted database, never a
 * client's mistake), which the core reports apart from ordinary failures.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../games/index.ts';
import type { SqlExecutor } from '../db/sql-client.ts';
import { jsonSafe } from './audit.ts';
import type { LatestRoundView, Result, RgsErrorCode, RoundDetail } from './contract.ts';
import { payoutMultiplier } from './games.ts';

/** A broken invariant: reported apart from ordinary bugs (RgsCoreOptions.onInvariantViolation). */
export class InvariantError extends Error {
  override name = 'InvariantError';
  constructor(message: string) {
    super(`invariant: ${message}`);
  }
}

export const MAX_REQUEST_ID_LENGTH = 200;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const CURRENCY = /^[A-Z][A-Z0-9]{1,9}$/;

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}
export function fail<T>(code: RgsErrorCode, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
export function requestHash(payload: Record<string, unknown>): string {
  return sha256(canonicalJson(jsonSafe(payload)));
}

export function hexToBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}
export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

export function validRequestId(id: unknown): id is string {
  return typeof id === 'string' && id.length >= 1 && id.length <= MAX_REQUEST_ID_LENGTH;
}

export interface RoundRow extends Record<string, unknown> {
  id: string;
  player_id: string;
  game_id: string;
  game_version: string;
  math_hash: string;
  mode: string;
  currency: string;
  amount_minor: bigint;
  cost_minor: bigint;
  payout_minor: bigint;
  coin_value_minor: number;
  bet_level: number;
  status: 'active' | 'closed' | 'voided';
  event: string | null;
  state: unknown[];
  server_seed_commitment: string;
  server_seed: string;
  client_seed: string;
  nonce: bigint;
  balance_before_minor: bigint;
  balance_after_minor: bigint | null;
  bet_tx_id: string;
  started_at: Date;
  ended_at: Date | null;
}

export const ROUND_COLUMNS = `id, player_id, game_id, game_version, math_hash, mode, currency, amount_minor, cost_minor,
  payout_minor, coin_value_minor, bet_level, status, event, state, server_seed_commitment, server_seed,
  client_seed, nonce, balance_before_minor, balance_after_minor, bet_tx_id, started_at, ended_at`;

export function roundDetail(r: RoundRow): RoundDetail {
  return {
    roundId: r.id,
    gameId: r.game_id,
    gameVersion: r.game_version,
    mathHash: r.math_hash,
    mode: r.mode,
    amountMinor: r.amount_minor,
    costMinor: r.cost_minor,
    payoutMinor: r.payout_minor,
    payoutMultiplier: payoutMultiplier(r.payout_minor, r.amount_minor),
    active: r.status === 'active',
    status: r.status,
    event: r.event,
    state: r.state,
    balanceBeforeMinor: r.balance_before_minor,
    balanceAfterMinor: r.balance_after_minor,
    startedAt: r.started_at.toISOString(),
    endedAt: r.ended_at === null ? null : r.ended_at.toISOString(),
    fairness: {
      serverSeedCommitment: r.server_seed_commitment,
      serverSeed: r.status === 'active' ? null : r.server_seed,
      clientSeed: r.client_seed,
      nonce: Number(r.nonce),
    },
  };
}

/**
 * The player's row as every money call reads it under the player's lock: the account (balance) and
 * the player (seeds, limits). lockPlayer reads it alone; rgs.money_call_context (MoneyCallContext)
 * reads it with the call's context.
 */
export interface PlayerRow extends Record<string, unknown> {
  account_id: bigint;
  balance_minor: bigint;
  currency: string;
  jurisdiction: string;
  client_seed: string;
  next_nonce: bigint;
  next_server_seed: string;
  next_seed_commitment: string;
  loss_limit_minor: bigint | null;
  loss_limit_window_ms: bigint | null;
  self_excluded_until: Date | null;
}

export interface LockedPlayer extends PlayerRow {
  deposit_limit_daily_minor: bigint | null;
  deposit_limit_weekly_minor: bigint | null;
}

/**
 * Locks the player's account row (the per-player lock every money call takes first) and the player
 * row. Both are locked on purpose: under READ COMMITTED a statement that waited for a lock re-reads
 * only the rows it locked, so a joined but unlocked players row would come back stale (the previous
 * round's nonce and seed) after waiting behind a concurrent play.
 */
export async function lockPlayer(tx: SqlExecutor, playerId: string): Promise<LockedPlayer | undefined> {
  const [row] = await tx.query<LockedPlayer>(
    `SELECT a.id AS account_id, a.balance_minor, a.currency, p.jurisdiction, p.client_seed, p.next_nonce,
            p.next_server_seed, p.next_seed_commitment, p.loss_limit_minor, p.loss_limit_window_ms,
            p.self_excluded_until, p.deposit_limit_daily_minor, p.deposit_limit_weekly_minor
       FROM rgs.accounts a JOIN rgs.players p ON p.id = a.player_id
      WHERE a.player_id = $1 AND a.kind = 'player'
      FOR UPDATE OF a, p`,
    [playerId],
  );
  return row;
}

/** The view of a money call, undefined without one, 'invalid' when malformed. */
export function validView(view: unknown, requestId: string): LatestRoundView | undefined | 'invalid' {
  if (view === undefined) return undefined;
  const v = view as LatestRoundView;
  if (typeof v !== 'object' || v === null || typeof v.gameId !== 'string' || typeof v.keyed !== 'boolean') {
    return 'invalid';
  }
  // The effective requestId appends ':' and a round id (36) or 'none'.
  if (v.keyed && requestId.length > MAX_REQUEST_ID_LENGTH - 37) return 'invalid';
  return v;
}

export function validSessionId(id: unknown): id is string {
  return typeof id === 'string' && id.length >= 1 && id.length <= 200;
}
