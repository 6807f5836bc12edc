/**
 * Play: validation, the locked read (call-context.ts), compliance, funds, planPlay (pure), one write statement.
 * Functions of a CoreContext (context.ts), composed by createRgsCore (core.ts).
 */
import { randomUUID } from 'node:crypto';
import { appendAudit, playerChain } from './audit.ts';
import { headOf, latestRoundSql, priorOf, readCallContext, type ViewPin } from './call-context.ts';
import type { ComplianceOperations } from './compliance.ts';
import type { CoreContext } from './context.ts';
import {
  ACTIVE_ROUND_MESSAGE,
  type Balance,
  type PlayRequest,
  type Result,
  type RgsCore,
  type RgsErrorCode,
  type RoundDetail,
} from './contract.ts';
import {
  auditInsert,
  ledgerInsert,
  Params,
  postingsInsert,
  requestInsert,
  roundInsert,
} from './money-sql.ts';
import { planPlay } from './play-plan.ts';
import {
  CURRENCY,
  fail,
  InvariantError,
  ok,
  requestHash,
  validRequestId,
  validSessionId,
  validView,
} from './rows.ts';
import { IDEM_MESSAGE } from './stored-requests.ts';

export function playOperations(ctx: CoreContext, compliance: Pick<ComplianceOperations, 'playRefusal'>) {
  const { db, clock, games, newSeed, guard, moneyTx, checkPlayerId, houseShard, policyOf } = ctx;
  const { playRefusal } = compliance;

  const latestRoundActive = async (playerId: string, gameId: string): Promise<boolean> => {
    if (checkPlayerId(playerId) !== null || !games.has(gameId)) return false;
    const [row] = await db.query<{ active: boolean }>(
      latestRoundSql(`r.status = 'active' AS active`, '$1::uuid', '$2::text'),
      [playerId, gameId],
    );
    return row?.active === true;
  };

  // ----- play

  type PlayValue = { readonly balance: Balance; readonly round: RoundDetail; readonly replayed?: boolean };

  const play: RgsCore['play'] = (request: PlayRequest) =>
    guard('play', async () => {
      if (!validRequestId(request?.requestId)) return fail('ERR_VAL', 'invalid requestId');
      const view = validView(request.latestRoundView, request.requestId);
      if (view === 'invalid') return fail('ERR_VAL', 'invalid latestRoundView');
      // A refused request whose view has an active round is ERR_BE, as when the view was read
      // (and checked) before the call.
      const refuse = async (code: RgsErrorCode, message: string): Promise<Result<PlayValue>> =>
        view !== undefined && (await latestRoundActive(request.playerId, view.gameId))
          ? fail('ERR_BE', ACTIVE_ROUND_MESSAGE)
          : fail(code, message);
      const bad = checkPlayerId(request.playerId);
      if (bad) return { ok: false, error: bad };
      if (!validSessionId(request.sessionId)) return refuse('ERR_VAL', 'invalid sessionId');
      const served = typeof request.gameId === 'string' ? games.get(request.gameId) : undefined;
      if (served === undefined) return refuse('ERR_VAL', 'unknown game');
      if (typeof request.mode !== 'string' || served.costMinor(request.mode, 0n) === undefined) {
        return refuse('ERR_VAL', `unknown mode for ${served.id}`);
      }
      if (typeof request.amountMinor !== 'bigint') return refuse('ERR_VAL', 'amount must be an integer');
      const choice = served.betChoices.get(request.amountMinor);
      const costMinor = served.costMinor(request.mode, request.amountMinor);
      if (choice === undefined || costMinor === undefined) {
        return refuse('ERR_VAL', `amount is not one of the bet levels of ${served.id}`);
      }
      if (typeof request.currency !== 'string' || !CURRENCY.test(request.currency)) {
        return refuse('ERR_VAL', 'invalid currency');
      }
      // The session is transport, not part of the money movement: a retry from a new session is
      // the same request.
      const hash = requestHash({
        op: 'play',
        playerId: request.playerId,
        currency: request.currency,
        gameId: request.gameId,
        mode: request.mode,
        amountMinor: request.amountMinor,
      });
      // Everything that does not depend on the player's row is prepared before the transaction
      // (validation, hashes, the following round's seed and its commitment, ids): the lock is held
      // for one read, the evaluation and one write.
      const followingSeed = newSeed();
      const roundId = randomUUID();
      const betTxId = randomUUID();
      const chainId = playerChain(request.playerId);
      const pin: ViewPin = {};
      return await moneyTx(async (tx): Promise<Result<PlayValue>> => {
        const now = clock();
        // Round trip 1 (after BEGIN): [the view,] lock, then idempotency, tombstone, active round,
        // last start, loss window, audit head, session (rgs.money_call_context, migration 005).
        const ctx = await readCallContext(
          tx,
          { ...request, view, forPlay: true, sessionId: request.sessionId, now },
          pin,
        );
        const pinned = pin.value;
        if (ctx === undefined) return fail('ERR_VAL', 'unknown player');
        const requestId = pinned?.requestId ?? request.requestId;
        // The stored answer first: a resend of a play whose round is still active (a win awaiting
        // end-round) is that play, not a new one (issue 9, #8). A key derived from the view can
        // only match a play made after the viewed round, so this never hides an ERR_BE.
        const prior = priorOf(ctx, 'play', hash);
        if (prior.outcome === 'replay') return ok({ ...(prior.response as PlayValue), replayed: true });
        if (prior.outcome === 'conflict') return fail('ERR_IDEM', IDEM_MESSAGE);
        if (pinned?.round?.status === 'active') return fail('ERR_BE', ACTIVE_ROUND_MESSAGE);
        if (ctx.currency !== request.currency) {
          return fail('ERR_VAL', `the player's currency is ${ctx.currency}`);
        }
        if (ctx.tombstoned) return fail('ERR_VAL', 'this bet was rolled back and cannot be placed');
        if (ctx.active_game_id !== null) {
          return fail('ERR_BE', `a round of ${ctx.active_game_id} is active: end it first`);
        }
        const policy = policyOf(ctx.jurisdiction);
        const refusal = playRefusal(ctx, policy, costMinor, now);
        if (refusal !== null) {
          await appendAudit(
            tx,
            {
              chainId,
              kind: 'compliance.refused',
              playerId: request.playerId,
              roundId: null,
              txId: null,
              recordedAt: now,
              data: {
                requestId,
                sessionId: request.sessionId,
                reason: refusal.reason,
                gameId: served.id,
                costMinor,
              },
            },
            headOf(ctx) ?? undefined,
          );
          return {
            ok: false,
            error: {
              code: 'ERR_GLE',
              message: `gambling limit: ${refusal.reason}`,
              ...(refusal.retryAfterMs !== undefined ? { retryAfterMs: refusal.retryAfterMs } : {}),
            },
          };
        }
        if (ctx.balance_minor < costMinor) return fail('ERR_IPB', 'insufficient balance');

        // The round, planned without the database (planPlay, pure): the bet and its postings, the
        // round row, its audit record(s) and the response.
        const { bet, row, stateJson, audits, value, closed, startsSession } = planPlay({
          served,
          choice,
          playerId: request.playerId,
          sessionId: request.sessionId,
          mode: request.mode,
          amountMinor: request.amountMinor,
          costMinor,
          requestId,
          hash,
          roundId,
          betTxId,
          houseAccountId: await houseShard(tx, 'house', ctx.currency, request.playerId),
          player: ctx,
          policy,
          now,
        });
        // Round trip 2: every write of the round in one statement (then COMMIT): the bet and its
        // postings, the player's next seed, the round, its audit record(s), the session's start
        // (first play of a session under reality checks) and the stored response.
        const p = new Params();
        const parts = [
          `bet AS (${ledgerInsert(p, bet)})`,
          `legs AS (${postingsInsert(p, bet)})`,
          `seed AS (UPDATE rgs.players SET next_nonce = next_nonce + 1, next_server_seed = ${p.add(followingSeed.hex)},
                    next_seed_commitment = ${p.add(followingSeed.commitment)}
                     WHERE id = ${p.add(request.playerId)}::uuid AND next_nonce = ${p.add(ctx.next_nonce)}::bigint
                    RETURNING 1 AS one)`,
          `round AS (${roundInsert(p, row, stateJson, request.sessionId)})`,
          `audit AS (${auditInsert(p, audits)})`,
          ...(startsSession
            ? [
                `session AS (INSERT INTO rgs.play_sessions (player_id, session_id, started_at, reality_checked_at)
                   VALUES (${p.add(request.playerId)}, ${p.add(request.sessionId)}, ${p.add(now)}, ${p.add(now)})
                   ON CONFLICT (player_id, session_id) DO NOTHING)`,
              ]
            : []),
          `stored AS (${requestInsert(p, requestId, 'play', request.playerId, hash, value, now)})`,
        ];
        const [written] = await tx.query<{ n: bigint }>(
          `WITH ${parts.join(',\n')}\nSELECT count(*) AS n FROM seed`,
          p.values,
          { prepare: `rgs-play-${closed ? 'closed' : 'open'}${startsSession ? '-session' : ''}` },
        );
        if (written?.n !== 1n) throw new InvariantError(`player ${request.playerId} changed under its lock`);
        return ok(value);
      });
    });

  return { play };
}

export type PlayOperations = ReturnType<typeof playOperations>;
