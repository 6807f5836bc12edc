/**
 * From a client-side History to the player's intents: one intent per bet the player meant to place.
 * Attempts that share an `Idempotency-Key` within a session are retries of ONE intent; a play sent
 * without a key is its own intent. An intent's status is what the client finally knew:
 * `ok` if any attempt was acknowledged, else `unknown` if any attempt had no definite answer, else
 * `failed` (every attempt was refused).
 */
import type { History, HistoryEntry, HistoryOutcome } from '../../load/index.ts';

export interface Attempt {
  readonly entry: HistoryEntry;
  /** Run-relative window in which the server could have booked this attempt. */
  readonly fromMs: number;
  readonly toMs: number;
}

export interface PlayIntent {
  /** `session|key` or `session|#index` (no key). */
  readonly id: string;
  readonly player: string;
  readonly sessionID: string;
  readonly key: string | undefined;
  readonly amount: number;
  readonly mode: string;
  readonly attempts: Attempt[];
  status: HistoryOutcome;
  /** betIDs the client was told (ok attempts); one when the RGS is right. */
  readonly ackedBetIds: Set<string>;
}

/**
 * Group a history's plays into intents. `toleranceMs` widens every window for clock differences
 * between client and server; an `unknown` attempt stays open to the end (a request the client gave
 * up on may still be executed later, for example by a server that was paused).
 */
export function playIntents(history: History, toleranceMs: number): PlayIntent[] {
  const intents = new Map<string, PlayIntent>();
  history.entries.forEach((entry, index) => {
    if (entry.operation !== 'play' || entry.sessionID === null) return;
    const id =
      entry.idempotencyKey !== undefined
        ? `${entry.sessionID}|${entry.idempotencyKey}`
        : `${entry.sessionID}|#${index}`;
    let intent = intents.get(id);
    if (intent === undefined) {
      intent = {
        id,
        player: entry.player,
        sessionID: entry.sessionID,
        key: entry.idempotencyKey,
        amount: entry.amount ?? 0,
        mode: entry.mode ?? 'base',
        attempts: [],
        status: 'failed',
        ackedBetIds: new Set(),
      };
      intents.set(id, intent);
    }
    const open = entry.outcome === 'unknown';
    intent.attempts.push({
      entry,
      fromMs: entry.sentMs - toleranceMs,
      toMs: open ? Number.POSITIVE_INFINITY : entry.endMs + toleranceMs,
    });
    if (entry.outcome === 'ok') {
      intent.status = 'ok';
      if (entry.betID !== undefined) intent.ackedBetIds.add(entry.betID);
    } else if (entry.outcome === 'unknown' && intent.status === 'failed') {
      intent.status = 'unknown';
    }
  });
  return [...intents.values()];
}

/** True when a booking at run-relative `atMs` could belong to one of the intent's attempts. */
export function couldBeBookedAt(intent: PlayIntent, atMs: number): boolean {
  return intent.attempts.some((attempt) => atMs >= attempt.fromMs && atMs <= attempt.toMs);
}
