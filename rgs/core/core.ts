import { DEMO_GAME_FILES, type DemoGameName, loadDemoGame } from '../../games/index.ts';
import {
  commitServerSeed,
  createDrbgSource,
  type DrbgKind,
  type DrbgSource,
  generateServerSeed,
} from '../../rng/index.ts';
import { migrate } from '../db/migrate.ts';
import {
  CommitOutcomeUnknownError,
  createPgClient,
  createPgliteClient,
  isDatabaseUnavailable,
  type SqlClient,
  type SqlExecutor,
  UNIQUE_VIOLATION,
} from '../db/sql-client.ts';
import { verifyAuditLog } from './audit.ts';
import { complianceOperations } from './compliance.ts';
import type { CoreContext } from './context.ts';
import type { Balance, Result, RgsCore, RgsError, VerifyReport } from './contract.ts';
import { prepareServedGame, type ServedGame, type ServedGameSpec } from './games.ts';
import { DEFAULT_JURISDICTIONS, type JurisdictionPolicy } from './jurisdictions.ts';
import { houseAccountId, houseShardOf, verifyLedgerBooks } from './ledger.ts';
import { operatorOperations } from './operator.ts';
import { playOperations } from './play.ts';
import { queryOperations } from './queries.ts';
import { bytesToHex, fail, InvariantError, UUID } from './rows.ts';
import { settlementOperations } from './settle.ts';

/** The least-privilege role the core runs as when the database has it (004_app_role.sql). */
export const APP_ROLE = 'croupier_app';
export const DEFAULT_HOUSE_SHARDS = 16;
const MAX_HOUSE_SHARDS = 1024;
/** Retries of one money transaction (serialization failure, deadlock, idempotency race). */
const MONEY_TX_ATTEMPTS = 5;
/** Retry-After of a call refused because the database is unavailable. */
const DATABASE_RETRY_AFTER_MS = 1_000;

/** Where the core keeps its data. */
export type RgsDatabase =
  /** PostgreSQL: migrated with the URL's user, then served through a pool as the app role. */
  | { readonly url: string; readonly maxConnections?: number; readonly appRole?: string | null }
  /** Embedded PGlite with data in `dataDir` (in memory when omitted). One connection. */
  | { readonly pglite: true; readonly dataDir?: string; readonly appRole?: string | null }
  /** A client the caller opened (and closes): migrated, used as is. */
  | { readonly client: SqlClient };

export interface RgsCoreOptions {
  readonly db: RgsDatabase;
  /** Served games; default: every demo game. */
  readonly games?: readonly ServedGameSpec[];
  /** DRBG for server seeds; default 'hmac-drbg'. */
  readonly rngKind?: DrbgKind;
  readonly clock?: () => Date;
  /** Jurisdiction name -> policy; default DEFAULT_JURISDICTIONS. Players name one of these. */
  readonly jurisdictions?: Readonly<Record<string, JurisdictionPolicy>>;
  /** House (and funding) account shards per currency; default 16. */
  readonly houseShards?: number;
  /** Unexpected failures (they reach clients only as ERR_GEN). */
  readonly onError?: (operation: string, error: unknown) => void;
  /**
   * A broken invariant (InvariantError: the books or a round contradict themselves, a bug or a
   * corrupted database), reported apart from ordinary failures; default: onError with the
   * operation named `invariant:<operation>`. The client still sees ERR_GEN.
   */
  readonly onInvariantViolation?: (operation: string, error: InvariantError) => void;
  /**
   * Budget of one call's database work (default 6 s; PostgreSQL): the wait for a pooled
   * connection, every statement, and the lock waits are bounded by it, and no COMMIT is sent after
   * it (503, nothing booked). The server-side statement, lock and idle-in-transaction timeouts
   * are set to it as well. Keep it plus `commitResolveMs` under the clients' timeout (10 s).
   */
  readonly requestDeadlineMs?: number;
  /** Bound on resolving a COMMIT whose reply was lost (default 2 s; see sql-client.ts). */
  readonly commitResolveMs?: number;
}

export const DEFAULT_REQUEST_DEADLINE_MS = 6_000;
export const DEFAULT_COMMIT_RESOLVE_MS = 2_000;

export interface PlayerLimits {
  /** Net loss (cost − payout) allowed over the rolling window; null removes the limit. */
  readonly lossLimitMinor: bigint | null;
  readonly lossLimitWindowMs: number | null;
  /** Self-exclusion end (play refused until then); null lifts it. */
  readonly selfExcludedUntil: Date | null;
  /**
   * Deposits allowed over the last 24 h / 7 days (rolling windows); a deposit beyond is refused
   * (ERR_GLE, audited). null removes the limit; absent (undefined) leaves it as it is.
   */
  readonly depositLimitDailyMinor?: bigint | null;
  readonly depositLimitWeeklyMinor?: bigint | null;
}

export interface StaleRoundAction {
  readonly roundId: string;
  readonly playerId: string;
  readonly action: 'completed' | 'voided-refunded';
  readonly creditedMinor: bigint;
}

/** The contract plus the operator-side operations (deposits, limits, rollbacks, stale rounds). */
export interface RgsCoreService extends RgsCore {
  readonly databaseKind: 'pg' | 'pglite';
  /** The role the core's sessions run as (null: the connecting user, e.g. no app role available). */
  readonly databaseRole: string | null;
  deposit(request: {
    readonly requestId: string;
    readonly playerId: string;
    readonly amountMinor: bigint;
  }): Promise<Result<{ readonly balance: Balance }>>;
  /**
   * Hub88-style rollback of a bet by its play requestId: an active round is voided and its cost
   * refunded; an unknown bet is recorded as a tombstone so that the late bet is refused; a settled
   * round cannot be rolled back (ERR_VAL).
   */
  rollbackBet(request: {
    readonly requestId: string;
    readonly playerId: string;
    readonly betRequestId: string;
  }): Promise<Result<{ readonly balance: Balance; readonly tombstone: boolean }>>;
  setLimits(playerId: string, limits: PlayerLimits): Promise<Result<PlayerLimits>>;
  /** The player's client seed for their next rounds (refused while a round is active). */
  setClientSeed(playerId: string, clientSeed: string): Promise<Result<{ readonly clientSeed: string }>>;
  /**
   * Applies each player's jurisdiction policy to rounds still active `olderThanMs` after they
   * started: 'complete' credits the payout and closes; 'void-refund' voids and refunds the cost.
   */
  voidStaleRounds(options: {
    readonly olderThanMs: number;
    readonly limit?: number;
  }): Promise<Result<readonly StaleRoundAction[]>>;
  readonly games: ReadonlyMap<string, ServedGame>;
}

// ---------------------------------------------------------------------------------------------
// The factory

interface OpenedDatabase {
  readonly client: SqlClient;
  readonly owned: boolean;
  readonly role: string | null;
}

async function openDatabase(db: RgsDatabase, requestDeadlineMs: number): Promise<OpenedDatabase> {
  if ('client' in db) {
    await migrate(db.client);
    return { client: db.client, owned: false, role: null };
  }
  if ('url' in db) {
    const migrator = createPgClient(db.url, { maxConnections: 1 });
    let useRole: string | null = null;
    try {
      await migrate(migrator);
      const wanted = db.appRole === undefined ? APP_ROLE : db.appRole;
      if (wanted !== null) {
        const [row] = await migrator.query<{ can: boolean }>(
          `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)
                  AND pg_has_role(current_user, (SELECT oid FROM pg_roles WHERE rolname = $1), 'MEMBER') AS can`,
          [wanted],
        );
        useRole = row?.can ? wanted : null;
        if (useRole === null && db.appRole !== undefined) throw new Error(`cannot SET ROLE ${wanted}`);
      }
    } finally {
      await migrator.close();
    }
    return {
      client: createPgClient(db.url, {
        maxConnections: db.maxConnections ?? 10,
        role: useRole,
        // The server gives up when the client has: locks and connections are freed.
        statementTimeoutMs: requestDeadlineMs,
        lockTimeoutMs: requestDeadlineMs,
        idleInTransactionTimeoutMs: requestDeadlineMs,
        connectionTimeoutMs: requestDeadlineMs,
      }),
      owned: true,
      role: useRole,
    };
  }
  const client = await createPgliteClient(db.dataDir);
  let useRole: string | null = null;
  try {
    await migrate(client);
    const role = db.appRole === undefined ? APP_ROLE : db.appRole;
    if (role !== null && !/^[a-z_][a-z0-9_]*$/.test(role)) throw new RangeError(`bad role name ${role}`);
    if (role !== null) {
      const [row] = await client.query<{ present: boolean }>(
        'SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS present',
        [role],
      );
      if (row?.present) {
        await client.exec(`SET ROLE ${role}`);
        useRole = role;
      }
    }
  } catch (error) {
    await client.close();
    throw error;
  }
  return { client, owned: true, role: useRole };
}

/** A money call whose COMMIT reply was lost and whose status could not be read back in time. */
const OUTCOME_UNKNOWN_MESSAGE =
  'the outcome of this call is unknown (the database connection was lost at commit): retry with the ' +
  'same requestId, which finds it';

/** Every statement and transaction of `client` bounded by a deadline from its start. */
function withDeadlines(client: SqlClient, requestDeadlineMs: number, commitResolveMs: number): SqlClient {
  if (client.kind !== 'pg') return client;
  return {
    kind: client.kind,
    query: (text, params, options) =>
      client.query(text, params, { ...options, deadlineAtMs: Date.now() + requestDeadlineMs }),
    exec: (script) => client.exec(script),
    transaction: (fn, options) =>
      client.transaction(fn, {
        commitResolveMs,
        ...options,
        deadlineAtMs: options?.deadlineAtMs ?? Date.now() + requestDeadlineMs,
      }),
    close: () => client.close(),
  };
}

export async function createRgsCore(options: RgsCoreOptions): Promise<RgsCoreService> {
  const clock = options.clock ?? (() => new Date());
  const jurisdictions = options.jurisdictions ?? DEFAULT_JURISDICTIONS;
  const shards = options.houseShards ?? DEFAULT_HOUSE_SHARDS;
  if (!(Number.isInteger(shards) && shards >= 1 && shards <= MAX_HOUSE_SHARDS)) {
    throw new RangeError(`houseShards must be 1..${MAX_HOUSE_SHARDS}`);
  }
  const specs =
    options.games ??
    (Object.keys(DEMO_GAME_FILES) as DemoGameName[]).map((name) => ({ game: loadDemoGame(name) }));
  const games = new Map<string, ServedGame>();
  for (const spec of specs) {
    const served = prepareServedGame(spec);
    if (games.has(served.id)) throw new RangeError(`game ${served.id} is served twice`);
    games.set(served.id, served);
  }
  const drbg: DrbgSource = createDrbgSource(options.rngKind ?? 'hmac-drbg');
  const newSeed = () => {
    const seed = generateServerSeed(drbg);
    return { hex: bytesToHex(seed), commitment: commitServerSeed(seed) };
  };
  const requestDeadlineMs = options.requestDeadlineMs ?? DEFAULT_REQUEST_DEADLINE_MS;
  const commitResolveMs = options.commitResolveMs ?? DEFAULT_COMMIT_RESOLVE_MS;
  for (const [name, ms] of [
    ['requestDeadlineMs', requestDeadlineMs],
    ['commitResolveMs', commitResolveMs],
  ] as const) {
    if (!(Number.isSafeInteger(ms) && ms > 0)) throw new RangeError(`${name} must be a positive integer`);
  }
  const opened = await openDatabase(options.db, requestDeadlineMs);
  const { owned, role: databaseRole } = opened;
  /** The client with every call's deadline (verification, which may scan for long, uses `opened`). */
  const db = withDeadlines(opened.client, requestDeadlineMs, commitResolveMs);
  const currenciesReady = new Set<string>();

  /** Every public call: unexpected throws become ERR_GEN (never a stack trace to a client). */
  const guard = async <T>(operation: string, work: () => Promise<Result<T>>): Promise<Result<T>> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof InvariantError) {
        if (options.onInvariantViolation) options.onInvariantViolation(operation, error);
        else options.onError?.(`invariant:${operation}`, error);
        return fail('ERR_GEN', 'server error');
      }
      options.onError?.(operation, error);
      if (error instanceof CommitOutcomeUnknownError) {
        // The one case where the server cannot tell whether the call took effect (issue 9, #1):
        // with the same requestId a retry is exact; the HTTP layer answers keyless calls otherwise.
        return {
          ok: false,
          error: {
            code: 'ERR_MAINTENANCE',
            message: OUTCOME_UNKNOWN_MESSAGE,
            retryAfterMs: DATABASE_RETRY_AFTER_MS,
            outcomeUnknown: true,
          },
        };
      }
      if (isDatabaseUnavailable(error)) {
        // Not a fault of ours nor of the call: the database is down, restarting or too slow for
        // the deadline, and nothing was committed (a lost COMMIT reply is resolved before this).
        // 503 with a Retry-After tells a client (and a load balancer) to come back.
        return {
          ok: false,
          error: {
            code: 'ERR_MAINTENANCE',
            message: 'database unavailable; nothing was booked: retry shortly',
            retryAfterMs: DATABASE_RETRY_AFTER_MS,
          },
        };
      }
      return fail('ERR_GEN', 'server error');
    }
  };
  const moneyTx = <T>(fn: (tx: SqlExecutor) => Promise<T>) =>
    db.transaction(fn, { maxAttempts: MONEY_TX_ATTEMPTS, retryOn: [UNIQUE_VIOLATION] });

  const checkPlayerId = (playerId: unknown): RgsError | null =>
    typeof playerId === 'string' && UUID.test(playerId)
      ? null
      : { code: 'ERR_VAL', message: 'invalid playerId' };

  // Account ids never change (accounts_guard), so the house shards' ids are cached.
  const houseIds = new Map<string, bigint>();
  const houseShard = async (
    tx: SqlExecutor,
    kind: 'house' | 'funding',
    currency: string,
    playerId: string,
  ) => {
    const shard = houseShardOf(playerId, shards);
    const key = `${kind}/${currency}/${shard}`;
    let id = houseIds.get(key);
    if (id === undefined) {
      id = await houseAccountId(tx, kind, currency, shard);
      houseIds.set(key, id);
    }
    return id;
  };

  const policyOf = (name: string): JurisdictionPolicy => {
    const policy = jurisdictions[name];
    if (policy === undefined) throw new Error(`unconfigured jurisdiction ${name}`);
    return policy;
  };

  const ctx: CoreContext = {
    db,
    clock,
    games,
    jurisdictions,
    shards,
    drbg,
    newSeed,
    guard,
    moneyTx,
    checkPlayerId,
    houseShard,
    currenciesReady,
    policyOf,
  };
  const queries = queryOperations(ctx);
  const compliance = complianceOperations(ctx);
  const settlement = settlementOperations(ctx);
  const { play } = playOperations(ctx, compliance);
  const { createPlayer, deposit, rollbackBet, setLimits, setClientSeed } = operatorOperations(
    ctx,
    settlement,
    compliance,
  );
  const {
    betConfig,
    jurisdiction,
    balance,
    currentRound,
    nextSeedCommitment,
    setEvent,
    recall,
    replay,
    round,
  } = queries;
  const { startSession, realityCheck } = compliance;
  const { endRound, voidStaleRounds } = settlement;

  const verifyLedger = async (): Promise<VerifyReport> => await verifyLedgerBooks(opened.client);
  const verifyAudit = async (): Promise<VerifyReport> => await verifyAuditLog(opened.client);

  const ping = async (): Promise<void> => {
    await db.query('SELECT 1 AS one', [], { prepare: 'rgs-ping' });
  };

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    if (owned) await opened.client.close();
  };

  return {
    databaseKind: db.kind,
    databaseRole,
    games,
    createPlayer,
    betConfig,
    jurisdiction,
    balance,
    currentRound,
    nextSeedCommitment,
    play,
    endRound,
    setEvent,
    recall,
    replay,
    round,
    startSession,
    realityCheck,
    verifyLedger,
    verifyAudit,
    ping,
    close,
    deposit,
    rollbackBet,
    setLimits,
    setClientSeed,
    voidStaleRounds,
  };
}
