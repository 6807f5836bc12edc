/**
 * The "live RGS" input of the certification batteries: reel stops sampled through a running RGS's
 * real RNG path (server seed from its SP 800-90A DRBG, provably-fair stream, the one evaluator's
 * stop selection), over its public HTTP API only, as a lab would sample a system under test.
 *
 * `sampleRgsStops` opens sessions with the operator API (POST /session/start, Bearer token), then
 * each session authenticates and plays `rounds / sessions` rounds (play, then end-round when the
 * round pays, the Stake Engine sequence), keeping from every round's `state` (book events) the
 * base game's `reveal` stops. Sessions run concurrently (one player each, so the per-player rate
 * limit is shared out); each session's rounds stay in nonce order, and the sample concatenates the
 * sessions in order, so serial tests see real consecutive outputs of one player's stream.
 *
 * `rgsStopChannels` turns a sample into the battery's `ScaledChannel`s (channel r = reel r), with
 * the stop counts and weights of the CERTIFIED game definition the caller supplies, after checking
 * that every round was served with that definition (the math hash the RGS recorded per round).
 *
 * Wiring into InputSpec (certification/inputs.ts): an `openInput` spec must be plain JSON reopened
 * synchronously in worker threads, so a live sample is taken once (async, here) and recorded; the
 * spec then names the recording (see `LiveRgsSample`), and `scaledSequence(k, draws)` is rounds
 * [k·draws, (k+1)·draws) of it through `rgsStopChannels`. The sample's identity (URL, game, version,
 * math hash, round-id range) is what the report records.
 *
 * Bounded: rounds ≤ MAX_ROUNDS, every request has a timeout, 429s are retried at most
 * MAX_RATE_LIMIT_RETRIES times per call after the server's Retry-After (capped). HTTP goes through
 * the one wire client (rgs/wire: keep-alive, at most one connection per session).
 */
import type { Game, PreparedReel } from '../games/index.ts';
import { StakeApiClient, type WireResult } from '../rgs/wire/index.ts';
import type { RandomSource } from '../rng/index.ts';
import { gameReels, InputError, type ScaledChannel, stopSelectionChannels } from './inputs.ts';

export const MAX_ROUNDS = 1_000_000;
const MAX_SESSIONS = 64;
const MAX_RATE_LIMIT_RETRIES = 50;
const MAX_RETRY_AFTER_MS = 2_000;
const DEFAULT_TIMEOUT_MS = 10_000;
/** A starting balance no sample can exhaust at the default bet (10^8 major units, API units). */
const SAMPLE_BALANCE = 100_000_000 * 1_000_000;

export interface LiveRgsOptions {
  /** `http(s)://host:port` of the RGS. */
  readonly baseUrl: string;
  /** Operator token (`croupier rgs token`) for POST /session/start. */
  readonly operatorToken: string;
  readonly gameId: string;
  readonly rounds: number;
  /** Concurrent sessions (players); default 4. */
  readonly sessions?: number;
  readonly mode?: string;
  readonly currency?: string;
  /** PEM CA to trust (the RGS's loopback CA). */
  readonly ca?: string;
  readonly timeoutMs?: number;
}

export interface SampledRound {
  readonly roundId: string;
  readonly playerId: string;
  readonly reelSet: string;
  readonly stops: readonly number[];
  readonly mathHash: string;
  readonly version: string;
  /** Provably-fair data as the RGS showed it (seed revealed once the round closed). */
  readonly fairness: unknown;
}

/** A recorded live sample: what the report records, and what a worker re-reads. */
export interface LiveRgsSample {
  readonly identity: {
    readonly kind: 'rgs';
    readonly baseUrl: string;
    readonly gameId: string;
    readonly gameVersion: string;
    readonly mathHash: string;
    readonly mode: string;
    readonly rounds: number;
    readonly sessions: number;
    readonly firstRoundId: string;
    readonly lastRoundId: string;
    readonly stopSelection: string;
  };
  readonly rounds: readonly SampledRound[];
}

/**
 * One call with bounded retries on 429 (after the server's Retry-After, capped); any other answer
 * that is not ok is an InputError naming the route, the status and the code.
 */
async function call<T>(path: string, send: () => Promise<WireResult<T>>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const result = await send();
    if (result.outcome === 'ok') return result.body;
    if (result.status === 429 && attempt < MAX_RATE_LIMIT_RETRIES) {
      const waitMs = Math.min(MAX_RETRY_AFTER_MS, result.retryAfterMs ?? 1000);
      await new Promise((done) => setTimeout(done, waitMs));
      continue;
    }
    throw new InputError(
      `RGS ${path}: ${result.outcome} ${result.status || 'no reply'} ${result.code} ${result.message}`.trim(),
    );
  }
}

/** Base-game reveal stops of one round's book events. */
export function baseRevealStops(state: readonly unknown[]): { reelSet: string; stops: number[] } | null {
  for (const event of state) {
    const e = event as { type?: unknown; gameType?: unknown; reelSet?: unknown; stops?: unknown };
    if (e.type === 'reveal' && e.gameType === 'basegame' && Array.isArray(e.stops)) {
      const stops = e.stops as unknown[];
      if (!stops.every((s) => Number.isSafeInteger(s) && (s as number) >= 0)) return null;
      return { reelSet: typeof e.reelSet === 'string' ? e.reelSet : 'base', stops: stops as number[] };
    }
  }
  return null;
}

async function playSession(
  client: StakeApiClient,
  options: LiveRgsOptions,
  rounds: number,
): Promise<SampledRound[]> {
  const started = await call('/session/start', () =>
    client.startSession({
      currency: options.currency ?? 'USD',
      balance: SAMPLE_BALANCE,
      gameID: options.gameId,
    }),
  );
  const sessionID = started.sessionID;
  const auth = await call('/wallet/authenticate', () => client.authenticate(sessionID));
  const mode = options.mode ?? 'base';
  const out: SampledRound[] = [];
  for (let i = 0; i < rounds; i++) {
    const played = await call('/wallet/play', () =>
      client.play(sessionID, auth.config.defaultBetLevel, mode),
    );
    const round = played.round;
    const reveal = baseRevealStops(round.state);
    if (reveal === null)
      throw new InputError(`round ${round.betID}: no base-game reveal with stops in its state`);
    let fairness: unknown = round.fairness;
    if (round.payout > 0) {
      await call('/wallet/end-round', () => client.endRound(sessionID));
      // The seed is revealed once the round is closed: authenticate shows the closed round.
      const after = await call('/wallet/authenticate', () => client.authenticate(sessionID));
      if (after.round?.betID === round.betID) fairness = after.round.fairness;
    }
    out.push({
      roundId: round.betID,
      playerId: started.playerID,
      reelSet: reveal.reelSet,
      stops: reveal.stops,
      mathHash: String(round.mathHash ?? ''),
      version: String(round.version ?? ''),
      fairness,
    });
  }
  return out;
}

/** Plays `rounds` rounds through the RGS's HTTP API and records their base-game reel stops. */
export async function sampleRgsStops(options: LiveRgsOptions): Promise<LiveRgsSample> {
  if (!(Number.isSafeInteger(options.rounds) && options.rounds >= 1 && options.rounds <= MAX_ROUNDS)) {
    throw new InputError(`rounds must be 1..${MAX_ROUNDS}`);
  }
  const sessions = Math.min(options.sessions ?? 4, options.rounds);
  if (!(Number.isInteger(sessions) && sessions >= 1 && sessions <= MAX_SESSIONS)) {
    throw new InputError(`sessions must be 1..${MAX_SESSIONS}`);
  }
  if (!/^https?:\/\/[^/]+\/?$/.test(options.baseUrl))
    throw new InputError('baseUrl must be http(s)://host:port');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const share = (k: number) =>
    Math.floor(options.rounds / sessions) + (k < options.rounds % sessions ? 1 : 0);
  // One keep-alive connection per session (each session's calls are sequential).
  const client = new StakeApiClient({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    operatorToken: options.operatorToken,
    timeoutMs,
    maxSockets: sessions,
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
  });
  let parts: SampledRound[][];
  try {
    parts = await Promise.all(
      Array.from({ length: sessions }, (_, k) => playSession(client, options, share(k))),
    );
  } finally {
    client.close();
  }
  const rounds = parts.flat();
  const first = rounds[0]!;
  const hashes = new Set(rounds.map((r) => r.mathHash));
  if (hashes.size !== 1)
    throw new InputError(`the RGS served ${hashes.size} different maths during the sample`);
  return {
    identity: {
      kind: 'rgs',
      baseUrl: options.baseUrl,
      gameId: options.gameId,
      gameVersion: first.version,
      mathHash: first.mathHash,
      mode: options.mode ?? 'base',
      rounds: rounds.length,
      sessions,
      firstRoundId: first.roundId,
      lastRoundId: rounds.at(-1)!.roundId,
      stopSelection:
        'RGS /wallet/play round.state base-game reveal stops (server DRBG seed, provably-fair stream)',
    },
    rounds,
  };
}

/**
 * The battery's channels from a sample: channel r = reel r's stops, in sample order, with the
 * stop counts and weights of `game` (the certified definition; its math hash must be the one the
 * RGS recorded). Only rounds on `reelSet` (default: the game's base set) are used.
 */
export function rgsStopChannels(sample: LiveRgsSample, game: Game, reelSet?: string): ScaledChannel[] {
  if (game.mathHash !== sample.identity.mathHash) {
    throw new InputError(
      `the sample was served with math ${sample.identity.mathHash.slice(0, 12)}, not the certified ${game.mathHash.slice(0, 12)}`,
    );
  }
  const { reelSet: name, reels } = gameReels(game, reelSet);
  const used = sample.rounds.filter((r) => r.reelSet === name);
  // Channel layout and descriptions exactly as the `game` input builds them (zero spins), then
  // filled with the recorded stops.
  const template = stopSelectionChannels(reels as readonly PreparedReel[], NO_DRAWS, 0);
  return template.map((channel, r) => {
    const range = reels[r]!.stops.length;
    const draws = new Float64Array(used.length);
    used.forEach((round, i) => {
      const stop = round.stops[r];
      if (stop === undefined || !Number.isSafeInteger(stop) || stop < 0 || stop >= range) {
        throw new InputError(`round ${round.roundId}: reel ${r + 1} stop ${stop} outside 0..${range - 1}`);
      }
      draws[i] = stop;
    });
    return { ...channel, draws };
  });
}

/** A source that must never be drawn from (zero spins). */
const NO_DRAWS: RandomSource = {
  id: 'no-draws',
  nextUint32(): number {
    throw new Error('no draws expected');
  },
  fillBytes(): void {
    throw new Error('no draws expected');
  },
};
