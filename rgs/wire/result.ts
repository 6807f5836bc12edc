/**
 * What a call to the RGS taught the client, as a value. The three outcomes are those of
 * `HistoryOutcome` in load/history.ts (the load runner and the chaos checker record them):
 * - `ok`: a 2xx reply whose body parsed: it happened;
 * - `failed`: a reply that says it did not happen (a 4xx; a 5xx to a read; a 5xx that says
 *   `Croupier-Outcome: not-applied`), or nothing was sent at all (connection refused, the client's
 *   own bounds);
 * - `unknown`: no reply after the request went out (timeout, reset, closed socket), a 5xx to a
 *   call that changes state without `not-applied`, or a 2xx whose body is unreadable. It may or may
 *   not have happened: read the round (re-authenticate) before playing again; never resend blindly.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ClientErrorCode } from './errors.ts';

export type WireOutcome = 'ok' | 'failed' | 'unknown';

/** The reply as received, kept only when a call asks for it (`keepRaw`). */
export interface WireRawReply {
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

export interface WireOk<T> {
  readonly outcome: 'ok';
  readonly status: number;
  readonly body: T;
  readonly code: undefined;
  readonly message: undefined;
  readonly retryAfterMs: undefined;
  readonly raw: WireRawReply | undefined;
}

export interface WireNotOk {
  readonly outcome: 'failed' | 'unknown';
  /** HTTP status; 0 when no reply came. */
  readonly status: number;
  /** The parsed body of a reply that had one (a non-2xx carries `{error, message}`). */
  readonly body: unknown;
  /** The reply's `error` code (ERR_…), `HTTP_<status>` when it had none, or a ClientErrorCode. */
  readonly code: string;
  readonly message: string;
  /** From a Retry-After header (seconds on the wire), when the reply had one. */
  readonly retryAfterMs: number | undefined;
  readonly raw: WireRawReply | undefined;
}

export interface WireFailed extends WireNotOk {
  readonly outcome: 'failed';
}
export interface WireUnknown extends WireNotOk {
  readonly outcome: 'unknown';
}

export type WireResult<T> = WireOk<T> | WireFailed | WireUnknown;

export function okResult<T>(status: number, body: T, raw: WireRawReply | undefined): WireOk<T> {
  return { outcome: 'ok', status, body, code: undefined, message: undefined, retryAfterMs: undefined, raw };
}

export function notOkResult(
  outcome: 'failed' | 'unknown',
  status: number,
  code: string,
  message: string,
  body: unknown = undefined,
  retryAfterMs: number | undefined = undefined,
  raw: WireRawReply | undefined = undefined,
): WireFailed | WireUnknown {
  return { outcome, status, body, code, message, retryAfterMs, raw } as WireFailed | WireUnknown;
}

/** A result the client made without a reply (no status). */
export function clientResult(outcome: 'failed' | 'unknown', code: ClientErrorCode, message: string) {
  return notOkResult(outcome, 0, code, message);
}
