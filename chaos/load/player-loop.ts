/**
 * A small, bounded, steady player mix for chaos drills, recording the client-side History
 * (load/history.ts) that the books checker reads. It talks to the RGS over HTTP only, as a game
 * front end does (the Stake Engine wallet API), with the behaviour of a careful real client:
 *
 * - every play and end-round carries an `Idempotency-Key` (the RGS's extension); a request with an
 *   unknown outcome (no reply, a reset, a timeout, or a 5xx) is retried with the SAME key, a
 *   bounded number of times with backoff, never with a new one;
 * - when the retries run out, or after ERR_BE, the player re-synchronises with
 *   /wallet/authenticate (and ends a round left active) before it plays again;
 * - with several nodes, a player whose node does not answer moves to the next (a load balancer's
 *   health check would do the same).
 *
 * Why a 5xx on a money call is `unknown`, not `failed`: the RGS answers 503 "retry with the same
 * requestId" when its database connection died, and that can happen AT commit, after the money
 * moved. Only a 4xx, or a 5xx with `Croupier-Outcome: not-applied` (shed before any work, or the
 * transaction rolled back for sure), says the operation did not happen; the player then retries
 * with the same key after the backoff, and the books checker holds the server to its word (a
 * not-applied attempt must not be booked).
 *
 * This loop is the drills' stand-in until the load part's runner lands (issue 10); it is bounded by
 * duration, by iterations per player and by a per-request timeout.
 */
import { randomBytes } from 'node:crypto';
import type { History, HistoryEntry, HistoryOperation, HistoryOutcome } from '../../load/index.ts';
import { signOperatorToken } from '../../rgs/index.ts';
import { sleep } from '../sleep.ts';

export interface PlayerLoopOptions {
  /** Base URLs of the RGS nodes (http://127.0.0.1:port); players spread over them. */
  readonly nodes: readonly string[];
  readonly operatorSecret: string;
  readonly players: number;
  readonly durationMs: number;
  /** Per-request timeout (the client's deadline). */
  readonly requestTimeoutMs: number;
  /** Pause between a player's rounds. */
  readonly thinkMs: number;
  /** Starting balance of each player, API units. */
  readonly balance: number;
  readonly gameID: string;
  readonly currency?: string;
  /** Attempts of one intent with the same key (default 4). */
  readonly attemptsMax?: number;
  readonly runId?: string;
  /** Called for every entry as it is recorded (live progress); must not throw. */
  readonly onEntry?: (entry: HistoryEntry) => void;
  /**
   * Run-relative ms until which the load must go on past durationMs (a drill keeps load running
   * until its faults are healed and service is seen back); asked before each round, capped by
   * EXTENSION_MAX_MS.
   */
  readonly extendUntilMs?: () => number;
  /** Resolves early when aborted (Ctrl-C). */
  readonly signal?: AbortSignal;
}

const ITERATIONS_MAX_PER_PLAYER = 100_000;
/** Bound on how far extendUntilMs may push the load past its duration. */
export const EXTENSION_MAX_MS = 120_000;
const BACKOFF_BASE_MS = 100;
const BACKOFF_MAX_MS = 2_000;

interface Reply {
  readonly status?: number;
  readonly json?: Record<string, unknown>;
  readonly outcome: HistoryOutcome;
  readonly errorCode?: string;
  /** The server said the call did not happen and may be sent again (a 5xx with `not-applied`). */
  readonly retryable?: boolean;
}

export function classify(
  operation: HistoryOperation,
  status: number,
  json: unknown,
  outcomeHeader: string | null = null,
): Reply {
  const body = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const errorCode = typeof body.error === 'string' ? body.error : undefined;
  if (status >= 200 && status < 300 && typeof json === 'object' && json !== null)
    return { status, json: body, outcome: 'ok' };
  const moneyCall = operation === 'play' || operation === 'end-round';
  const notApplied = status >= 500 && outcomeHeader === 'not-applied';
  // A 2xx without a body we can read, or a 5xx on a money call the server does not vouch for,
  // says nothing definite.
  const unknown = (status >= 200 && status < 300) || (status >= 500 && moneyCall && !notApplied);
  const outcome: HistoryOutcome = unknown ? 'unknown' : 'failed';
  return {
    status,
    json: body,
    outcome,
    ...(errorCode !== undefined ? { errorCode } : {}),
    ...(notApplied && moneyCall ? { retryable: true } : {}),
  };
}

/** POST JSON with a deadline; a transport failure is an `unknown` reply, never an exception. */
async function post(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  timeoutMs: number,
  operation: HistoryOperation,
): Promise<Reply> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return classify(operation, response.status, json, response.headers.get('croupier-outcome'));
  } catch (error) {
    // Refused: the request never reached a server, so it did not happen. Anything else (reset,
    // timeout, closed mid-reply): nobody knows what happened.
    const code = ((error as { cause?: { code?: unknown } }).cause?.code ?? '') as string;
    if (code === 'ECONNREFUSED') return { outcome: 'failed', errorCode: 'ECONNREFUSED' };
    return { outcome: 'unknown', ...(code !== '' ? { errorCode: code } : {}) };
  }
}

interface Recorder {
  readonly t0: number;
  readonly entries: HistoryEntry[];
  readonly onEntry: ((entry: HistoryEntry) => void) | undefined;
}

function nowMs(recorder: Recorder): number {
  return Math.round((performance.now() - recorder.t0) * 1000) / 1000;
}

function numberAt(json: Record<string, unknown> | undefined, ...path: string[]): number | undefined {
  let value: unknown = json;
  for (const key of path)
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

function stringAt(json: Record<string, unknown> | undefined, ...path: string[]): string | undefined {
  let value: unknown = json;
  for (const key of path)
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

class Player {
  private nodeIndex: number;
  private intents = 0;
  sessionID: string | null = null;
  betAmount = 0;

  constructor(
    readonly id: string,
    private readonly options: PlayerLoopOptions,
    private readonly recorder: Recorder,
    index: number,
  ) {
    this.nodeIndex = index % options.nodes.length;
  }

  private get node(): string {
    return this.options.nodes[this.nodeIndex]!;
  }

  private failover(): void {
    this.nodeIndex = (this.nodeIndex + 1) % this.options.nodes.length;
  }

  /** One request, recorded. */
  async call(
    operation: HistoryOperation,
    path: string,
    body: Record<string, unknown>,
    extra: { key?: string; attempt?: number; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const sentMs = nowMs(this.recorder);
    const headers = {
      ...extra.headers,
      ...(extra.key !== undefined ? { 'idempotency-key': extra.key } : {}),
    };
    const reply = await post(`${this.node}${path}`, body, headers, this.options.requestTimeoutMs, operation);
    if (reply.status === undefined) this.failover();
    const json = reply.json;
    const betID = stringAt(json, 'round', 'betID');
    const payout = numberAt(json, 'round', 'payout');
    const balanceAfter = numberAt(json, 'balance', 'amount');
    const entry: HistoryEntry = {
      player: this.id,
      sessionID: this.sessionID,
      operation,
      ...(extra.key !== undefined ? { idempotencyKey: extra.key } : {}),
      attempt: extra.attempt ?? 1,
      intendedStartMs: sentMs,
      sentMs,
      endMs: nowMs(this.recorder),
      outcome: reply.outcome,
      ...(reply.status !== undefined ? { status: reply.status } : {}),
      ...(reply.errorCode !== undefined ? { errorCode: reply.errorCode } : {}),
      ...(operation === 'play' ? { amount: body.amount as number, mode: body.mode as string } : {}),
      ...(betID !== undefined && reply.outcome === 'ok' ? { betID } : {}),
      ...(payout !== undefined && reply.outcome === 'ok' ? { payout } : {}),
      ...(balanceAfter !== undefined && reply.outcome === 'ok' ? { balanceAfter } : {}),
    };
    this.recorder.entries.push(entry);
    this.recorder.onEntry?.(entry);
    return reply;
  }

  /** A money call retried with one key while its outcome is unknown; the last reply. */
  async money(operation: 'play' | 'end-round', path: string, body: Record<string, unknown>): Promise<Reply> {
    const key = `${this.options.runId ?? 'run'}-${this.id}-${operation === 'play' ? 'p' : 'e'}${++this.intents}`;
    const attemptsMax = this.options.attemptsMax ?? 4;
    let reply: Reply = { outcome: 'unknown' };
    for (let attempt = 1; attempt <= attemptsMax; attempt++) {
      reply = await this.call(operation, path, body, { key, attempt });
      const again = reply.outcome === 'unknown' || reply.retryable === true;
      if (!again || this.options.signal?.aborted) return reply;
      await sleep(Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1)), this.options.signal);
    }
    return reply;
  }

  async start(): Promise<boolean> {
    const token = await signOperatorToken(this.options.operatorSecret, 600);
    const reply = await this.call(
      'session-start',
      '/session/start',
      {
        currency: this.options.currency ?? 'USD',
        balance: this.options.balance,
        gameID: this.options.gameID,
      },
      { headers: { authorization: `Bearer ${token}` } },
    );
    const launch = stringAt(reply.json, 'url');
    if (reply.outcome !== 'ok' || launch === undefined) return false;
    this.sessionID = new URL(launch).searchParams.get('sessionID');
    return this.sessionID !== null;
  }

  /** authenticate, and end a round left active; true when the player may play. */
  async resync(): Promise<boolean> {
    const auth = await this.call('authenticate', '/wallet/authenticate', {
      sessionID: this.sessionID,
      language: 'en',
    });
    if (auth.outcome !== 'ok') return false;
    const level = numberAt(auth.json, 'config', 'defaultBetLevel');
    if (level !== undefined) this.betAmount = level;
    const active = (auth.json?.round as { active?: unknown } | null | undefined)?.active === true;
    if (!active) return true;
    const ended = await this.money('end-round', '/wallet/end-round', { sessionID: this.sessionID });
    return ended.outcome === 'ok';
  }

  private deadline(durationEndMs: number): number {
    const extended = this.options.extendUntilMs?.() ?? 0;
    return Math.max(durationEndMs, Math.min(extended, durationEndMs + EXTENSION_MAX_MS));
  }

  async run(deadlineMs: number): Promise<void> {
    let resync = true;
    for (let i = 0; i < ITERATIONS_MAX_PER_PLAYER && nowMs(this.recorder) < this.deadline(deadlineMs); i++) {
      if (this.options.signal?.aborted) return;
      if (resync) {
        if (!(await this.resync())) {
          await sleep(BACKOFF_BASE_MS * 2, this.options.signal);
          continue;
        }
        resync = false;
      }
      const body = {
        sessionID: this.sessionID,
        amount: this.betAmount,
        mode: 'base',
        currency: this.options.currency ?? 'USD',
      };
      const played = await this.money('play', '/wallet/play', body);
      if (played.outcome === 'ok') {
        const active = (played.json?.round as { active?: unknown } | undefined)?.active === true;
        if (active) {
          const ended = await this.money('end-round', '/wallet/end-round', { sessionID: this.sessionID });
          if (ended.outcome !== 'ok') resync = true;
        }
      } else if (played.errorCode === 'ERR_IPB') {
        return; // out of money: this player is done
      } else {
        resync = true;
      }
      await sleep(this.options.thinkMs, this.options.signal);
    }
  }
}

/** Start sessions for every player, then play until the duration ends; the recorded History. */
export async function runPlayerLoop(options: PlayerLoopOptions): Promise<History> {
  if (options.nodes.length === 0) throw new RangeError('player loop: no RGS node given');
  if (!(options.players >= 1 && options.players <= 1_000))
    throw new RangeError('player loop: players must be 1..1000');
  if (!(options.durationMs > 0 && options.durationMs <= 3_600_000))
    throw new RangeError('player loop: durationMs must be 1..3600000');
  const runId = options.runId ?? `drill-${randomBytes(4).toString('hex')}`;
  const recorder: Recorder = { t0: performance.now(), entries: [], onEntry: options.onEntry };
  const startedAt = new Date().toISOString();
  const players = Array.from(
    { length: options.players },
    (_, i) => new Player(`p${i}`, { ...options, runId }, recorder, i),
  );
  const started = await Promise.all(players.map((player) => player.start()));
  const deadlineMs = nowMs(recorder) + options.durationMs;
  await Promise.all(players.filter((_, i) => started[i]).map((player) => player.run(deadlineMs)));
  return { historyVersion: 1, runId, startedAt, target: options.nodes[0]!, entries: recorder.entries };
}

/** Player ids in a history → their session ids (for a resolver that re-authenticates). */
export function sessionsOf(history: History): Map<string, string> {
  const sessions = new Map<string, string>();
  for (const entry of history.entries)
    if (entry.sessionID !== null) sessions.set(entry.player, entry.sessionID);
  return sessions;
}

/**
 * After a run, every session with an unknown outcome re-authenticates (as its client would before
 * playing again) and records what it was shown: the checker compares that with the ledger.
 */
export async function resolveByAuthenticate(
  history: History,
  nodes: readonly string[],
  timeoutMs: number,
): Promise<Map<string, { balance: number | null; activeBetID: string | null }>> {
  const sessions = new Set(
    history.entries.flatMap((e) =>
      e.outcome === 'unknown' && e.operation === 'play' && e.sessionID !== null ? [e.sessionID] : [],
    ),
  );
  const resolutions = new Map<string, { balance: number | null; activeBetID: string | null }>();
  for (const sessionID of sessions) {
    let resolved: { balance: number | null; activeBetID: string | null } = {
      balance: null,
      activeBetID: null,
    };
    for (const node of nodes) {
      const reply = await post(
        `${node}/wallet/authenticate`,
        { sessionID, language: 'en' },
        {},
        timeoutMs,
        'authenticate',
      );
      if (reply.outcome !== 'ok') continue;
      const round = reply.json?.round as { active?: unknown; betID?: unknown } | null | undefined;
      resolved = {
        balance: numberAt(reply.json, 'balance', 'amount') ?? null,
        activeBetID: round?.active === true && typeof round.betID === 'string' ? round.betID : null,
      };
      break;
    }
    resolutions.set(sessionID, resolved);
  }
  return resolutions;
}
