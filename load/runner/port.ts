/**
 * The journey's port in the Node runner: requests through rgs/wire's one Stake API client, think
 * time on timers, and every request recorded (History entry, histograms) with its intended start.
 *
 * Intended starts: a visit's first request is due at its arrival time in the schedule; every later
 * one is due when the pause before it (think time, Retry-After, backoff) ends, counted from the
 * previous reply. A runner that wakes late, or a connection pool that queues, is charged to the
 * request's latency, never hidden.
 */
import type { StakeApiClient } from '../../rgs/wire/index.ts';
import type { JourneyCall, JourneyPort } from '../journey/journey.ts';
import { classifyReply, ENDPOINT_EFFECT, type JourneyReply } from '../journey/replies.ts';
import type { Recorder } from './recorder.ts';

/** Thrown into a visit when the run stops (Ctrl-C, deadline, request bound): nothing more is sent. */
export class RunStopped extends Error {
  constructor() {
    super('the run stopped');
  }
}

export interface RunContext {
  readonly client: StakeApiClient;
  readonly recorder: Recorder;
  /** Milliseconds since the run's start (monotonic). */
  readonly clockMs: () => number;
  readonly requestTimeoutMs: number;
  readonly operatorToken: string;
  /** True once the run stops; visits end at their next request or pause. */
  readonly stopped: () => boolean;
  /** Called when the request bound is reached. */
  readonly onFull: () => void;
  /** Resolves after `ms`, or early when the run stops. */
  readonly sleep: (ms: number) => Promise<void>;
}

export class RunnerPort implements JourneyPort {
  /** When the next request is due (ms since the run's start). */
  private dueMs: number;
  private lastEndMs: number;

  constructor(
    private readonly context: RunContext,
    private readonly player: string,
    arrivalMs: number,
    readonly random: () => number,
  ) {
    this.dueMs = arrivalMs;
    this.lastEndMs = arrivalMs;
  }

  async send(call: JourneyCall): Promise<JourneyReply> {
    const { context } = this;
    if (context.stopped()) throw new RunStopped();
    const intendedStartMs = this.dueMs;
    const sentMs = context.clockMs();
    const headers: Record<string, string> = {};
    if (call.operatorToken !== undefined) headers.authorization = `Bearer ${call.operatorToken}`;
    if (call.idempotencyKey !== undefined) headers['idempotency-key'] = call.idempotencyKey;
    const result = await context.client.call('POST', call.path, ENDPOINT_EFFECT[call.endpoint], call.body, {
      headers,
      timeoutMs: context.requestTimeoutMs,
    });
    const endMs = context.clockMs();
    this.lastEndMs = endMs;
    this.dueMs = endMs;
    const reply: JourneyReply = {
      status: result.status,
      body: result.outcome === 'ok' ? result.body : (result.body ?? null),
      retryAfterMs: result.retryAfterMs ?? null,
      outcome: result.outcome,
    };
    const kind = classifyReply(reply);
    context.recorder.record({
      endpoint: call.endpoint,
      kind,
      entry: historyEntry(this.player, call, reply, result.code, { intendedStartMs, sentMs, endMs }),
    });
    if (context.recorder.full) context.onFull();
    return reply;
  }

  async pause(ms: number): Promise<void> {
    if (this.context.stopped()) throw new RunStopped();
    this.dueMs = this.lastEndMs + ms;
    await this.context.sleep(this.dueMs - this.context.clockMs());
    if (this.context.stopped()) throw new RunStopped();
  }

  check(name: string, ok: boolean): void {
    this.context.recorder.check(name, ok);
  }

  nowMs(): number {
    return this.context.clockMs();
  }
}

function historyEntry(
  player: string,
  call: JourneyCall,
  reply: JourneyReply,
  errorCode: string | undefined,
  times: { intendedStartMs: number; sentMs: number; endMs: number },
) {
  const round =
    reply.outcome === 'ok'
      ? (reply.body as { round?: { betID?: unknown; payout?: unknown } }).round
      : undefined;
  const balance =
    reply.outcome === 'ok' ? (reply.body as { balance?: { amount?: unknown } }).balance : undefined;
  return {
    player,
    sessionID: call.sessionID ?? sessionIdOf(reply),
    operation: call.endpoint,
    ...(call.idempotencyKey !== undefined ? { idempotencyKey: call.idempotencyKey } : {}),
    attempt: call.attempt,
    intendedStartMs: round3(times.intendedStartMs),
    sentMs: round3(times.sentMs),
    endMs: round3(times.endMs),
    outcome: reply.outcome,
    ...(reply.status !== 0 ? { status: reply.status } : {}),
    ...(errorCode !== undefined ? { errorCode } : {}),
    ...(call.amount !== undefined ? { amount: call.amount } : {}),
    ...(call.mode !== undefined ? { mode: call.mode } : {}),
    ...(typeof round?.betID === 'string' ? { betID: round.betID } : {}),
    ...(Number.isSafeInteger(round?.payout) ? { payout: round!.payout as number } : {}),
    ...(Number.isSafeInteger(balance?.amount) ? { balanceAfter: balance!.amount as number } : {}),
  };
}

/** session/start's reply names the session the rest of the visit uses. */
function sessionIdOf(reply: JourneyReply): string | null {
  if (reply.outcome !== 'ok') return null;
  const id = (reply.body as { sessionID?: unknown }).sessionID;
  return typeof id === 'string' ? id : null;
}

function round3(ms: number): number {
  return Math.round(ms * 1_000) / 1_000;
}
