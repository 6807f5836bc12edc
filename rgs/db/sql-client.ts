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
      if (i >= maxAttempts || code === undefined || !retryable.has(code)) throw error;
      const capMs = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** i);
      await sleep(Math.random() * capMs);
    }
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
   */
  readonly connectionTimeoutMs?: number;
}

const DEFAULT_CONNECTION_TIMEOUT_MS = 30_000;

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
    // The role is set in the startup packet (`-c role=…`, what SET ROLE sets), so every session
    // runs as the app role from its first statement, with no extra round trip.
    ...(options.role ? { options: `-c role=${quoteIdent(options.role).slice(1, -1)}` } : {}),
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
      const result =
        options?.prepare === undefined
          ? await pool.query(text, values)
          : await pool.query({ name: options.prepare, text, values });
      return result.rows as R[];
    },
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, txOptions?: TransactionOptions) {
      return await withRetries(txOptions, async () => {
        const client = await pool.connect();
        let broken: Error | undefined;
        // While checked out, the pool does not listen for the client's errors: a server that dies
        // between two of our statements would otherwise raise an uncaught 'error' event.
        const onError = (error: Error) => {
          broken ??= error;
        };
        client.on('error', onError);
        try {
          await client.query('BEGIN');
          try {
            const value = await fn(executorOf(client));
            await client.query('COMMIT');
            return value;
          } catch (error) {
            await client.query('ROLLBACK').catch((rollbackError: Error) => {
              broken = rollbackError; // the connection is unusable: destroy it, do not pool it
            });
            throw error;
          }
        } catch (error) {
          if (sqlState(error) === undefined) broken ??= error as Error;
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
