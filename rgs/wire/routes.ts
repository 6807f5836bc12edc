/**
 * The routes of the RGS's HTTP API: methods and paths as constants, and the builders of the paths
 * that carry parameters. The Stake Engine front-end API (shared/protocols/stake-engine-rgs.md) plus
 * Croupier's operator, recall, compliance and operations routes.
 *
 * `effect` says what a call may change, which decides what an ambiguous answer means (client.ts):
 * - `money`: moves money or opens/closes a round (play, end-round);
 * - `state`: changes non-money state (sessions, the event marker, a reality-check acknowledgement);
 * - `read`: changes nothing; a lost answer costs nothing but a retry.
 * `auth`: `session` (the body's or query's sessionID), `operator` (Bearer token), `none`.
 */

export type HttpMethod = 'GET' | 'POST' | 'DELETE';
export type RouteEffect = 'money' | 'state' | 'read';
export type RouteAuth = 'session' | 'operator' | 'none';

export interface RouteSpec {
  readonly method: HttpMethod;
  /** Fastify-style pattern (`:name` for a parameter); the builders below fill it. */
  readonly path: string;
  readonly effect: RouteEffect;
  readonly auth: RouteAuth;
}

function route(method: HttpMethod, path: string, effect: RouteEffect, auth: RouteAuth): RouteSpec {
  return Object.freeze({ method, path, effect, auth });
}

export const ROUTES = Object.freeze({
  // Stake Engine wallet and bet API (player side).
  authenticate: route('POST', '/wallet/authenticate', 'state', 'session'),
  balance: route('POST', '/wallet/balance', 'read', 'session'),
  play: route('POST', '/wallet/play', 'money', 'session'),
  endRound: route('POST', '/wallet/end-round', 'money', 'session'),
  event: route('POST', '/bet/event', 'state', 'session'),
  replay: route('GET', '/bet/replay/:game/:version/:mode/:event', 'read', 'none'),
  // Croupier extensions (player side).
  recall: route('POST', '/bet/recall', 'read', 'session'),
  realityCheck: route('POST', '/session/reality-check', 'state', 'session'),
  gameInfo: route('GET', '/game/:gameID/info', 'read', 'none'),
  socket: route('GET', '/ws', 'read', 'session'),
  // Operator side (Bearer token from `croupier rgs token`).
  sessionStart: route('POST', '/session/start', 'state', 'operator'),
  sessionEnd: route('DELETE', '/session/:id', 'state', 'operator'),
  // Operations.
  health: route('GET', '/health', 'read', 'none'),
  ready: route('GET', '/ready', 'read', 'none'),
  metrics: route('GET', '/metrics', 'read', 'none'),
});

export type RouteName = keyof typeof ROUTES;

/**
 * `GET /bet/replay/{game}/{version}/{mode}/{event}`. Each segment is URL-encoded: a version like
 * `1+<hash>` must arrive as written (a raw `+` is read back as-is by Fastify, but `/`, `?`, `#` or
 * `%` would not be).
 */
export function replayPath(game: string, version: string, mode: string, event: string): string {
  return `/bet/replay/${encodeURIComponent(game)}/${encodeURIComponent(version)}/${encodeURIComponent(mode)}/${encodeURIComponent(event)}`;
}

/** `DELETE /session/{id}` (operator: revoke a session). */
export function sessionEndPath(sessionID: string): string {
  return `/session/${encodeURIComponent(sessionID)}`;
}

/** `GET /game/{gameID}/info[?currency=]`. */
export function gameInfoPath(gameID: string, currency?: string): string {
  const path = `/game/${encodeURIComponent(gameID)}/info`;
  return currency === undefined ? path : `${path}?currency=${encodeURIComponent(currency)}`;
}

/** `GET /ws?sessionID=…` (push channel: balance and round messages). */
export function socketPath(sessionID: string): string {
  return `/ws?sessionID=${encodeURIComponent(sessionID)}`;
}

/**
 * Croupier extension headers. `Idempotency-Key`: a money call's key (a retry of one intent reuses
 * it; the same key and body return the original answer). `Croupier-Outcome` on a 5xx: `not-applied`
 * (nothing was changed: safe to resend) or `unknown` (the server could not tell: re-authenticate
 * and read the round, never resend a play blindly). Without it a 5xx to a `money` or `state` call
 * is treated as unknown.
 */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const OUTCOME_HEADER = 'croupier-outcome';
export type OutcomeHeaderValue = 'not-applied' | 'unknown';
/** Bounds the RGS applies to an Idempotency-Key (rgs/http/schemas.ts IdempotencyKeySchema). */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
/** Session ids are 43-char base64url; anything past this bound is not one (rgs/http/schemas.ts). */
export const SESSION_ID_MAX_CHARS = 128;
