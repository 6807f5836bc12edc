/**
 * Composition of the RGS server: core (PostgreSQL, or embedded PGlite) + sessions (Redis, or
 * in-process) + HTTP(S)/WebSocket, and its graceful shutdown.
 *
 * Shutdown order (the drain, rgs/http/app.ts `shutdown`): stop accepting new connections (the
 * listener closes; kept-alive sockets stay open), /ready false, WebSockets closed; every reply says
 * Connection: close and new money calls get 503 ERR_MAINTENANCE with `Croupier-Outcome:
 * not-applied` → let money calls in flight finish and idle sockets sit out a short grace, bounded
 * by shutdownGraceMs (a round whose play committed stays active in the database and is resumed by
 * /wallet/authenticate) → close what is left → sessions → core.
 */

import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
import { BooksError } from '../games/index.ts';
import type { RgsConfig } from './config.ts';
import type { RgsCore } from './core/contract.ts';
import type { RgsCoreService } from './core/core.ts';
import { GameConfigError, type ServedGameSpec } from './core/games.ts';
import { embeddedDatabaseDir } from './core/verify.ts';
import { buildRgsServer, DEFAULT_HTTP_OPTIONS, type ReadinessCheck, type RgsHttpServer } from './http/app.ts';
import { OPERATOR_SECRET_MIN_CHARS } from './http/operator-auth.ts';
import { ensureLoopbackTls } from './http/tls.ts';
import { MemorySessionStore, RedisSessionStore, type SessionStore } from './sessions/index.ts';

const PROBE_TIMEOUT_MS = 1_000;

export interface RunningRgs {
  readonly port: number;
  readonly scheme: 'http' | 'https';
  /** host:port, as `rgs_url` in launch URLs. */
  readonly rgsUrl: string;
  readonly baseUrl: string;
  /** The loopback CA to trust (NODE_EXTRA_CA_CERTS) when TLS is on. */
  readonly caPath: string | null;
  /** Where the generated operator secret lives (null when it came from RGS_OPERATOR_SECRET). */
  readonly operatorSecretPath: string | null;
  readonly sessionsKind: 'redis' | 'memory';
  readonly databaseKind: 'postgres' | 'embedded';
  readonly http: RgsHttpServer;
  /** Graceful shutdown (idempotent). */
  stop(): Promise<{ readonly abandoned: number }>;
}

/** Opens the core; the default is createRgsCore from the rgs public module. */
/** Builds the core; `onFault` receives every server fault the core turns into ERR_GEN. */
export type CoreFactory = (
  config: RgsConfig,
  onFault: (operation: string, error: unknown) => void,
) => Promise<RgsCore>;

/** The configured operator secret, or one generated once into <dataDir>/operator-secret (0600). */
export function resolveOperatorSecret(config: Pick<RgsConfig, 'operatorSecret' | 'dataDir'>): {
  readonly secret: string;
  readonly path: string | null;
} {
  if (config.operatorSecret !== null) return { secret: config.operatorSecret, path: null };
  const path = resolve(config.dataDir, 'operator-secret');
  if (existsSync(path)) {
    const secret = readFileSync(path, 'utf8').trim();
    if (secret.length >= OPERATOR_SECRET_MIN_CHARS) return { secret, path };
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return { secret, path };
}

/** PostgreSQL answers `select 1` within the bound (a fresh connection, so a restart is seen). */
export function postgresReadiness(url: string, timeoutMs = PROBE_TIMEOUT_MS): ReadinessCheck {
  return {
    name: 'postgres',
    async check() {
      const client = new pg.Client({
        connectionString: url,
        connectionTimeoutMillis: timeoutMs,
        query_timeout: timeoutMs,
      });
      client.on('error', () => {});
      let timer: NodeJS.Timeout | undefined;
      let answered = false;
      try {
        await Promise.race([
          (async () => {
            await client.connect();
            await client.query('select 1');
          })(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error('postgres did not answer in time')), timeoutMs);
          }),
        ]);
        answered = true;
      } finally {
        clearTimeout(timer);
        // A server that does not answer would not answer the goodbye either: drop the socket.
        if (answered) void client.end().catch(() => {});
        else client.connection.stream.destroy();
      }
    },
  };
}

/** The core on the configured database (PostgreSQL, or PGlite in the data dir), serving `games` (default: the demo games). */
export function coreFactoryFor(games?: readonly ServedGameSpec[]): CoreFactory {
  return (config, onFault) => defaultCoreFactory(config, onFault, games);
}

async function defaultCoreFactory(
  config: RgsConfig,
  onFault: (operation: string, error: unknown) => void,
  games?: readonly ServedGameSpec[],
): Promise<RgsCore> {
  const { createRgsCore } = await import('./index.ts');
  return await createRgsCore({
    onError: onFault,
    requestDeadlineMs: config.requestDeadlineMs,
    ...(games !== undefined ? { games } : {}),
    db:
      config.databaseUrl !== null
        ? { url: config.databaseUrl }
        : { pglite: true, dataDir: embeddedDatabaseDir(resolve(config.dataDir)) },
  });
}

/** The incomplete-round sweep the server runs on a timer (jurisdiction policy past the deadline). */
interface StaleRoundSweep {
  stop(): Promise<void>;
}

/** Rounds handled per sweep: bounds one sweep's work; a backlog clears over the next sweeps. */
const STALE_ROUNDS_PER_SWEEP = 500;

/**
 * Every `staleSweepIntervalMs`, applies each player's jurisdiction policy ('complete' or
 * 'void-refund') to rounds still active `staleRoundAfterMs` after they started. One sweep at a time;
 * the core makes each round's settlement one idempotent transaction, so overlapping servers are safe.
 */
function startStaleRoundSweep(
  core: RgsCore,
  config: RgsConfig,
  onFault: (operation: string, error: unknown) => void,
): StaleRoundSweep {
  const sweeper = core as Partial<Pick<RgsCoreService, 'voidStaleRounds'>>;
  if (config.staleSweepIntervalMs === 0 || typeof sweeper.voidStaleRounds !== 'function') {
    return { stop: async () => {} };
  }
  let running: Promise<void> | null = null;
  const sweep = () => {
    if (running !== null) return;
    running = (async () => {
      const result = await sweeper.voidStaleRounds!({
        olderThanMs: config.staleRoundAfterMs,
        limit: STALE_ROUNDS_PER_SWEEP,
      });
      if (!result.ok) onFault('staleRoundSweep', new Error(`${result.error.code}: ${result.error.message}`));
    })()
      .catch((error) => onFault('staleRoundSweep', error))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(sweep, config.staleSweepIntervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/** One line describing a fault: its code and message, never a stack or query parameters. */
function faultMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 300);
  const code = (error as { code?: unknown }).code;
  return `${typeof code === 'string' ? `${code}: ` : ''}${error.message.replace(/\s+/g, ' ').slice(0, 300)}`;
}

function oneLineError(what: string, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`${what}: ${message.replace(/\s+/g, ' ').slice(0, 300)}`);
}

export async function startRgs(
  config: RgsConfig,
  options: { readonly createCore?: CoreFactory; readonly sessionPrefix?: string } = {},
): Promise<RunningRgs> {
  const { secret, path: operatorSecretPath } = resolveOperatorSecret(config);
  const tls = config.tls ? await ensureLoopbackTls(config.dataDir) : null;

  // Core faults (a database outage, a bug) reach the client as ERR_GEN; the operator must see them.
  // Until the HTTP server (and its structured logger) exists they go to stderr as one JSON line.
  let logFault = (operation: string, error: unknown): void => {
    process.stderr.write(
      `${JSON.stringify({ level: 50, msg: 'core fault', operation, error: faultMessage(error) })}\n`,
    );
  };
  const onFault = (operation: string, error: unknown): void => logFault(operation, error);
  let core: RgsCore;
  try {
    core = await (options.createCore ?? defaultCoreFactory)(config, onFault);
  } catch (error) {
    // A game the core refuses (bets, declared RTP, books) is not a database problem: say which.
    const refusedGame = error instanceof GameConfigError || error instanceof BooksError;
    throw oneLineError(refusedGame ? 'cannot serve the games' : 'cannot open the RGS database', error);
  }
  let sessions: SessionStore;
  try {
    sessions =
      config.redisUrl !== null
        ? await RedisSessionStore.connect({
            url: config.redisUrl,
            ...(options.sessionPrefix ? { prefix: options.sessionPrefix } : {}),
          })
        : new MemorySessionStore();
  } catch (error) {
    await core.close().catch(() => {});
    throw oneLineError('cannot connect to Redis', error);
  }
  // Through the core's pool (a flood of /ready must not open connections), else a probe.
  const readiness: ReadinessCheck[] =
    config.databaseUrl === null
      ? []
      : [
          typeof core.ping === 'function'
            ? { name: 'postgres', check: () => core.ping!() }
            : postgresReadiness(config.databaseUrl),
        ];
  let http: RgsHttpServer;
  let port: number;
  try {
    http = await buildRgsServer({
      core,
      sessions,
      readiness,
      tls: tls ? { key: tls.keyPem, cert: tls.certPem } : null,
      options: {
        ...DEFAULT_HTTP_OPTIONS,
        bodyLimitBytes: config.bodyLimitBytes,
        sessionTtlMs: config.sessionTtlS * 1000,
        rateLimitPerWindow: config.rateLimitPerWindow,
        rateLimitWindowMs: config.rateWindowMs,
        replayRateLimitPerWindow: config.replayRateLimitPerWindow,
        metricsToken: config.metricsToken,
        defaultGameId: config.defaultGameId,
        defaultJurisdiction: config.defaultJurisdiction,
        launchBaseUrl: config.launchBaseUrl,
        publicHost: config.publicHost,
        corsOrigins: config.corsOrigins,
        operatorSecret: secret,
        logLevel: config.logLevel === 'silent' ? false : config.logLevel,
        admission: {
          ...DEFAULT_HTTP_OPTIONS.admission,
          maxInFlight: config.maxInFlight,
          maxEventLoopLagMs: config.maxEventLoopLagMs,
        },
      },
    });
    const logger = http.app.log;
    logFault = (operation, error) => logger.error({ operation, error: faultMessage(error) }, 'core fault');
    port = await http.listen(config.port, config.host);
  } catch (error) {
    await sessions.close().catch(() => {});
    await core.close().catch(() => {});
    throw oneLineError(`cannot serve on ${config.host}:${config.port}`, error);
  }
  const scheme = tls ? 'https' : 'http';
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  const rgsUrl = `${hostForUrl}:${port}`;
  const staleSweep = startStaleRoundSweep(core, config, (operation, error) => logFault(operation, error));
  let stopping: Promise<{ abandoned: number }> | null = null;
  return {
    port,
    scheme,
    rgsUrl,
    baseUrl: `${scheme}://${rgsUrl}`,
    caPath: tls ? tls.caPath : null,
    operatorSecretPath,
    sessionsKind: sessions.kind,
    databaseKind: config.databaseUrl !== null ? 'postgres' : 'embedded',
    http,
    stop() {
      stopping ??= (async () => {
        await staleSweep.stop();
        const result = await http.shutdown(config.shutdownGraceMs);
        await sessions.close().catch(() => {});
        await core.close().catch(() => {});
        return result;
      })();
      return stopping;
    },
  };
}
