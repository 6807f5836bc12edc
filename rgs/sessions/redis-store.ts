/**
 * Session store on Redis: shared by every RGS node, sessions expire by TTL, revocation is a DEL.
 *
 * Layout (all keys under `prefix`):
 * - `<prefix>s:<sessionId>`  hash of the SessionRecord fields, PEXPIRE = the session's TTL;
 * - `<prefix>rl:<key>:<windowIndex>`  fixed-window rate counter, expires with its window.
 * - channel `<prefix>push`: WebSocket pushes, `{playerId, message}` as JSON, to every node.
 * Multi-field updates (authenticate, play slots, rate counters) are Lua scripts, so they are atomic
 * across nodes. Commands are bounded by `commandTimeoutMs`: a Redis that stops answering makes a
 * request fail fast (503) instead of hanging it.
 */
import { Redis } from 'ioredis';
import type {
  NewSession,
  PushDelivery,
  RateDecision,
  SessionForCall,
  SessionRecord,
  SessionStore,
} from './types.ts';

const DEFAULT_COMMAND_TIMEOUT_MS = 1_000;
const CONNECT_TIMEOUT_MS = 3_000;

const MARK_AUTHENTICATED = `
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
redis.call('HSET', KEYS[1], 'authenticated', '1')
redis.call('HSETNX', KEYS[1], 'startBalanceMinor', ARGV[1])
return redis.call('HGETALL', KEYS[1])`;

const RATE_HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;

// A wallet call's session read and its player's rate-limit hit in one round trip. The counter's
// key is built here from the session's playerId (so this needs a single Redis or a cluster where
// the prefix is one hash slot, as every key here already assumes for the other scripts' atomicity);
// it is hit only for a live session (authenticated when ARGV[2] is '1'), as get + rateLimit did.
// KEYS[1] session; ARGV: now ms, requireAuthenticated, rate-key prefix, window index, counter TTL ms.
const SESSION_FOR_CALL = `
local fields = redis.call('HGETALL', KEYS[1])
if #fields == 0 then return {fields, -1} end
local playerId, expiresAtMs, authenticated
for i = 1, #fields, 2 do
  local name = fields[i]
  if name == 'playerId' then playerId = fields[i + 1]
  elseif name == 'expiresAtMs' then expiresAtMs = tonumber(fields[i + 1])
  elseif name == 'authenticated' then authenticated = fields[i + 1] end
end
if playerId == nil or expiresAtMs == nil or not (expiresAtMs > tonumber(ARGV[1])) then return {fields, -1} end
if ARGV[2] == '1' and authenticated ~= '1' then return {fields, -1} end
local rateKey = ARGV[3] .. playerId .. ':' .. ARGV[4]
local count = redis.call('INCR', rateKey)
if count == 1 then redis.call('PEXPIRE', rateKey, ARGV[5]) end
return {fields, count}`;

interface ScriptCommands {
  croupierRateHit(key: string, ttlMs: string): Promise<unknown>;
  croupierSessionForCall(key: string, ...args: string[]): Promise<unknown>;
}

function rateDecision(
  count: number,
  limit: number,
  windowMs: number,
  windowIndex: number,
  nowMs: number,
): RateDecision {
  const allowed = count <= limit;
  return {
    allowed,
    remaining: Math.max(0, limit - count),
    retryAfterMs: allowed ? 0 : (windowIndex + 1) * windowMs - nowMs,
  };
}

export interface RedisSessionStoreOptions {
  readonly url: string;
  /** Key prefix; tests give each store its own. */
  readonly prefix?: string;
  readonly commandTimeoutMs?: number;
  readonly now?: () => number;
}

export class RedisSessionStore implements SessionStore {
  readonly kind = 'redis' as const;
  private readonly prefix: string;
  private readonly now: () => number;
  /** The hot-path scripts as ioredis commands: EVALSHA, with EVAL when Redis does not have it yet. */
  private readonly scripts: ScriptCommands;

  private constructor(
    private readonly client: Redis,
    options: RedisSessionStoreOptions,
  ) {
    this.prefix = options.prefix ?? 'croupier:rgs:';
    this.now = options.now ?? Date.now;
    client.defineCommand('croupierRateHit', { numberOfKeys: 1, lua: RATE_HIT });
    client.defineCommand('croupierSessionForCall', { numberOfKeys: 1, lua: SESSION_FOR_CALL });
    this.scripts = client as unknown as ScriptCommands;
  }

  /** Connects (bounded) and returns the store; rejects with a one-line reason. */
  static async connect(options: RedisSessionStoreOptions): Promise<RedisSessionStore> {
    const client = new Redis(options.url, {
      lazyConnect: true,
      connectTimeout: CONNECT_TIMEOUT_MS,
      commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      maxRetriesPerRequest: 1,
      // While disconnected, fail at once rather than queue requests behind an outage.
      enableOfflineQueue: false,
      // Reconnect forever with a bounded backoff: the store heals when Redis comes back.
      retryStrategy: (attempt) => Math.min(50 * attempt, 2_000),
    });
    client.on('error', () => {
      // Surfaced per command (503) and by ping() (/ready); never an unhandled event.
    });
    try {
      await client.connect();
    } catch (error) {
      client.disconnect();
      throw new Error(`redis does not answer: ${(error as Error).message}`);
    }
    return new RedisSessionStore(client, options);
  }

  private get pushChannel(): string {
    return `${this.prefix}push`;
  }

  async publishPush(playerId: string, message: unknown): Promise<void> {
    await this.client.publish(this.pushChannel, JSON.stringify({ playerId, message }));
  }

  /**
   * A dedicated connection in subscriber mode (Redis requires one), which ioredis reconnects and
   * resubscribes after an outage. Malformed messages are dropped.
   */
  async subscribePushes(deliver: PushDelivery): Promise<() => Promise<void>> {
    const subscriber = this.client.duplicate({ enableOfflineQueue: true, commandTimeout: undefined });
    subscriber.on('error', () => {
      // Reconnects on its own; pushes published meanwhile are lost (they are notifications).
    });
    subscriber.on('message', (channel: string, text: string) => {
      if (channel !== this.pushChannel) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return;
      }
      const push = parsed as { playerId?: unknown; message?: unknown };
      if (typeof push.playerId === 'string') deliver(push.playerId, push.message);
    });
    await subscriber.subscribe(this.pushChannel);
    return async () => {
      try {
        await subscriber.quit();
      } catch {
        subscriber.disconnect();
      }
    };
  }

  private sessionKey(sessionId: string): string {
    return `${this.prefix}s:${sessionId}`;
  }

  async create(session: NewSession): Promise<void> {
    const ttlMs = session.expiresAtMs - this.now();
    if (ttlMs <= 0) throw new RangeError('session would be born expired');
    const key = this.sessionKey(session.sessionId);
    await this.client
      .multi()
      .hset(key, {
        playerId: session.playerId,
        gameId: session.gameId,
        currency: session.currency,
        language: session.language,
        device: session.device,
        jurisdiction: session.jurisdiction,
        flags: JSON.stringify(session.flags),
        createdAtMs: String(session.createdAtMs),
        expiresAtMs: String(session.expiresAtMs),
        authenticated: '0',
      })
      .pexpire(key, ttlMs)
      .exec();
  }

  async get(sessionId: string): Promise<SessionRecord | null> {
    const fields = await this.client.hgetall(this.sessionKey(sessionId));
    return this.toRecord(sessionId, fields);
  }

  async markAuthenticated(sessionId: string, balanceMinor: bigint): Promise<SessionRecord | null> {
    const flat = (await this.client.eval(
      MARK_AUTHENTICATED,
      1,
      this.sessionKey(sessionId),
      balanceMinor.toString(),
    )) as string[] | null;
    if (flat === null) return null;
    const fields: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
    return this.toRecord(sessionId, fields);
  }

  async revoke(sessionId: string): Promise<boolean> {
    return (await this.client.del(this.sessionKey(sessionId))) > 0;
  }

  async rateLimit(key: string, limit: number, windowMs: number, nowMs: number): Promise<RateDecision> {
    const windowIndex = Math.floor(nowMs / windowMs);
    const count = Number(
      await this.scripts.croupierRateHit(`${this.prefix}rl:${key}:${windowIndex}`, String(windowMs * 2)),
    );
    return rateDecision(count, limit, windowMs, windowIndex, nowMs);
  }

  async sessionForCall(
    sessionId: string,
    requireAuthenticated: boolean,
    limit: number,
    windowMs: number,
    nowMs: number,
  ): Promise<SessionForCall> {
    const windowIndex = Math.floor(nowMs / windowMs);
    const [flat, count] = (await this.scripts.croupierSessionForCall(
      this.sessionKey(sessionId),
      String(this.now()),
      requireAuthenticated ? '1' : '0',
      `${this.prefix}rl:player:`,
      String(windowIndex),
      String(windowMs * 2),
    )) as [string[], number];
    const fields: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
    const session = this.toRecord(sessionId, fields);
    if (session === null || count < 0) return { session, rate: null };
    return { session, rate: rateDecision(count, limit, windowMs, windowIndex, nowMs) };
  }

  async ping(): Promise<void> {
    const reply = await this.client.ping();
    if (reply !== 'PONG') throw new Error(`unexpected PING reply ${reply}`);
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  private toRecord(sessionId: string, fields: Record<string, string>): SessionRecord | null {
    if (fields.playerId === undefined) return null;
    const expiresAtMs = Number(fields.expiresAtMs);
    // Redis expires the key itself; this guards the gap between two clocks.
    if (!(expiresAtMs > this.now())) return null;
    return {
      sessionId,
      playerId: fields.playerId,
      gameId: fields.gameId ?? '',
      currency: fields.currency ?? '',
      language: fields.language ?? 'en',
      device: fields.device === 'mobile' ? 'mobile' : 'desktop',
      jurisdiction: fields.jurisdiction ?? '',
      flags: JSON.parse(fields.flags ?? '{}') as SessionRecord['flags'],
      createdAtMs: Number(fields.createdAtMs),
      expiresAtMs,
      authenticated: fields.authenticated === '1',
      startBalanceMinor: fields.startBalanceMinor === undefined ? null : BigInt(fields.startBalanceMinor),
    };
  }
}
