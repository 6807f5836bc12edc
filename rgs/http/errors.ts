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
 * Stake Engine conformance, checked against the docs and the web-sdk / ts-client sources
 * (shared/protocols/stake-engine-rgs.md), with the choice made where we diverge:
 * - Bet levels: a bet must be one of `betLevels` (ERR_VAL otherwise). Each level maps onto exactly
 *   one coin value × bet level of the game's math, and an amount between two levels has no such
 *   mapping, so it cannot be played without rounding money. ts-client enforces the levels by
 *   default; with `enforceBetLevels: false` it may send a multiple of `stepBet` (the levels' common
 *   divisor) that is not a level, and that is refused with a message naming the game. Game info's
 *   rules list the levels (not "steps of").
 * - Modes: matched case-insensitively (web-sdk defaults to `BASE`); `betModes` entries carry the
 *   schema's `mode` (the name) and `feature` (true for a mode that costs other than the base bet).
 * - `/bet/event` for a round that is already closed (web-sdk posts one after every round and
 *   ignores the answer) is 200 `{event, stored: false}`: nothing to mark, not a client error.
 * - `/bet/replay/{game}/{version}/{mode}/{event}`: outcomes are generated live, so `{event}` is
 *   the round's betID, not a book id; anything else (the docs' `…/42`) is 404 ERR_BNF. A version
 *   `1+<hash>` whose `+` became a space through a launch URL's query reads the same. Only a closed
 *   round is served, under its own game, version and mode; rate-limited per address (429).
 * - Launch URLs carry `social` (the jurisdiction's socialCasino) and `demo`.
 * - Not converted: book events state amounts in API units and symbols as strings, where Stake's
 *   books use bet multiples ×100 and `{name}` objects (rgs/core/games.ts `bookEvents`, owned with
 *   the games); the ×100 form is not always an integer for our lines × coin bets.
 * - A money call whose COMMIT reply was lost and whose outcome could not be read back in time is
 *   500 ERR_GEN "outcome unknown: read the round" without an Idempotency-Key (a resend would be a
 *   new bet), 503 with one (`outcomeUnknownError`). Every other 503 means nothing was booked.
 *
 * Croupier extensions (no Stake code exists for these transport-level refusals): ERR_OPT (operator
 * token missing or invalid, 401, the docs list ERR_OPT as "operator"), ERR_NOT_FOUND (no such
 * route, 404), ERR_TOO_LARGE (body over the limit, 413), ERR_MEDIA_TYPE (not application/json,
 * 415), ERR_RATE_LIMITED (per-player rate limit, 429 with Retry-After).
 */
import type { RgsError, RgsErrorCode } from '../core/contract.ts';
import { OUTCOME_HEADER, WIRE_STATUS_BY_CODE, type WireErrorCode } from '../wire/index.ts';

/** The codes on the wire (rgs/wire/errors.ts `WIRE_ERRORS`, the one table: code, status, meaning). */
export type HttpErrorCode = WireErrorCode;

/** Every code the core returns is a wire code (a compile error here names the one missing). */
type CoreCodesOnTheWire = RgsErrorCode extends HttpErrorCode ? true : never;
const CORE_CODES_ON_THE_WIRE: CoreCodesOnTheWire = true;
void CORE_CODES_ON_THE_WIRE;

export const HTTP_STATUS_BY_CODE: Readonly<Record<HttpErrorCode, number>> = WIRE_STATUS_BY_CODE;

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

  /**
   * The core's error as sent. A 503 from the core (the database down or too slow) booked nothing,
   * except an unresolved COMMIT (`outcomeUnknown`): the former says `not-applied`, the latter
   * `unknown` (rgs/wire/README.md, Outcomes).
   */
  static fromCore(error: RgsError): ApiError {
    const headers: Record<string, string> = {};
    if (error.retryAfterMs !== undefined && error.retryAfterMs > 0)
      headers['Retry-After'] = String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
    if (error.code === 'ERR_MAINTENANCE')
      headers[OUTCOME_HEADER] = error.outcomeUnknown === true ? 'unknown' : 'not-applied';
    return new ApiError(error.code, oneLine(error.message), headers);
  }
}

/** Messages are one line and bounded: never a stack, never a dump of the input. */
export function oneLine(message: string, maxChars = 300): string {
  const flat = message.replace(/\s+/g, ' ').trim();
  return flat.length > maxChars ? `${flat.slice(0, maxChars - 1)}…` : flat;
}

export const INTERNAL_ERROR = (): ApiError => new ApiError('ERR_GEN', 'internal server error');

/**
 * 503 ERR_MAINTENANCE for a call refused before any work (shutting down, the session store down):
 * `Croupier-Outcome: not-applied` tells a client the call did not happen, so it may resend it
 * (rgs/wire/README.md, Outcomes). Never for an outcome the server could not resolve.
 */
export function notAppliedError(message: string): ApiError {
  return new ApiError('ERR_MAINTENANCE', oneLine(message), {
    [OUTCOME_HEADER]: 'not-applied',
    'Retry-After': '1',
  });
}

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
      { 'Retry-After': '1', [OUTCOME_HEADER]: 'unknown' },
    );
  }
  return new ApiError(
    'ERR_GEN',
    'the outcome of this call is unknown (database connection lost at commit): call /wallet/authenticate and read the round and balance; do not resend the call',
  );
}
