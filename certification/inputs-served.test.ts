/**
 * The served-path input produces the RGS's own stream: checked against rounds a real RGS core served
 * (embedded PostgreSQL, PGlite) through the public rgs/ and rng/ functions, not a copy of the logic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_GAME_FILES, type Game, loadGameFile, playRound } from '../games/index.ts';
import { createRgsCore, type RgsCoreService, type RoundDetail } from '../rgs/index.ts';
import {
  commitServerSeed,
  createGenerator,
  type ProvablyFairRound,
  ProvablyFairSource,
  verifyProvablyFair,
} from '../rng/index.ts';
import { gameReels } from './inputs.ts';
import {
  ServedSession,
  servedDrbgBytes,
  servedInput,
  servedProvablyFairBytes,
  servedRoundBytes,
  servedStopChannels,
} from './inputs-served.ts';
import { bytesToBits, runNistSequence } from './nist/index.ts';

const ROUNDS = 40;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const jungle = loadGameFile(DEMO_GAME_FILES['jungle-twenty']);
const wheel = loadGameFile(DEMO_GAME_FILES['lucky-wheel']);

let core: RgsCoreService;

function value<T>(
  result: { ok: true; value: T } | { ok: false; error: { code: string; message: string } },
): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** Plays `ROUNDS` rounds of `gameId` for a new player; returns them in nonce order, seeds revealed. */
async function servedRounds(gameId: string): Promise<RoundDetail[]> {
  const { playerId } = value(
    await core.createPlayer({
      currency: 'EUR',
      initialBalanceMinor: 10_000_000_000n,
      jurisdiction: 'default',
    }),
  );
  for (let i = 0; i < ROUNDS; i++) {
    const request = {
      playerId,
      sessionId: 's',
      currency: 'EUR',
      gameId,
      mode: 'base',
      amountMinor: 1_000_000n,
    };
    const played = value(await core.play({ ...request, requestId: `${gameId}-${i}` }));
    if (played.round.active)
      value(await core.endRound({ requestId: `${gameId}-${i}-end`, playerId, sessionId: 's' }));
  }
  const rounds = [...value(await core.recall(playerId, ROUNDS))];
  return rounds.sort((a, b) => a.fairness.nonce - b.fairness.nonce);
}

function fairRound(round: RoundDetail): ProvablyFairRound {
  const { serverSeed, clientSeed, nonce } = round.fairness;
  if (serverSeed === null) throw new Error(`round ${round.roundId} has no revealed seed`);
  return { serverSeed: Uint8Array.from(Buffer.from(serverSeed, 'hex')), clientSeed, nonce };
}

type Reveal = { type: string; gameType: string; stops?: number[]; outcome?: { index: number } };
const reveals = (round: RoundDetail) => (round.state as Reveal[]).filter((e) => e.type === 'reveal');

beforeAll(async () => {
  core = await createRgsCore({ db: { pglite: true } });
}, 60_000);
afterAll(async () => {
  await core?.close();
});

describe('served path against a real RGS core', () => {
  it('each round: the outcome bytes and the stops are the ones the RGS served', async () => {
    const rounds = await servedRounds('jungle-twenty');
    expect(rounds.map((r) => r.fairness.nonce)).toEqual([...Array(ROUNDS).keys()]);
    expect(rounds[0]!.fairness.clientSeed).toMatch(/^[0-9a-f]{32}$/); // the RGS's drawn default
    const base = gameReels(jungle, 'base').reels;
    for (const round of rounds) {
      const fair = fairRound(round);
      expect(commitServerSeed(fair.serverSeed)).toBe(round.fairness.serverSeedCommitment);
      const bytes = servedRoundBytes(jungle, 'base', fair);
      expect(bytes.length).toBeGreaterThanOrEqual(5 * 4); // one word per reel at least
      const check = verifyProvablyFair(
        {
          serverSeedHex: round.fairness.serverSeed!,
          commitmentHex: round.fairness.serverSeedCommitment,
          clientSeed: fair.clientSeed,
          nonce: fair.nonce,
        },
        { byteCount: bytes.length },
      );
      expect(check.ok && check.bytesHex).toBe(hex(bytes));
      const channels = servedStopChannels(() => fair, base, null, 1);
      expect(channels.map((c) => c.draws[0])).toEqual(reveals(round)[0]!.stops);
    }
    // The stream: the rounds' consumed bytes, concatenated in nonce order.
    const total = rounds.reduce((n, r) => n + servedRoundBytes(jungle, 'base', fairRound(r)).length, 0);
    let next = 0;
    const stream = servedProvablyFairBytes(() => fairRound(rounds[next++]!), total, jungle, 'base');
    expect(hex(stream)).toBe(rounds.map((r) => hex(servedRoundBytes(jungle, 'base', fairRound(r)))).join(''));
  }, 120_000);

  it('a weighted outcome table: the served index is the stop-selection channel value', async () => {
    const rounds = await servedRounds('lucky-wheel');
    const table = gameReels(wheel).reels;
    for (const round of rounds) {
      const [channel] = servedStopChannels(() => fairRound(round), table, null, 1);
      expect(channel!.draws[0]).toBe(reveals(round)[0]!.outcome!.index);
    }
  }, 120_000);
});

/** The first round (nonces from 0 under a fixed seed) that triggers free spins: bounded search. */
function triggeringRound(game: Game): ProvablyFairRound {
  const serverSeed = new Uint8Array(32).fill(3);
  for (let nonce = 0; nonce < 100_000; nonce++) {
    const round = { serverSeed, clientSeed: 'lab', nonce };
    const outcome = playRound(
      game,
      'base',
      { coinValueMinor: 1, betLevel: 1 },
      new ProvablyFairSource(round),
    );
    if (outcome.freeSpins.length > 0) return round;
  }
  throw new Error('no free-spin trigger in 100,000 rounds');
}

describe('served path, offline', () => {
  it("the free-spin mapping reads the words the evaluator's first free spin reads", () => {
    const round = triggeringRound(jungle);
    const served = playRound(
      jungle,
      'base',
      { coinValueMinor: 1, betLevel: 1 },
      new ProvablyFairSource(round),
    );
    const free = gameReels(jungle, 'free').reels;
    const base = gameReels(jungle, 'base').reels;
    const channels = servedStopChannels(() => round, free, base, 1);
    expect(channels.map((c) => c.draws[0])).toEqual(served.freeSpins[0]!.stops);
    // Without the base spin first it would read other words: the lead-in matters.
    const misplaced = servedStopChannels(() => round, free, null, 1);
    expect(misplaced.map((c) => c.draws[0])).not.toEqual(served.freeSpins[0]!.stops);
  });

  it('the session draws from the DRBG in the RGS order: first seed, client seed, then one seed per round', () => {
    const seed = new Uint8Array(32).fill(9);
    const reference = new Uint8Array(32 * 6);
    createGenerator('hmac-drbg', seed).fillBytes(reference);
    const session = new ServedSession('hmac-drbg', seed);
    expect(session.clientSeed).toBe(hex(reference.subarray(32, 64)).slice(0, 32));
    const rounds = [0, 1, 2].map(() => session.nextRound());
    expect(hex(rounds[0]!.serverSeed)).toBe(hex(reference.subarray(0, 32)));
    expect(hex(rounds[1]!.serverSeed)).toBe(hex(reference.subarray(64, 96)));
    expect(hex(rounds[2]!.serverSeed)).toBe(hex(reference.subarray(96, 128)));
    expect(rounds.map((r) => r.nonce)).toEqual([0, 1, 2]);
    // The DRBG stream the NIST battery reads is the DRBG's own output.
    expect(hex(servedDrbgBytes(new ServedSession('hmac-drbg', seed), 32 * 6))).toBe(hex(reference));
    // A long stop-selection session keeps no DRBG bytes, and says so if asked for them.
    const unrecorded = new ServedSession('hmac-drbg', seed, undefined, false);
    expect(hex(unrecorded.nextRound().serverSeed)).toBe(hex(reference.subarray(0, 32)));
    expect(unrecorded.drbgTap.recorded()).toHaveLength(0);
    expect(() => servedDrbgBytes(unrecorded, 32)).toThrow(/without recording/);
    const own = new ServedSession('hmac-drbg', seed, 'my lucky seed');
    expect(own.clientSeed).toBe('my lucky seed');
    expect(hex(own.nextRound().serverSeed)).toBe(hex(reference.subarray(0, 32)));
  });

  it('the input is reproducible per sequence and records what it ran', () => {
    const spec = {
      kind: 'served',
      drbg: 'hmac-drbg',
      seedHex: 'ab'.repeat(32),
      stream: 'provably-fair',
      gamePath: DEMO_GAME_FILES['jungle-twenty'],
      reelSet: 'free',
    } as const;
    const a = servedInput(spec, false);
    const b = servedInput(spec, false);
    expect(hex(Uint8Array.from(a.bits(3, 4096)))).toBe(hex(Uint8Array.from(b.bits(3, 4096))));
    expect(hex(Uint8Array.from(a.bits(3, 4096)))).not.toBe(hex(Uint8Array.from(a.bits(4, 4096))));
    const [reel] = a.scaledSequence(1, 500, 0);
    expect(reel!.draws).toHaveLength(500);
    expect(a.identity).toMatchObject({
      kind: 'served',
      gameId: 'jungle-twenty',
      reelSet: 'free',
      mode: 'base',
    });
    expect(() => servedInput({ ...spec, reelSet: 'bonus' }, false)).toThrow(/no reel set 'bonus'/);
    expect(() => servedInput({ ...spec, gamePath: undefined }, false)).toThrow(/needs the served game/);
  });

  it('negative control: a server that reuses one seed for every round fails the NIST battery', () => {
    const round = { serverSeed: new Uint8Array(32).fill(5), clientSeed: 'c', nonce: 7 };
    const good = new ServedSession('hmac-drbg', new Uint8Array(32).fill(5));
    const nBits = 100_000;
    const reused = servedProvablyFairBytes(() => round, nBits / 8, jungle, 'base');
    const served = servedProvablyFairBytes(() => good.nextRound(), nBits / 8, jungle, 'base');
    const failing = (bytes: Uint8Array) =>
      runNistSequence(bytesToBits(bytes, nBits), {}, ['Serial', 'ApproximateEntropy', 'Runs'])
        .flatMap((r) => r.pValues)
        .filter((p) => p < 0.01).length;
    expect(failing(reused)).toBeGreaterThan(0);
    expect(failing(served)).toBe(0);
  });
});
