/**
 * The RGS's wire: the Stake Engine API's routes, bodies, error codes and money units, and the one
 * bounded client on top of them. Node built-ins only (test/architecture/imports.test.ts checks it),
 * so the load runner, the chaos drills, certification and tests can all import it cheaply.
 */
export {
  type CallOptions,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_MAX_SOCKETS,
  DEFAULT_TIMEOUT_MS,
  type MoneyCallOptions,
  type PlayOptions,
  parseLaunchUrl,
  StakeApiClient,
  type StakeApiClientOptions,
} from './client.ts';
export {
  type ClientErrorCode,
  isWireErrorCode,
  STAKE_DOC_ONLY_CODES,
  WIRE_ERRORS,
  WIRE_STATUS_BY_CODE,
  type WireErrorBody,
  type WireErrorCode,
  type WireErrorSpec,
} from './errors.ts';
export type {
  WireFailed,
  WireNotOk,
  WireOk,
  WireOutcome,
  WireRawReply,
  WireResult,
  WireUnknown,
} from './result.ts';
export {
  gameInfoPath,
  type HttpMethod,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENCY_KEY_PATTERN,
  OUTCOME_HEADER,
  type OutcomeHeaderValue,
  ROUTES,
  type RouteAuth,
  type RouteEffect,
  type RouteName,
  type RouteSpec,
  replayPath,
  SESSION_ID_MAX_CHARS,
  sessionEndPath,
  socketPath,
} from './routes.ts';
export type * from './types.ts';
export {
  API_UNITS_PER_CENT,
  API_UNITS_PER_MAJOR,
  apiUnitsFromCents,
  formatApiUnits,
  isApiUnits,
  MAX_API_UNITS,
} from './units.ts';
