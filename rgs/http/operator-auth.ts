/**
 * Operator authentication: short-lived HS256 JWTs (jose), signed with the operator secret from the
 * configuration. Only operator endpoints (/session/start, DELETE /session/:id) accept them; players
 * never hold one.
 *
 * A token must carry iss=croupier-operator, aud=croupier-rgs, iat and exp, live at most
 * OPERATOR_TOKEN_MAX_TTL_S, and be presented as `Authorization: Bearer <token>`.
 */
import { errors, jwtVerify, SignJWT } from 'jose';
import {
  OPERATOR_SECRET_MIN_CHARS,
  OPERATOR_TOKEN_DEFAULT_TTL_S,
  OPERATOR_TOKEN_MAX_TTL_S,
} from '../names.ts';
import { ApiError } from './errors.ts';

export const OPERATOR_ISSUER = 'croupier-operator';
export const OPERATOR_AUDIENCE = 'croupier-rgs';
export { OPERATOR_SECRET_MIN_CHARS, OPERATOR_TOKEN_DEFAULT_TTL_S, OPERATOR_TOKEN_MAX_TTL_S };

export function operatorKey(secret: string): Uint8Array {
  if (secret.length < OPERATOR_SECRET_MIN_CHARS) {
    throw new RangeError(`operator secret must be at least ${OPERATOR_SECRET_MIN_CHARS} characters`);
  }
  return new TextEncoder().encode(secret);
}

/** Signs an operator token valid for ttlSeconds (at most OPERATOR_TOKEN_MAX_TTL_S). */
export async function signOperatorToken(
  secret: string,
  ttlSeconds: number = OPERATOR_TOKEN_DEFAULT_TTL_S,
  nowMs: number = Date.now(),
): Promise<string> {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > OPERATOR_TOKEN_MAX_TTL_S) {
    throw new RangeError(`token lifetime must be 1..${OPERATOR_TOKEN_MAX_TTL_S} seconds`);
  }
  const iat = Math.floor(nowMs / 1000);
  return await new SignJWT({ scope: 'operator' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(OPERATOR_ISSUER)
    .setAudience(OPERATOR_AUDIENCE)
    .setSubject('operator')
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(operatorKey(secret));
}

/** Verifies the Authorization header; an ApiError (401) when missing, invalid or expired. */
export async function verifyOperatorAuthorization(
  header: string | undefined,
  key: Uint8Array,
  nowMs: number = Date.now(),
): Promise<ApiError | null> {
  // The scheme is case-insensitive (RFC 9110 §11.1): `bearer` is Bearer.
  const match = /^Bearer ([A-Za-z0-9_.-]{10,4096})$/i.exec(header ?? '');
  if (match === null) return new ApiError('ERR_OPT', 'operator endpoint: send Authorization: Bearer <token>');
  try {
    const { payload } = await jwtVerify(match[1]!, key, {
      algorithms: ['HS256'],
      issuer: OPERATOR_ISSUER,
      audience: OPERATOR_AUDIENCE,
      requiredClaims: ['iat', 'exp'],
      maxTokenAge: OPERATOR_TOKEN_MAX_TTL_S,
      currentDate: new Date(nowMs),
    });
    if (payload.exp! - payload.iat! > OPERATOR_TOKEN_MAX_TTL_S) {
      return new ApiError('ERR_OPT', `operator token lives longer than ${OPERATOR_TOKEN_MAX_TTL_S} s`);
    }
    return null;
  } catch (error) {
    if (error instanceof errors.JWTExpired) return new ApiError('ERR_ATE', 'operator token expired');
    return new ApiError('ERR_OPT', 'operator token is invalid');
  }
}
