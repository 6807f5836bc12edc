// Public module of the RGS HTTP layer (server, errors, operator tokens, TLS); rgs/server.ts composes it.
export {
  buildRgsServer,
  DEFAULT_HTTP_OPTIONS,
  type ReadinessCheck,
  type RgsHttpDeps,
  type RgsHttpOptions,
  type RgsHttpServer,
} from './app.ts';
export { ApiError, type ApiErrorBody, HTTP_STATUS_BY_CODE, type HttpErrorCode } from './errors.ts';
export { endRoundRequestBase, endRoundRequestId, playRequestBase, playRequestId } from './idempotency.ts';
export { RgsMetrics } from './metrics.ts';
export {
  OPERATOR_TOKEN_DEFAULT_TTL_S,
  OPERATOR_TOKEN_MAX_TTL_S,
  signOperatorToken,
  verifyOperatorAuthorization,
} from './operator-auth.ts';
export { MAX_API_AMOUNT } from './schemas.ts';
export { ensureLoopbackTls, type LoopbackTls } from './tls.ts';
