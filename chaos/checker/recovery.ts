/**
 * Time to recovery from a client-side History: how long after a fault ended the players were
 * served again for good. "Bad" is what a fault causes (no reply, or a 5xx); a 4xx is the client's
 * own business (ERR_IPB, ERR_BE) and counts as served.
 */
import type { History, HistoryEntry } from '../../load/index.ts';

export function isBad(entry: HistoryEntry): boolean {
  return entry.outcome === 'unknown' || (entry.status !== undefined && entry.status >= 500);
}

export interface Recovery {
  /** The last bad reply's end (run-relative ms), or null when nothing went wrong. */
  readonly lastBadMs: number | null;
  /**
   * Milliseconds from `faultEndMs` to the first good reply of the final unbroken good stretch
   * (0 when service never degraded past the fault's end); null when the run ended still degraded.
   */
  readonly recoveryMs: number | null;
  /** Bad replies in all. */
  readonly bad: number;
}

export function recoveryAfter(history: History, faultEndMs: number): Recovery {
  const sorted = [...history.entries].sort((a, b) => a.endMs - b.endMs);
  let lastBadIndex = -1;
  let bad = 0;
  sorted.forEach((entry, index) => {
    if (isBad(entry)) {
      bad++;
      lastBadIndex = index;
    }
  });
  if (lastBadIndex < 0) return { lastBadMs: null, recoveryMs: 0, bad };
  const lastBadMs = sorted[lastBadIndex]!.endMs;
  const firstGood = sorted[lastBadIndex + 1];
  if (firstGood === undefined) return { lastBadMs, recoveryMs: null, bad };
  return { lastBadMs, recoveryMs: Math.max(0, firstGood.endMs - faultEndMs), bad };
}
