/**
 * Settlement: end-round (credit the win, close, reveal the seed), the round-closing and voiding steps shared with rollbacks, and the stale-round sweep (jurisdiction policy).
 * Functions of a CoreContext (context.ts), composed by createRgsCore (core.ts).
 */
import { randomUUID } from 'node:crypto';
import type { SqlExecutor } from '../db/sql-client.ts';
import { appendAudit, playerChain, sealAudit } from './audit.ts';
import { headOf, priorOf, readCallContext, type ViewPin } from './call-context.ts';
import { type CoreContext, MAX_STALE_ROUNDS_PER_CALL } from './context.ts';
import {
  type Balance,
  type EndRoundRequest,
  NO_ROUND_MESSAGE,
  type Result,
  type RgsCore,
  type RoundDetail,
} from './contract.ts';
import type { RgsCoreService, StaleRoundAction } from './core.ts';
import type { IncompleteRoundPolicy } from './jurisdictions.ts';
import { type LedgerTransaction, writeLedgerTransaction } from './ledger.ts';
import { auditInsert, ledgerInsert, Params, postingsInsert, requestInsert } from './money-sql.ts';
import {
  fail,
  InvariantError,
  type LockedPlayer,
  lockPlayer,
  ok,
  ROUND_COLUMNS,
  type RoundRow,
  requestHash,
  roundDetail,
  validRequestId,
  validView,
} from './rows.ts';
import { IDEM_MESSAGE } from './stored-requests.ts';

export function settlementOperations(ctx: CoreContext) {
  const { db, clock, jurisdictions, guard, moneyTx, checkPlayerId, houseShard } = ctx;

  // ----- settlement (endRound, stale rounds, rollbacks)

  /** Credits the round's payout (win referencing the bet), closes it and reveals its seed. */
  async function settleRound(
    tx: SqlExecutor,
    round: RoundRow,
    player: LockedPlayer,
    now: Date,
    how: 'end-round' | 'auto-complete',
  ): Promise<bigint> {
    if (round.payout_minor <= 0n) throw new InvariantError(`active round ${round.id} pays nothing`);
    const winTxId = randomUUID();
    const balanceAfter = player.balance_minor + round.payout_minor;
    await writeLedgerTransaction(tx, {
      id: winTxId,
      kind: 'win',
      idempotencyKey: `win:${round.id}`,
      requestHash: requestHash({ op: 'win', roundId: round.id, payoutMinor: round.payout_minor }),
      playerId: round.player_id,
      currency: round.currency,
      amountMinor: round.payout_minor,
      roundId: round.id,
      referenceTxId: round.bet_tx_id,
      createdAt: now,
      postings: [
        { accountId: player.account_id, amountMinor: round.payout_minor },
        {
          accountId: await houseShard(tx, 'house', round.currency, round.player_id),
          amountMinor: -round.payout_minor,
        },
      ],
    });
    await tx.query(
      `UPDATE rgs.rounds SET status = 'closed', balance_after_minor = $2, settle_tx_id = $3, ended_at = $4
        WHERE id = $1 AND status = 'active'`,
      [round.id, balanceAfter, winTxId, now],
    );
    await appendAudit(tx, {
      chainId: playerChain(round.player_id),
      kind: 'round.closed',
      playerId: round.player_id,
      roundId: round.id,
      txId: winTxId,
      recordedAt: now,
      data: {
        how,
        payoutMinor: round.payout_minor,
        serverSeed: round.server_seed,
        balanceAfterMinor: balanceAfter,
      },
    });
    return balanceAfter;
  }

  /** Voids the round and refunds its cost ('refund' or a Hub88 'rollback'). */
  async function voidRound(
    tx: SqlExecutor,
    round: RoundRow,
    player: LockedPlayer,
    now: Date,
    kind: 'refund' | 'rollback',
    reason: string,
    idempotencyKey: string,
  ): Promise<bigint> {
    const txId = randomUUID();
    const balanceAfter = player.balance_minor + round.cost_minor;
    await writeLedgerTransaction(tx, {
      id: txId,
      kind,
      idempotencyKey,
      requestHash: requestHash({ op: kind, roundId: round.id, amountMinor: round.cost_minor }),
      playerId: round.player_id,
      currency: round.currency,
      amountMinor: round.cost_minor,
      roundId: round.id,
      referenceTxId: round.bet_tx_id,
      createdAt: now,
      postings: [
        { accountId: player.account_id, amountMinor: round.cost_minor },
        {
          accountId: await houseShard(tx, 'house', round.currency, round.player_id),
          amountMinor: -round.cost_minor,
        },
      ],
    });
    await tx.query(
      `UPDATE rgs.rounds SET status = 'voided', balance_after_minor = $2, settle_tx_id = $3, ended_at = $4,
              void_reason = $5
        WHERE id = $1 AND status = 'active'`,
      [round.id, balanceAfter, txId, now, reason],
    );
    await appendAudit(tx, {
      chainId: playerChain(round.player_id),
      kind: 'round.voided',
      playerId: round.player_id,
      roundId: round.id,
      txId,
      recordedAt: now,
      data: {
        reason,
        refundMinor: round.cost_minor,
        serverSeed: round.server_seed,
        balanceAfterMinor: balanceAfter,
      },
    });
    return balanceAfter;
  }

  const activeRoundOf = async (tx: SqlExecutor, playerId: string): Promise<RoundRow | undefined> =>
    (
      await tx.query<RoundRow>(
        `SELECT ${ROUND_COLUMNS} FROM rgs.rounds WHERE player_id = $1 AND status = 'active'`,
        [playerId],
      )
    )[0];

  type BalanceValue = { readonly balance: Balance };
  /** BalanceValue (what is stored for replays) and, with a view, the view's round. */
  type EndRoundValue = BalanceValue & { readonly round?: RoundDetail };

  const endRound: RgsCore['endRound'] = (request: EndRoundRequest) =>
    guard('endRound', async () => {
      if (!validRequestId(request?.requestId)) return fail('ERR_VAL', 'invalid requestId');
      const view = validView(request.latestRoundView, request.requestId);
      if (view === 'invalid') return fail('ERR_VAL', 'invalid latestRoundView');
      const bad = checkPlayerId(request.playerId);
      if (bad) return { ok: false, error: bad };
      const hash = requestHash({ op: 'end-round', playerId: request.playerId });
      const winTxId = randomUUID();
      const pin: ViewPin = {};
      return await moneyTx(async (tx): Promise<Result<EndRoundValue>> => {
        const now = clock();
        // Round trip 1 (after BEGIN): [the view,] lock, idempotency, the active round, audit head.
        const ctx = await readCallContext(
          tx,
          { ...request, view, forPlay: false, sessionId: null, now },
          pin,
        );
        const pinned = pin.value;
        if (ctx === undefined) return fail('ERR_VAL', 'unknown player');
        if (pinned !== undefined && pinned.round === null) return fail('ERR_BNF', NO_ROUND_MESSAGE);
        const requestId = pinned?.requestId ?? request.requestId;
        const viewRound = pinned?.round ? { round: roundDetail(pinned.round) } : {};
        const prior = priorOf(ctx, 'end-round', hash);
        if (prior.outcome === 'replay') return ok({ ...(prior.response as BalanceValue), ...viewRound });
        if (prior.outcome === 'conflict') return fail('ERR_IDEM', IDEM_MESSAGE);
        // Scoped to the caller's game: a session of game A never ends the round of game B (#5).
        const gameId = view?.gameId ?? request.gameId;
        if (ctx.active_id === null || (gameId !== undefined && ctx.active_game_id !== gameId)) {
          return fail('ERR_BNF', 'no active round');
        }
        const roundId = ctx.active_id;
        const payoutMinor = ctx.active_payout_minor!;
        if (payoutMinor <= 0n) throw new InvariantError(`active round ${roundId} pays nothing`);
        const balanceAfter = ctx.balance_minor + payoutMinor;
        const win: LedgerTransaction = {
          id: winTxId,
          kind: 'win',
          idempotencyKey: `win:${roundId}`,
          requestHash: requestHash({ op: 'win', roundId, payoutMinor }),
          playerId: request.playerId,
          currency: ctx.currency,
          amountMinor: payoutMinor,
          roundId,
          referenceTxId: ctx.active_bet_tx_id,
          createdAt: now,
          postings: [
            { accountId: ctx.account_id, amountMinor: payoutMinor },
            {
              accountId: await houseShard(tx, 'house', ctx.currency, request.playerId),
              amountMinor: -payoutMinor,
            },
          ],
        };
        const closedRecord = sealAudit(
          {
            chainId: playerChain(request.playerId),
            kind: 'round.closed',
            playerId: request.playerId,
            roundId,
            txId: winTxId,
            recordedAt: now,
            data: {
              how: 'end-round',
              payoutMinor,
              serverSeed: ctx.active_server_seed,
              balanceAfterMinor: balanceAfter,
            },
          },
          headOf(ctx),
        );
        const value: BalanceValue = { balance: { amountMinor: balanceAfter, currency: ctx.currency } };
        // Round trip 2: the win and its postings, the round closed, its audit record and the
        // stored response in one statement (then COMMIT).
        const p = new Params();
        const [written] = await tx.query<{ n: bigint }>(
          `WITH win AS (${ledgerInsert(p, win)}),
                legs AS (${postingsInsert(p, win)}),
                closed AS (UPDATE rgs.rounds SET status = 'closed', balance_after_minor = ${p.add(balanceAfter)},
                                  settle_tx_id = ${p.add(winTxId)}, ended_at = ${p.add(now)}
                            WHERE id = ${p.add(roundId)} AND status = 'active' RETURNING 1 AS one),
                audit AS (${auditInsert(p, [closedRecord])}),
                stored AS (${requestInsert(p, requestId, 'end-round', request.playerId, hash, value, now)})
           SELECT count(*) AS n FROM closed`,
          p.values,
          { prepare: 'rgs-end-round' },
        );
        if (written?.n !== 1n) throw new InvariantError(`round ${roundId} changed under its player's lock`);
        return ok({ ...value, ...viewRound });
      });
    });

  const voidStaleRounds: RgsCoreService['voidStaleRounds'] = (opts) =>
    guard('voidStaleRounds', async () => {
      const olderThanMs = opts?.olderThanMs;
      if (!(Number.isSafeInteger(olderThanMs) && olderThanMs >= 0))
        return fail('ERR_VAL', 'invalid olderThanMs');
      const limit = opts.limit ?? MAX_STALE_ROUNDS_PER_CALL;
      if (!(Number.isInteger(limit) && limit >= 1 && limit <= MAX_STALE_ROUNDS_PER_CALL)) {
        return fail('ERR_VAL', `limit must be 1..${MAX_STALE_ROUNDS_PER_CALL}`);
      }
      const deadline = new Date(clock().getTime() - olderThanMs);
      const stale = await db.query<{ id: string; player_id: string; jurisdiction: string }>(
        `SELECT r.id, r.player_id, p.jurisdiction FROM rgs.rounds r JOIN rgs.players p ON p.id = r.player_id
          WHERE r.status = 'active' AND r.started_at < $1 ORDER BY r.started_at LIMIT $2`,
        [deadline, limit],
      );
      const actions: StaleRoundAction[] = [];
      for (const candidate of stale) {
        const policy: IncompleteRoundPolicy =
          jurisdictions[candidate.jurisdiction]?.incompleteRounds ?? 'complete';
        const action = await moneyTx(async (tx): Promise<StaleRoundAction | null> => {
          const player = await lockPlayer(tx, candidate.player_id);
          const round = await activeRoundOf(tx, candidate.player_id);
          // Ended meanwhile (endRound won the race): nothing to do.
          if (player === undefined || round === undefined || round.id !== candidate.id) return null;
          const now = clock();
          if (policy === 'complete') {
            await settleRound(tx, round, player, now, 'auto-complete');
            return {
              roundId: round.id,
              playerId: round.player_id,
              action: 'completed',
              creditedMinor: round.payout_minor,
            };
          }
          await voidRound(
            tx,
            round,
            player,
            now,
            'refund',
            `incomplete after ${olderThanMs} ms`,
            `refund:${round.id}`,
          );
          return {
            roundId: round.id,
            playerId: round.player_id,
            action: 'voided-refunded',
            creditedMinor: round.cost_minor,
          };
        });
        if (action !== null) actions.push(action);
      }
      return ok(actions);
    });

  return { settleRound, voidRound, activeRoundOf, endRound, voidStaleRounds };
}

export type SettlementOperations = ReturnType<typeof settlementOperations>;
