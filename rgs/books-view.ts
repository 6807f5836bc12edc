/**
 * A read-only view of an RGS database's books for checkers outside the RGS (the chaos part's
 * Jepsen-style checker): the rounds of given sessions or players with their bet and settlement
 * transactions, every account's stored balance next to the sum of its postings, unbalanced ledger
 * transactions, and per-player money recomputed from rounds. SELECT statements only; it never
 * writes, never migrates, and works on PostgreSQL and PGlite alike.
 *
 * The queries are written independently of core/ledger.ts (the code under test) so that a defect
 * there cannot hide itself; they follow the same schema (db/migrations/001–005).
 */
import type { SqlClient } from './db/sql-client.ts';

/** Bound on the rows one call reads (a drill books thousands of rounds, not millions). */
export const BOOKS_VIEW_ROWS_MAX = 2_000_000;

export interface BookedRound {
  readonly roundId: string;
  readonly playerId: string;
  readonly sessionId: string;
  readonly gameId: string;
  readonly mode: string;
  /** Base bet and debit (cost = amount × the mode's multiplier), API units. */
  readonly amountMinor: bigint;
  readonly costMinor: bigint;
  readonly payoutMinor: bigint;
  readonly status: 'active' | 'closed' | 'voided';
  readonly voidReason: string | null;
  /** The bet transaction's idempotency key (`bet:<requestId>`). */
  readonly betKey: string;
  /** Milliseconds since the epoch at which the round was booked (the RGS's clock). */
  readonly startedAtMs: number;
  /** Win/refund/rollback transactions naming this round (0 or 1 when the books are sound). */
  readonly settlements: number;
  /** Σ amount of the win transactions naming this round. */
  readonly creditedMinor: bigint;
  /** True when the round has its 'round.played' audit record. */
  readonly audited: boolean;
}

export interface AccountBalance {
  readonly accountId: bigint;
  readonly kind: 'player' | 'house' | 'funding';
  readonly playerId: string | null;
  readonly balanceMinor: bigint;
  readonly postingsSumMinor: bigint;
}

export interface UnbalancedTransaction {
  readonly txId: string;
  readonly kind: string;
  readonly postings: number;
  readonly sumMinor: bigint;
}

export interface PlayerBooks {
  readonly playerId: string;
  readonly depositsMinor: bigint;
  readonly costsMinor: bigint;
  /** Σ win transactions of the player's rounds (each counted as often as it was booked). */
  readonly winsMinor: bigint;
  readonly refundsMinor: bigint;
}

export interface BooksView {
  readonly rounds: readonly BookedRound[];
  readonly accounts: readonly AccountBalance[];
  readonly unbalanced: readonly UnbalancedTransaction[];
  readonly players: readonly PlayerBooks[];
}

export interface BooksViewScope {
  /** Rounds of these sessions and every round of the players who own them. */
  readonly sessionIds: readonly string[];
}

function toBig(value: unknown): bigint {
  return typeof value === 'bigint' ? value : BigInt(String(value ?? 0));
}

function limited<T>(rows: T[], what: string): T[] {
  if (rows.length > BOOKS_VIEW_ROWS_MAX)
    throw new RangeError(`${what}: more than ${BOOKS_VIEW_ROWS_MAX} rows`);
  return rows;
}

async function readRounds(db: SqlClient, scope: BooksViewScope): Promise<BookedRound[]> {
  const rows = await db.query(
    `WITH players AS (SELECT DISTINCT player_id FROM rgs.rounds WHERE session_id = ANY($1::text[])
                      UNION SELECT DISTINCT player_id FROM rgs.play_sessions WHERE session_id = ANY($1::text[]))
     SELECT r.id::text AS round_id, r.player_id::text AS player_id, r.session_id, r.game_id, r.mode,
            r.amount_minor, r.cost_minor, r.payout_minor, r.status, r.void_reason,
            t.idempotency_key AS bet_key,
            (extract(epoch FROM r.started_at) * 1000)::bigint AS started_ms,
            (SELECT count(*) FROM rgs.ledger_transactions s
              WHERE s.round_id = r.id AND s.kind IN ('win', 'refund', 'rollback') AND NOT s.tombstone) AS settlements,
            (SELECT coalesce(sum(s.amount_minor), 0) FROM rgs.ledger_transactions s
              WHERE s.round_id = r.id AND s.kind = 'win') AS credited,
            EXISTS (SELECT 1 FROM audit.events e WHERE e.round_id = r.id AND e.kind = 'round.played') AS audited
       FROM rgs.rounds r JOIN rgs.ledger_transactions t ON t.id = r.bet_tx_id
      WHERE r.player_id IN (SELECT player_id FROM players)
      ORDER BY r.started_at, r.nonce
      LIMIT ${BOOKS_VIEW_ROWS_MAX + 1}`,
    [scope.sessionIds],
  );
  return limited(rows, 'rounds').map((r) => ({
    roundId: String(r.round_id),
    playerId: String(r.player_id),
    sessionId: String(r.session_id),
    gameId: String(r.game_id),
    mode: String(r.mode),
    amountMinor: toBig(r.amount_minor),
    costMinor: toBig(r.cost_minor),
    payoutMinor: toBig(r.payout_minor),
    status: r.status as BookedRound['status'],
    voidReason: r.void_reason === null ? null : String(r.void_reason),
    betKey: String(r.bet_key),
    startedAtMs: Number(toBig(r.started_ms)),
    settlements: Number(toBig(r.settlements)),
    creditedMinor: toBig(r.credited),
    audited: r.audited === true,
  }));
}

async function readAccounts(db: SqlClient): Promise<AccountBalance[]> {
  const rows = await db.query(
    `SELECT a.id, a.kind, a.player_id::text AS player_id, a.balance_minor,
            coalesce(p.total, 0) AS postings_sum
       FROM rgs.accounts a
       LEFT JOIN (SELECT account_id, sum(amount_minor) AS total FROM rgs.postings GROUP BY account_id) p
         ON p.account_id = a.id
      ORDER BY a.id LIMIT ${BOOKS_VIEW_ROWS_MAX + 1}`,
  );
  return limited(rows, 'accounts').map((r) => ({
    accountId: toBig(r.id),
    kind: r.kind as AccountBalance['kind'],
    playerId: r.player_id === null ? null : String(r.player_id),
    balanceMinor: toBig(r.balance_minor),
    postingsSumMinor: toBig(r.postings_sum),
  }));
}

async function readUnbalanced(db: SqlClient): Promise<UnbalancedTransaction[]> {
  const rows = await db.query(
    `SELECT t.id::text AS tx_id, t.kind, count(p.id) AS postings, coalesce(sum(p.amount_minor), 0) AS total
       FROM rgs.ledger_transactions t LEFT JOIN rgs.postings p ON p.tx_id = t.id
      WHERE NOT t.tombstone
      GROUP BY t.id, t.kind
     HAVING count(p.id) < 2 OR coalesce(sum(p.amount_minor), 0) <> 0
      LIMIT 1000`,
  );
  return rows.map((r) => ({
    txId: String(r.tx_id),
    kind: String(r.kind),
    postings: Number(toBig(r.postings)),
    sumMinor: toBig(r.total),
  }));
}

async function readPlayers(db: SqlClient, scope: BooksViewScope): Promise<PlayerBooks[]> {
  const rows = await db.query(
    `WITH players AS (SELECT DISTINCT player_id FROM rgs.rounds WHERE session_id = ANY($1::text[])
                      UNION SELECT DISTINCT player_id FROM rgs.play_sessions WHERE session_id = ANY($1::text[]))
     SELECT p.player_id::text AS player_id,
       (SELECT coalesce(sum(t.amount_minor), 0) FROM rgs.ledger_transactions t
         WHERE t.player_id = p.player_id AND t.kind = 'deposit') AS deposits,
       (SELECT coalesce(sum(r.cost_minor), 0) FROM rgs.rounds r WHERE r.player_id = p.player_id) AS costs,
       (SELECT coalesce(sum(t.amount_minor), 0) FROM rgs.ledger_transactions t
         WHERE t.player_id = p.player_id AND t.kind = 'win') AS wins,
       (SELECT coalesce(sum(t.amount_minor), 0) FROM rgs.ledger_transactions t
         WHERE t.player_id = p.player_id AND t.kind IN ('refund', 'rollback') AND NOT t.tombstone) AS refunds
     FROM players p LIMIT ${BOOKS_VIEW_ROWS_MAX + 1}`,
    [scope.sessionIds],
  );
  return limited(rows, 'players').map((r) => ({
    playerId: String(r.player_id),
    depositsMinor: toBig(r.deposits),
    costsMinor: toBig(r.costs),
    winsMinor: toBig(r.wins),
    refundsMinor: toBig(r.refunds),
  }));
}

/** Everything a books checker needs about the given sessions (and their players), read-only. */
export async function readBooksView(db: SqlClient, scope: BooksViewScope): Promise<BooksView> {
  return {
    rounds: await readRounds(db, scope),
    accounts: await readAccounts(db),
    unbalanced: await readUnbalanced(db),
    players: await readPlayers(db, scope),
  };
}
