/**
 * End to end: a real `croupier rgs start --tls` process on the run's PostgreSQL (a fresh database)
 * and Redis, driven over HTTPS (the generated loopback CA) by the Stake-Engine-style client, the
 * way a game front end drives it: authenticate → play → end-round (when the round pays) → balance,
 * for players generated with faker from a fixed seed. Then game recall (the last 10 rounds with
 * balances before/after, from the core) and replay (the evaluator reproduces every stored
 * outcome: /bet/replay and the core's replay), and `croupier rgs verify`.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../rgs/db/testing.ts';
import { createRgsCore, type RgsCoreService } from '../../rgs/index.ts';
import { generatePlayers, sessionBody, type TestPlayer } from '../support/players.ts';
import { croupierVerify, halfRounds, moneyProblems, playerMoney } from '../support/rgs-invariants.ts';
import { type PlayerClient, type RgsProcess, startRgsProcess } from '../support/rgs-process.ts';
import { StakeApiError, type StakeRound } from '../support/stake-client.ts';

const GAME = 'jungle-twenty';
const PLAYER_SEED = 20_240_611;
const PLAYERS = 6;
const ROUNDS_PER_PLAYER = 12;
const RECALL_ROUNDS = 10;

let db: TestDatabase;
let rgs: RgsProcess;
let core: RgsCoreService | undefined;

beforeAll(async () => {
  db = await createTestDatabase(inject('databaseUrl'), 'rgs_e2e');
  rgs = await startRgsProcess({
    databaseUrl: db.url,
    redisUrl: inject('redisUrl'),
    tls: true,
    // The replay test replays every round of the run from one address, back to back.
    env: { RGS_REPLAY_RATE_LIMIT: '10000' },
  });
});

afterAll(async () => {
  await core?.close();
  await rgs?.destroy();
  await db?.drop();
});

interface PlayedRound {
  readonly round: StakeRound;
  readonly version: string;
  readonly balanceBefore: number;
  readonly balanceAfter: number;
}

interface Session {
  readonly player: TestPlayer;
  readonly client: PlayerClient;
  readonly rounds: PlayedRound[];
  finalBalance: number;
}

/** One player's game: authenticate, then ROUNDS_PER_PLAYER rounds, checking every balance move. */
async function playGame(player: TestPlayer): Promise<Session> {
  const client = await rgs.startSession(sessionBody(player, GAME));
  const auth = await client.authenticate();
  expect(auth.balance).toEqual({ amount: player.balance, currency: player.currency });
  expect(auth.round).toBeNull();
  expect(auth.config.gameID).toBe(GAME);
  expect(auth.config.jurisdiction.socialCasino).toBe(player.jurisdiction === 'social');
  expect(auth.config.betLevels).toContain(auth.config.defaultBetLevel);
  const costMultiplier = auth.config.betModes.base!.costMultiplier;
  const bet = auth.config.defaultBetLevel;
  const rounds: PlayedRound[] = [];
  let balance = player.balance;
  for (let i = 0; i < ROUNDS_PER_PLAYER; i++) {
    const played = await client.play(bet, 'base');
    const round = played.round;
    expect(played.balance.currency).toBe(player.currency);
    expect(played.balance.amount).toBe(balance - bet * costMultiplier);
    expect(round.amount).toBe(bet);
    expect(round.state.length).toBeGreaterThan(0);
    expect(round.state[0]).toMatchObject({ type: 'reveal', gameType: 'basegame' });
    expect(round.state.at(-1)).toMatchObject({ type: 'finalWin', amount: round.payout });
    expect(round.balanceBefore).toBe(balance);
    let after = played.balance.amount;
    if (round.payout > 0) {
      // Stake semantics: a paying round stays active until end-round credits it.
      expect(round.active).toBe(true);
      const ended = await client.endRound();
      after += round.payout;
      expect(ended.balance.amount).toBe(after);
    } else {
      expect(round.active).toBe(false);
      expect(round.balanceAfter).toBe(after);
    }
    rounds.push({ round, version: String(round.version), balanceBefore: balance, balanceAfter: after });
    balance = after;
  }
  const final = await client.balance();
  expect(final.balance.amount).toBe(balance);
  // End-round with nothing active moves nothing. After a paying round it is the replay of that
  // round's end-round (the protocol's "a replayed end-round converges": same balance); after a
  // zero-win round (closed by play itself) there is nothing to end: ERR_BNF (404).
  const again = await client.endRound().catch((error: unknown) => error);
  if (rounds.at(-1)!.round.payout > 0) {
    expect(again).toEqual({ balance: { amount: balance, currency: player.currency } });
  } else {
    expect(again).toBeInstanceOf(StakeApiError);
    expect((again as StakeApiError).code).toBe('ERR_BNF');
  }
  expect((await client.balance()).balance.amount).toBe(balance);
  return { player, client, rounds, finalBalance: balance };
}

describe('croupier rgs start --tls, driven by a Stake-Engine-style client', () => {
  let sessions: Session[] = [];

  test('faker players (fixed seed) play full games over HTTPS', async () => {
    const players = generatePlayers({ seed: PLAYER_SEED, count: PLAYERS });
    // The seed fixes the players: same names, currencies, balances on every run.
    expect(generatePlayers({ seed: PLAYER_SEED, count: PLAYERS })).toEqual(players);
    expect(new Set(players.map((p) => p.jurisdiction)).size).toBeGreaterThan(1);
    expect(rgs.scheme).toBe('https');
    sessions = await Promise.all(players.map((player) => playGame(player)));
    expect(sessions.flatMap((s) => s.rounds)).toHaveLength(PLAYERS * ROUNDS_PER_PLAYER);
    // A fixed seed and this many rounds: both outcomes must have been exercised.
    expect(sessions.some((s) => s.rounds.some((r) => r.round.payout > 0))).toBe(true);
    expect(sessions.some((s) => s.rounds.some((r) => r.round.payout === 0))).toBe(true);
  });

  test('recall: the last 10 rounds, newest first, with the balances before and after', async () => {
    expect(sessions).toHaveLength(PLAYERS);
    core ??= await createRgsCore({ db: { url: db.url, maxConnections: 2 } });
    for (const session of sessions) {
      const recalled = await core.recall(session.client.playerID, RECALL_ROUNDS);
      if (!recalled.ok) throw new Error(recalled.error.message);
      const expected = session.rounds.slice(-RECALL_ROUNDS).reverse();
      expect(recalled.value).toHaveLength(RECALL_ROUNDS);
      recalled.value.forEach((round, i) => {
        const seen = expected[i]!;
        expect(round.roundId).toBe(seen.round.betID);
        expect(round.status).toBe('closed');
        expect(Number(round.amountMinor)).toBe(seen.round.amount);
        expect(Number(round.payoutMinor)).toBe(seen.round.payout);
        expect(Number(round.balanceBeforeMinor)).toBe(seen.balanceBefore);
        expect(Number(round.balanceAfterMinor)).toBe(seen.balanceAfter);
        expect(round.balanceAfterMinor! - round.balanceBeforeMinor).toBe(round.payoutMinor - round.costMinor);
        // Provably fair: the seed is revealed once closed.
        expect(round.fairness.serverSeed).toMatch(/^[0-9a-f]{64}$/);
        // Rounds chain: this round started from the balance the previous one ended with.
        const older = recalled.value[i + 1];
        if (older !== undefined) expect(round.balanceBeforeMinor).toBe(older.balanceAfterMinor);
      });
    }
  });

  test('replay: the evaluator reproduces every stored outcome (/bet/replay and the core)', async () => {
    core ??= await createRgsCore({ db: { url: db.url, maxConnections: 2 } });
    const client = sessions[0]!.client;
    for (const session of sessions) {
      for (const { round, version } of session.rounds) {
        const replayed = await client.replay(GAME, version, round.mode, round.betID);
        expect(replayed.status).toBe('REPRODUCED');
        expect(replayed.payout).toBe(round.payout);
        const report = await core.replay(round.betID);
        if (!report.ok) throw new Error(report.error.message);
        expect(report.value.reproduced).toBe(true);
        expect(Number(report.value.replayedPayoutMinor)).toBe(round.payout);
      }
    }
    // Negative control: a round that does not exist is not "reproduced".
    const missing = await client.get(`/bet/replay/${GAME}/1/base/00000000-0000-4000-8000-000000000000`);
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ error: 'ERR_BNF' });
  });

  test('the books balance: croupier rgs verify exits 0, every round whole, every balance explained', async () => {
    expect(await halfRounds(db.url)).toEqual([]);
    const money = await playerMoney(db.url);
    expect(moneyProblems(money)).toEqual([]);
    for (const session of sessions) {
      const m = money.get(session.client.playerID)!;
      expect(Number(m.balance)).toBe(session.finalBalance);
      expect(Number(m.deposits)).toBe(session.player.balance);
      expect(m.rounds).toBe(ROUNDS_PER_PLAYER);
    }
    const verify = await croupierVerify(db.url);
    expect(verify.stderr).toBe('');
    expect(verify.stdout).toMatch(/ledger: ok/);
    expect(verify.stdout).toMatch(/audit: ok/);
    expect(verify.code).toBe(0);
  });
});
