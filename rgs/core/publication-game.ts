/**
 * A Stake Engine math-sdk publication served by the RGS (issue 12 §2): each round draws a book by
 * its lookup table's exact integer weights from the round's provably-fair DRBG
 * (games/publication `PublicationBooks`), returns the book's events as `round.state`, charges
 * bet × mode cost and pays bet × payoutMultiplier / 100 (`publicationMoney`), all in integers.
 *
 * Every book is read and checked against its lookup-table row when the game is prepared, so a
 * publication whose books pay otherwise than its certified table is refused at start. Only bets for
 * which every mode's cost and every payout are whole API units are offered.
 */
import {
  type BetChoice,
  PublicationBooks,
  type PublicationMode,
  percentRoundedHalfUp,
  publicationMoney,
} from '../../games/index.ts';
import {
  API_UNITS_PER_GAME_MINOR,
  betConfigOf,
  GameConfigError,
  type PublicationGameSpec,
  type ServedGame,
} from './games.ts';

/**
 * Default base bets of a publication (API units, 6 implied decimals): 0.10 to 100.00, the Stake
 * front end's usual ladder, each a whole number of game minor units (stored as the round's coin).
 */
export const DEFAULT_PUBLICATION_BETS: readonly bigint[] = [
  100_000n,
  200_000n,
  500_000n,
  1_000_000n,
  2_000_000n,
  5_000_000n,
  10_000_000n,
  20_000_000n,
  50_000_000n,
  100_000_000n,
];

/** The largest coin a round row stores (a PostgreSQL integer). */
const MAX_COIN_VALUE_MINOR = 2_147_483_647n;

function gcd(a: bigint, b: bigint): bigint {
  let x = a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** The gcd of 100 and every payout of the mode: bet × payout / 100 is whole for all rows iff it is for this. */
function payoutGcd(mode: PublicationMode): bigint {
  let g = 100n;
  const { payouts, rows } = mode.table;
  for (let row = 0; row < rows && g > 1n; row++) g = gcd(g, BigInt(payouts[row]!));
  return g;
}

/** Exact RTP of a mode (Σ weight·payout / Σ weight / 100 / cost) as a percentage with 2 decimals. */
function modeRtp(mode: PublicationMode): string {
  const { weights, payouts, rows, totalWeight } = mode.table;
  let paid = 0n;
  for (let row = 0; row < rows; row++) paid += weights[row]! * BigInt(payouts[row]!);
  return percentRoundedHalfUp(paid * mode.cost.denominator, totalWeight * 100n * mode.cost.numerator, 2);
}

/** Why a bet cannot be offered (null when it can): every cost and payout must be whole API units. */
function betProblem(
  amount: bigint,
  modes: readonly PublicationMode[],
  gcds: readonly bigint[],
): string | null {
  if (amount <= 0n || amount % API_UNITS_PER_GAME_MINOR !== 0n) {
    return `is not a positive multiple of ${API_UNITS_PER_GAME_MINOR} API units`;
  }
  if (amount / API_UNITS_PER_GAME_MINOR > MAX_COIN_VALUE_MINOR) return 'is too large';
  for (const [i, mode] of modes.entries()) {
    if (publicationMoney(amount, mode, Number(gcds[i]!)) === null) {
      return `× mode ${mode.name}'s cost ${mode.cost.text} or payouts is not whole API units`;
    }
  }
  return null;
}

export function preparePublication(spec: PublicationGameSpec): ServedGame {
  const { publication } = spec;
  const gcds = publication.modes.map(payoutGcd);
  const amounts: bigint[] = [];
  for (const amount of spec.betLevels ?? DEFAULT_PUBLICATION_BETS) {
    const problem = betProblem(amount, publication.modes, gcds);
    if (problem === null) amounts.push(amount);
    else if (spec.betLevels !== undefined) {
      throw new GameConfigError(`publication ${publication.id}: bet ${amount} ${problem}`);
    }
  }
  amounts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (amounts.length === 0) throw new GameConfigError(`publication ${publication.id}: no bet levels`);
  // Every book read and checked against its table now (BooksError: the server does not start).
  const books = new Map(publication.modes.map((mode) => [mode.name, PublicationBooks.load(mode)]));
  const betModes = Object.fromEntries(
    publication.modes.map((mode) => [
      mode.name,
      { costMultiplier: Number(mode.cost.text), rtp: modeRtp(mode) },
    ]),
  );
  // The round row stores a coin and a level (positive integers): the bet in game minor units, level 1.
  const betChoices = new Map<bigint, BetChoice>(
    amounts.map((a) => [a, { coinValueMinor: Number(a / API_UNITS_PER_GAME_MINOR), betLevel: 1 }]),
  );
  return {
    id: publication.id,
    version: spec.version ?? `1+${publication.mathHash.slice(0, 12)}`,
    mathHash: publication.mathHash,
    betChoices,
    config: betConfigOf(amounts, betModes),
    costMinor: (mode, amountMinor) => {
      const served = books.get(mode);
      return served === undefined ? undefined : publicationMoney(amountMinor, served.mode, 0)?.costMinor;
    },
    play: (mode, amountMinor, _bet, source) => {
      const served = books.get(mode);
      if (served === undefined) throw new RangeError(`publication ${publication.id} has no mode ${mode}`);
      const round = served.play(source);
      const money = publicationMoney(amountMinor, served.mode, round.payoutMultiplier);
      if (money === null) throw new RangeError(`bet ${amountMinor} is not offered by ${publication.id}`);
      return { ...money, events: [...round.events], simulationId: round.simulationId };
    },
  };
}
