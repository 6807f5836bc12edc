/**
 * zod schemas for every input of the HTTP API, and the conversion of API amounts to bigint.
 *
 * Amounts: JSON integers with 6 implied decimals (1_000_000 = 1.00). Accepted only as JSON numbers
 * that are safe integers in [1, MAX_API_AMOUNT]: strings ("100"), fractions (1.5), negatives,
 * exponents beyond the bound and non-finite values are refused with ERR_VAL. A client that computes
 * `1.1 * 1_000_000` in floating point (1100000.0000000002) is refused too: money is never rounded
 * silently.
 *
 * Objects are not `.strict()`: the Stake clients send extra fields (web-sdk adds `currency` to
 * play, others add more), and an unknown field changes nothing. Every known field is typed strictly.
 */
import { z } from 'zod';
import { API_UNITS_PER_MAJOR } from '../core/contract.ts';
import { unstorableText } from '../core/text.ts';
import { ApiError } from './errors.ts';

/** 10^9 major units: far above any bet or balance, far below 2^53 (exact in a double). */
export const MAX_API_AMOUNT = 1_000_000_000 * Number(API_UNITS_PER_MAJOR);

/** Session ids are ours (43-char base64url); anything past this bound is not one. */
export const SESSION_ID_MAX_CHARS = 128;

export const SessionIdSchema = z
  .string()
  .min(1, 'sessionID is empty')
  .max(SESSION_ID_MAX_CHARS, 'sessionID is too long')
  .regex(/^[A-Za-z0-9_-]+$/, 'sessionID has characters a session id never has');

function amountTypeError(issue: { readonly input?: unknown }): string {
  if (issue.input === undefined) return 'is required';
  // JSON.parse turns 1e400 into Infinity: a number, out of range.
  if (typeof issue.input === 'number') return `must be a finite integer, at most ${MAX_API_AMOUNT}`;
  return `must be a JSON integer (API units, 6 implied decimals), not ${issue.input === null ? 'null' : `a ${typeof issue.input}`}`;
}

export const ApiAmountSchema = z
  .number({ error: amountTypeError })
  .int({ error: 'must be an integer number of API units (6 implied decimals); fractions are refused' })
  .min(1, { error: 'must be positive' })
  .max(MAX_API_AMOUNT, { error: `must be at most ${MAX_API_AMOUNT}` });

/** A balance to start a player with (operator side): zero is allowed. */
export const ApiBalanceSchema = z
  .number({ error: amountTypeError })
  .int({ error: 'must be an integer number of API units; fractions are refused' })
  .min(0, { error: 'must not be negative' })
  .max(MAX_API_AMOUNT, { error: `must be at most ${MAX_API_AMOUNT}` });

export const CurrencySchema = z.string().regex(/^[A-Z][A-Z0-9]{1,9}$/, 'currency must be an upper-case code');
export const LanguageSchema = z.string().regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?$/, 'bad language tag');
const ModeSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'mode must be a short name');
const GameIdSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'gameID must be a short name');
const JurisdictionSchema = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'jurisdiction must be a short name');

export const AuthenticateBody = z.object({ sessionID: SessionIdSchema, language: LanguageSchema.optional() });
export const SessionBody = z.object({ sessionID: SessionIdSchema });
export const PlayBody = z.object({
  sessionID: SessionIdSchema,
  amount: ApiAmountSchema,
  mode: ModeSchema,
  currency: CurrencySchema.optional(),
});
/**
 * Free text that is stored: PostgreSQL text refuses NUL, and a lone UTF-16 surrogate has no UTF-8
 * form (it would be stored altered, as U+FFFD). Both are a client's mistake: 400 ERR_VAL.
 */
function storableText(schema: z.ZodString) {
  return schema.superRefine((text, context) => {
    const why = unstorableText(text);
    if (why !== null) context.addIssue({ code: 'custom', message: why });
  });
}

export const EventBody = z.object({
  sessionID: SessionIdSchema,
  event: storableText(z.string().min(1, 'event is empty').max(256, 'event is longer than 256 characters')),
});
export const ReplayParams = z.object({
  game: GameIdSchema,
  // A space is a `+` that went through a query string (see app.ts, replay).
  version: z.string().regex(/^[A-Za-z0-9_.+ -]{1,64}$/, 'bad version'),
  mode: ModeSchema,
  event: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'bad event (round id)'),
});
export const RecallBody = z.object({
  sessionID: SessionIdSchema,
  limit: z
    .number()
    .int('limit must be an integer')
    .min(1, 'limit must be at least 1')
    .max(100, 'limit must be at most 100')
    .optional(),
});
export const GameInfoParams = z.object({ gameID: GameIdSchema });
export const GameInfoQuery = z.object({ currency: CurrencySchema.optional() });

export const SessionStartBody = z.object({
  currency: CurrencySchema,
  balance: ApiBalanceSchema.optional(),
  jurisdiction: JurisdictionSchema.optional(),
  gameID: GameIdSchema.optional(),
  language: LanguageSchema.optional(),
  device: z.enum(['mobile', 'desktop']).optional(),
  /** Demo (fun-money) play: passed to the front end as the launch URL's `demo`. */
  demo: z.boolean().optional(),
  /** An existing player (a new session for the same wallet); otherwise a new player is created. */
  playerID: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'bad playerID')
    .optional(),
});
export const SessionIdParams = z.object({ id: SessionIdSchema });
export const WsQuery = z.object({ sessionID: SessionIdSchema });

/** The optional `Idempotency-Key` header (Croupier extension; see routes.ts for the derivation). */
export const IdempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'Idempotency-Key must be 1-128 of [A-Za-z0-9_.:-]');

/** Parses or returns an ERR_VAL naming the first problem (path and reason, never the input). */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): z.infer<S> | ApiError {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue === undefined) return new ApiError('ERR_VAL', `invalid ${what}`);
  const path = issue.path.length > 0 ? issue.path.join('.') : what;
  const message = /received undefined$/.test(issue.message) ? 'is required' : issue.message;
  return new ApiError('ERR_VAL', `invalid ${what}: ${path} ${message}`);
}

/** API units (a validated safe integer) to the core's bigint; never through a float. */
export function apiAmountToMinor(amount: number): bigint {
  if (!Number.isSafeInteger(amount)) throw new RangeError('amount must be a safe integer');
  return BigInt(amount);
}

/** The core's bigint to a JSON number; the core keeps balances far below 2^53. */
export function minorToApiAmount(minor: bigint): number {
  if (minor > BigInt(Number.MAX_SAFE_INTEGER) || minor < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError('amount beyond the exact range of a JSON number');
  }
  return Number(minor);
}
