/**
 * The RGS HTTP(S)/WebSocket server: the Stake Engine front-end API, the operator API and the
 * operations endpoints, over an RgsCore (money, rounds) and a SessionStore (sessions, limits).
 *
 * Endpoints (bodies are JSON; every error is `{error: CODE, message}`, statuses in errors.ts):
 *   POST /wallet/authenticate {sessionID, language?}  balance, config (bets, modes+RTP, jurisdiction), round, meta
 *   POST /wallet/balance      {sessionID}             {balance}
 *   POST /wallet/play         {sessionID, amount, mode, currency?}  {balance, round}
 *   POST /wallet/end-round    {sessionID}             {balance}
 *   POST /bet/event           {sessionID, event}      {event}
 *   GET  /bet/replay/:game/:version/:mode/:event      replay of round `event` with its state (no auth, read-only)
 *   POST /bet/recall          {sessionID, limit?}     {rounds}: the last `limit` (default 10, ≤ 100) rounds, newest first
 *   POST /session/reality-check {sessionID}           elapsed time, net position; acknowledges a due reality check
 *   GET  /game/:gameID/info?currency=                 bet config, modes with RTP, rules
 *   POST /session/start       (operator) {currency, balance?, jurisdiction?, gameID?, language?, device?, playerID?}
 *   DELETE /session/:id       (operator) revoke
 *   GET  /ws?sessionID=       WebSocket: balance and round pushes
 *   GET  /health, GET /ready, GET /metrics
 *
 * Every handler returns a value or an ApiError; nothing a client sends can produce a 500. Throws
 * are server faults: from the session store they become 503 ERR_MAINTENANCE (Redis unavailable,
 * retry later), anything else 500 ERR_GEN with the details in the log only. The core answers a
 * PostgreSQL outage with 503 ERR_MAINTENANCE and Retry-After itself.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { Server as NetServer } from 'node:net';
import cors from '@fastify/cors';
import websocket from '@fastify/websocket';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { Result, RgsCore } from '../core/contract.ts';
import type { SessionRecord, SessionStore } from '../sessions/index.ts';
import { type AdmissionOptions, DEFAULT_ADMISSION, registerAdmission } from './admission.ts';
import { betRoutes } from './bet-routes.ts';
import { ApiError, INTERNAL_ERROR, notAppliedError, oneLine, outcomeUnknownError } from './errors.ts';
import { gameInfoRoutes } from './game-info-routes.ts';
import { RgsMetrics } from './metrics.ts';
import { operatorKey } from './operator-auth.ts';
import { operatorRoutes } from './operator-routes.ts';
import { opsRoutes } from './ops-routes.ts';
import { type RequestContext, type RgsHttpState, revokedSessionOf, settle } from './request-context.ts';
import { IdempotencyKeySchema, minorToApiAmount, parseInput } from './schemas.ts';
import { walletRoutes } from './wallet-routes.ts';
import { WsHub } from './ws-hub.ts';
import { wsRoutes } from './ws-routes.ts';

/** A dependency that /ready asks (PostgreSQL, Redis, …). */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

export interface RgsHttpOptions {
  /** Small on purpose: the largest legitimate body is a few hundred bytes. */
  readonly bodyLimitBytes: number;
  readonly sessionTtlMs: number;
  /** Per player, per window (fixed window, counted in the session store). */
  readonly rateLimitPerWindow: number;
  readonly rateLimitWindowMs: number;
  /** GET /bet/replay (no session: re-runs the evaluator) per client address, per the same window. */
  readonly replayRateLimitPerWindow: number;
  readonly defaultGameId: string;
  readonly defaultJurisdiction: string;
  readonly defaultCurrency: string;
  /** Starting balance of a new player when /session/start gives none (API units). */
  readonly defaultBalanceMinor: bigint;
  /** Where the game front end is served: `<base>/<gameID>/index.html?sessionID=…`. */
  readonly launchBaseUrl: string;
  /** `rgs_url` in launch URLs (host[:port], no scheme); null: the Host the operator called. */
  readonly publicHost: string | null;
  /** '*' or a list of allowed origins. */
  readonly corsOrigins: '*' | readonly string[];
  readonly operatorSecret: string;
  /** pino level, or false for no logs (tests). */
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | false;
  readonly readinessTimeoutMs: number;
  /** Admission control: the bound on requests in progress and the event-loop lag check. */
  readonly admission: AdmissionOptions;
  /**
   * A passing /ready is reused this long (0: every call checks). Checks never run concurrently:
   * callers during a check share its result, so a flood of /ready costs one check at a time.
   */
  readonly readinessCacheMs: number;
  /** Collect Node process metrics (off in tests that run many servers in one process). */
  readonly processMetrics: boolean;
  /** When set, GET /metrics needs `Authorization: Bearer <token>` (it shows per-game stakes). */
  readonly metricsToken: string | null;
}

export const DEFAULT_HTTP_OPTIONS: Omit<RgsHttpOptions, 'operatorSecret'> = {
  bodyLimitBytes: 4_096,
  sessionTtlMs: 4 * 3_600_000,
  rateLimitPerWindow: 50,
  rateLimitWindowMs: 1_000,
  replayRateLimitPerWindow: 20,
  defaultGameId: 'jungle-twenty',
  defaultJurisdiction: 'default',
  defaultCurrency: 'USD',
  defaultBalanceMinor: 1_000_000_000n,
  launchBaseUrl: 'http://localhost:5173',
  publicHost: null,
  corsOrigins: '*',
  logLevel: 'info',
  readinessTimeoutMs: 1_000,
  admission: DEFAULT_ADMISSION,
  readinessCacheMs: 500,
  processMetrics: true,
  metricsToken: null,
};

export interface RgsHttpDeps {
  readonly core: RgsCore;
  readonly sessions: SessionStore;
  readonly options: RgsHttpOptions;
  /** Checks /ready runs besides the session store's ping (e.g. PostgreSQL). */
  readonly readiness?: readonly ReadinessCheck[];
  readonly tls?: { readonly key: string; readonly cert: string } | null;
  readonly now?: () => number;
}

export interface RgsHttpServer {
  readonly app: FastifyInstance;
  readonly metrics: RgsMetrics;
  readonly hub: WsHub;
  /** Money calls (play, end-round) being processed now. */
  readonly inFlight: () => number;
  /** Listens; resolves with the bound port. */
  listen(port: number, host: string): Promise<number>;
  /**
   * Drains: stops accepting connections, answers every reply with Connection: close and new money
   * calls with 503 not-applied, lets in-flight money calls finish and idle kept-alive sockets sit
   * out a grace (all within graceMs), then closes what is left. Does not close core or store.
   */
  shutdown(graceMs: number): Promise<{ readonly abandoned: number }>;
}

/** A throw from the session store: Redis is down or not answering. */
class StoreUnavailable extends Error {}

declare module 'fastify' {
  interface FastifyRequest {
    rgsErrorCode?: string;
    rgsSession?: SessionRecord;
  }
}

const MONEY_ROUTES = new Set(['/wallet/play', '/wallet/end-round']);
export async function buildRgsServer(deps: RgsHttpDeps): Promise<RgsHttpServer> {
  const { core, sessions, options } = deps;
  const now = deps.now ?? Date.now;
  const key = operatorKey(options.operatorSecret);
  const metrics = new RgsMetrics({ defaultMetrics: options.processMetrics });
  const hub = new WsHub((count) => metrics.wsConnections.set(count), now);
  // Pushes go through the session store, so a player's sockets get them whichever node served the
  // wallet call (Redis pub/sub); every node delivers what it receives to its own sockets. A
  // revocation travels the same way, as a control message no socket receives.
  const unsubscribePushes = await sessions.subscribePushes((playerId, message) => {
    const revokedSession = revokedSessionOf(message);
    if (revokedSession !== null) hub.closeSession(revokedSession);
    else hub.publish(playerId, message);
  });
  let pushFailureLogged = false;
  const push = (playerId: string, message: unknown) => {
    sessions.publishPush(playerId, message).catch((error: unknown) => {
      // The store is down: this node's sockets still get the push; other nodes' miss it.
      hub.publish(playerId, message);
      if (!pushFailureLogged)
        app.log.warn({ err: error }, 'push fan-out failed; delivering on this node only');
      pushFailureLogged = true;
    });
  };
  const state: RgsHttpState = { draining: false, closing: false, inFlight: 0, boundHost: 'localhost' };

  const common = {
    bodyLimit: options.bodyLimitBytes,
    // Our own onResponse log line (route pattern, no URL): the default one would log query strings.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID(),
    // While closing, requests still arriving on a live connection get OUR 503 (onRequest below),
    // not the framework's own body.
    return503OnClosing: false,
    // secure-json-parse: a body with __proto__ / constructor.prototype is refused (400), not parsed.
    onProtoPoisoning: 'error' as const,
    onConstructorPoisoning: 'error' as const,
    logger:
      options.logLevel === false
        ? false
        : {
            level: options.logLevel,
            // No request serializer output beyond method + route: URLs may carry a sessionID.
            serializers: {
              req: (req: { method: string; routeOptions?: { url?: string } }) => ({
                method: req.method,
                route: req.routeOptions?.url ?? 'unmatched',
              }),
              res: (res: { statusCode: number }) => ({ status: res.statusCode }),
            },
            redact: ['req.headers.authorization', 'req.body', 'headers.authorization'],
          },
  };
  const app = (deps.tls
    ? Fastify({ ...common, https: { key: deps.tls.key, cert: deps.tls.cert } })
    : Fastify(common)) as unknown as FastifyInstance;

  // ------------------------------------------------------------------------------------------
  // Errors, 404, metrics, logs

  const sendError = (request: FastifyRequest, reply: FastifyReply, error: ApiError) => {
    request.rgsErrorCode = error.code;
    metrics.errors.inc({ route: routeOf(request), code: error.code });
    for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
    return reply.code(error.status).type('application/json; charset=utf-8').send(error.body());
  };

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const mapped = mapFrameworkError(error);
    if (mapped.code === 'ERR_GEN') request.log.error({ err: error }, 'unhandled error');
    return sendError(request, reply, mapped);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(
      request,
      reply,
      new ApiError('ERR_NOT_FOUND', `no route ${request.method} ${pathOf(request.url)}`),
    ),
  );
  app.addHook('onResponse', async (request, reply) => {
    const route = routeOf(request);
    metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.durationSeconds.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    request.log.info(
      {
        method: request.method,
        route,
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 100) / 100,
        ...(request.rgsErrorCode ? { code: request.rgsErrorCode } : {}),
      },
      'request',
    );
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!state.closing) return;
    return sendError(request, reply, notAppliedError(SHUTTING_DOWN));
  });
  // During the drain every reply (in flight or refused) says Connection: close, so the client
  // stops reusing its kept-alive socket and opens the next one elsewhere: the server then closes
  // that socket itself after the reply, never while the client may be sending on it.
  app.addHook('onSend', async (_request, reply) => {
    if (state.draining) reply.header('Connection', 'close');
  });

  // Only application/json is parsed: a text/plain body (which browsers send without a preflight)
  // or a form is refused with 415 instead of reaching a handler.
  app.removeContentTypeParser('text/plain');
  // The framework's JSON parser (prototype-poisoning checks included), except that a DELETE with a
  // JSON content type and no body (what some HTTP clients send) has no body rather than a bad one.
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '' && request.method === 'DELETE') {
      done(null, undefined);
      return;
    }
    jsonParser(request, body as string, done);
  });

  await app.register(cors, {
    origin: options.corsOrigins === '*' ? '*' : [...options.corsOrigins],
    methods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Content-Type', 'Authorization', 'Idempotency-Key'],
    exposedHeaders: ['Retry-After'],
    maxAge: 600,
  });
  await app.register(websocket, { options: { maxPayload: 1_024 } });
  registerAdmission(app, metrics.registry, options.admission);

  // ------------------------------------------------------------------------------------------
  // Helpers shared by handlers

  const store = async <T>(work: Promise<T>): Promise<T> => {
    try {
      return await work;
    } catch (error) {
      throw new StoreUnavailable((error as Error).message);
    }
  };

  type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  const handle =
    (fn: Handler) =>
    async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      const money = MONEY_ROUTES.has(routeOf(request));
      if (state.draining && money) {
        return sendError(request, reply, notAppliedError(SHUTTING_DOWN));
      }
      if (money) state.inFlight += 1;
      try {
        const result = await fn(request, reply);
        if (result instanceof ApiError) return sendError(request, reply, result);
        return reply.code(200).send(result);
      } catch (error) {
        if (error instanceof StoreUnavailable) {
          request.log.error({ err: { message: error.message } }, 'session store unavailable');
          return sendError(
            request,
            reply,
            notAppliedError('session store unavailable; nothing was changed, retry shortly'),
          );
        }
        request.log.error({ err: error }, 'server fault');
        return sendError(request, reply, INTERNAL_ERROR());
      } finally {
        if (money) state.inFlight -= 1;
      }
    };

  /** The session of a wallet call, or ERR_IS; then the per-player rate limit. */
  const playerSession = async (
    sessionId: string,
    options_: { readonly requireAuthenticated: boolean },
  ): Promise<SessionRecord | ApiError> => {
    // One store round trip: the session, then (live and authenticated as required) the rate hit.
    const { session, rate: decision } = await store(
      sessions.sessionForCall(
        sessionId,
        options_.requireAuthenticated,
        options.rateLimitPerWindow,
        options.rateLimitWindowMs,
        now(),
      ),
    );
    if (session === null) return new ApiError('ERR_IS', 'session is unknown, expired or revoked');
    if (options_.requireAuthenticated && !session.authenticated) {
      return new ApiError('ERR_IS', 'session is not authenticated: call /wallet/authenticate first');
    }
    if (decision === null) throw new Error('invariant: a live session without its rate-limit hit');
    if (!decision.allowed)
      return rateLimited(decision.retryAfterMs, options.rateLimitPerWindow, 'per player');
    return session;
  };

  const rateLimited = (retryAfterMs: number, limit: number, per = 'per client address'): ApiError =>
    new ApiError(
      'ERR_RATE_LIMITED',
      `too many requests: at most ${limit} per ${options.rateLimitWindowMs} ms ${per}`,
      { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
    );

  const unwrap = <T>(result: Result<T>): T | ApiError =>
    result.ok ? result.value : ApiError.fromCore(result.error);
  /** A money call's result; an unresolved outcome is told apart by whether the client keyed it. */
  const unwrapMoney = <T>(result: Result<T>, clientKeyed: boolean): T | ApiError =>
    !result.ok && result.error.outcomeUnknown === true ? outcomeUnknownError(clientKeyed) : unwrap(result);

  const netPosition = (session: SessionRecord, balanceMinor: bigint) =>
    session.flags.displayNetPosition && session.startBalanceMinor !== null
      ? { netPosition: minorToApiAmount(balanceMinor - session.startBalanceMinor) }
      : {};

  /** The session timer (displaySessionTimer): when the session started and for how long it has run. */
  const sessionTimer = (session: SessionRecord) =>
    session.flags.displaySessionTimer
      ? {
          sessionStartedAt: new Date(session.createdAtMs).toISOString(),
          sessionElapsedMs: Math.max(0, now() - session.createdAtMs),
        }
      : {};

  const idempotencyHeader = (request: FastifyRequest): string | undefined | ApiError => {
    const raw = request.headers['idempotency-key'];
    if (raw === undefined) return undefined;
    return parseInput(IdempotencyKeySchema, raw, 'Idempotency-Key header');
  };

  const rc: RequestContext = {
    core,
    sessions,
    options,
    metrics,
    hub,
    readiness: deps.readiness ?? [],
    state,
    now,
    operatorKey: key,
    push,
    sendError,
    store,
    handle,
    playerSession,
    rateLimited,
    unwrap,
    unwrapMoney,
    netPosition,
    sessionTimer,
    idempotencyHeader,
  };
  // The route plugins, by group, over the one request context.
  walletRoutes(app, rc);
  betRoutes(app, rc);
  gameInfoRoutes(app, rc);
  operatorRoutes(app, rc);
  wsRoutes(app, rc);
  opsRoutes(app, rc);

  await app.ready();

  return {
    app,
    metrics,
    hub,
    inFlight: () => state.inFlight,
    async listen(port, host) {
      await app.listen({ port, host });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
      state.boundHost = `${host.includes(':') ? `[${host}]` : host}:${address.port}`;
      return address.port;
    },
    async shutdown(graceMs) {
      const drainStartMs = now();
      const deadline = drainStartMs + graceMs;
      state.draining = true;
      hub.closeAll();
      await unsubscribePushes().catch(() => {});
      stopAccepting(app.server);
      // Bounded wait (at most graceMs, polled): money calls in flight finish; connections carrying
      // a request get their reply with Connection: close and are closed after it; sockets left idle
      // are kept for DRAIN_IDLE_GRACE_MS, so a client that sends on one gets an answer (503
      // not-applied), not a socket closed under its request.
      const idleGraceEnd = Math.min(deadline, drainStartMs + DRAIN_IDLE_GRACE_MS);
      const pollsMax = Math.ceil(graceMs / DRAIN_POLL_MS) + 1;
      for (let poll = 0; poll < pollsMax && now() < deadline; poll++) {
        const connections = await openConnections(app.server);
        if (state.inFlight === 0 && (connections === 0 || now() >= idleGraceEnd)) break;
        await sleep(DRAIN_POLL_MS);
      }
      const abandoned = state.inFlight;
      state.closing = true;
      const closingApp = app.close();
      const closed = await settle(closingApp, Math.max(100, deadline - now()));
      if (closed !== 'ok') app.server.closeAllConnections?.();
      await closingApp.catch(() => {});
      return { abandoned };
    },
  };
}

// -------------------------------------------------------------------------------------------

function mapFrameworkError(error: FastifyError): ApiError {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('ERR_TOO_LARGE', 'request body is larger than the limit');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('ERR_MEDIA_TYPE', 'send the body as Content-Type: application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('ERR_VAL', 'request body is empty; expected a JSON object');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('ERR_VAL', 'Content-Length does not match the body');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError('ERR_VAL', 'request body is not valid JSON');
  }
  const status = error.statusCode ?? 500;
  if (status === 413) return new ApiError('ERR_TOO_LARGE', 'request body is larger than the limit');
  if (status === 415)
    return new ApiError('ERR_MEDIA_TYPE', 'send the body as Content-Type: application/json');
  if (error instanceof SyntaxError || (status >= 400 && status < 500)) {
    // JSON syntax errors and prototype-poisoned bodies arrive here with statusCode 400.
    return new ApiError(
      'ERR_VAL',
      `bad request: ${oneLine(error instanceof SyntaxError ? 'malformed JSON body' : error.message, 120)}`,
    );
  }
  return INTERNAL_ERROR();
}

function routeOf(request: FastifyRequest): string {
  return request.routeOptions?.url ?? 'unmatched';
}

/** The path of a URL without its query (which may hold a sessionID). */
function pathOf(url: string): string {
  const path = url.split('?')[0] ?? '';
  return oneLine(path, 100);
}

const SHUTTING_DOWN = 'server is shutting down; nothing was done, retry shortly';
/** How long a drain keeps kept-alive sockets that are idle: longer than a client's think time. */
const DRAIN_IDLE_GRACE_MS = 2_000;
const DRAIN_POLL_MS = 10;

/**
 * Stops accepting connections and keeps the live ones. http.Server#close would also close the
 * idle kept-alive sockets at once (Node >= 19), racing a client that is sending on one
 * (UND_ERR_SOCKET, an unknown outcome); net.Server#close only stops the listener. The framework's
 * close later tolerates the listener being closed already (ERR_SERVER_NOT_RUNNING).
 */
function stopAccepting(server: Server): void {
  if (server.listening) NetServer.prototype.close.call(server);
}

function openConnections(server: Server): Promise<number> {
  return new Promise((resolve) => server.getConnections((error, count) => resolve(error ? 0 : count)));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
