/**
 * Provably fair commit–reveal, the scheme crypto casinos publish (server seed + client seed + nonce):
 *
 * 1. Before play the operator draws a 32-byte server seed from a cryptographic source (the DRBG in
 *    production) and publishes the commitment SHA-256(serverSeed) as hex.
 * 2. The player supplies a client seed; each round has a nonce (0, 1, 2, ...).
 * 3. A round's outcome bytes are HMAC-SHA256(key = serverSeed, message = `${clientSeed}:${nonce}:${cursor}`)
 *    for cursor = 0, 1, 2, ..., concatenated (32 bytes per cursor), read as a `RandomSource` so games
 *    scale them with the same exact functions as any other source (rng/scaling.ts).
 * 4. After the seed is retired the operator reveals it; anyone can check SHA-256(seed) against the
 *    commitment and recompute every round (`verifyProvablyFair`).
 *
 * The message is unambiguous even if the client seed contains ':' because nonce and cursor are
 * decimal integers: the last two fields are always the nonce and the cursor.
 *
 * The commitment binds the operator (SHA-256 is collision resistant: no second seed with the same
 * hash can be found) and hides the seed until reveal (preimage resistance), so neither side can steer
 * an outcome: the operator fixed the seed before knowing the client seed, the player cannot predict
 * HMAC output without the seed.
 */
import { createHash, createHmac } from 'node:crypto';
import { z } from 'zod';
import { BufferedByteSource, type RandomSource } from './random-source.ts';

export const SERVER_SEED_BYTES = 32;
/** HMAC-SHA256 output bytes per cursor value. */
export const BYTES_PER_CURSOR = 32;
export const MAX_CLIENT_SEED_LENGTH = 256;

const clientSeedSchema = z
  .string()
  .min(1, 'clientSeed must not be empty')
  .max(MAX_CLIENT_SEED_LENGTH, `clientSeed is limited to ${MAX_CLIENT_SEED_LENGTH} characters`);
const nonceSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const hex32Schema = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits (32 bytes)')
  .transform((s) => s.toLowerCase());

function assertServerSeed(serverSeed: Uint8Array): void {
  if (!(serverSeed instanceof Uint8Array) || serverSeed.length !== SERVER_SEED_BYTES) {
    throw new RangeError(`serverSeed must be ${SERVER_SEED_BYTES} bytes`);
  }
}

/** Draws a fresh 32-byte server seed from `source` (use a cryptographic generator). */
export function generateServerSeed(source: RandomSource): Uint8Array {
  const seed = new Uint8Array(SERVER_SEED_BYTES);
  source.fillBytes(seed);
  return seed;
}

/** The public commitment: SHA-256 of the server seed, lowercase hex. */
export function commitServerSeed(serverSeed: Uint8Array): string {
  assertServerSeed(serverSeed);
  return createHash('sha256').update(serverSeed).digest('hex');
}

/** A server seed with its commitment, ready to publish (the seed stays secret until reveal). */
export interface ServerSeedCommitment {
  readonly serverSeed: Uint8Array;
  readonly commitmentHex: string;
}

export function createServerSeedCommitment(source: RandomSource): ServerSeedCommitment {
  const serverSeed = generateServerSeed(source);
  return { serverSeed, commitmentHex: commitServerSeed(serverSeed) };
}

/** The 32 outcome bytes for one cursor: HMAC-SHA256(serverSeed, `${clientSeed}:${nonce}:${cursor}`). */
export function provablyFairBlock(
  serverSeed: Uint8Array,
  clientSeed: string,
  nonce: number,
  cursor: number,
): Uint8Array {
  assertServerSeed(serverSeed);
  clientSeedSchema.parse(clientSeed);
  nonceSchema.parse(nonce);
  nonceSchema.parse(cursor);
  return new Uint8Array(
    createHmac('sha256', serverSeed).update(`${clientSeed}:${nonce}:${cursor}`, 'utf8').digest(),
  );
}

export interface ProvablyFairRound {
  readonly serverSeed: Uint8Array;
  readonly clientSeed: string;
  readonly nonce: number;
}

/**
 * A round's outcome byte stream as a `RandomSource`: cursor 0's 32 bytes, then cursor 1's, ...
 * Words are read big-endian (like every buffered byte source here), so a verifier replaying the
 * same draws gets the same values.
 */
export class ProvablyFairSource implements RandomSource {
  readonly id = 'provably-fair-hmac-sha256';
  private readonly bytes: BufferedByteSource;
  private nextCursor = 0;

  constructor(round: ProvablyFairRound) {
    const { serverSeed, clientSeed, nonce } = round;
    assertServerSeed(serverSeed);
    clientSeedSchema.parse(clientSeed);
    nonceSchema.parse(nonce);
    const key = Uint8Array.from(serverSeed); // private copy: later changes by the caller do not leak in
    this.bytes = new BufferedByteSource(
      this.id,
      (target) => {
        target.set(provablyFairBlock(key, clientSeed, nonce, this.nextCursor));
        this.nextCursor++;
      },
      BYTES_PER_CURSOR,
    );
  }

  /** How many cursor values (HMAC blocks) have been consumed so far. */
  get cursorsUsed(): number {
    return this.nextCursor;
  }

  nextUint32(): number {
    return this.bytes.nextUint32();
  }

  fillBytes(target: Uint8Array): void {
    this.bytes.fillBytes(target);
  }
}

/** The first `byteCount` outcome bytes of a round (cursor 0, 1, ... concatenated). */
export function provablyFairBytes(round: ProvablyFairRound, byteCount: number): Uint8Array {
  if (!Number.isSafeInteger(byteCount) || byteCount < 0)
    throw new RangeError('byteCount must be a non-negative integer');
  const out = new Uint8Array(byteCount);
  new ProvablyFairSource(round).fillBytes(out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Verification (what a player or a lab runs after the reveal)

export const provablyFairClaimSchema = z.object({
  serverSeedHex: hex32Schema,
  commitmentHex: hex32Schema,
  clientSeed: clientSeedSchema,
  nonce: nonceSchema,
});
export type ProvablyFairClaim = z.input<typeof provablyFairClaimSchema>;

export type ProvablyFairVerification<T> =
  | {
      readonly ok: true;
      readonly commitmentHex: string;
      /** The first `byteCount` outcome bytes, hex. */
      readonly bytesHex: string;
      /** What `draw` returned on a fresh source for the round (undefined without `draw`). */
      readonly outcome: T | undefined;
    }
  | {
      readonly ok: false;
      readonly code: 'INVALID_INPUT' | 'COMMITMENT_MISMATCH';
      readonly message: string;
    };

export interface VerifyOptions<T> {
  /** Outcome bytes to report (default 32, one cursor). */
  readonly byteCount?: number;
  /** The game's draws, replayed on a fresh source for the round (e.g. `(s) => uniformInt(s, 37)`). */
  readonly draw?: (source: RandomSource) => T;
}

/**
 * Checks a revealed server seed against its commitment, then recomputes the round: its outcome bytes
 * and, with `draw`, the outcome itself. Errors come back as values with stable codes, never thrown.
 */
export function verifyProvablyFair<T = undefined>(
  claim: ProvablyFairClaim,
  options: VerifyOptions<T> = {},
): ProvablyFairVerification<T> {
  const parsed = provablyFairClaimSchema.safeParse(claim);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      code: 'INVALID_INPUT',
      message: `${issue?.path.join('.') || 'claim'}: ${issue?.message ?? 'invalid'}`,
    };
  }
  const byteCount = options.byteCount ?? BYTES_PER_CURSOR;
  if (!Number.isSafeInteger(byteCount) || byteCount < 0 || byteCount > 1 << 20) {
    return { ok: false, code: 'INVALID_INPUT', message: 'byteCount must be an integer in [0, 2^20]' };
  }
  const { serverSeedHex, commitmentHex, clientSeed, nonce } = parsed.data;
  const serverSeed = new Uint8Array(Buffer.from(serverSeedHex, 'hex'));
  const actualCommitment = commitServerSeed(serverSeed);
  if (actualCommitment !== commitmentHex) {
    return {
      ok: false,
      code: 'COMMITMENT_MISMATCH',
      message: `SHA-256(serverSeed) is ${actualCommitment}, not the published commitment ${commitmentHex}`,
    };
  }
  const round = { serverSeed, clientSeed, nonce };
  const bytesHex = Buffer.from(provablyFairBytes(round, byteCount)).toString('hex');
  const outcome = options.draw ? options.draw(new ProvablyFairSource(round)) : undefined;
  return { ok: true, commitmentHex: actualCommitment, bytesHex, outcome };
}
