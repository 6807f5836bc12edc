/**
 * The "served path" input of the batteries: the random stream exactly as the RGS produces it, so
 * that what is certified is what is served (issue 14 §3).
 *
 * How the RGS draws a round (rgs/core/core.ts, read only):
 * 1. One SP 800-90A DRBG per server (`createDrbgSource(kind)`, default 'hmac-drbg'), buffered.
 * 2. Creating a player draws, in this order, the player's first server seed (32 bytes, committed
 *    with SHA-256) and 32 more bytes whose first 16, as lowercase hex, are the default client seed.
 * 3. Each play draws the FOLLOWING round's server seed (32 bytes) before it evaluates, then plays
 *    `playRound(game, mode, bet, new ProvablyFairSource({ serverSeed, clientSeed, nonce }))` with
 *    the seed committed before, the player's client seed and the next nonce (0, 1, 2, …).
 *
 * Here, sequence k is one such server session with one player: a DRBG in replay mode seeded with
 * SHA-256(SEQUENCE_SEED_DOMAIN || seed || uint32be(k)) (the only difference from production, which
 * seeds from OS entropy behind the SP 800-90B health tests; the mechanism, buffering and request
 * sizes are the production ones), the player created as above (or with the client seed the caller
 * names, after the same draws), then rounds with nonces 0, 1, 2, … The input gives:
 * - bits, stream 'drbg': every byte the DRBG produced for the session, in the order drawn (the
 *   server seeds and the client-seed draw).
 * - bits, stream 'provably-fair': for each round, the outcome bytes the evaluator consumed, in
 *   order: `playRound` of the game's mode on the round's `ProvablyFairSource` with every word it
 *   reads recorded (so as many bytes per round as the evaluator takes, free spins and rejections
 *   included), concatenated over rounds.
 * - scaled draws (GLI), one mapping per input: the stops of a reel set (or the index of a weighted
 *   outcome table) drawn with the evaluator's own `drawStops` (uniformInt, or the exact weighted
 *   draw) from each round's `ProvablyFairSource`, one round per draw. The mode's reel set is drawn
 *   first in the round, as the base spin is; any other reel set (free spins) is drawn right after a
 *   base spin on the same source, where the first free spin of a round reads its words.
 *
 * Sizes: sequences are built round by round, so the work is bounded by the bits or draws asked for.
 */
import { createHash } from 'node:crypto';
import {
  type BetChoice,
  drawStops,
  type Game,
  loadGameFile,
  type PreparedReel,
  playRound,
} from '../games/index.ts';
import {
  createGenerator,
  generateServerSeed,
  type ProvablyFairRound,
  ProvablyFairSource,
  type RandomSource,
} from '../rng/index.ts';
import {
  type BatteryInput,
  gameReels,
  InputError,
  parseSeed,
  type ScaledChannel,
  SEQUENCE_SEED_DOMAIN,
  sequenceSeed,
  stopSelectionChannels,
} from './inputs.ts';
import { bytesToBits } from './nist/index.ts';

export type ServedDrbg = 'hmac-drbg' | 'ctr-drbg';
export type ServedStream = 'drbg' | 'provably-fair';

export interface ServedInputSpec {
  readonly kind: 'served';
  /** The RGS's DRBG mechanism (its `rngKind`; the RGS default is 'hmac-drbg'). */
  readonly drbg: ServedDrbg;
  readonly seedHex: string;
  /** Which byte stream the NIST battery reads. */
  readonly stream: ServedStream;
  /** The served game (needed for the provably-fair stream and for stop selection). */
  readonly gamePath?: string;
  /** The mode a round plays (default: the game's first mode). */
  readonly mode?: string;
  /** GLI: the mapping under test: a reel set name, or 'outcome-table' for a table game. */
  readonly reelSet?: string;
  /** A client seed the player set (`setClientSeed`); default: the one the RGS draws. */
  readonly clientSeed?: string;
}

export interface ServedInputIdentity {
  readonly kind: 'served';
  readonly drbg: ServedDrbg;
  readonly seedHex: string;
  readonly seedGenerated: boolean;
  readonly sequenceSeeds: string;
  readonly stream: ServedStream;
  readonly gamePath: string | null;
  readonly gameId: string | null;
  readonly mathHash: string | null;
  readonly mode: string | null;
  readonly reelSet: string | null;
  readonly clientSeed: string;
  readonly path: string;
}

/** The bet a certification round plays: the evaluator's draws do not depend on it. */
function certificationBet(game: Game): BetChoice {
  const bet = game.definition.bet;
  return { coinValueMinor: bet.coinValuesMinor[0]!, betLevel: bet.betLevels[0]! };
}

const CLIENT_SEED_HEX_CHARS = 32;

/** A RandomSource that records every byte it hands out, in order (words big-endian, as read). */
export class RecordingSource implements RandomSource {
  readonly id: string;
  private bytes = new Uint8Array(256);
  private length = 0;
  /** `enabled` false: a pass-through that keeps nothing (long runs that do not need the bytes). */
  constructor(
    private readonly inner: RandomSource,
    private readonly enabled = true,
  ) {
    this.id = `recording(${inner.id})`;
  }
  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
  nextUint32(): number {
    const word = this.inner.nextUint32();
    if (!this.enabled) return word;
    this.reserve(4);
    const b = this.bytes;
    b[this.length] = word >>> 24;
    b[this.length + 1] = (word >>> 16) & 0xff;
    b[this.length + 2] = (word >>> 8) & 0xff;
    b[this.length + 3] = word & 0xff;
    this.length += 4;
    return word;
  }
  fillBytes(target: Uint8Array): void {
    this.inner.fillBytes(target);
    if (!this.enabled) return;
    this.reserve(target.length);
    this.bytes.set(target, this.length);
    this.length += target.length;
  }
  /** The bytes handed out so far. */
  recorded(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
  /** Forgets what was recorded (the next bytes start a new record). */
  clear(): void {
    this.length = 0;
  }
}

/**
 * One server session with one player, drawing from the DRBG exactly as the RGS does (see the file
 * comment). `drbgTap` records every DRBG byte.
 */
export class ServedSession {
  readonly drbgTap: RecordingSource;
  readonly recordsDrbg: boolean;
  readonly clientSeed: string;
  private nextServerSeed: Uint8Array;
  private nonce = 0;

  /**
   * `recordDrbg`: keep every DRBG byte in `drbgTap` (the DRBG stream's battery needs them; a long
   * stop-selection run does not, and would hold 32 bytes per round).
   */
  constructor(drbg: ServedDrbg, replaySeed: Uint8Array, clientSeed?: string, recordDrbg = true) {
    this.drbgTap = new RecordingSource(createGenerator(drbg, replaySeed), recordDrbg);
    this.recordsDrbg = recordDrbg;
    // createPlayer: the first server seed, then the draw that makes the default client seed.
    this.nextServerSeed = generateServerSeed(this.drbgTap);
    const drawn = Buffer.from(generateServerSeed(this.drbgTap))
      .toString('hex')
      .slice(0, CLIENT_SEED_HEX_CHARS);
    this.clientSeed = clientSeed ?? drawn;
  }

  /** The next round's provably-fair inputs; draws the following seed first, as a play does. */
  nextRound(): ProvablyFairRound {
    const following = generateServerSeed(this.drbgTap);
    const round = { serverSeed: this.nextServerSeed, clientSeed: this.clientSeed, nonce: this.nonce };
    this.nonce++;
    this.nextServerSeed = following;
    return round;
  }
}

/** The outcome bytes `playRound` consumed in one served round (the bytes that decided it). */
export function servedRoundBytes(game: Game, mode: string, round: ProvablyFairRound): Uint8Array {
  const tap = new RecordingSource(new ProvablyFairSource(round));
  playRound(game, mode, certificationBet(game), tap);
  return tap.recorded().slice();
}

/** A source for zero spins: never read (stopSelectionChannels with 0 spins only describes). */
const NO_DRAWS: RandomSource = {
  id: 'no-draws',
  nextUint32: () => {
    throw new Error('invariant: NO_DRAWS is never read');
  },
  fillBytes: () => {
    throw new Error('invariant: NO_DRAWS is never read');
  },
};

/** Upper bound on rounds per sequence (TIGER_STYLE): 2^26 rounds, far above any planned size. */
const MAX_ROUNDS_PER_SEQUENCE = 1 << 26;

/** The first `byteCount` bytes the session's DRBG produced, drawing rounds as the RGS does. */
export function servedDrbgBytes(session: ServedSession, byteCount: number): Uint8Array {
  if (!session.recordsDrbg) throw new Error('invariant: the session was opened without recording its DRBG');
  let rounds = 0;
  // The bytes drawn at player creation come first, then one server seed per round.
  while (session.drbgTap.recorded().length < byteCount) {
    if (++rounds > MAX_ROUNDS_PER_SEQUENCE) throw new RangeError('served stream: too many rounds');
    session.nextRound();
  }
  return session.drbgTap.recorded().slice(0, byteCount);
}

/**
 * `byteCount` bytes of the provably-fair stream: each round's consumed outcome bytes
 * (`servedRoundBytes`), rounds taken from `nextRound` in order.
 */
export function servedProvablyFairBytes(
  nextRound: () => ProvablyFairRound,
  byteCount: number,
  game: Game,
  mode: string,
): Uint8Array {
  const out = new Uint8Array(byteCount);
  let filled = 0;
  let rounds = 0;
  while (filled < byteCount) {
    if (++rounds > MAX_ROUNDS_PER_SEQUENCE) throw new RangeError('served stream: too many rounds');
    const bytes = servedRoundBytes(game, mode, nextRound());
    const take = Math.min(bytes.length, byteCount - filled);
    out.set(bytes.subarray(0, take), filled);
    filled += take;
  }
  return out;
}

/**
 * One mapping's draws through the provably-fair stream: `rounds` rounds, one spin each, drawn with
 * the evaluator's `drawStops`; `leadIn` (the base reel set) is drawn first on the same source when
 * the mapping is a free-spin reel set.
 */
export function servedStopChannels(
  nextRound: () => ProvablyFairRound,
  reels: readonly PreparedReel[],
  leadIn: readonly PreparedReel[] | null,
  rounds: number,
): ScaledChannel[] {
  const columns = reels.map(() => new Float64Array(rounds));
  for (let s = 0; s < rounds; s++) {
    const source = new ProvablyFairSource(nextRound());
    if (leadIn !== null) drawStops(leadIn, source);
    const stops = drawStops(reels, source);
    for (let r = 0; r < stops.length; r++) columns[r]![s] = stops[r]!;
  }
  // The channels' labels and laws exactly as stopSelectionChannels defines them (one definition).
  const described = stopSelectionChannels(reels, NO_DRAWS, 0);
  return described.map((channel, r) => ({ ...channel, draws: columns[r]! }));
}

/** Evaluated lazily: inputs.ts and this file import each other. */
const servedSequenceRule = () =>
  `sequence k = one server session: DRBG replay seed SHA-256(utf8("${SEQUENCE_SEED_DOMAIN}") || seed || uint32be(k)), one player, nonces 0, 1, 2, …`;

interface ServedGame {
  readonly game: Game;
  readonly mode: string;
  readonly reelSet: string;
  readonly reels: readonly PreparedReel[];
  readonly leadIn: readonly PreparedReel[] | null;
}

function openServedGame(spec: ServedInputSpec): ServedGame | null {
  if (spec.gamePath === undefined) return null;
  let game: Game;
  try {
    game = loadGameFile(spec.gamePath);
  } catch (error) {
    throw new InputError((error as Error).message);
  }
  const modes = game.definition.modes.map((m) => m.id);
  const mode = spec.mode ?? modes[0]!;
  const modeDef = game.definition.modes.find((m) => m.id === mode);
  if (!modeDef) throw new InputError(`${spec.gamePath}: no mode '${mode}'; it has: ${modes.join(', ')}`);
  if (game.model.type === 'table') {
    if (spec.reelSet !== undefined && spec.reelSet !== 'outcome-table') {
      throw new InputError(`${spec.gamePath} is a table game: its one mapping is 'outcome-table'`);
    }
    const { reelSet, reels } = gameReels(game);
    return { game, mode, reelSet, reels, leadIn: null };
  }
  const baseSet = (modeDef as { reelSet?: string }).reelSet!;
  const { reelSet, reels } = gameReels(game, spec.reelSet ?? baseSet);
  const leadIn = reelSet === baseSet ? null : game.model.reelSets.get(baseSet)!;
  return { game, mode, reelSet, reels, leadIn };
}

/** The parts of a served input both the battery input and the data export use. */
function openServed(spec: ServedInputSpec) {
  if (spec.drbg !== 'hmac-drbg' && spec.drbg !== 'ctr-drbg') {
    throw new InputError(`the served DRBG is 'hmac-drbg' or 'ctr-drbg', not '${spec.drbg}'`);
  }
  if (spec.stream !== 'drbg' && spec.stream !== 'provably-fair') {
    throw new InputError(`the served stream is 'drbg' or 'provably-fair', not '${spec.stream}'`);
  }
  const seed = parseSeed(spec.seedHex);
  const served = openServedGame(spec);
  if (spec.stream === 'provably-fair' && served === null) {
    throw new InputError('the provably-fair stream needs the served game (gamePath)');
  }
  const session = (sequence: number, recordDrbg: boolean) =>
    new ServedSession(spec.drbg, sequenceSeed(seed, sequence), spec.clientSeed, recordDrbg);
  /** The first `byteCount` bytes of sequence k's stream. */
  const bytes = (sequence: number, byteCount: number): Uint8Array => {
    const s = session(sequence, served === null || spec.stream === 'drbg');
    return served === null || spec.stream === 'drbg'
      ? servedDrbgBytes(s, byteCount)
      : servedProvablyFairBytes(() => s.nextRound(), byteCount, served.game, served.mode);
  };
  return { served, session, bytes };
}

/**
 * The NIST stream of a served input as a file's bytes: sequences 0..n-1 back to back, each
 * `bitsPerSequence` bits (whole bytes, MSB first), exactly what the battery read. Written next to
 * the STS export, a lab can run NIST's own `assess` on it and diff the two reports.
 */
export function servedStreamData(
  spec: ServedInputSpec,
  sequences: number,
  bitsPerSequence: number,
): Uint8Array {
  if (!Number.isSafeInteger(bitsPerSequence) || bitsPerSequence < 8 || bitsPerSequence % 8 !== 0) {
    throw new InputError(
      `a stream file holds whole bytes per sequence: ${bitsPerSequence} bits is not a multiple of 8`,
    );
  }
  if (!Number.isSafeInteger(sequences) || sequences < 1) throw new InputError('sequences must be >= 1');
  const { bytes } = openServed(spec);
  const perSequence = bitsPerSequence / 8;
  const out = new Uint8Array(sequences * perSequence);
  for (let k = 0; k < sequences; k++) out.set(bytes(k, perSequence), k * perSequence);
  return out;
}

/** Opens a served-path input (also in worker threads). */
export function servedInput(spec: ServedInputSpec, seedGenerated: boolean): BatteryInput {
  const { served, session, bytes } = openServed(spec);
  const sample = session(0, false);
  const clientSeed = spec.clientSeed ?? `drawn by the RGS rule (sequence 0: ${sample.clientSeed})`;
  return {
    spec: served === null ? spec : { ...spec, mode: served.mode, reelSet: served.reelSet },
    identity: {
      kind: 'served',
      drbg: spec.drbg,
      seedHex: spec.seedHex,
      seedGenerated,
      sequenceSeeds: servedSequenceRule(),
      stream: spec.stream,
      gamePath: spec.gamePath ?? null,
      gameId: served?.game.definition.id ?? null,
      mathHash: served?.game.mathHash ?? null,
      mode: served?.mode ?? null,
      reelSet: served?.reelSet ?? null,
      clientSeed,
      path:
        spec.stream === 'drbg'
          ? `${spec.drbg} output as the RGS draws it (server seeds, client-seed draw)`
          : `${spec.drbg} → server seed per round → HMAC-SHA256(serverSeed, "clientSeed:nonce:cursor") → bytes the evaluator consumes`,
    },
    bits: (sequence, nBits) => bytesToBits(bytes(sequence, Math.ceil(nBits / 8)), nBits),
    scaledSequence(sequence, draws) {
      if (served === null)
        throw new InputError('stop selection on the served path needs the game (gamePath)');
      const s = session(sequence, false);
      return servedStopChannels(() => s.nextRound(), served.reels, served.leadIn, draws);
    },
    sequencesAvailable: () => Number.POSITIVE_INFINITY,
  };
}

/** A sub-seed for one run of the served path, domain-separated by `label` (recorded in the result). */
export function servedRunSeed(masterSeedHex: string, label: string): string {
  return createHash('sha256')
    .update('croupier/served-path/v1\0')
    .update(label)
    .update('\0')
    .update(parseSeed(masterSeedHex))
    .digest('hex');
}
