/**
 * The request context every route plugin shares (one helper, built once per server by
 * buildRgsServer): the core and session store, the options, metrics and WebSocket hub, and the
 * helpers that turn a handler's value or ApiError into a reply (`handle`), resolve a player's
 * session with its rate limit (`playerSession`), and map core results (`unwrap`, `unwrapMoney`).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Result, RgsCore } from '../core/contract.ts';
import type { SessionRecord, SessionStore } from '../sessions/index.ts';
import type { ReadinessCheck, RgsHttpOptions } from './app.ts';
import { type ApiError, oneLine } from './errors.ts';
import type { RgsMetrics } from './metrics.ts';
import type { WsHub } from './ws-hub.ts';

/** The server's lifecycle, read by handlers and written by listen/shutdown. */
export interface RgsHttpState {
  /** Shutting down: new money calls are refused, /ready is false, no new sockets. */
  draining: boolean;
  /** app.close() was called: every new request is refused (our 503). */
  closing: boolean;
  /** Money calls (play, end-round) being processed now. */
  inFlight: number;
  /** host:port the server listens on: rgs_url of launch URLs unless publicHost is set. */
  boundHost: string;
}

export type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export interface RequestContext {
  readonly core: RgsCore;
  readonly sessions: SessionStore;
  readonly options: RgsHttpOptions;
  readonly metrics: RgsMetrics;
  readonly hub: WsHub;
  readonly readiness: readonly ReadinessCheck[];
  readonly state: RgsHttpState;
  readonly now: () => number;
  /** The operator key (HS256) operator tokens are verified with. */
  readonly operatorKey: Uint8Array;
  /** A push to the player's sockets on every node. */
  push(playerId: string, message: unknown): void;
  sendError(request: FastifyRequest, reply: FastifyReply, error: ApiError): FastifyReply;
  /** A session-store call: a throw becomes StoreUnavailable (503). */
  store<T>(work: Promise<T>): Promise<T>;
  /** A handler's value (200) or ApiError as a reply; throws as 503/500, never a stack trace. */
  handle(fn: Handler): (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  playerSession(
    sessionId: string,
    options: { readonly requireAuthenticated: boolean },
  ): Promise<SessionRecord | ApiError>;
  rateLimited(retryAfterMs: number, limit: number, per?: string): ApiError;
  unwrap<T>(result: Result<T>): T | ApiError;
  unwrapMoney<T>(result: Result<T>, clientKeyed: boolean): T | ApiError;
  netPosition(session: SessionRecord, balanceMinor: bigint): { netPosition?: number };
  sessionTimer(session: SessionRecord): { sessionStartedAt?: string; sessionElapsedMs?: number };
  idempotencyHeader(request: FastifyRequest): string | undefined | ApiError;
}

/** /bet/recall without a limit: the last game and the nine before it. */
export const DEFAULT_RECALL_ROUNDS = 10;

export const ROUND_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The push-channel control message of a revocation: `{[REVOKED_SESSION_KEY]: sessionId}`. */
export const REVOKED_SESSION_KEY = '$revokedSession';

export function revokedSessionOf(message: unknown): string | null {
  if (typeof message !== 'object' || message === null) return null;
  const sessionId = (message as Record<string, unknown>)[REVOKED_SESSION_KEY];
  return typeof sessionId === 'string' ? sessionId : null;
}

/** `Bearer <token>` (scheme case-insensitive) equal to `expected`, compared in constant time. */
export function sameToken(header: string | undefined, expected: string): boolean {
  const match = /^Bearer (\S{1,512})$/i.exec(header ?? '');
  if (match === null) return false;
  const given = Buffer.from(match[1]!, 'utf8');
  const wanted = Buffer.from(expected, 'utf8');
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** 'ok', 'timeout' or 'error: …' within timeoutMs; the timer never outlives the call. */
export async function settle(work: Promise<unknown>, timeoutMs: number): Promise<string> {
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
