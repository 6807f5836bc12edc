/**
 * The fast path of play and endRound: one call that locks and reads (rgs.money_call_context), one
 * statement that writes. Round trips per call: BEGIN, context, write, COMMIT.
 */

import type { SqlExecutor } from '../db/sql-client.ts';
import type { ChainHead } from './audit.ts';
import type { LatestRoundView } from './contract.ts';
import { type PlayerRow, ROUND_COLUMNS, type RoundRow } from './rows.ts';
import { classifyPrior, type PriorRequest } from './stored-requests.ts';

/** What rgs.money_call_context returns (migration 005): read under the player's lock. */
export interface MoneyCallContext extends PlayerRow {
  prior_operation: string | null;
  prior_hash: string | null;
  prior_response: unknown;
  tombstoned: boolean;
  last_start: Date | null;
  window_loss_minor: bigint | null;
  audit_seq: bigint | null;
  audit_hash: string | null;
  session_started_at: Date | null;
  session_checked_at: Date | null;
  active_id: string | null;
  active_game_id: string | null;
  active_payout_minor: bigint | null;
  active_cost_minor: bigint | null;
  active_bet_tx_id: string | null;
  active_server_seed: string | null;
}

export async function moneyCallContext(
  tx: SqlExecutor,
  playerId: string,
  requestId: string,
  betKey: string | null,
  sessionId: string | null,
  now: Date,
): Promise<MoneyCallContext | undefined> {
  const [row] = await tx.query<MoneyCallContext>(
    'SELECT * FROM rgs.money_call_context($1, $2, $3, $4, $5)',
    [playerId, requestId, betKey, sessionId, now],
    { prepare: 'rgs-money-call-context' },
  );
  return row;
}

/** MoneyCallContext read with the caller's LatestRoundView (one statement, the same round trip). */
export interface ViewedContext {
  readonly ctx: MoneyCallContext | undefined;
  /** The effective requestId (viewRequestId when the view is keyed). */
  readonly requestId: string;
  /** The latest round of the view's game (play: id and status only), or null. */
  readonly round: RoundRow | null;
}

/**
 * The player's latest round in a game (`player` and `game` are SQL expressions): the active one,
 * else the one with the highest nonce. Written as two index lookups (the partial unique index of
 * the active round, then a backward scan of UNIQUE (player_id, nonce)) whose first hit ends it,
 * not as ORDER BY (status = 'active') DESC, nonce DESC, which sorts every round of the player.
 */
export function latestRoundSql(columns: string, player: string, game: string): string {
  return `(SELECT ${columns} FROM rgs.rounds r WHERE r.player_id = ${player} AND r.status = 'active'
             AND r.game_id = ${game})
          UNION ALL
          (SELECT ${columns} FROM rgs.rounds r WHERE r.player_id = ${player} AND r.game_id = ${game}
            ORDER BY r.nonce DESC LIMIT 1)
          LIMIT 1`;
}

export const ROUND_COLUMN_NAMES = ROUND_COLUMNS.split(',').map((c) => c.trim());
export const VIEW_COLUMNS_FULL = ROUND_COLUMN_NAMES.map((c) => `r.${c} AS view_${c}`).join(', ');
export const VIEW_COLUMNS_BRIEF = 'r.id AS view_id, r.status AS view_status';

/**
 * With a latest-round view, the first attempt's read fixes the requestId and the viewed round for
 * every retry of the transaction (as one read before the call did); `pin` carries them across.
 */
export interface ViewPin {
  value?: { readonly requestId: string; readonly round: RoundRow | null };
}

/**
 * Round trip 1 of a money call: the locked context, through the view on the first attempt. A play
 * also asks for its bet key's tombstone and its session; an end-round needs the full active round.
 */
export async function readCallContext(
  tx: SqlExecutor,
  call: {
    readonly playerId: string;
    readonly requestId: string;
    readonly view: LatestRoundView | undefined;
    readonly forPlay: boolean;
    readonly sessionId: string | null;
    readonly now: Date;
  },
  pin: ViewPin,
): Promise<MoneyCallContext | undefined> {
  if (call.view !== undefined && pin.value === undefined) {
    const viewed = await moneyCallContextWithView(
      tx,
      call.playerId,
      call.requestId,
      call.view,
      call.forPlay,
      call.sessionId,
      call.now,
      !call.forPlay,
    );
    if (viewed.ctx !== undefined) pin.value = { requestId: viewed.requestId, round: viewed.round };
    return viewed.ctx;
  }
  const requestId = pin.value?.requestId ?? call.requestId;
  return await moneyCallContext(
    tx,
    call.playerId,
    requestId,
    call.forPlay ? `bet:${requestId}` : null,
    call.sessionId,
    call.now,
  );
}

/**
 * rgs.money_call_context preceded, in the same statement, by the read of the player's latest round
 * in a game (currentRound's query). The statement's snapshot is taken when it starts, before the
 * function waits for the player's lock, so the view is what a separate read just before the call
 * would have returned (racing calls both see the state from before either commits); the function's
 * own reads still take fresh snapshots after the lock (plpgsql, VOLATILE). The effective requestId
 * (and the bet key) are built from the view in SQL exactly as viewRequestId builds them.
 */
export async function moneyCallContextWithView(
  tx: SqlExecutor,
  playerId: string,
  requestId: string,
  view: LatestRoundView,
  withBetKey: boolean,
  sessionId: string | null,
  now: Date,
  fullRound: boolean,
): Promise<ViewedContext> {
  const [row] = await tx.query<MoneyCallContext & Record<string, unknown>>(
    `SELECT k.*, c.*
       FROM (SELECT v.*, CASE WHEN $3::boolean THEN $2::text || ':' || coalesce(v.view_id::text, 'none')
                              ELSE $2::text END AS view_request_id
               FROM (SELECT 1) AS one
               LEFT JOIN LATERAL (
                 ${latestRoundSql(fullRound ? VIEW_COLUMNS_FULL : VIEW_COLUMNS_BRIEF, '$1::uuid', '$4::text')}
               ) AS v ON true) AS k,
            LATERAL rgs.money_call_context($5::uuid, k.view_request_id,
              CASE WHEN $6::boolean THEN 'bet:' || k.view_request_id END, $7::text, $8::timestamptz) AS c`,
    [playerId, requestId, view.keyed, view.gameId, playerId, withBetKey, sessionId, now],
    { prepare: fullRound ? 'rgs-money-call-context-view-full' : 'rgs-money-call-context-view' },
  );
  if (row === undefined) return { ctx: undefined, requestId, round: null };
  let round: RoundRow | null = null;
  if (row.view_id !== null && row.view_id !== undefined) {
    const fields: Record<string, unknown> = {};
    for (const name of fullRound ? ROUND_COLUMN_NAMES : ['id', 'status']) fields[name] = row[`view_${name}`];
    round = fields as RoundRow;
  }
  return { ctx: row, requestId: row.view_request_id as string, round };
}

export function headOf(ctx: MoneyCallContext): ChainHead | null {
  if (ctx.audit_seq === null || ctx.audit_hash === null) return null;
  return { seq: ctx.audit_seq, hash: ctx.audit_hash };
}

/** The stored request rgs.money_call_context read, classified (the one idempotency path). */
export function priorOf(ctx: MoneyCallContext, operation: string, hash: string): PriorRequest {
  return classifyPrior(
    { operation: ctx.prior_operation, hash: ctx.prior_hash, response: ctx.prior_response },
    operation,
    hash,
  );
}
