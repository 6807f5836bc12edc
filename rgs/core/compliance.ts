import type { SqlExecutor } from '../db/sql-client.ts';
import { appendAudit, playerChain } from './audit.ts';
import type { MoneyCallContext } from './call-context.ts';
import { type CoreContext, DAY_MS, WEEK_MS } from './context.ts';
import type { Result, RgsCore, SessionStatus } from './contract.ts';
import type { JurisdictionPolicy } from './jurisdictions.ts';
import { fail, InvariantError, type LockedPlayer, lockPlayer, ok, validSessionId } from './rows.ts';

export function complianceOperations(ctx: CoreContext) {
  const { clock, guard, moneyTx, checkPlayerId, policyOf } = ctx;

  /**
   * Why the play is refused (self-exclusion, minimum round duration, reality check due, loss
   * limit), or null. Pure: everything it needs was read under the player's lock.
   */
  function playRefusal(
    ctx: MoneyCallContext,
    policy: JurisdictionPolicy,
    costMinor: bigint,
    now: Date,
  ): { readonly reason: string; readonly retryAfterMs?: number } | null {
    if (ctx.self_excluded_until !== null && ctx.self_excluded_until > now) {
      return { reason: `self-excluded until ${ctx.self_excluded_until.toISOString()}` };
    }
    const minMs = policy.flags.minimumRoundDurationMs;
    if (minMs > 0 && ctx.last_start !== null) {
      const sinceMs = now.getTime() - ctx.last_start.getTime();
      if (sinceMs < minMs) {
        const retryAfterMs = minMs - Math.max(0, sinceMs);
        return {
          reason: `minimum round duration ${minMs} ms: next round allowed in ${retryAfterMs} ms`,
          retryAfterMs,
        };
      }
    }
    const intervalMs = policy.realityCheckIntervalMs ?? 0;
    if (intervalMs > 0 && ctx.session_checked_at !== null && ctx.session_started_at !== null) {
      const sinceCheckMs = now.getTime() - ctx.session_checked_at.getTime();
      if (sinceCheckMs >= intervalMs) {
        const elapsedMin = Math.floor((now.getTime() - ctx.session_started_at.getTime()) / 60_000);
        return {
          reason: `reality check due: ${elapsedMin} min of play in this session; acknowledge it to continue`,
        };
      }
    }
    if (ctx.loss_limit_minor !== null && ctx.loss_limit_window_ms !== null) {
      const loss = ctx.window_loss_minor ?? 0n;
      // Worst case of this round: the whole cost is lost.
      if (loss + costMinor > ctx.loss_limit_minor) {
        return { reason: `loss limit ${ctx.loss_limit_minor} over ${ctx.loss_limit_window_ms} ms` };
      }
    }
    return null;
  }

  /** Elapsed time, wagers, wins and net position of a session, at `now`. */
  async function sessionStatus(
    exec: SqlExecutor,
    playerId: string,
    sessionId: string,
    session: { readonly startedAt: Date; readonly checkedAt: Date },
    policy: JurisdictionPolicy,
    now: Date,
  ): Promise<SessionStatus> {
    const [totals] = await exec.query<{ rounds: bigint; wagered: bigint; won: bigint }>(
      `SELECT count(*) AS rounds, coalesce(sum(cost_minor), 0)::bigint AS wagered,
              coalesce(sum(payout_minor) FILTER (WHERE status = 'closed'), 0)::bigint AS won
         FROM rgs.rounds WHERE player_id = $1 AND session_id = $2 AND status <> 'voided'`,
      [playerId, sessionId],
    );
    const intervalMs = policy.realityCheckIntervalMs ?? 0;
    const dueAtMs = intervalMs > 0 ? session.checkedAt.getTime() + intervalMs : null;
    return {
      sessionId,
      startedAt: session.startedAt.toISOString(),
      elapsedMs: Math.max(0, now.getTime() - session.startedAt.getTime()),
      netPositionMinor: totals!.won - totals!.wagered,
      wageredMinor: totals!.wagered,
      wonMinor: totals!.won,
      rounds: Number(totals!.rounds),
      realityCheckIntervalMs: intervalMs,
      realityCheckDueAt: dueAtMs === null ? null : new Date(dueAtMs).toISOString(),
      realityCheckDue: dueAtMs !== null && now.getTime() >= dueAtMs,
    };
  }

  /** The session's row, created (started now) when missing. */
  async function ensureSession(
    exec: SqlExecutor,
    playerId: string,
    sessionId: string,
    now: Date,
  ): Promise<{ startedAt: Date; checkedAt: Date }> {
    const [row] = await exec.query<{ started_at: Date; reality_checked_at: Date }>(
      `WITH created AS (
         INSERT INTO rgs.play_sessions (player_id, session_id, started_at, reality_checked_at)
         VALUES ($1, $2, $3, $3) ON CONFLICT (player_id, session_id) DO NOTHING
         RETURNING started_at, reality_checked_at)
       SELECT started_at, reality_checked_at FROM created
       UNION ALL
       SELECT started_at, reality_checked_at FROM rgs.play_sessions WHERE player_id = $1 AND session_id = $2
       LIMIT 1`,
      [playerId, sessionId, now],
    );
    if (row === undefined) throw new InvariantError(`session ${sessionId} neither created nor found`);
    return { startedAt: row.started_at, checkedAt: row.reality_checked_at };
  }

  const startSession: RgsCore['startSession'] = (request) =>
    guard('startSession', async () => {
      const bad = checkPlayerId(request?.playerId);
      if (bad) return { ok: false, error: bad };
      if (!validSessionId(request.sessionId)) return fail('ERR_VAL', 'invalid sessionId');
      const now = clock();
      return await moneyTx(async (tx): Promise<Result<SessionStatus>> => {
        const [player] = await tx.query<{ jurisdiction: string }>(
          'SELECT jurisdiction FROM rgs.players WHERE id = $1',
          [request.playerId],
        );
        if (player === undefined) return fail('ERR_VAL', 'unknown player');
        const session = await ensureSession(tx, request.playerId, request.sessionId, now);
        return ok(
          await sessionStatus(
            tx,
            request.playerId,
            request.sessionId,
            session,
            policyOf(player.jurisdiction),
            now,
          ),
        );
      });
    });

  const realityCheck: RgsCore['realityCheck'] = (request) =>
    guard('realityCheck', async () => {
      const bad = checkPlayerId(request?.playerId);
      if (bad) return { ok: false, error: bad };
      if (!validSessionId(request.sessionId)) return fail('ERR_VAL', 'invalid sessionId');
      type Checked = SessionStatus & { readonly acknowledged: boolean };
      return await moneyTx(async (tx): Promise<Result<Checked>> => {
        // The player's lock: an acknowledgement and a play of the same player never interleave.
        const player = await lockPlayer(tx, request.playerId);
        if (player === undefined) return fail('ERR_VAL', 'unknown player');
        const now = clock();
        const policy = policyOf(player.jurisdiction);
        const session = await ensureSession(tx, request.playerId, request.sessionId, now);
        const status = await sessionStatus(tx, request.playerId, request.sessionId, session, policy, now);
        if (!status.realityCheckDue) return ok({ ...status, acknowledged: false });
        await tx.query(
          'UPDATE rgs.play_sessions SET reality_checked_at = $3 WHERE player_id = $1 AND session_id = $2',
          [request.playerId, request.sessionId, now],
        );
        await appendAudit(tx, {
          chainId: playerChain(request.playerId),
          kind: 'reality-check.acknowledged',
          playerId: request.playerId,
          roundId: null,
          txId: null,
          recordedAt: now,
          data: {
            sessionId: request.sessionId,
            elapsedMs: status.elapsedMs,
            netPositionMinor: status.netPositionMinor,
            wageredMinor: status.wageredMinor,
            wonMinor: status.wonMinor,
            rounds: status.rounds,
          },
        });
        const acknowledged = await sessionStatus(
          tx,
          request.playerId,
          request.sessionId,
          { startedAt: session.startedAt, checkedAt: now },
          policy,
          now,
        );
        return ok({ ...acknowledged, acknowledged: true });
      });
    });

  /** Why a deposit is refused (over the daily or weekly deposit limit), or null. */
  async function depositRefusal(
    tx: SqlExecutor,
    playerId: string,
    player: LockedPlayer,
    amountMinor: bigint,
    now: Date,
  ): Promise<string | null> {
    const daily = player.deposit_limit_daily_minor;
    const weekly = player.deposit_limit_weekly_minor;
    if (daily === null && weekly === null) return null;
    const [sums] = await tx.query<{ day: bigint; week: bigint }>(
      `SELECT coalesce(sum(amount_minor) FILTER (WHERE created_at > $2), 0)::bigint AS day,
              coalesce(sum(amount_minor), 0)::bigint AS week
         FROM rgs.ledger_transactions
        WHERE player_id = $1 AND kind = 'deposit' AND created_at > $3`,
      [playerId, new Date(now.getTime() - DAY_MS), new Date(now.getTime() - WEEK_MS)],
    );
    if (daily !== null && sums!.day + amountMinor > daily) {
      return `deposit limit ${daily} per 24 h (deposited ${sums!.day} in the last 24 h)`;
    }
    if (weekly !== null && sums!.week + amountMinor > weekly) {
      return `deposit limit ${weekly} per 7 days (deposited ${sums!.week} in the last 7 days)`;
    }
    return null;
  }

  return { playRefusal, sessionStatus, ensureSession, startSession, realityCheck, depositRefusal };
}

export type ComplianceOperations = ReturnType<typeof complianceOperations>;
