/**
 * The games the RGS serves: their bet configuration in API units, the exact mapping of an API bet
 * onto the evaluator's BetChoice, and a round's outcome as Stake-style book events.
 *
 * Units. Game definitions give coin values in hundredths of the currency's major unit ("cents",
 * games/definition.ts); the API unit has 6 implied decimals. So one game minor unit is
 * API_UNITS_PER_GAME_MINOR = 10_000 API units, and a base bet of coin c at level l on a game whose
 * base stake is S win units is  amount = c × l × S × 10_000  API units; the debit is amount × the
 * mode's cost multiplier, which is exactly the evaluator's stakeMinor × 10_000. A win of W units
 * pays W × c × l × 10_000 API units. All of it is integer arithmetic.
 */
import {
  type BetChoice,
  canonicalJson,
  checkDeclaredRtp,
  demoDeclaredRtps,
  type Game,
  type Publication,
  percentRoundedHalfUp,
  playRound,
  type RoundOutcome,
  type SpinOutcome,
  sha256Hex,
  stakeUnitsOf,
  type Win,
} from '../../games/index.ts';
import type { RandomSource } from '../../rng/index.ts';
import type { BetConfig } from './contract.ts';
import { preparePublication } from './publication-game.ts';

export const API_UNITS_PER_GAME_MINOR = 10_000n;

/**
 * A game the RGS serves, as given to createRgsCore: a game definition, a math-sdk publication, or a
 * game already prepared (prepareServedGame), so that a caller that checked it first (the CLI's
 * `rgs start --games`) does not make the core read and check a publication's books a second time.
 */
export type ServedGameSpec = EvaluatedGameSpec | PublicationGameSpec | PreparedGameSpec;

/** A game prepareServedGame already prepared: served as it is. */
export interface PreparedGameSpec {
  readonly prepared: ServedGame;
}

/** A math-sdk publication (games/publication): books drawn by their lookup table's weights. */
export interface PublicationGameSpec {
  readonly publication: Publication;
  /** Shown and recorded with every round; default `1+<first 12 hex digits of the math hash>`. */
  readonly version?: string;
  /** Restrict the offered base bets (API units); each must make every mode's cost and payouts exact. */
  readonly betLevels?: readonly bigint[];
}

/** A game definition evaluated by the reel/table evaluator (games/). */
export interface EvaluatedGameSpec {
  readonly game: Game;
  /** Shown and recorded with every round; default `1+<first 12 hex digits of the math hash>`. */
  readonly version?: string;
  /**
   * RTP per mode as shown in game info (e.g. "96.00"), overriding the definition's declared RTP
   * (`modes[].declaredRtp`); without either, table games show their exact RTP, others "unknown".
   */
  readonly rtpByMode?: Readonly<Record<string, string>>;
  /** Restrict the offered base bets (API units); each must map exactly onto a BetChoice. */
  readonly betLevels?: readonly bigint[];
}

/** One round of a served game, as the game computed it (the core checks and stores it). */
export interface ServedRound {
  /** What the game charges for this bet in this mode (API units): must equal the core's debit. */
  readonly costMinor: bigint;
  readonly payoutMinor: bigint;
  /** The book events (the Stake `round.state`). */
  readonly events: unknown[];
  /** A publication's drawn book (recorded in the round's audit record, shown by replay). */
  readonly simulationId?: number;
}

/** A served game, prepared. */
export interface ServedGame {
  readonly id: string;
  readonly version: string;
  readonly mathHash: string;
  /** Base bet (API units) -> the evaluator's BetChoice; sorted by amount. */
  readonly betChoices: ReadonlyMap<bigint, BetChoice>;
  readonly config: Omit<BetConfig, 'gameId'>;
  /** The debit of a base bet in a mode (API units), exact; undefined for a mode not served. */
  costMinor(mode: string, amountMinor: bigint): bigint | undefined;
  /**
   * One round of `mode` at an offered bet, from `source` (the round's provably-fair DRBG): the core
   * plans, stores and replays rounds through this alone, whatever kind of game it is.
   */
  play(mode: string, amountMinor: bigint, bet: BetChoice, source: RandomSource): ServedRound;
}

export class GameConfigError extends Error {
  override name = 'GameConfigError';
}

/**
 * The declared base-mode RTP of each shipped reel game (`modes[].declaredRtp` in its definition,
 * checked against the exact analysis by `croupier math` and its tests). Kept for importers of the
 * old hard-coded table; the RGS itself reads each served game's own declaration.
 */
export const DEMO_REEL_GAME_RTP: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(
    Object.entries(demoDeclaredRtps())
      .filter(([id]) => id !== 'lucky-wheel')
      .flatMap(([id, modes]) => (modes.base === undefined ? [] : [[id, modes.base] as const])),
  ),
);

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** Exact RTP of a table game's mode as a fraction of the stake (paid / staked over the outcome table). */
function tableRtpFraction(game: Game, costMultiplier: number): { num: bigint; den: bigint } | undefined {
  if (game.model.type !== 'table') return undefined;
  const m = game.model;
  const cap = m.capUnits;
  let paid = 0n;
  m.weights.forEach((w, i) => {
    const pay = m.pays[i]!;
    paid += BigInt(w) * BigInt(cap !== null && pay > cap ? cap : pay);
  });
  return { num: paid, den: BigInt(m.totalWeight) * BigInt(m.baseStakeUnits) * BigInt(costMultiplier) };
}

/** RTP of a table game's mode as a percentage with 2 decimals (rounded half up), exact arithmetic. */
function tableRtp(game: Game, costMultiplier: number): string | undefined {
  const rtp = tableRtpFraction(game, costMultiplier);
  return rtp === undefined ? undefined : percentRoundedHalfUp(rtp.num, rtp.den, 2);
}

export function prepareServedGame(spec: ServedGameSpec): ServedGame {
  if ('prepared' in spec) return spec.prepared;
  return 'publication' in spec ? preparePublication(spec) : prepareEvaluatedGame(spec);
}

function prepareEvaluatedGame(spec: EvaluatedGameSpec): ServedGame {
  const { game } = spec;
  const def = game.definition;
  const baseStakeUnits = BigInt(game.model.baseStakeUnits);
  const all = new Map<bigint, BetChoice>();
  for (const coin of def.bet.coinValuesMinor) {
    for (const level of def.bet.betLevels) {
      const amount = BigInt(coin) * BigInt(level) * baseStakeUnits * API_UNITS_PER_GAME_MINOR;
      const known = all.get(amount);
      // Equal amounts pay equally (wins are linear in coin × level): prefer the larger coin.
      if (known === undefined || coin > known.coinValueMinor)
        all.set(amount, { coinValueMinor: coin, betLevel: level });
    }
  }
  let offered: Map<bigint, BetChoice>;
  if (spec.betLevels === undefined) {
    offered = all;
  } else {
    offered = new Map();
    for (const amount of spec.betLevels) {
      const choice = all.get(amount);
      if (choice === undefined) {
        throw new GameConfigError(
          `game ${def.id}: bet ${amount} does not map onto a coin value × bet level × ${baseStakeUnits} units`,
        );
      }
      offered.set(amount, choice);
    }
  }
  if (offered.size === 0) throw new GameConfigError(`game ${def.id}: no bet levels`);
  const amounts = [...offered.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const costMultiplierByMode = new Map<string, bigint>();
  const betModes: Record<string, { costMultiplier: number; rtp: string }> = {};
  for (const mode of def.modes) {
    const k = BigInt(mode.costMultiplier);
    // The invariant the RGS relies on: debit = evaluator stake, exactly, for every offered bet.
    for (const amount of amounts) {
      const choice = offered.get(amount)!;
      const stakeMinor =
        BigInt(stakeUnitsOf(game, mode.id)) * BigInt(choice.coinValueMinor) * BigInt(choice.betLevel);
      if (stakeMinor * API_UNITS_PER_GAME_MINOR !== amount * k) {
        throw new GameConfigError(`game ${def.id} mode ${mode.id}: bet ${amount} × ${k} ≠ evaluator stake`);
      }
    }
    // A table game's RTP is exact here: its declaration must agree (to its stated precision).
    const exact = tableRtpFraction(game, mode.costMultiplier);
    if (mode.declaredRtp !== undefined && exact !== undefined) {
      const check = checkDeclaredRtp(mode.declaredRtp, exact.num, exact.den);
      if (!check.matches) {
        throw new GameConfigError(
          `game ${def.id} mode ${mode.id}: declared RTP ${check.declared}% but the exact RTP rounds to ${check.exactRounded}%`,
        );
      }
    }
    costMultiplierByMode.set(mode.id, k);
    betModes[mode.id] = {
      costMultiplier: mode.costMultiplier,
      rtp: spec.rtpByMode?.[mode.id] ?? mode.declaredRtp ?? tableRtp(game, mode.costMultiplier) ?? 'unknown',
    };
  }
  const sortedOffered = new Map(amounts.map((a) => [a, offered.get(a)!]));
  return {
    id: def.id,
    version: spec.version ?? `1+${game.mathHash.slice(0, 12)}`,
    mathHash: game.mathHash,
    betChoices: sortedOffered,
    config: betConfigOf(amounts, betModes),
    costMinor: (mode, amountMinor) => {
      const k = costMultiplierByMode.get(mode);
      return k === undefined ? undefined : amountMinor * k;
    },
    play: (mode, _amountMinor, bet, source) => {
      const outcome = playRound(game, mode, bet, source);
      return {
        costMinor: BigInt(outcome.stakeMinor) * API_UNITS_PER_GAME_MINOR,
        payoutMinor: unitsToApi(outcome.totalWinUnits, bet),
        events: bookEvents(outcome),
      };
    },
  };
}

/** Bet configuration of sorted offered amounts (API units). */
export function betConfigOf(
  amounts: readonly bigint[],
  betModes: Record<string, { costMultiplier: number; rtp: string }>,
): Omit<BetConfig, 'gameId'> {
  return {
    minBet: amounts[0]!,
    maxBet: amounts.at(-1)!,
    stepBet: amounts.reduce((g, a) => gcd(g, a), 0n),
    defaultBetLevel: amounts[0]!,
    betLevels: amounts,
    betModes,
  };
}

function safe(n: bigint, what: string): number {
  const v = Number(n);
  if (!Number.isSafeInteger(v)) throw new RangeError(`${what} ${n} is beyond 2^53 in a book event`);
  return v;
}

/** API units of `units` win units at this bet. */
export function unitsToApi(units: number, bet: BetChoice): bigint {
  return BigInt(units) * BigInt(bet.coinValueMinor) * BigInt(bet.betLevel) * API_UNITS_PER_GAME_MINOR;
}

function winEvent(win: Win, bet: BetChoice, spinMultiplier: number) {
  const base = {
    kind: win.kind,
    payId: win.payId,
    positions: win.positions,
    winUnits: win.winUnits,
    amount: safe(unitsToApi(win.winUnits * spinMultiplier, bet), 'win'),
  };
  if (win.kind === 'line')
    return { ...base, line: win.line, direction: win.direction, symbols: win.lineSymbols };
  if (win.kind === 'ways') return { ...base, symbol: win.symbol, reels: win.reels, ways: win.weightedWays };
  return { ...base, symbol: win.symbol, count: win.count };
}

/**
 * The outcome as book events (the Stake `round.state` array): reveal → winInfo → freeSpinTrigger →
 * per free spin updateFreeSpin, reveal, winInfo → finalWin. Amounts are API units (JSON numbers,
 * checked to be safe integers).
 */
export function bookEvents(outcome: RoundOutcome): unknown[] {
  const events: Record<string, unknown>[] = [];
  const push = (event: Record<string, unknown>) => events.push({ index: events.length, ...event });
  const bet = outcome.bet;
  const spin = (s: SpinOutcome, gameType: 'basegame' | 'freegame') => {
    push({ type: 'reveal', gameType, reelSet: s.reelSet, stops: s.stops, board: s.window });
    if (s.wins.length > 0) {
      push({
        type: 'winInfo',
        gameType,
        multiplier: s.multiplier,
        totalWin: safe(unitsToApi(s.winUnits, bet), 'spin win'),
        wins: s.wins.map((w) => winEvent(w, bet, s.multiplier)),
      });
    }
  };
  if (outcome.base !== null) {
    spin(outcome.base, 'basegame');
    if (outcome.base.spinsAwarded > 0) push({ type: 'freeSpinTrigger', totalFs: outcome.base.spinsAwarded });
    let total = outcome.base.spinsAwarded;
    outcome.freeSpins.forEach((fs, i) => {
      push({ type: 'updateFreeSpin', amount: i + 1, total });
      spin(fs, 'freegame');
      if (fs.spinsAwarded > 0) {
        total += fs.spinsAwarded;
        push({ type: 'freeSpinRetrigger', totalFs: total });
      }
    });
    if (outcome.freeSpins.length > 0) push({ type: 'freeSpinEnd' });
  }
  if (outcome.tableOutcome !== null) {
    push({ type: 'reveal', gameType: 'basegame', outcome: outcome.tableOutcome });
  }
  push({
    type: 'finalWin',
    amount: safe(unitsToApi(outcome.totalWinUnits, bet), 'final win'),
    winUnits: outcome.totalWinUnits,
    capApplied: outcome.capApplied,
    freeSpinsForfeited: outcome.freeSpinsForfeited,
  });
  return events;
}

/** SHA-256 of the canonical JSON of a round's state (recorded in the audit log). */
export function stateHash(state: readonly unknown[]): string {
  return sha256Hex(canonicalJson(state));
}

/** payout / amount as a decimal string: exact when it terminates within 12 digits, else 6 (half up). */
export function payoutMultiplier(payoutMinor: bigint, amountMinor: bigint): string {
  if (amountMinor <= 0n) throw new RangeError('amount must be positive');
  for (let digits = 0; digits <= 12; digits++) {
    const scale = 10n ** BigInt(digits);
    if ((payoutMinor * scale) % amountMinor === 0n)
      return decimal((payoutMinor * scale) / amountMinor, digits);
  }
  const scaled = (payoutMinor * 10n ** 6n * 2n + amountMinor) / (amountMinor * 2n);
  return decimal(scaled, 6);
}

function decimal(scaled: bigint, digits: number): string {
  if (digits === 0) return scaled.toString();
  const s = scaled.toString().padStart(digits + 1, '0');
  return `${s.slice(0, -digits)}.${s.slice(-digits)}`;
}
