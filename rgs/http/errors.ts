/**
 * Error codes on the wire and their HTTP statuses: one status per code, so clients that look only
 * at the status (ts-client throws on any non-2xx) and clients that read `data.error` (web-sdk)
 * agree.
 *
 * Where the public Stake Engine docs disagree (see shared/protocols/stake-engine-rgs.md):
 * - session errors: the new docs answer `401 ERR_IS`, the older ones `400`. We follow the new docs:
 *   ERR_IS and ERR_ATE are 401.
 * - other client errors: the older docs use 400 for everything. We keep 400 for ERR_VAL and ERR_IPB
 *   and use the more precise 403 (gambling limit), 404 (bet not found) and 409 (a conflicting
 *   active bet or idempotency key) where a status says more than 400 would.
 * - ERR_GEN is 500 and is only ever sent for a real server fault; ERR_MAINTENANCE is 503 (also while
 *   shutting down or when PostgreSQL/Redis does not answer).
 *
 * Croupier extensions (no Stake code exists for these transport-level refusals): ERR_OPT (operator
 * token missing or invalid, 401, the docs list ERR_OPT as "operator"), ERR_NOT_FOUND (no such
 * route, 404), ERR_TOO_LARGE (body over the limit, 413), ERR_MEDIA_TYPE (not application/json,
 * 415), ERR_RATE_LIMITED (per-player rate limit, 429 with Retry-After).
 */
import type { RgsError, RgsErrorCode } from '../core/contract.ts';

export type HttpErrorCode =
  | RgsErrorCode
  | 'ERR_OPT'
  | 'ERR_NOT_FOUND'
  | 'ERR_TOO_LARGE'
  | 'ERR_MEDIA_TYPE'
  | 'ERR_RATE_LIMITED';

export const HTTP_STATUS_BY_CODE: Readonly<Record<HttpErrorCode, number>> = {
  ERR_VAL: 400,
  ERR_IPB: 400,
  ERR_IS: 401,
  ERR_ATE: 401,
  ERR_OPT: 401,
  ERR_GLE: 403,
  ERR_BNF: 404,
  ERR_NOT_FOUND: 404,
  ERR_BE: 409,
  ERR_IDEM: 409,
  ERR_TOO_LARGE: 413,
  ERR_MEDIA_TYPE: 415,
  ERR_RATE_LIMITED: 429,
  ERR_GEN: 500,
  ERR_MAINTENANCE: 503,
};

/** The error body every endpoint sends: `{error, message}` (Stake Engine shape). */
export interface ApiErrorBody {
  readonly error: HttpErrorCode;
  readonly message: string;
}

/** An error as a value, ready to be sent. */
export class ApiError {
  readonly status: number;
  constructor(
    readonly code: HttpErrorCode,
    readonly message: string,
    /** Extra response headers (Retry-After for 429). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    this.status = HTTP_STATUS_BY_CODE[code];
  }

  body(): ApiErrorBody {
    return { error: this.code, message: this.message };
  }

  static fromCore(error: RgsError): ApiError {
    if (error.retryAfterMs !== undefined && error.retryAfterMs > 0) {
      return new ApiError(error.code, oneLine(error.message), {
        'Retry-After': String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))),
      });
    }
    return new ApiError(error.code, oneLine(error.message));
  }
}

/** Messages are one line and bounded: never a stack, never a dump of the input. */
export function oneLine(message: string, maxChars = 300): string {
  const flat = message.replace(/\s+/g, ' ').trim();
  return flat.length > maxChars ? `${flat.slice(0, maxChars - 1)}…` : flat;
}

export const INTERNAL_ERROR = (): ApiError => new ApiError('ERR_GEN', 'internal server error');

/**
 * A money call whose outcome the server could not resolve (the database connection was lost at
 * COMMIT and the transaction's status could not be read back before the deadline; issue 9, #1).
 * Without an Idempotency-Key a resend is a new bet, so this is never a 503 (clients resend those):
 * it is 500 ERR_GEN, telling the client to read the state first. With an Idempotency-Key the
 * resend is exact, so it stays 503 ERR_MAINTENANCE.
 */
export function outcomeUnknownError(keyed: boolean): ApiError {
  if (keyed) {
    return new ApiError(
      'ERR_MAINTENANCE',
      'the outcome of this call is unknown (database connection lost at commit): resend it with the same Idempotency-Key, which finds it',
      { 'Retry-After': '1' },
    );
  }
  return new ApiError(
    'ERR_GEN',
    'the outcome of this call is unknown (database connection lost at commit): call /wallet/authenticate and read the round and balance; do not resend the call',
  );
}
