/**
 * In-process session store for the embedded mode (no REDIS_URL).
 *
 * SINGLE NODE ONLY: sessions, play slots and rate-limit counters live in this process's memory.
 * A second RGS process would not see them, and a restart forgets every session (players
 * re-launch; their money and rounds are in the database and unaffected). Both maps are bounded:
 * expired entries are swept, and when full the oldest sessions are evicted first.
 */
import type {
  NewSession,
  PushDelivery,
  RateDecision,
  SessionForCall,
  SessionRecord,
  SessionStore,
} from './types.ts';

const SESSIONS_MAX = 100_000;
const RATE_KEYS_MAX = 100_000;

export interface MemorySessionStoreOptions {
  readonly now?: () => number;
  readonly sessionsMax?: number;
}

export class MemorySessionStore implements SessionStore {
  readonly kind = 'memory' as const;
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly rates = new Map<string, { windowStartMs: number; count: number }>();
  private readonly now: () => number;
  private readonly sessionsMax: number;
  private readonly pushSubscribers = new Set<PushDelivery>();

  constructor(options: MemorySessionStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sessionsMax = options.sessionsMax ?? SESSIONS_MAX;
  }

  /** This process only: the memory store is single-node by definition. */
  async publishPush(playerId: string, message: unknown): Promise<void> {
    for (const deliver of this.pushSubscribers) deliver(playerId, message);
  }

  async subscribePushes(deliver: PushDelivery): Promise<() => Promise<void>> {
    this.pushSubscribers.add(deliver);
    return async () => {
      this.pushSubscribers.delete(deliver);
    };
  }

  async create(session: NewSession): Promise<void> {
    if (this.sessions.size >= this.sessionsMax) this.sweep();
    // Still full: evict the oldest (Map keeps insertion order), a bounded loop.
    for (const id of this.sessions.keys()) {
      if (this.sessions.size < this.sessionsMax) break;
      this.sessions.delete(id);
    }
    this.sessions.set(session.sessionId, {
      ...session,
      authenticated: false,
      startBalanceMinor: null,
    });
  }

  async get(sessionId: string): Promise<SessionRecord | null> {
    return this.live(sessionId);
  }

  /**
   * Synchronous read: every read-modify-write below runs without an await in between, so two
   * concurrent calls cannot both see the old value (the event loop is the lock).
   */
  private live(sessionId: string): SessionRecord | null {
    const session = this.sessions.get(sessionId);
    if (session === undefined) return null;
    if (session.expiresAtMs <= this.now()) {
      this.sessions.delete(sessionId);
      return null;
    }
    return session;
  }

  async markAuthenticated(sessionId: string, balanceMinor: bigint): Promise<SessionRecord | null> {
    const session = this.live(sessionId);
    if (session === null) return null;
    const updated: SessionRecord = {
      ...session,
      authenticated: true,
      startBalanceMinor: session.startBalanceMinor ?? balanceMinor,
    };
    this.sessions.set(sessionId, updated);
    return updated;
  }

  async revoke(sessionId: string): Promise<boolean> {
    return this.sessions.delete(sessionId);
  }

  async sessionForCall(
    sessionId: string,
    requireAuthenticated: boolean,
    limit: number,
    windowMs: number,
    nowMs: number,
  ): Promise<SessionForCall> {
    const session = this.live(sessionId);
    if (session === null || (requireAuthenticated && !session.authenticated)) return { session, rate: null };
    return { session, rate: await this.rateLimit(`player:${session.playerId}`, limit, windowMs, nowMs) };
  }

  async rateLimit(key: string, limit: number, windowMs: number, nowMs: number): Promise<RateDecision> {
    const windowStartMs = nowMs - (nowMs % windowMs);
    let entry = this.rates.get(key);
    if (entry === undefined || entry.windowStartMs !== windowStartMs) {
      if (this.rates.size >= RATE_KEYS_MAX) {
        for (const [k, v] of this.rates) if (v.windowStartMs !== windowStartMs) this.rates.delete(k);
        if (this.rates.size >= RATE_KEYS_MAX) this.rates.clear();
      }
      entry = { windowStartMs, count: 0 };
      this.rates.set(key, entry);
    }
    entry.count += 1;
    const allowed = entry.count <= limit;
    return {
      allowed,
      remaining: Math.max(0, limit - entry.count),
      retryAfterMs: allowed ? 0 : windowStartMs + windowMs - nowMs,
    };
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.sessions.clear();
    this.rates.clear();
  }

  private sweep(): void {
    const nowMs = this.now();
    for (const [id, session] of this.sessions) if (session.expiresAtMs <= nowMs) this.sessions.delete(id);
  }
}
