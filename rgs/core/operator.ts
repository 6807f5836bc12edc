/**
 * Operator side: players, deposits (deposit limits), Hub88-style rollbacks, limits, client seeds.
 * Functions of a CoreContext (context.ts), composed by createRgsCore (core.ts).
 */
import { randomUUID } from 'node:crypto';
import { generateServerSeed } from '../../rng/index.ts';
import { appendAudit, playerChain } from './audit.ts';
import type { ComplianceOperations } from './compliance.ts';
import { type CoreContext, MAX_AMOUNT_MINOR } from './context.ts';
import type { Balance, PlayerSpec, Result, RgsCore } from './contract.ts';
import type { PlayerLimits, RgsCoreService } from './core.ts';
import { ensureHouseAccounts, writeLedgerTransaction } from './ledger.ts';
import {
  bytesToHex,
  CURRENCY,
  fail,
  InvariantError,
  lockPlayer,
  ok,
  ROUND_COLUMNS,
  type RoundRow,
  requestHash,
  validRequestId,
} from './rows.ts';
import type { SettlementOperations } from './settle.ts';
import { IDEM_MESSAGE, priorRequest, storeResponse } from './stored-requests.ts';

type BalanceValue = { readonly balance: Balance };

export function operatorOperations(
  ctx: CoreContext,
  settle: Pick<SettlementOperations, 'voidRound' | 'activeRoundOf'>,
  compliance: Pick<ComplianceOperations, 'depositRefusal'>,
) {
  const {
    clock,
    jurisdictions,
    newSeed,
    drbg,
    guard,
    moneyTx,
    checkPlayerId,
    houseShard,
    currenciesReady,
    shards,
  } = ctx;
  const { voidRound, activeRoundOf } = settle;
  const { depositRefusal } = compliance;

  // ----- players

  const createPlayer: RgsCore['createPlayer'] = (spec: PlayerSpec) =>
    guard('createPlayer', async () => {
      if (typeof spec?.currency !== 'string' || !CURRENCY.test(spec.currency)) {
        return fail('ERR_VAL', 'currency must be 2-10 capital letters or digits');
      }
      if (typeof spec.initialBalanceMinor !== 'bigint' || spec.initialBalanceMinor < 0n) {
        return fail('ERR_VAL', 'initialBalanceMinor must be a non-negative bigint');
      }
      if (spec.initialBalanceMinor > MAX_AMOUNT_MINOR) return fail('ERR_VAL', 'initial balance too large');
      if (typeof spec.jurisdiction !== 'string' || !Object.hasOwn(jurisdictions, spec.jurisdiction)) {
        return fail('ERR_VAL', `unknown jurisdiction (known: ${Object.keys(jurisdictions).join(', ')})`);
      }
      const playerId = randomUUID();
      const seed = newSeed();
      const clientSeed = bytesToHex(generateServerSeed(drbg)).slice(0, 32);
      const now = clock();
      await moneyTx(async (tx) => {
        if (!currenciesReady.has(spec.currency)) await ensureHouseAccounts(tx, spec.currency, shards);
        await tx.query(
          `INSERT INTO rgs.players (id, currency, jurisdiction, client_seed, next_nonce, next_server_seed,
                                   next_seed_commitment, created_at)
           VALUES ($1, $2, $3, $4, 0, $5, $6, $7)`,
          [playerId, spec.currency, spec.jurisdiction, clientSeed, seed.hex, seed.commitment, now],
        );
        const [account] = await tx.query<{ id: bigint }>(
          `INSERT INTO rgs.accounts (kind, player_id, currency) VALUES ('player', $1, $2) RETURNING id`,
          [playerId, spec.currency],
        );
        await appendAudit(tx, {
          chainId: playerChain(playerId),
          kind: 'player.created',
          playerId,
          roundId: null,
          txId: null,
          recordedAt: now,
          data: { currency: spec.currency, jurisdiction: spec.jurisdiction, clientSeed },
        });
        if (spec.initialBalanceMinor > 0n) {
          const txId = randomUUID();
          await writeLedgerTransaction(tx, {
            id: txId,
            kind: 'deposit',
            idempotencyKey: `deposit:initial:${playerId}`,
            requestHash: requestHash({ op: 'deposit', playerId, amountMinor: spec.initialBalanceMinor }),
            playerId,
            currency: spec.currency,
            amountMinor: spec.initialBalanceMinor,
            roundId: null,
            referenceTxId: null,
            createdAt: now,
            postings: [
              { accountId: account!.id, amountMinor: spec.initialBalanceMinor },
              {
                accountId: await houseShard(tx, 'funding', spec.currency, playerId),
                amountMinor: -spec.initialBalanceMinor,
              },
            ],
          });
          await appendAudit(tx, {
            chainId: playerChain(playerId),
            kind: 'deposit',
            playerId,
            roundId: null,
            txId,
            recordedAt: now,
            data: { amountMinor: spec.initialBalanceMinor, balanceAfterMinor: spec.initialBalanceMinor },
          });
        }
      });
      currenciesReady.add(spec.currency);
      return ok({ playerId });
    });

  // ----- operator side

  const deposit: RgsCoreService['deposit'] = (request) =>
    guard('deposit', async () => {
      if (!validRequestId(request?.requestId)) return fail('ERR_VAL', 'invalid requestId');
      const bad = checkPlayerId(request.playerId);
      if (bad) return { ok: false, error: bad };
      const amount = request.amountMinor;
      if (typeof amount !== 'bigint' || amount <= 0n || amount > MAX_AMOUNT_MINOR) {
        return fail('ERR_VAL', 'amountMinor must be a positive bigint');
      }
      const hash = requestHash({ op: 'deposit', playerId: request.playerId, amountMinor: amount });
      return await moneyTx(async (tx): Promise<Result<BalanceValue>> => {
        const player = await lockPlayer(tx, request.playerId);
        if (player === undefined) return fail('ERR_VAL', 'unknown player');
        const prior = await priorRequest(tx, request.requestId, 'deposit', hash);
        if (prior.outcome === 'replay') return ok(prior.response as BalanceValue);
        if (prior.outcome === 'conflict') return fail('ERR_IDEM', IDEM_MESSAGE);
        const now = clock();
        const refusal = await depositRefusal(tx, request.playerId, player, amount, now);
        if (refusal !== null) {
          await appendAudit(tx, {
            chainId: playerChain(request.playerId),
            kind: 'compliance.refused',
            playerId: request.playerId,
            roundId: null,
            txId: null,
            recordedAt: now,
            data: {
              requestId: request.requestId,
              reason: refusal,
              operation: 'deposit',
              amountMinor: amount,
            },
          });
          return fail('ERR_GLE', `gambling limit: ${refusal}`);
        }
        const txId = randomUUID();
        await writeLedgerTransaction(tx, {
          id: txId,
          kind: 'deposit',
          idempotencyKey: `deposit:${request.requestId}`,
          requestHash: hash,
          playerId: request.playerId,
          currency: player.currency,
          amountMinor: amount,
          roundId: null,
          referenceTxId: null,
          createdAt: now,
          postings: [
            { accountId: player.account_id, amountMinor: amount },
            {
              accountId: await houseShard(tx, 'funding', player.currency, request.playerId),
              amountMinor: -amount,
            },
          ],
        });
        const after = player.balance_minor + amount;
        await appendAudit(tx, {
          chainId: playerChain(request.playerId),
          kind: 'deposit',
          playerId: request.playerId,
          roundId: null,
          txId,
          recordedAt: now,
          data: { requestId: request.requestId, amountMinor: amount, balanceAfterMinor: after },
        });
        const value: BalanceValue = { balance: { amountMinor: after, currency: player.currency } };
        await storeResponse(tx, request.requestId, 'deposit', request.playerId, hash, value, now);
        return ok(value);
      });
    });

  type RollbackValue = { readonly balance: Balance; readonly tombstone: boolean };

  const rollbackBet: RgsCoreService['rollbackBet'] = (request) =>
    guard('rollbackBet', async () => {
      if (!validRequestId(request?.requestId) || !validRequestId(request.betRequestId)) {
        return fail('ERR_VAL', 'invalid requestId');
      }
      const bad = checkPlayerId(request.playerId);
      if (bad) return { ok: false, error: bad };
      const betKey = `bet:${request.betRequestId}`;
      const hash = requestHash({ op: 'rollback', playerId: request.playerId, betKey });
      return await moneyTx(async (tx): Promise<Result<RollbackValue>> => {
        const player = await lockPlayer(tx, request.playerId);
        if (player === undefined) return fail('ERR_VAL', 'unknown player');
        const prior = await priorRequest(tx, request.requestId, 'rollback', hash);
        if (prior.outcome === 'replay') return ok(prior.response as RollbackValue);
        if (prior.outcome === 'conflict') return fail('ERR_IDEM', IDEM_MESSAGE);
        const now = clock();
        const [bet] = await tx.query<{ id: string; player_id: string }>(
          'SELECT id, player_id FROM rgs.ledger_transactions WHERE idempotency_key = $1',
          [betKey],
        );
        let value: RollbackValue;
        if (bet === undefined) {
          const [existing] = await tx.query<{ id: string }>(
            'SELECT id FROM rgs.ledger_transactions WHERE tombstone AND reference_key = $1',
            [betKey],
          );
          const txId = existing?.id ?? randomUUID();
          if (existing === undefined) {
            await tx.query(
              `INSERT INTO rgs.ledger_transactions (id, kind, idempotency_key, request_hash, player_id, currency,
                 amount_minor, reference_key, tombstone, created_at)
               VALUES ($1, 'rollback', $2, $3, $4, $5, 0, $6, true, $7)`,
              [txId, `rollback:${request.requestId}`, hash, request.playerId, player.currency, betKey, now],
            );
            await appendAudit(tx, {
              chainId: playerChain(request.playerId),
              kind: 'rollback.tombstone',
              playerId: request.playerId,
              roundId: null,
              txId,
              recordedAt: now,
              data: { requestId: request.requestId, betRequestId: request.betRequestId },
            });
          }
          value = {
            balance: { amountMinor: player.balance_minor, currency: player.currency },
            tombstone: true,
          };
        } else {
          if (bet.player_id !== request.playerId) return fail('ERR_VAL', 'the bet belongs to another player');
          const [round] = await tx.query<RoundRow>(
            `SELECT ${ROUND_COLUMNS} FROM rgs.rounds WHERE bet_tx_id = $1`,
            [bet.id],
          );
          if (round === undefined) throw new InvariantError(`bet ${bet.id} has no round`);
          if (round.status !== 'active')
            return fail('ERR_VAL', `the round is ${round.status}: it cannot be rolled back`);
          const after = await voidRound(
            tx,
            round,
            player,
            now,
            'rollback',
            'rolled back',
            `rollback:${request.requestId}`,
          );
          value = { balance: { amountMinor: after, currency: player.currency }, tombstone: false };
        }
        await storeResponse(tx, request.requestId, 'rollback', request.playerId, hash, value, now);
        return ok(value);
      });
    });

  const setLimits: RgsCoreService['setLimits'] = (playerId, limits) =>
    guard('setLimits', async () => {
      const bad = checkPlayerId(playerId);
      if (bad) return { ok: false, error: bad };
      const loss = limits?.lossLimitMinor ?? null;
      const windowMs = limits?.lossLimitWindowMs ?? null;
      const until = limits?.selfExcludedUntil ?? null;
      const daily = limits?.depositLimitDailyMinor;
      const weekly = limits?.depositLimitWeeklyMinor;
      if ((loss === null) !== (windowMs === null)) return fail('ERR_VAL', 'a loss limit needs its window');
      if (loss !== null && (typeof loss !== 'bigint' || loss < 0n))
        return fail('ERR_VAL', 'invalid loss limit');
      if (windowMs !== null && !(Number.isSafeInteger(windowMs) && windowMs > 0)) {
        return fail('ERR_VAL', 'invalid loss limit window');
      }
      if (until !== null && !(until instanceof Date && Number.isFinite(until.getTime()))) {
        return fail('ERR_VAL', 'invalid self-exclusion date');
      }
      for (const limit of [daily, weekly]) {
        if (limit !== undefined && limit !== null && (typeof limit !== 'bigint' || limit < 0n)) {
          return fail('ERR_VAL', 'invalid deposit limit');
        }
      }
      return await moneyTx(async (tx): Promise<Result<PlayerLimits>> => {
        const player = await lockPlayer(tx, playerId);
        if (player === undefined) return fail('ERR_VAL', 'unknown player');
        // Absent deposit limits stay as they are (callers that predate them do not clear them).
        const dailyAfter = daily === undefined ? player.deposit_limit_daily_minor : daily;
        const weeklyAfter = weekly === undefined ? player.deposit_limit_weekly_minor : weekly;
        await tx.query(
          `UPDATE rgs.players SET loss_limit_minor = $2, loss_limit_window_ms = $3, self_excluded_until = $4,
                  deposit_limit_daily_minor = $5, deposit_limit_weekly_minor = $6
            WHERE id = $1`,
          [playerId, loss, windowMs, until, dailyAfter, weeklyAfter],
        );
        const value: PlayerLimits = {
          lossLimitMinor: loss,
          lossLimitWindowMs: windowMs,
          selfExcludedUntil: until,
          depositLimitDailyMinor: dailyAfter,
          depositLimitWeeklyMinor: weeklyAfter,
        };
        await appendAudit(tx, {
          chainId: playerChain(playerId),
          kind: 'limits.set',
          playerId,
          roundId: null,
          txId: null,
          recordedAt: clock(),
          data: { ...value },
        });
        return ok(value);
      });
    });

  const setClientSeed: RgsCoreService['setClientSeed'] = (playerId, clientSeed) =>
    guard('setClientSeed', async () => {
      const bad = checkPlayerId(playerId);
      if (bad) return { ok: false, error: bad };
      if (typeof clientSeed !== 'string' || clientSeed.length < 1 || clientSeed.length > 256) {
        return fail('ERR_VAL', 'clientSeed must be 1..256 characters');
      }
      return await moneyTx(async (tx): Promise<Result<{ clientSeed: string }>> => {
        if ((await lockPlayer(tx, playerId)) === undefined) return fail('ERR_VAL', 'unknown player');
        if ((await activeRoundOf(tx, playerId)) !== undefined) return fail('ERR_BE', 'a round is active');
        await tx.query('UPDATE rgs.players SET client_seed = $2 WHERE id = $1', [playerId, clientSeed]);
        await appendAudit(tx, {
          chainId: playerChain(playerId),
          kind: 'client-seed.set',
          playerId,
          roundId: null,
          txId: null,
          recordedAt: clock(),
          data: { clientSeed },
        });
        return ok({ clientSeed });
      });
    });

  return { createPlayer, deposit, rollbackBet, setLimits, setClientSeed };
}

export type OperatorOperations = ReturnType<typeof operatorOperations>;
