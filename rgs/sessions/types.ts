/**
 * Player sessions and per-player rate limits: the contract both stores implement (Redis for
 * production and tests, in-process for the single-node embedded mode).
 *
 * A session maps an unguessable id to exactly one player, game and currency; every wallet call
 * resolves the player from the session, never from the request body, so a player can only see and
 * move their own money and rounds.
 */
import { randomBytes } from 'node:crypto';
import type { JurisdictionFlags } from '../core/contract.ts';

export interface SessionRecord {
  readonly sessionId: string;
  readonly playerId: string;
  readonly gameId: string;
  readonly currency: string;
  readonly language: string;
  readonly device: 'mobile' | 'desktop';
  readonly jurisdiction: string;
  /** The jurisdiction's flags when the session started (a session keeps its rules). */
  readonly flags: JurisdictionFlags;
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
  /** /wallet/authenticate was called; the other endpoints answer ERR_IS until then. */
  readonly authenticated: boolean;
  /** Balance at the first authenticate (API units, bigint): the base of the net position. */
  readonly startBalanceMinor: bigint | null;
}

export type NewSession = Omit<SessionRecord, 'authenticated' | 'startBalanceMinor'>;

export interface RateDecision {
  readonly allowed: boolean;
  readonly remaining: number;
  /** Until the window resets (0 when allowed). */
  readonly retryAfterMs: number;
}

export interface SessionForCall {
  readonly session: SessionRecord | null;
  readonly rate: RateDecision | null;
}

/** Hands one push (already parsed) to this node's sockets of `playerId`. */
export type PushDelivery = (playerId: string, message: unknown) => void;

export interface SessionStore {
  /** 'redis' (shared by every node) or 'memory' (single node only: embedded mode). */
  readonly kind: 'redis' | 'memory';
  create(session: NewSession): Promise<void>;
  /** The live session, or null when unknown, expired or revoked. */
  get(sessionId: string): Promise<SessionRecord | null>;
  /** Marks the session authenticated; records the start balance only the first time. */
  markAuthenticated(sessionId: string, balanceMinor: bigint): Promise<SessionRecord | null>;
  /** Removes the session at once; true when it existed. */
  revoke(sessionId: string): Promise<boolean>;
  /** Fixed-window counter per key: at most `limit` hits per `windowMs`. */
  rateLimit(key: string, limit: number, windowMs: number, nowMs: number): Promise<RateDecision>;
  /**
   * A wallet call's session and its player's rate-limit hit in one step (one Redis round trip):
   * `get(sessionId)`, then, only for a live session (authenticated when `requireAuthenticated`),
   * `rateLimit('player:<playerId>', …)`. `rate` is null when the counter was not hit.
   */
  sessionForCall(
    sessionId: string,
    requireAuthenticated: boolean,
    limit: number,
    windowMs: number,
    nowMs: number,
  ): Promise<SessionForCall>;
  /**
   * Sends a WebSocket push to the player's sockets on every node: Redis pub/sub for the Redis store
   * (a player's socket and their wallet calls may land on different nodes), this process only for
   * the memory store. Best effort: a push is a notification, the wallet call already succeeded.
   */
  publishPush(playerId: string, message: unknown): Promise<void>;
  /** Delivers the pushes of every node to `deliver` (this node's sockets); resolves to an unsubscribe. */
  subscribePushes(deliver: PushDelivery): Promise<() => Promise<void>>;
  /** Resolves when the backing store answers (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** 256 bits from the OS CSPRNG, base64url (43 characters): unguessable, safe in URLs. */
export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}
