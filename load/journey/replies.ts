/**
 * What a reply means to a careful client (the same rules as `load/history.ts`):
 * - `ok`: 2xx, the operation happened;
 * - `shed`: the server refused before doing any work, because it is overloaded (429 or 503 with
 *   Retry-After): safe to send again after the pause it asks for;
 * - `failed`: a 4xx that says it did not happen (ERR_IPB, ERR_BE, ERR_VAL…);
 * - `unknown`: no reply (timeout, reset) or a 5xx that is not shedding: the operation may or may
 *   not have happened. A play is then never resent blindly: the client re-authenticates and reads
 *   the round first.
 *
 * Plain TypeScript, no imports from Node or k6: both executors use it.
 */
import type { Endpoint } from '../scenarios/model.ts';

export interface JourneyReply {
  /** HTTP status; 0 when no reply came (timeout, connection reset). */
  readonly status: number;
  /** The parsed JSON body, or null. */
  readonly body: unknown;
  /** Retry-After in milliseconds, when the reply carried one. */
  readonly retryAfterMs: number | null;
  /** What the reply says about the operation, by the rules of `outcomeOf`. */
  readonly outcome: 'ok' | 'failed' | 'unknown';
}

export type ReplyKind = 'ok' | 'shed' | 'failed' | 'unknown';

/** What a call may change (as rgs/wire's routes say): it decides what an ambiguous 5xx means. */
export type CallEffect = 'money' | 'state' | 'read';
export const ENDPOINT_EFFECT: Readonly<Record<Endpoint, CallEffect>> = {
  'session-start': 'state',
  authenticate: 'state',
  balance: 'read',
  play: 'money',
  'end-round': 'money',
  event: 'state',
};

/**
 * The same rules as rgs/wire's client: a 2xx with a JSON object happened; a 4xx did not; a 5xx
 * did not when the server says `Croupier-Outcome: not-applied` or the call only reads; any other
 * 5xx, and no reply at all, is unknown.
 */
export function outcomeOf(
  status: number,
  body: unknown,
  effect: CallEffect,
  outcomeHeader: string | null | undefined,
): JourneyReply['outcome'] {
  if (status >= 200 && status <= 299) return body !== null && typeof body === 'object' ? 'ok' : 'unknown';
  if (status >= 400 && status < 500) return 'failed';
  if (status === 0) return 'unknown';
  if (outcomeHeader === 'not-applied') return 'failed';
  if (outcomeHeader === 'unknown') return 'unknown';
  return effect === 'read' ? 'failed' : 'unknown';
}

export function classifyReply(reply: JourneyReply): ReplyKind {
  if (reply.outcome !== 'failed') return reply.outcome;
  const overload = reply.status === 429 || reply.status === 503;
  return overload && reply.retryAfterMs !== null ? 'shed' : 'failed';
}

/** The `error` code of an error body (ERR_IPB, ERR_BE, …), if any. */
export function errorCodeOf(reply: JourneyReply): string | undefined {
  const body = reply.body as { error?: unknown } | null;
  return body !== null && typeof body === 'object' && typeof body.error === 'string' ? body.error : undefined;
}

/** Retry-After (seconds, or an HTTP date) as milliseconds; null when absent or unreadable. */
export function parseRetryAfterMs(value: string | null | undefined, nowMs: number): number | null {
  if (value === null || value === undefined || value === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1_000;
  const dateMs = Date.parse(value);
  return Number.isNaN(dateMs) ? null : Math.max(0, dateMs - nowMs);
}

/** Reads `obj.a.b` when every step is an object; undefined otherwise (replies are untrusted). */
export function field(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function isApiAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
