/**
 * The client-side history of a load run or a chaos drill: every request a simulated player sent,
 * when it was meant to start, and what the player was told. It is the contract between the load
 * runner (`load/`, which records it) and the Jepsen-style books checker (`chaos/checker/`, which
 * compares it with the RGS's ledger), so both issues build against one shape.
 *
 * Amounts are Stake Engine API units: integers with 6 implied decimals (1_000_000 = 1.00), as the
 * wire carries them. They are plain numbers because the API sends them as JSON numbers; every one is
 * a safe integer (`assertApiAmount`).
 */

/**
 * What the client learned:
 * - `ok`: a 2xx reply with a parsed body: the operation happened;
 * - `failed`: a reply that says it did not happen (a 4xx, or a 503 ERR_MAINTENANCE before any work);
 * - `unknown`: no reply (timeout, reset, closed socket) or a reply that says the outcome is not
 *   known: the operation may or may not have happened, and a safe client must read the round
 *   (re-authenticate) before it plays again.
 */
export type HistoryOutcome = 'ok' | 'failed' | 'unknown';

export type HistoryOperation =
  | 'session-start'
  | 'authenticate'
  | 'balance'
  | 'play'
  | 'end-round'
  | 'event'
  | 'session-end'
  | 'other';

export interface HistoryEntry {
  /** The simulated player's stable id within the run (not the RGS's player id). */
  readonly player: string;
  /** The RGS session the request used (null for operator calls made before a session exists). */
  readonly sessionID: string | null;
  readonly operation: HistoryOperation;
  /** The `Idempotency-Key` header sent, when one was. A retry of the same intent reuses it. */
  readonly idempotencyKey?: string;
  /** Which attempt of one intent this is (1 for the first send; retries count up). */
  readonly attempt: number;
  /** Milliseconds since the run's start when the open-model schedule meant it to start. */
  readonly intendedStartMs: number;
  /** Milliseconds since the run's start when it was actually sent. */
  readonly sentMs: number;
  /** Milliseconds since the run's start when the reply (or the failure) arrived. */
  readonly endMs: number;
  readonly outcome: HistoryOutcome;
  /** HTTP status, absent when there was no reply. */
  readonly status?: number;
  /** The `error` code of a non-2xx reply (for example ERR_IPB, ERR_MAINTENANCE). */
  readonly errorCode?: string;
  /** play: the base bet asked for (API units); the debit is amount × the mode's cost. */
  readonly amount?: number;
  readonly mode?: string;
  /** play / end-round / authenticate: `round.betID` of the reply (the RGS's round id). */
  readonly betID?: string;
  /** play / end-round: `round.payout` of the reply (API units). */
  readonly payout?: number;
  /** The `balance.amount` of the reply (API units), when it carried one. */
  readonly balanceAfter?: number;
}

export interface History {
  /** Version of this shape; bump on any change that a reader must know about. */
  readonly historyVersion: 1;
  readonly runId: string;
  /** ISO-8601 UTC time of the run's start (the zero of every `…Ms` field). */
  readonly startedAt: string;
  /** The RGS's base URL. */
  readonly target: string;
  readonly entries: readonly HistoryEntry[];
}

/** One invariant's verdict, as the checker reports it. */
export interface InvariantVerdict {
  /** Stable name, for example `acknowledged-bet-once`, `no-unrequested-debit`, `postings-sum-zero`. */
  readonly name: string;
  readonly ok: boolean;
  /** How many items were checked. */
  readonly checked: number;
  /** The first problems found (bounded), each naming the player, session or round at fault. */
  readonly problems: readonly string[];
}

/** The books check after a run: the history against the ledger. */
export interface BooksCheck {
  readonly ok: boolean;
  readonly invariants: readonly InvariantVerdict[];
  /** Plays acknowledged (ok), in the ledger exactly once when the books balance. */
  readonly acknowledgedBets: number;
  /** Plays with an unknown outcome, and how they resolved (in the ledger once, or not at all). */
  readonly unknownBets: { readonly total: number; readonly booked: number; readonly notBooked: number };
  /** Acknowledged bets missing from the ledger. */
  readonly lost: number;
  /** Bets booked more than once for one intent (one idempotency key or one acknowledged play). */
  readonly doubled: number;
  /** Debits no client request asked for. */
  readonly unrequested: number;
}

/** Throws when an API amount is not a safe integer: money is never a float. */
export function assertApiAmount(name: string, value: number): void {
  if (!Number.isSafeInteger(value))
    throw new TypeError(`${name} must be a safe integer in API units, got ${value}`);
}
