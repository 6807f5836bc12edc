/**
 * Test players generated with @faker-js/faker from a fixed seed: the same seed gives the same
 * players (names, currencies, languages, devices, jurisdictions, starting balances) on every run and
 * machine, so a failing drill can be rerun exactly.
 *
 * A private Faker instance is used (not the shared `faker` singleton) so that one test's draws never
 * shift another's. Balances are integers in API units (6 implied decimals), never floats.
 */
import { en, Faker } from '@faker-js/faker';
import type { SessionStartBody } from './rgs-process.ts';

/** Jurisdictions of rgs/core/jurisdictions.ts DEFAULT_JURISDICTIONS. 'strict' enforces 2.5 s rounds. */
export type TestJurisdiction = 'default' | 'social' | 'strict';

export interface TestPlayer {
  /** Index in the generated list (stable for a seed). */
  readonly index: number;
  readonly name: string;
  readonly email: string;
  /** ISO 4217 code from faker (the RGS shows currency only; money is in API units). */
  readonly currency: string;
  readonly language: 'en' | 'de' | 'fr' | 'es' | 'pt' | 'ja';
  readonly device: 'mobile' | 'desktop';
  readonly jurisdiction: TestJurisdiction;
  /** Starting balance, API units (6 implied decimals). */
  readonly balance: number;
}

export interface PlayerOptions {
  readonly seed: number;
  readonly count: number;
  /** Jurisdictions to draw from; default default + social (no minimum round duration). */
  readonly jurisdictions?: readonly TestJurisdiction[];
  /** Starting balance bounds in major units (inclusive); default 50..500. */
  readonly minBalanceMajor?: number;
  readonly maxBalanceMajor?: number;
}

const API_UNITS_PER_MAJOR = 1_000_000;
const LANGUAGES = ['en', 'de', 'fr', 'es', 'pt', 'ja'] as const;
const MAX_PLAYERS = 10_000;

export function generatePlayers(options: PlayerOptions): TestPlayer[] {
  if (!(Number.isInteger(options.count) && options.count >= 1 && options.count <= MAX_PLAYERS)) {
    throw new RangeError(`count must be 1..${MAX_PLAYERS}`);
  }
  const faker = new Faker({ locale: [en] });
  faker.seed(options.seed);
  const jurisdictions = options.jurisdictions ?? ['default', 'social'];
  const minMajor = options.minBalanceMajor ?? 50;
  const maxMajor = options.maxBalanceMajor ?? 500;
  const players: TestPlayer[] = [];
  for (let index = 0; index < options.count; index++) {
    const first = faker.person.firstName();
    const last = faker.person.lastName();
    players.push({
      index,
      name: `${first} ${last}`,
      email: faker.internet.email({ firstName: first, lastName: last }),
      currency: faker.finance.currencyCode(),
      language: faker.helpers.arrayElement(LANGUAGES),
      device: faker.helpers.arrayElement(['mobile', 'desktop'] as const),
      jurisdiction: faker.helpers.arrayElement(jurisdictions),
      balance: faker.number.int({ min: minMajor, max: maxMajor }) * API_UNITS_PER_MAJOR,
    });
  }
  return players;
}

/** The operator's /session/start body for a new wallet of this player. */
export function sessionBody(player: TestPlayer, gameID: string): SessionStartBody {
  return {
    currency: player.currency,
    balance: player.balance,
    jurisdiction: player.jurisdiction,
    gameID,
    language: player.language,
    device: player.device,
  };
}
