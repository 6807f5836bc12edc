/**
 * The error codes the RGS sends (`{error, message}` bodies), their HTTP status and meaning, and
 * the codes the client itself reports when no usable reply came.
 *
 * The status table is the one `rgs/http/errors.ts` serves (the reasons for each choice, where the
 * public Stake docs disagree, are written there). Stake codes we never send (ERR_LOC, ERR_UE, ERR_GE,
 * ERR_SCR, ERR_PAB) are listed in STAKE_DOC_ONLY_CODES so a client reading another RGS still knows
 * them.
 */

export type WireErrorCode =
  | 'ERR_VAL'
  | 'ERR_IPB'
  | 'ERR_IS'
  | 'ERR_ATE'
  | 'ERR_OPT'
  | 'ERR_GLE'
  | 'ERR_BNF'
  | 'ERR_NOT_FOUND'
  | 'ERR_BE'
  | 'ERR_IDEM'
  | 'ERR_TOO_LARGE'
  | 'ERR_MEDIA_TYPE'
  | 'ERR_RATE_LIMITED'
  | 'ERR_GEN'
  | 'ERR_MAINTENANCE';

export interface WireErrorSpec {
  readonly status: number;
  readonly meaning: string;
  /** Stake Engine's code (true) or a Croupier extension for a transport-level refusal (false). */
  readonly stake: boolean;
}

export const WIRE_ERRORS: Readonly<Record<WireErrorCode, WireErrorSpec>> = Object.freeze({
  ERR_VAL: { status: 400, stake: true, meaning: 'invalid request (bad amount, unknown mode, bet level)' },
  ERR_IPB: { status: 400, stake: true, meaning: 'insufficient balance' },
  ERR_IS: { status: 401, stake: true, meaning: 'invalid, expired or revoked session (authenticate first)' },
  ERR_ATE: { status: 401, stake: true, meaning: 'authentication token expired' },
  ERR_OPT: { status: 401, stake: true, meaning: 'operator token missing or invalid' },
  ERR_GLE: {
    status: 403,
    stake: true,
    meaning: 'gambling limit (loss/deposit limit, exclusion, reality check)',
  },
  ERR_BNF: { status: 404, stake: true, meaning: 'bet (round) not found' },
  ERR_NOT_FOUND: { status: 404, stake: false, meaning: 'no such route' },
  ERR_BE: { status: 409, stake: true, meaning: 'a round is active: end it first' },
  ERR_IDEM: { status: 409, stake: false, meaning: 'Idempotency-Key reused with a different request' },
  ERR_TOO_LARGE: { status: 413, stake: false, meaning: 'request body over the limit' },
  ERR_MEDIA_TYPE: { status: 415, stake: false, meaning: 'request body is not application/json' },
  ERR_RATE_LIMITED: { status: 429, stake: false, meaning: 'rate limited: retry after Retry-After seconds' },
  ERR_GEN: {
    status: 500,
    stake: true,
    meaning: 'server fault (never a client mistake); to a money call: outcome unknown, read the round',
  },
  ERR_MAINTENANCE: {
    status: 503,
    stake: true,
    meaning: 'unavailable (maintenance, shutdown, database down)',
  },
});

/** HTTP status of each code (one status per code). */
export const WIRE_STATUS_BY_CODE: Readonly<Record<WireErrorCode, number>> = Object.freeze(
  Object.fromEntries(Object.entries(WIRE_ERRORS).map(([code, spec]) => [code, spec.status])) as Record<
    WireErrorCode,
    number
  >,
);

/** Codes in the public Stake docs that this RGS never sends. */
export const STAKE_DOC_ONLY_CODES: Readonly<Record<string, string>> = Object.freeze({
  ERR_LOC: 'location not allowed',
  ERR_UE: 'unknown error; the operator rolls the bet back',
  ERR_GE: 'general error; the casino must be confident no debit occurred',
  ERR_SCR: 'secret (operator credentials)',
  ERR_PAB: 'active bet exists (wiki name of ERR_BE)',
});

export function isWireErrorCode(code: unknown): code is WireErrorCode {
  return typeof code === 'string' && Object.hasOwn(WIRE_ERRORS, code);
}

/** The error body every endpoint sends. */
export interface WireErrorBody {
  readonly error: string;
  readonly message: string;
}

/**
 * Codes the client reports itself (never on the wire), when no usable reply came:
 * - CLIENT_TIMEOUT: the per-request deadline passed after the request was sent (unknown);
 * - CLIENT_QUEUE_TIMEOUT: the deadline passed before a socket took the request (failed: nothing sent);
 * - CLIENT_OVERLOADED: the client's bound on requests in flight was reached (failed: nothing sent);
 * - CLIENT_CONNECT: the connection could not be opened (failed: nothing sent);
 * - CLIENT_RESET: the connection broke after the request was sent (unknown);
 * - CLIENT_BAD_REPLY: a reply that is not the API's JSON (unknown for a 2xx, else failed);
 * - CLIENT_TOO_LARGE: a reply over the client's size bound (unknown).
 */
export type ClientErrorCode =
  | 'CLIENT_TIMEOUT'
  | 'CLIENT_QUEUE_TIMEOUT'
  | 'CLIENT_OVERLOADED'
  | 'CLIENT_CONNECT'
  | 'CLIENT_RESET'
  | 'CLIENT_BAD_REPLY'
  | 'CLIENT_TOO_LARGE';
