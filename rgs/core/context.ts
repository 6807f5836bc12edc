/**
 * The CoreContext: what every part of the core (queries, play, settle, operator, compliance) works
 * with — the database (with each call's deadline), the clock, the served games, the jurisdictions,
 * the seed source, and the money-transaction helpers. createRgsCore (core.ts) builds it once and
 * composes the parts from it; a part never reaches another's internals except through what the
 * composition hands it.
 */
import type { DrbgSource } from '../../rng/index.ts';
import type { SqlClient, SqlExecutor } from '../db/sql-client.ts';
import type { Result, RgsError } from './contract.ts';
import type { ServedGame } from './games.ts';
import type { JurisdictionPolicy } from './jurisdictions.ts';

export const MAX_RECALL_ROUNDS = 100;
export const MAX_STALE_ROUNDS_PER_CALL = 1_000;
export const MAX_EVENT_LENGTH = 1_000;
/** One billion major units. */
export const MAX_AMOUNT_MINOR = 10n ** 15n;
export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

export interface CoreContext {
  /** Every statement and transaction bounded by the call's deadline (PostgreSQL). */
  readonly db: SqlClient;
  /** Business time (rounds, limits, sessions); deadlines use the wall clock. */
  readonly clock: () => Date;
  readonly games: ReadonlyMap<string, ServedGame>;
  readonly jurisdictions: Readonly<Record<string, JurisdictionPolicy>>;
  /** House (and funding) account shards per currency. */
  readonly shards: number;
  readonly drbg: DrbgSource;
  /** A fresh server seed (hex) and its SHA-256 commitment. */
  readonly newSeed: () => { readonly hex: string; readonly commitment: string };
  /** Every public call: throws become ERR_GEN / ERR_MAINTENANCE (never a stack trace). */
  readonly guard: <T>(operation: string, work: () => Promise<Result<T>>) => Promise<Result<T>>;
  /** One money transaction, retried (bounded) on serialization failures and idempotency races. */
  readonly moneyTx: <T>(fn: (tx: SqlExecutor) => Promise<T>) => Promise<T>;
  readonly checkPlayerId: (playerId: unknown) => RgsError | null;
  /** The house or funding shard account a player posts to (ids cached: they never change). */
  readonly houseShard: (
    tx: SqlExecutor,
    kind: 'house' | 'funding',
    currency: string,
    playerId: string,
  ) => Promise<bigint>;
  /** Currencies whose house accounts exist. */
  readonly currenciesReady: Set<string>;
  /** The jurisdiction policy of a player; a player's jurisdiction is always configured. */
  readonly policyOf: (name: string) => JurisdictionPolicy;
}
