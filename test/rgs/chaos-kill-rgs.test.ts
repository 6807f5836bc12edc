/**
 * Chaos: kill -9 the RGS process in the middle of many in-flight rounds, restart it on the same
 * database, and prove that nothing was half done, lost or counted twice.
 *
 * 20 faker players (fixed seed) each play up to 10 rounds (play, then end-round when the round
 * pays): 200 rounds with 20 money calls in flight at any time. Once ROUNDS_BEFORE_KILL rounds are
 * acknowledged the server gets SIGKILL. Then, with the server still dead: every round is whole
 * (bet postings and audit record, or nothing) and every balance is explained by its rounds. After
 * the restart on the same port, database and Redis (so the same sessions): each player's
 * authenticate resumes the round that was left active (the same betID the database holds),
 * end-round credits it, every acknowledged round is in the database, at most the one in-flight
 * play per player is not, and `croupier rgs verify` exits 0.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../rgs/db/testing.ts';
import { generatePlayers, sessionBody, type TestPlayer } from '../support/players.ts';
import { croupierVerify, halfRounds, moneyProblems, playerMoney, withPg } from '../support/rgs-invariants.ts';
import { type PlayerClient, type RgsProcess, startRgsProcess } from '../support/rgs-process.ts';
import { StakeApiError } from '../support/stake-client.ts';

const GAME = 'jungle-twenty';
const PLAYER_SEED = 7_777;
const PLAYERS = 20;
const ROUNDS_PER_PLAYER = 10;
const ROUNDS_BEFORE_KILL = 60;
const KILL_WAIT_MS = 20_000;

let db: TestDatabase;
let rgs: RgsProcess;

beforeAll(async () => {
  db = await createTestDatabase(inject('databaseUrl'), 'rgs_kill');
  rgs = await startRgsProcess({ databaseUrl: db.url, redisUrl: inject('redisUrl') });
});

afterAll(async () => {
  await rgs?.destroy();
  await db?.drop();
});

interface Track {
  readonly player: TestPlayer;
  readonly client: PlayerClient;
  bet: number;
  costMultiplier: number;
  /** Rounds whose play response arrived. */
  readonly ackedRounds: Map<string, { payout: number; ended: boolean }>;
  /** What was in flight when the loop stopped on a transport error. */
  interrupted: 'play' | 'end-round' | null;
  transportErrors: number;
  /** API errors (status + code): there must be none before the kill. */
  readonly apiErrors: string[];
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

async function playUntilKilled(track: Track, acked: { count: number }): Promise<void> {
  for (let i = 0; i < ROUNDS_PER_PLAYER; i++) {
    let phase: 'play' | 'end-round' = 'play';
    try {
      const played = await track.client.play(track.bet, 'base');
      const entry = { payout: played.round.payout, ended: played.round.payout === 0 };
      track.ackedRounds.set(played.round.betID, entry);
      if (played.round.payout > 0) {
        phase = 'end-round';
        await track.client.endRound();
        entry.ended = true;
      }
      acked.count++;
    } catch (error) {
      if (error instanceof StakeApiError) {
        track.apiErrors.push(`${error.status} ${error.code}`);
      } else {
        track.transportErrors++;
        track.interrupted = phase;
      }
      return;
    }
  }
}

describe('kill -9 of the RGS process mid-rounds', () => {
  const tracks: Track[] = [];

  test('200 rounds across 20 players, SIGKILL after some complete: no half round, no lost or doubled money', async () => {
    const players = generatePlayers({ seed: PLAYER_SEED, count: PLAYERS });
    for (const player of players) {
      const client = await rgs.startSession(sessionBody(player, GAME), { timeoutMs: 15_000 });
      const auth = await client.authenticate();
      tracks.push({
        player,
        client,
        bet: auth.config.defaultBetLevel,
        costMultiplier: auth.config.betModes.base!.costMultiplier,
        ackedRounds: new Map(),
        interrupted: null,
        transportErrors: 0,
        apiErrors: [],
      });
    }
    const acked = { count: 0 };
    const loops = Promise.all(tracks.map((track) => playUntilKilled(track, acked)));
    const deadline = Date.now() + KILL_WAIT_MS;
    while (acked.count < ROUNDS_BEFORE_KILL && Date.now() < deadline) await sleep(5);
    expect(acked.count).toBeGreaterThanOrEqual(ROUNDS_BEFORE_KILL);
    await rgs.kill9();
    const ackedAtKill = acked.count;
    await loops;
    // The kill really landed mid-flight: rounds were left unplayed and calls were cut off.
    expect(ackedAtKill).toBeLessThan(PLAYERS * ROUNDS_PER_PLAYER);
    expect(tracks.reduce((n, t) => n + t.transportErrors, 0)).toBeGreaterThan(0);
    expect(tracks.flatMap((t) => t.apiErrors)).toEqual([]);

    // With the server dead: the database alone is consistent.
    expect(await halfRounds(db.url)).toEqual([]);
    const money = await playerMoney(db.url);
    expect(moneyProblems(money)).toEqual([]);
    const dbRounds = await withPg(db.url, async (client) => {
      const { rows } = await client.query<{ id: string; player_id: string; status: string; payout: string }>(
        'SELECT id, player_id, status, payout_minor::text AS payout FROM rgs.rounds',
      );
      return rows;
    });
    const dbIds = new Set(dbRounds.map((r) => r.id));
    for (const track of tracks) {
      // Every acknowledged round is in the database.
      for (const id of track.ackedRounds.keys()) expect(dbIds.has(id)).toBe(true);
      // At most the one play in flight at the kill committed without its response arriving.
      const mine = dbRounds.filter((r) => r.player_id === track.client.playerID);
      const unacknowledged = mine.filter((r) => !track.ackedRounds.has(r.id));
      expect(unacknowledged.length).toBeLessThanOrEqual(track.interrupted === 'play' ? 1 : 0);
      expect(mine.filter((r) => r.status === 'active').length).toBeLessThanOrEqual(1);
    }

    // Restart on the same database, port and Redis: the same sessions go on.
    const activeBefore = new Map(
      dbRounds.filter((r) => r.status === 'active').map((r) => [r.player_id, r] as const),
    );
    await rgs.restart();
    let resumed = 0;
    for (const track of tracks) {
      const auth = await track.client.authenticate();
      const active = activeBefore.get(track.client.playerID);
      const m = money.get(track.client.playerID)!;
      expect(BigInt(auth.balance.amount)).toBe(m.balance);
      if (active === undefined) {
        expect(auth.round === null || auth.round.active === false).toBe(true);
        continue;
      }
      // The interrupted round is resumed: same betID, still active, its payout not yet credited.
      expect(auth.round).toMatchObject({ betID: active.id, active: true, payout: Number(active.payout) });
      const ended = await track.client.endRound();
      expect(ended.balance.amount).toBe(auth.balance.amount + Number(active.payout));
      resumed++;
    }
    // Paying rounds stay active until end-round, so with 20 players in flight some were caught open.
    expect(resumed).toBeGreaterThan(0);

    // Play on after the restart: one more round each, then the final books.
    for (const track of tracks) {
      const played = await track.client.play(track.bet, 'base');
      if (played.round.payout > 0) await track.client.endRound();
    }
    expect(await halfRounds(db.url)).toEqual([]);
    const after = await playerMoney(db.url);
    expect(moneyProblems(after)).toEqual([]);
    for (const track of tracks) {
      const m = after.get(track.client.playerID)!;
      expect(m.activeRounds).toBe(0);
      expect(Number(m.deposits)).toBe(track.player.balance);
      expect(BigInt((await track.client.balance()).balance.amount)).toBe(m.balance);
    }
    const verify = await croupierVerify(db.url);
    expect(verify.stdout).toMatch(/ledger: ok/);
    expect(verify.stdout).toMatch(/audit: ok/);
    expect(verify.code).toBe(0);
  });
});
