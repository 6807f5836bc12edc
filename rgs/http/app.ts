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
import { randomUUID, timingSafeEqual } from 'node:crypto';
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
import { newSessionId, type SessionRecord, type SessionStore } from '../sessions/index.ts';
import { ApiError, INTERNAL_ERROR, oneLine, outcomeUnknownError } from './errors.ts';
import { endRoundRequestBase, playRequestBase } from './idempotency.ts';
import { RgsMetrics } from './metrics.ts';
import { operatorKey, verifyOperatorAuthorization } from './operator-auth.ts';
import {
  gameRules,
  presentBalance,
  presentBetConfig,
  presentBetOffer,
  presentJurisdiction,
  presentRound,
  presentSessionStatus,
  servedMode,
} from './present.ts';
import {
  AuthenticateBody,
  apiAmountToMinor,
  EventBody,
  GameInfoParams,
  GameInfoQuery,
  IdempotencyKeySchema,
  minorToApiAmount,
  PlayBody,
  parseInput,
  RecallBody,
  ReplayParams,
  SessionBody,
  SessionIdParams,
  SessionStartBody,
  WsQuery,
} from './schemas.ts';
import { WsHub } from './ws-hub.ts';

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
   * Stops accepting (503 for new wallet calls, /ready false), closes sockets, lets in-flight
   * money calls finish within graceMs, then closes the listener. Does not close core or store.
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
/** /bet/recall without a limit: the last game and the nine before it. */
const DEFAULT_RECALL_ROUNDS = 10;

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
  let draining = false;
  /** app.close() was called: every new request is refused (our 503). */
  let closing = false;
  let inFlight = 0;
  /** host:port the server listens on: rgs_url of launch URLs unless publicHost is set. */
  let boundHost = 'localhost';

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
    if (!closing) return;
    reply.header('Connection', 'close');
    return sendError(
      request,
      reply,
      new ApiError('ERR_MAINTENANCE', 'server is shutting down; retry shortly'),
    );
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
      if (draining && money) {
        return sendError(
          request,
          reply,
          new ApiError('ERR_MAINTENANCE', 'server is shutting down; retry shortly'),
        );
      }
      if (money) inFlight += 1;
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
            new ApiError('ERR_MAINTENANCE', 'session store unavailable; nothing was changed, retry shortly'),
          );
        }
        request.log.error({ err: error }, 'server fault');
        return sendError(request, reply, INTERNAL_ERROR());
      } finally {
        if (money) inFlight -= 1;
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

  // ------------------------------------------------------------------------------------------
  // Stake Engine wallet API

  app.post(
    '/wallet/authenticate',
    handle(async (request) => {
      const body = parseInput(AuthenticateBody, request.body, 'request');
      if (body instanceof ApiError) return body;
      const session = await playerSession(body.sessionID, { requireAuthenticated: false });
      if (session instanceof ApiError) return session;
      const balance = unwrap(await core.balance(session.playerId, session.currency));
      if (balance instanceof ApiError) return balance;
      const config = unwrap(core.betConfig(session.gameId, session.currency));
      if (config instanceof ApiError) return config;
      const round = unwrap(await core.currentRound(session.playerId, session.gameId));
      if (round instanceof ApiError) return round;
      const commitment = unwrap(await core.nextSeedCommitment(session.playerId));
      if (commitment instanceof ApiError) return commitment;
      const marked = await store(sessions.markAuthenticated(session.sessionId, balance.amountMinor));
      if (marked === null) return new ApiError('ERR_IS', 'session expired or was revoked');
      return {
        balance: presentBalance(balance),
        config: presentBetConfig(config, marked.flags),
        round: round === null ? null : presentRound(round),
        meta: {
          jurisdiction: marked.jurisdiction,
          language: body.language ?? marked.language,
          sessionExpiresAt: new Date(marked.expiresAtMs).toISOString(),
          nextServerSeedCommitment: commitment,
          ...netPosition(marked, balance.amountMinor),
          ...sessionTimer(marked),
        },
      };
    }),
  );

  app.post(
    '/wallet/balance',
    handle(async (request) => {
      const body = parseInput(SessionBody, request.body, 'request');
      if (body instanceof ApiError) return body;
      const session = await playerSession(body.sessionID, { requireAuthenticated: true });
      if (session instanceof ApiError) return session;
      const balance = unwrap(await core.balance(session.playerId, session.currency));
      if (balance instanceof ApiError) return balance;
      const position = netPosition(session, balance.amountMinor);
      const timer = sessionTimer(session);
      return {
        balance: presentBalance(balance),
        ...position,
        ...(Object.keys(position).length + Object.keys(timer).length > 0
          ? { meta: { ...position, ...timer } }
          : {}),
      };
    }),
  );

  app.post(
    '/wallet/play',
    handle(async (request) => {
      const body = parseInput(PlayBody, request.body, 'request');
      if (body instanceof ApiError) return body;
      const header = idempotencyHeader(request);
      if (header instanceof ApiError) return header;
      const session = await playerSession(body.sessionID, { requireAuthenticated: true });
      if (session instanceof ApiError) return session;
      if (body.currency !== undefined && body.currency !== session.currency) {
        return new ApiError(
          'ERR_VAL',
          `currency ${body.currency} is not this session's (${session.currency})`,
        );
      }
      const amountMinor = apiAmountToMinor(body.amount);
      // The mode as served: a name in another case (web-sdk's BASE) is the same mode, and the
      // same money call (the derived key and the request hash use the served name).
      const offer = unwrap(core.betConfig(session.gameId, session.currency));
      if (offer instanceof ApiError) return offer;
      const mode = servedMode(offer, body.mode) ?? body.mode;
      // The player's latest round (ERR_BE when active, and the derived key) is read by the core in
      // its first statement (latestRoundView): no separate read. Minimum round duration, reality
      // checks, loss limits and self-exclusion are the core's too: it decides under the player's
      // lock, per player (not per session), and audits each refusal with its reason (ERR_GLE, with
      // Retry-After for the minimum round duration).
      const key = playRequestBase({
        playerId: session.playerId,
        gameId: session.gameId,
        mode,
        amountMinor,
        currency: session.currency,
        header,
      });
      const played = unwrapMoney(
        await core.play({
          requestId: key.requestId,
          latestRoundView: { gameId: session.gameId, keyed: key.keyed },
          playerId: session.playerId,
          sessionId: session.sessionId,
          currency: session.currency,
          gameId: session.gameId,
          mode,
          amountMinor,
        }),
        header !== undefined,
      );
      if (played instanceof ApiError) return played;
      const round = presentRound(played.round);
      const balance = presentBalance(played.balance);
      // A replayed answer (same Idempotency-Key) booked nothing: no metrics, no pushes.
      if (played.replayed !== true) {
        metrics.recordRound(
          played.round.gameId,
          played.round.mode,
          played.round.costMinor,
          played.round.payoutMinor,
        );
        push(session.playerId, { type: 'round', round });
        push(session.playerId, { type: 'balance', balance });
      }
      return { balance, round, ...netPosition(session, played.balance.amountMinor) };
    }),
  );

  app.post(
    '/wallet/end-round',
    handle(async (request) => {
      const body = parseInput(SessionBody, request.body, 'request');
      if (body instanceof ApiError) return body;
      const header = idempotencyHeader(request);
      if (header instanceof ApiError) return header;
      const session = await playerSession(body.sessionID, { requireAuthenticated: true });
      if (session instanceof ApiError) return session;
      // The round to end (and the derived key) is read by the core (latestRoundView): ERR_BNF
      // when this game has none.
      const key = endRoundRequestBase(session.playerId, header);
      const ended = unwrapMoney(
        await core.endRound({
          requestId: key.requestId,
          latestRoundView: { gameId: session.gameId, keyed: key.keyed },
          playerId: session.playerId,
          sessionId: session.sessionId,
        }),
        // Exact on resend even without a header: the derived key names the round it ends.
        true,
      );
      if (ended instanceof ApiError) return ended;
      const balance = presentBalance(ended.balance);
      if (ended.round !== undefined) {
        push(session.playerId, {
          type: 'round',
          round: { ...presentRound(ended.round), active: false, status: 'closed' },
        });
      }
      push(session.playerId, { type: 'balance', balance });
      return { balance, ...netPosition(session, ended.balance.amountMinor) };
    }),
  );

  app.post(
    '/bet/event',
    handle(async (request) => {
      const body = parseInput(EventBody, request.body, 'request');
      if (body instanceof ApiError) return body;
      const session = await playerSession(body.sessionID, { requireAuthenticated: true });
      if (session instanceof ApiError) return session;
      const result = await core.setEvent(session.playerId, body.event, session.gameId);
      // web-sdk posts events for rounds that already closed (a zero win closes inside /play) and
      // ignores the answer: accepted, nothing to mark (`stored: false`), not a 404 per round.
      if (!result.ok && result.error.code === 'ERR_BNF') return { event: body.event, stored: false };
      const stored = unwrap(result);
      if (stored instanceof ApiError) return stored;
      return { event: stored.event };
    }),
  );

  app.get(
    '/bet/replay/:game/:version/:mode/:event',
    handle(async (request) => {
      // Unauthenticated and costly (the evaluator re-runs): limited per client address.
      const decision = await store(
        sessions.rateLimit(
          `replay:${request.ip}`,
          options.replayRateLimitPerWindow,
          options.rateLimitWindowMs,
          now(),
        ),
      );
      if (!decision.allowed) return rateLimited(decision.retryAfterMs, options.replayRateLimitPerWindow);
      const params = parseInput(ReplayParams, request.params, 'replay path');
      if (params instanceof ApiError) return params;
      // {event} is our round id (betID): outcomes are generated live, there are no book ids. The
      // docs' example (a book id such as 42) is a round that does not exist here: 404, not 400.
      const notFound = new ApiError(
        'ERR_BNF',
        'no closed round with this game, version, mode and id ({event} is the betID; a round is replayable once closed)',
      );
      if (!ROUND_ID.test(params.event)) return notFound;
      const stored = unwrap(await core.round(params.event));
      if (stored instanceof ApiError) return stored;
      // `1+<hash>` in a launch URL's query reads back as "1 <hash>" (URLSearchParams): the same.
      const version = params.version.replaceAll(' ', '+');
      // The whole path must name the round, and an active round's outcome is not served to an
      // unauthenticated caller (the player has it; a link must not show it before it closes).
      if (
        stored.gameId !== params.game ||
        stored.gameVersion !== version ||
        stored.mode.toLowerCase() !== params.mode.toLowerCase() ||
        stored.status === 'active'
      ) {
        return notFound;
      }
      const report = unwrap(await core.replay(params.event));
      if (report instanceof ApiError) return report;
      // Both documented shapes ({payoutMultiplier, costMultiplier, state} and {round, status}), as
      // a superset. No session here (the replay URL is shared): no balances, no seeds, no player.
      const costMultiplier =
        stored.amountMinor > 0n ? Number(stored.costMinor) / Number(stored.amountMinor) : 0;
      return {
        round: {
          betID: report.roundId,
          roundID: report.roundId,
          gameID: stored.gameId,
          version: stored.gameVersion,
          mode: stored.mode,
          amount: minorToApiAmount(stored.amountMinor),
          payout: minorToApiAmount(report.storedPayoutMinor),
          payoutMultiplier: Number(stored.payoutMultiplier),
          costMultiplier,
          replayedPayout: minorToApiAmount(report.replayedPayoutMinor),
          reproduced: report.reproduced,
          state: stored.state,
        },
        status: report.reproduced ? 'REPRODUCED' : 'MISMATCH',
        payout: minorToApiAmount(report.storedPayoutMinor),
        payoutMultiplier: Number(stored.payoutMultiplier),
        costMultiplier,
        state: stored.state,
      };
    }),
  );

  app.post(
    '/bet/recall',
    handle(async (request) => {
      const body = parseInput(RecallBody, request.body, 'request');
      if (body instanceof ApiError) return body;
      const session = await playerSession(body.sessionID, { requireAuthenticated: true });
      if (session instanceof ApiError) return session;
      const rounds = unwrap(await core.recall(session.playerId, body.limit ?? DEFAULT_RECALL_ROUNDS));
      if (rounds instanceof ApiError) return rounds;
      // Newest first: the last game, then the ones before it, each with its steps (book events,
      // free spins included), wager, win and the balances before and after.
      return { rounds: rounds.map(presentRound) };
    }),
  );

  app.post(
    '/session/reality-check',
    handle(async (request) => {
      const body = parseInput(SessionBody, request.body, 'request');
      if (body instanceof ApiError) return body;
      const session = await playerSession(body.sessionID, { requireAuthenticated: true });
      if (session instanceof ApiError) return session;
      const checked = unwrap(
        await core.realityCheck({ playerId: session.playerId, sessionId: session.sessionId }),
      );
      if (checked instanceof ApiError) return checked;
      return { realityCheck: presentSessionStatus(checked), acknowledged: checked.acknowledged };
    }),
  );

  app.get(
    '/game/:gameID/info',
    handle(async (request) => {
      const params = parseInput(GameInfoParams, request.params, 'game path');
      if (params instanceof ApiError) return params;
      const query = parseInput(GameInfoQuery, request.query, 'query');
      if (query instanceof ApiError) return query;
      const config = unwrap(core.betConfig(params.gameID, query.currency ?? options.defaultCurrency));
      if (config instanceof ApiError) return config;
      return {
        ...presentBetOffer(config),
        rtp: Object.fromEntries(Object.entries(config.betModes).map(([mode, info]) => [mode, info.rtp])),
        rules: gameRules(config),
      };
    }),
  );

  // ------------------------------------------------------------------------------------------
  // Operator API (Bearer token)

  const operator = async (request: FastifyRequest): Promise<ApiError | null> =>
    await verifyOperatorAuthorization(request.headers.authorization, key, now());

  app.post(
    '/session/start',
    handle(async (request) => {
      const denied = await operator(request);
      if (denied) return denied;
      const body = parseInput(SessionStartBody, request.body, 'request');
      if (body instanceof ApiError) return body;
      const gameId = body.gameID ?? options.defaultGameId;
      const config = unwrap(core.betConfig(gameId, body.currency));
      if (config instanceof ApiError) return config;
      let playerId: string;
      if (body.playerID !== undefined) {
        if (body.balance !== undefined || body.jurisdiction !== undefined) {
          return new ApiError('ERR_VAL', 'balance and jurisdiction belong to a new player, not to playerID');
        }
        const known = unwrap(await core.balance(body.playerID, body.currency));
        if (known instanceof ApiError) return known;
        playerId = body.playerID;
      } else {
        const created = unwrap(
          await core.createPlayer({
            currency: body.currency,
            initialBalanceMinor:
              body.balance === undefined ? options.defaultBalanceMinor : apiAmountToMinor(body.balance),
            jurisdiction: body.jurisdiction ?? options.defaultJurisdiction,
          }),
        );
        if (created instanceof ApiError) return created;
        playerId = created.playerId;
      }
      const jurisdiction = unwrap(await core.jurisdiction(playerId));
      if (jurisdiction instanceof ApiError) return jurisdiction;
      const sessionId = newSessionId();
      const createdAtMs = now();
      // The core's clock of the session (reality checks, net position) starts now too.
      const started = unwrap(await core.startSession({ playerId, sessionId }));
      if (started instanceof ApiError) return started;
      const language = body.language ?? 'en';
      const device = body.device ?? 'desktop';
      await store(
        sessions.create({
          sessionId,
          playerId,
          gameId,
          currency: body.currency,
          language,
          device,
          jurisdiction: jurisdiction.name,
          flags: jurisdiction.flags,
          createdAtMs,
          expiresAtMs: createdAtMs + options.sessionTtlMs,
        }),
      );
      // Never the request's Host header: a caller could point players at a host of its choosing.
      const rgsUrl = options.publicHost ?? boundHost;
      const url = new URL(
        `${options.launchBaseUrl.replace(/\/+$/, '')}/${encodeURIComponent(gameId)}/index.html`,
      );
      url.search = new URLSearchParams({
        sessionID: sessionId,
        lang: language,
        currency: body.currency,
        device,
        rgs_url: rgsUrl,
        social: String(jurisdiction.flags.socialCasino),
        demo: String(body.demo ?? false),
      }).toString();
      return {
        sessionID: sessionId,
        playerID: playerId,
        url: url.toString(),
        expiresAt: new Date(createdAtMs + options.sessionTtlMs).toISOString(),
        jurisdiction: { name: jurisdiction.name, ...presentJurisdiction(jurisdiction.flags) },
      };
    }),
  );

  app.delete(
    '/session/:id',
    handle(async (request) => {
      const denied = await operator(request);
      if (denied) return denied;
      const params = parseInput(SessionIdParams, request.params, 'session path');
      if (params instanceof ApiError) return params;
      const live = await store(sessions.get(params.id));
      const revoked = await store(sessions.revoke(params.id));
      if (!revoked) return new ApiError('ERR_IS', 'session is unknown, expired or already revoked');
      // Its sockets close at once: here, and on every other node through the push channel.
      hub.closeSession(params.id);
      if (live !== null) push(live.playerId, { [REVOKED_SESSION_KEY]: params.id });
      return { revoked: true };
    }),
  );

  // ------------------------------------------------------------------------------------------
  // WebSocket: the session is checked before the upgrade (401 on failure, no socket opened).

  app.route({
    method: 'GET',
    url: '/ws',
    // A plain GET (no Upgrade header) gets a JSON error rather than an empty 404.
    handler: async (request, reply) =>
      sendError(
        request,
        reply,
        new ApiError('ERR_VAL', 'GET /ws needs a WebSocket upgrade (Upgrade: websocket)'),
      ),
    preValidation: async (request, reply) => {
      const query = parseInput(WsQuery, request.query, 'query');
      if (query instanceof ApiError) return sendError(request, reply, query);
      try {
        const session = await playerSession(query.sessionID, { requireAuthenticated: false });
        if (session instanceof ApiError) return sendError(request, reply, session);
        request.rgsSession = session;
      } catch {
        return sendError(request, reply, new ApiError('ERR_MAINTENANCE', 'session store unavailable'));
      }
    },
    wsHandler: (socket, request) => {
      const session = request.rgsSession!;
      const ofSession = { sessionId: session.sessionId, expiresAtMs: session.expiresAtMs };
      if (draining || !hub.add(session.playerId, socket, ofSession)) {
        socket.close(1013, 'try again later');
        return;
      }
      socket.on('message', () => {
        // Push only: client messages are ignored (maxPayload bounds them).
      });
      socket.send(JSON.stringify({ type: 'hello', gameID: session.gameId }));
    },
  });

  // ------------------------------------------------------------------------------------------
  // Operations

  app.get('/health', async () => ({ status: 'ok' }));

  const readinessChecks: ReadinessCheck[] = [
    { name: sessions.kind, check: () => sessions.ping() },
    ...(deps.readiness ?? []),
  ];
  let readinessPassedAtMs = Number.NEGATIVE_INFINITY;
  let readinessPassed: (readonly [string, string])[] = [];
  let readinessRunning: Promise<(readonly [string, string])[]> | null = null;
  /** The checks' results: a recent pass, else the check running now, else a new one (one at a time). */
  const readinessResults = (): Promise<(readonly [string, string])[]> => {
    if (now() - readinessPassedAtMs < options.readinessCacheMs) return Promise.resolve(readinessPassed);
    readinessRunning ??= Promise.all(
      readinessChecks.map(
        async (check) => [check.name, await settle(check.check(), options.readinessTimeoutMs)] as const,
      ),
    )
      .then((results) => {
        if (results.every(([, status]) => status === 'ok')) {
          readinessPassed = results;
          readinessPassedAtMs = now();
        }
        return results;
      })
      .finally(() => {
        readinessRunning = null;
      });
    return readinessRunning;
  };

  app.get('/ready', async (_request, reply) => {
    const results = await readinessResults();
    const ready = !draining && results.every(([, status]) => status === 'ok');
    const body = { ready, draining, checks: Object.fromEntries(results) };
    if (ready) return reply.code(200).send(body);
    return reply.code(503).send({ error: 'ERR_MAINTENANCE', message: 'not ready', ...body });
  });

  app.get('/metrics', async (request, reply) => {
    if (options.metricsToken !== null && !sameToken(request.headers.authorization, options.metricsToken)) {
      return sendError(
        request,
        reply,
        new ApiError('ERR_OPT', 'metrics: send Authorization: Bearer <metrics token>'),
      );
    }
    const text = await metrics.registry.metrics();
    return reply.code(200).type(metrics.registry.contentType).send(text);
  });

  await app.ready();

  return {
    app,
    metrics,
    hub,
    inFlight: () => inFlight,
    async listen(port, host) {
      await app.listen({ port, host });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
      boundHost = `${host.includes(':') ? `[${host}]` : host}:${address.port}`;
      return address.port;
    },
    async shutdown(graceMs) {
      draining = true;
      hub.closeAll();
      await unsubscribePushes().catch(() => {});
      const deadline = now() + graceMs;
      // Bounded wait for in-flight money calls: polling a counter, at most graceMs.
      while (inFlight > 0 && now() < deadline) await sleep(10);
      const abandoned = inFlight;
      closing = true;
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

const ROUND_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The push-channel control message of a revocation: `{[REVOKED_SESSION_KEY]: sessionId}`. */
const REVOKED_SESSION_KEY = '$revokedSession';

function revokedSessionOf(message: unknown): string | null {
  if (typeof message !== 'object' || message === null) return null;
  const sessionId = (message as Record<string, unknown>)[REVOKED_SESSION_KEY];
  return typeof sessionId === 'string' ? sessionId : null;
}

function routeOf(request: FastifyRequest): string {
  return request.routeOptions?.url ?? 'unmatched';
}

/** The path of a URL without its query (which may hold a sessionID). */
function pathOf(url: string): string {
  const path = url.split('?')[0] ?? '';
  return oneLine(path, 100);
}

/** `Bearer <token>` (scheme case-insensitive) equal to `expected`, compared in constant time. */
function sameToken(header: string | undefined, expected: string): boolean {
  const match = /^Bearer (\S{1,512})$/i.exec(header ?? '');
  if (match === null) return false;
  const given = Buffer.from(match[1]!, 'utf8');
  const wanted = Buffer.from(expected, 'utf8');
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** 'ok', 'timeout' or 'error: …' within timeoutMs; the timer never outlives the call. */
async function settle(work: Promise<unknown>, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    return await Promise.race([
      work.then(
        () => 'ok',
        (error: unknown) => `error: ${oneLine(error instanceof Error ? error.message : String(error), 120)}`,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
