/**
 * The SQL client the RGS core talks to: a deliberately small interface (query, transaction, exec,
 * close) with two implementations.
 *
 * - `createPgClient(url)`: a `pg` Pool against a real PostgreSQL server (production, tests, chaos).
 * - `createPgliteClient(dir)`: PGlite, PostgreSQL compiled to WASM, embedded in the process with its
 *   data in a folder (or in memory). It is the default that lets the RGS run on a fresh machine with
 *   no services. PGlite has ONE connection: every query and transaction runs one after the other
 *   (this module queues them), so it is correct but not concurrent; use PostgreSQL for load.
 *
 * Both return int8 columns as `bigint` (money is never a JS number here) and accept `bigint`
 * parameters (sent as decimal text). `transaction` runs `fn` in one transaction and retries it, a
 * bounded number of times with jittered backoff, when PostgreSQL reports a serialization failure
 * (40001) or a deadlock (40P01), or a caller-named retryable code; `fn` must therefore have no
 * side effects outside the database (or only idempotent ones).
 */
import { mkdirSync } from 'node:fs';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import pg from 'pg';

export type SqlParam = string | number | bigint | boolean | null | Date | readonly unknown[] | object;
export type SqlRow = Record<string, unknown>;

/** What can run a statement: the client itself, or a transaction handed to `transaction(fn)`. */
export interface QueryOptions {
  /**
   * Name of a prepared statement (PostgreSQL: parsed and planned once per connection, then only
   * bound and executed). For the hot statements of a round; the name must always go with the same
   * text. PGlite ignores it.
   */
  readonly prepare?: string;
  /** Absolute deadline (epoch ms) of a statement outside a transaction (PostgreSQL only). */
  readonly deadlineAtMs?: number;
}

export interface SqlExecutor {
  query<R extends SqlRow = SqlRow>(
    text: string,
    params?: readonly SqlParam[],
    options?: QueryOptions,
  ): Promise<R[]>;
  /** Runs a multi-statement script without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface TransactionOptions {
  /** Total attempts including the first (default 5, at most 20). */
  readonly maxAttempts?: number;
  /** Extra SQLSTATE codes that make the attempt retryable (e.g. '23505' for an idempotency race). */
  readonly retryOn?: readonly string[];
  /**
   * Absolute deadline (epoch ms, `Date.now()` clock) of the work (PostgreSQL only): the wait for a
   * pooled connection and every statement are bounded by it, and no COMMIT is sent after it, so
   * work abandoned by its caller never commits later (DeadlineExceededError: nothing committed).
   */
  readonly deadlineAtMs?: number;
  /**
   * Bound on resolving a COMMIT whose reply was lost (default 2 s, PostgreSQL only): the
   * transaction's status is read on another connection (pg_xact_status); committed → fn's value
   * is returned as if the reply had arrived; aborted → the attempt is retried (deadline allowing);
   * still unknown after the bound → CommitOutcomeUnknownError.
   */
  readonly commitResolveMs?: number;
}

/**
 * The work's deadline passed before it could commit: nothing was committed (no COMMIT was sent,
 * and the server drops the transaction with the connection). Safe to retry.
 */
export class DeadlineExceededError extends Error {
  override name = 'DeadlineExceededError';
  readonly code = 'CROUPIER_DEADLINE';
}

/**
 * The connection was lost after COMMIT was sent and the transaction's status could not be read
 * within the bound: it may or may not have committed. Never retried blindly: the caller must read
 * the state (the round, the balance) before doing the work again.
 */
export class CommitOutcomeUnknownError extends Error {
  override name = 'CommitOutcomeUnknownError';
}

/** The COMMIT's reply was lost and the transaction turned out aborted: nothing committed, retryable. */
class CommitAbortedError extends Error {
  override name = 'CommitAbortedError';
  readonly code = 'CROUPIER_COMMIT_ABORTED';
}

export interface SqlClient extends SqlExecutor {
  readonly kind: 'pg' | 'pglite';
  /** Runs fn in one transaction (READ COMMITTED + explicit row locks); commits if fn resolves. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

/** The SQLSTATE of a database error, if it has one. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * True when `error` says the database cannot be reached or went away (rather than refusing the
 * statement): a socket error, a connection the server or the pool closed, SQLSTATE class 08
 * (connection exception), 57P01-57P03 (shutdown, crash, not accepting connections yet) or 53300
 * (too many connections). Such a call can be retried later (with the same idempotency key: if the
 * connection died at COMMIT, the retry finds the outcome).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof DeadlineExceededError || error instanceof CommitAbortedError) return true;
  const state = sqlState(error);
  if (state !== undefined) {
    return state.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(state);
  }
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && SOCKET_ERROR_CODES.has(code)) return true;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && CONNECTION_LOST.test(message);
}

/** Node socket errors of a connection attempt or a live connection. */
const SOCKET_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** What node-postgres says when a connection ends under it (no code is attached to these). */
const CONNECTION_LOST =
  /^(Connection terminated|Client has encountered a connection error|Client was closed|timeout exceeded when trying to connect|terminating connection|server closed the connection)/i;

export const SERIALIZATION_FAILURE = '40001';
export const DEADLOCK_DETECTED = '40P01';
export const UNIQUE_VIOLATION = '23505';
export const INSUFFICIENT_PRIVILEGE = '42501';

const DEFAULT_MAX_ATTEMPTS = 5;
const MAX_ATTEMPTS_LIMIT = 20;
const BACKOFF_BASE_MS = 5;
const BACKOFF_MAX_MS = 200;
const INT8_OID = 20;

function normalizeParams(params: readonly SqlParam[] | undefined): unknown[] {
  if (params === undefined) return [];
  return params.map((p) => (typeof p === 'bigint' ? p.toString() : p));
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

async function withRetries<T>(
  options: TransactionOptions | undefined,
  attempt: () => Promise<T>,
): Promise<T> {
  const maxAttempts = Math.min(options?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, MAX_ATTEMPTS_LIMIT);
  if (!(Number.isInteger(maxAttempts) && maxAttempts >= 1)) throw new RangeError('maxAttempts must be >= 1');
  const retryable = new Set([SERIALIZATION_FAILURE, DEADLOCK_DETECTED, ...(options?.retryOn ?? [])]);
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      const code = sqlState(error);
      const again = error instanceof CommitAbortedError || (code !== undefined && retryable.has(code));
      if (i >= maxAttempts || !again) throw error;
      const capMs = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** i);
      const waitMs = Math.random() * capMs;
      if (options?.deadlineAtMs !== undefined && Date.now() + waitMs >= options.deadlineAtMs) throw error;
      await sleep(waitMs);
    }
  }
}

/**
 * `work` bounded by an absolute deadline: past it, DeadlineExceededError and `onTimeout` (which
 * destroys the connection the work runs on, so the server drops its transaction).
 */
async function beforeDeadline<T>(
  work: Promise<T>,
  deadlineAtMs: number | undefined,
  what: string,
  onTimeout: () => void,
): Promise<T> {
  if (deadlineAtMs === undefined) return await work;
  const remainingMs = deadlineAtMs - Date.now();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        onTimeout();
        reject(new DeadlineExceededError(`${what}: no answer from the database before the deadline`));
      },
      Math.max(0, remainingMs),
    );
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL through a pg Pool

export interface PgClientOptions {
  /** Pool size (default 10). */
  readonly maxConnections?: number;
  /** Run every session as this role (SET ROLE) once connected: the least-privilege app role. */
  readonly role?: string | null;
  /** Called with errors of idle pooled connections (server restarts); never throws. */
  readonly onIdleError?: (error: Error) => void;
  /**
   * Bound on getting a connection, including the wait for a free pooled one (default 30 s): under a
   * burst, calls queue for the pool; a server that does not answer fails them after this bound.
   * A transaction's `deadlineAtMs` bounds it further.
   */
  readonly connectionTimeoutMs?: number;
  /**
   * Server-side bounds of every session (startup options): statement_timeout, lock_timeout and
   * idle_in_transaction_session_timeout. They free the server's locks and connections when the
   * client has given up (a paused or dead RGS). Default: none (PostgreSQL's).
   */
  readonly statementTimeoutMs?: number;
  readonly lockTimeoutMs?: number;
  readonly idleInTransactionTimeoutMs?: number;
}

const DEFAULT_CONNECTION_TIMEOUT_MS = 30_000;
const DEFAULT_COMMIT_RESOLVE_MS = 2_000;
const COMMIT_STATUS_POLL_MS = 50;
/** Bound on the polls of one commit resolution (on top of its time bound). */
const COMMIT_STATUS_POLLS_MAX = 200;

const int8AsBigint = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return (value: string) => BigInt(value);
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
};

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new RangeError(`bad SQL identifier ${name}`);
  return `"${name}"`;
}

export function createPgClient(databaseUrl: string, options: PgClientOptions = {}): SqlClient {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    types: int8AsBigint as pg.CustomTypesConfig,
    // The role (what SET ROLE sets) and the timeouts are set in the startup packet (`-c …`), so
    // every session has them from its first statement, with no extra round trip.
    ...startupOptions(options),
  });
  // Without a listener an idle client's error (server killed) would crash the process.
  pool.on('error', (error) => options.onIdleError?.(error));

  const executorOf = (client: pg.PoolClient): SqlExecutor => ({
    async query<R extends SqlRow>(text: string, params?: readonly SqlParam[], options?: QueryOptions) {
      const values = normalizeParams(params);
      const result =
        options?.prepare === undefined
          ? await client.query(text, values)
          : await client.query({ name: options.prepare, text, values });
      return result.rows as R[];
    },
    async exec(script: string) {
      await client.query(script);
    },
  });

  return {
    kind: 'pg',
    async query<R extends SqlRow>(text: string, params?: readonly SqlParam[], options?: QueryOptions) {
      const values = normalizeParams(params);
      if (options?.deadlineAtMs !== undefined) {
        return await boundedPoolQuery<R>(pool, text, values, options.deadlineAtMs, options.prepare);
      }
      const result =
        options?.prepare === undefined
          ? await pool.query(text, values)
          : await pool.query({ name: options.prepare, text, values });
      return result.rows as R[];
    },
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, txOptions?: TransactionOptions) {
      const deadlineAtMs = txOptions?.deadlineAtMs;
      return await withRetries(txOptions, async () => {
        const client = await connectBefore(pool, deadlineAtMs);
        let broken: Error | undefined;
        // While checked out, the pool does not listen for the client's errors: a server that dies
        // between two of our statements would otherwise raise an uncaught 'error' event.
        const onError = (error: Error) => {
          broken ??= error;
        };
        client.on('error', onError);
        // Past the deadline the connection is destroyed: the server rolls the transaction back.
        const bounded = <R>(work: Promise<R>, what: string) =>
          beforeDeadline(work, deadlineAtMs, what, () => {
            broken ??= new DeadlineExceededError(what);
            destroyConnection(client);
          });
        let xid: string | undefined;
        let serverStartedAt: string | undefined;
        try {
          // The transaction id is read with BEGIN (one round trip): if the reply to COMMIT is lost,
          // pg_xact_status(xid) on another connection says whether it committed.
          const begun = (await bounded(
            client.query(
              'BEGIN; SELECT pg_current_xact_id()::text AS xid, pg_postmaster_start_time()::text AS started',
            ),
            'BEGIN',
          )) as unknown as pg.QueryResult[];
          xid = String(begun[1]?.rows[0]?.xid);
          serverStartedAt = String(begun[1]?.rows[0]?.started);
          try {
            const value = await fn(boundedExecutor(executorOf(client), bounded));
            if (deadlineAtMs !== undefined && Date.now() >= deadlineAtMs) {
              throw new DeadlineExceededError('the deadline passed before COMMIT: rolled back');
            }
            // The reply to COMMIT and, if it is lost, the resolution share one bound.
            const resolveUntilMs = Date.now() + (txOptions?.commitResolveMs ?? DEFAULT_COMMIT_RESOLVE_MS);
            try {
              await beforeDeadline(client.query('COMMIT'), resolveUntilMs, 'COMMIT', () => {
                destroyConnection(client);
              });
            } catch (commitError) {
              if (sqlState(commitError) !== undefined) throw commitError; // refused: rolled back
              broken ??= commitError as Error;
              await resolveLostCommit(pool, { xid, serverStartedAt }, resolveUntilMs, commitError);
            }
            return value;
          } catch (error) {
            if (broken === undefined) {
              await client.query('ROLLBACK').catch((rollbackError: Error) => {
                broken = rollbackError; // the connection is unusable: destroy it, do not pool it
              });
            }
            throw error;
          }
        } catch (error) {
          if (sqlState(error) === undefined && !(error instanceof CommitAbortedError)) {
            broken ??= error as Error;
          }
          throw error;
        } finally {
          client.off('error', onError);
          client.release(broken);
        }
      });
    },
    async exec(script: string) {
      await pool.query(script);
    },
    async close() {
      await pool.end();
    },
  };
}

function startupOptions(options: PgClientOptions): { options?: string } {
  const settings: string[] = [];
  if (options.role) settings.push(`-c role=${quoteIdent(options.role).slice(1, -1)}`);
  const timeouts: [string, number | undefined][] = [
    ['statement_timeout', options.statementTimeoutMs],
    ['lock_timeout', options.lockTimeoutMs],
    ['idle_in_transaction_session_timeout', options.idleInTransactionTimeoutMs],
  ];
  for (const [name, ms] of timeouts) {
    if (ms === undefined) continue;
    if (!(Number.isSafeInteger(ms) && ms > 0)) throw new RangeError(`${name} must be a positive integer`);
    settings.push(`-c ${name}=${ms}`);
  }
  return settings.length > 0 ? { options: settings.join(' ') } : {};
}

/** Ends a checked-out connection at once (its socket), so the server drops its transaction. */
function destroyConnection(client: pg.PoolClient): void {
  const connection = (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection;
  connection?.stream?.destroy();
}

/** pool.connect() bounded by the deadline; a connection that arrives late goes back to the pool. */
async function connectBefore(pool: pg.Pool, deadlineAtMs: number | undefined): Promise<pg.PoolClient> {
  const connecting = pool.connect();
  try {
    return await beforeDeadline(connecting, deadlineAtMs, 'waiting for a database connection', () => {});
  } catch (error) {
    connecting.then(
      (late) => late.release(),
      () => {},
    );
    throw error;
  }
}

/** One statement on a pooled connection, connection wait and statement bounded by `untilMs`. */
async function boundedPoolQuery<R extends SqlRow>(
  pool: pg.Pool,
  text: string,
  values: unknown[],
  untilMs: number,
  prepare?: string,
): Promise<R[]> {
  const client = await connectBefore(pool, untilMs);
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken ??= error;
  };
  client.on('error', onError);
  try {
    const query =
      prepare === undefined ? client.query(text, values) : client.query({ name: prepare, text, values });
    const result = await beforeDeadline(query, untilMs, 'a statement', () => {
      broken ??= new DeadlineExceededError('a statement');
      destroyConnection(client);
    });
    return result.rows as R[];
  } catch (error) {
    if (sqlState(error) === undefined) broken ??= error as Error;
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

function boundedExecutor(
  inner: SqlExecutor,
  bounded: <R>(work: Promise<R>, what: string) => Promise<R>,
): SqlExecutor {
  return {
    query: (text, params, options) => bounded(inner.query(text, params, options), 'a statement'),
    exec: (script) => bounded(inner.exec(script), 'a script'),
  };
}

/**
 * The reply to COMMIT was lost (the connection died): asks another connection whether the
 * transaction committed (pg_xact_status, PostgreSQL 13+). Returns when it did; throws
 * CommitAbortedError when it did not (retryable), CommitOutcomeUnknownError when it cannot tell
 * within the bound (the server unreachable, or the transaction still in progress).
 */
/**
 * Whether a transaction whose COMMIT reply was lost committed, from its xid. After a crash the
 * server reuses the xids it had handed out but never made durable, so once the server has
 * restarted since BEGIN (another postmaster start time) a 'committed' may be another transaction's:
 * then the outcome is unknown (the caller's retry with the same requestId finds the truth in the
 * stored request). 'aborted' stays reliable: a durably committed xid is never reused.
 */
async function resolveLostCommit(
  pool: pg.Pool,
  began: { readonly xid: string | undefined; readonly serverStartedAt: string | undefined },
  untilMs: number,
  cause: unknown,
): Promise<void> {
  const unknown = () =>
    new CommitOutcomeUnknownError(
      `COMMIT sent but its reply was lost (${(cause as Error)?.message ?? cause}); outcome unknown`,
    );
  const { xid, serverStartedAt } = began;
  if (xid === undefined || !/^\d+$/.test(xid)) throw unknown();
  for (let poll = 0; poll < COMMIT_STATUS_POLLS_MAX && Date.now() < untilMs; poll++) {
    try {
      const [row] = await boundedPoolQuery<{ status: string | null; started: string }>(
        pool,
        'SELECT pg_xact_status($1::xid8) AS status, pg_postmaster_start_time()::text AS started',
        [xid],
        untilMs,
      );
      const status = row?.status;
      if (status === 'committed') {
        if (row?.started !== serverStartedAt) throw unknown(); // restarted: the xid may be reused
        return;
      }
      if (status === 'aborted') throw new CommitAbortedError('COMMIT reply lost; the transaction aborted');
      if (status === null || status === undefined) throw unknown(); // xid too old: cannot tell
      // 'in progress': the server has not finished the COMMIT (or not noticed the lost client).
    } catch (error) {
      if (error instanceof CommitAbortedError || error instanceof CommitOutcomeUnknownError) throw error;
      // Unreachable for now: poll again within the bound.
    }
    await sleep(Math.min(COMMIT_STATUS_POLL_MS, Math.max(0, untilMs - Date.now())));
  }
  throw unknown();
}

// ---------------------------------------------------------------------------------------------
// PGlite (embedded)

/** A FIFO mutex: PGlite has one connection, so we serialize work explicitly and fairly. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

/**
 * Opens PGlite with data in `dataDir` (a folder, created if missing) or in memory when `dataDir` is
 * undefined or 'memory://'. Session settings (e.g. `SET ROLE` after migrating) persist: there is
 * only one session.
 */
export async function createPgliteClient(dataDir?: string): Promise<SqlClient> {
  // PGlite creates its folder but not the folders above it (`<data-dir>/pglite`).
  if (dataDir !== undefined && !dataDir.includes('://')) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = await PGlite.create(dataDir ?? 'memory://', {
    parsers: { [pgliteTypes.INT8]: (value: string) => BigInt(value) },
  });
  const mutex = new Mutex();
  const run = async <R extends SqlRow>(
    target: Pick<PGlite, 'query'>,
    text: string,
    params?: readonly SqlParam[],
  ) => {
    const result = await target.query<R>(text, normalizeParams(params));
    return result.rows;
  };
  return {
    kind: 'pglite',
    query<R extends SqlRow>(text: string, params?: readonly SqlParam[]) {
      return mutex.run(async () => {
        return await run<R>(db, text, params);
      });
    },
    transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, txOptions?: TransactionOptions) {
      return withRetries(txOptions, () =>
        mutex.run(async () => {
          return await db.transaction(async (tx) =>
            fn({
              query: <R extends SqlRow>(text: string, params?: readonly SqlParam[]) =>
                run<R>(tx, text, params),
              exec: async (script: string) => {
                await tx.exec(script);
              },
            }),
          );
        }),
      );
    },
    exec(script: string) {
      return mutex.run(async () => {
        await db.exec(script);
      });
    },
    close() {
      return mutex.run(() => db.close());
    },
  };
}
