import { canonicalJson } from '../../games/index.ts';
import { commitServerSeed, ProvablyFairSource } from '../../rng/index.ts';
import { latestRoundSql } from './call-context.ts';
import { type CoreContext, MAX_EVENT_LENGTH, MAX_RECALL_ROUNDS } from './context.ts';
import type { BetConfig, JurisdictionFlags, ReplayReport, RgsCore } from './contract.ts';
import { CURRENCY, fail, hexToBytes, ok, ROUND_COLUMNS, type RoundRow, roundDetail, UUID } from './rows.ts';
import { unstorableText } from './text.ts';

export function queryOperations(ctx: CoreContext) {
  const { db, jurisdictions, games, guard, checkPlayerId } = ctx;

  const betConfig: RgsCore['betConfig'] = (gameId, currency) => {
    const served = typeof gameId === 'string' ? games.get(gameId) : undefined;
    if (served === undefined)
      return fail(
        'ERR_VAL',
        `unknown game ${JSON.stringify(String(gameId).slice(0, 64))}; served: ${[...games.keys()].join(', ')}`,
      );
    if (typeof currency !== 'string' || !CURRENCY.test(currency)) return fail('ERR_VAL', 'invalid currency');
    const config: BetConfig = { gameId: served.id, ...served.config };
    return ok(config);
  };

  const jurisdiction: RgsCore['jurisdiction'] = (playerId) =>
    guard('jurisdiction', async () => {
      const bad = checkPlayerId(playerId);
      if (bad) return { ok: false, error: bad };
      const [row] = await db.query<{ jurisdiction: string }>(
        'SELECT jurisdiction FROM rgs.players WHERE id = $1',
        [playerId],
      );
      if (row === undefined) return fail('ERR_VAL', 'unknown player');
      const policy = jurisdictions[row.jurisdiction];
      if (policy === undefined)
        throw new Error(`player ${playerId} has unconfigured jurisdiction ${row.jurisdiction}`);
      const flags: JurisdictionFlags = policy.flags;
      return ok({
        name: row.jurisdiction,
        flags,
        realityCheckIntervalMs: policy.realityCheckIntervalMs ?? 0,
      });
    });

  const balance: RgsCore['balance'] = (playerId, currency) =>
    guard('balance', async () => {
      const bad = checkPlayerId(playerId);
      if (bad) return { ok: false, error: bad };
      const [row] = await db.query<{ balance_minor: bigint; currency: string }>(
        `SELECT balance_minor, currency FROM rgs.accounts WHERE player_id = $1 AND kind = 'player'`,
        [playerId],
      );
      if (row === undefined) return fail('ERR_VAL', 'unknown player');
      if (row.currency !== currency) return fail('ERR_VAL', `the player's currency is ${row.currency}`);
      return ok({ amountMinor: row.balance_minor, currency: row.currency });
    });

  const currentRound: RgsCore['currentRound'] = (playerId, gameId) =>
    guard('currentRound', async () => {
      const bad = checkPlayerId(playerId);
      if (bad) return { ok: false, error: bad };
      if (typeof gameId !== 'string' || !games.has(gameId)) return fail('ERR_VAL', 'unknown game');
      const rows = await db.query<RoundRow>(latestRoundSql(ROUND_COLUMNS, '$1::uuid', '$2::text'), [
        playerId,
        gameId,
      ]);
      return ok(rows[0] === undefined ? null : roundDetail(rows[0]));
    });

  const nextSeedCommitment: RgsCore['nextSeedCommitment'] = (playerId) =>
    guard('nextSeedCommitment', async () => {
      const bad = checkPlayerId(playerId);
      if (bad) return { ok: false, error: bad };
      const [row] = await db.query<{ c: string }>(
        'SELECT next_seed_commitment AS c FROM rgs.players WHERE id = $1',
        [playerId],
      );
      return row === undefined ? fail('ERR_VAL', 'unknown player') : ok(row.c);
    });

  const setEvent: RgsCore['setEvent'] = (playerId, event, gameId) =>
    guard('setEvent', async () => {
      const bad = checkPlayerId(playerId);
      if (bad) return { ok: false, error: bad };
      if (typeof event !== 'string' || event.length > MAX_EVENT_LENGTH)
        return fail('ERR_VAL', 'invalid event');
      const unstorable = unstorableText(event);
      if (unstorable !== null) return fail('ERR_VAL', `invalid event: ${unstorable}`);
      if (gameId !== undefined && typeof gameId !== 'string') return fail('ERR_VAL', 'invalid gameId');
      const rows = await db.query<{ id: string }>(
        `UPDATE rgs.rounds SET event = $2
          WHERE player_id = $1 AND status = 'active' AND ($3::text IS NULL OR game_id = $3) RETURNING id`,
        [playerId, event, gameId ?? null],
      );
      return rows.length === 0 ? fail('ERR_BNF', 'no active round') : ok({ event });
    });

  const recall: RgsCore['recall'] = (playerId, limit) =>
    guard('recall', async () => {
      const bad = checkPlayerId(playerId);
      if (bad) return { ok: false, error: bad };
      if (!(Number.isInteger(limit) && limit >= 1 && limit <= MAX_RECALL_ROUNDS)) {
        return fail('ERR_VAL', `limit must be 1..${MAX_RECALL_ROUNDS}`);
      }
      const rows = await db.query<RoundRow>(
        `SELECT ${ROUND_COLUMNS} FROM rgs.rounds WHERE player_id = $1 ORDER BY nonce DESC LIMIT $2`,
        [playerId, limit],
      );
      return ok(rows.map(roundDetail));
    });

  const replay: RgsCore['replay'] = (roundId) =>
    guard('replay', async () => {
      if (typeof roundId !== 'string' || !UUID.test(roundId)) return fail('ERR_VAL', 'invalid roundId');
      const [row] = await db.query<RoundRow>(`SELECT ${ROUND_COLUMNS} FROM rgs.rounds WHERE id = $1`, [
        roundId,
      ]);
      if (row === undefined) return fail('ERR_BNF', 'round not found');
      const served = games.get(row.game_id);
      if (served === undefined || served.mathHash !== row.math_hash) {
        return fail('ERR_VAL', `game ${row.game_id} with math ${row.math_hash.slice(0, 12)} is not served`);
      }
      const bet = { coinValueMinor: row.coin_value_minor, betLevel: row.bet_level };
      // The round re-played from its stored seeds: the same draw, the same book (or evaluation).
      const outcome = served.play(
        row.mode,
        row.amount_minor,
        bet,
        new ProvablyFairSource({
          serverSeed: hexToBytes(row.server_seed),
          clientSeed: row.client_seed,
          nonce: Number(row.nonce),
        }),
      );
      const replayedPayoutMinor = outcome.payoutMinor;
      const reproduced =
        replayedPayoutMinor === row.payout_minor &&
        outcome.costMinor === row.cost_minor &&
        canonicalJson(outcome.events) === canonicalJson(row.state) &&
        commitServerSeed(hexToBytes(row.server_seed)) === row.server_seed_commitment;
      const report: ReplayReport = {
        roundId,
        reproduced,
        storedPayoutMinor: row.payout_minor,
        replayedPayoutMinor,
        ...(outcome.simulationId !== undefined ? { simulationId: outcome.simulationId } : {}),
      };
      return ok(report);
    });

  // ----- rounds by id, play sessions (reality checks)

  const round: RgsCore['round'] = (roundId) =>
    guard('round', async () => {
      if (typeof roundId !== 'string' || !UUID.test(roundId)) return fail('ERR_VAL', 'invalid roundId');
      const [row] = await db.query<RoundRow>(`SELECT ${ROUND_COLUMNS} FROM rgs.rounds WHERE id = $1`, [
        roundId,
      ]);
      return row === undefined ? fail('ERR_BNF', 'round not found') : ok(roundDetail(row));
    });

  return {
    betConfig,
    jurisdiction,
    balance,
    currentRound,
    nextSeedCommitment,
    setEvent,
    recall,
    replay,
    round,
  };
}

export type QueryOperations = ReturnType<typeof queryOperations>;
