/**
 * The double-entry ledger (schema: rgs/db/migrations/001_ledger.sql): writing a transaction with its
 * postings, the house's sharded accounts, and the independent verification of the whole ledger.
 *
 * Why by hand: the ledger is what the RGS is trusted for; its rules (zero-sum postings, balances
 * only through postings, append-only) are enforced twice, by PostgreSQL triggers and here.
 */
import type { SqlExecutor } from '../db/sql-client.ts';
import { MAX_REPORTED_PROBLEMS } from './audit.ts';
import type { VerifyReport } from './contract.ts';

export type LedgerKind = 'bet' | 'win' | 'rollback' | 'refund' | 'deposit';
export type HouseKind = 'house' | 'funding';

export interface Posting {
  readonly accountId: bigint;
  readonly amountMinor: bigint;
}

export interface LedgerTransaction {
  readonly id: string;
  readonly kind: LedgerKind;
  readonly idempotencyKey: string;
  readonly requestHash: string;
  readonly playerId: string;
  readonly currency: string;
  readonly amountMinor: bigint;
  readonly roundId: string | null;
  readonly referenceTxId: string | null;
  readonly createdAt: Date;
  /** Player side first, house side last: the shared house row stays locked for the shortest time. */
  readonly postings: readonly Posting[];
}

/** The house shard a player's postings go to: first 32 bits of the player uuid mod N. */
export function houseShardOf(playerId: string, shards: number): number {
  const high = Number.parseInt(playerId.replace(/-/g, '').slice(0, 8), 16);
  if (!Number.isInteger(high)) throw new RangeError(`bad player id ${playerId}`);
  return high % shards;
}

/** Creates the house and funding shards of a currency if missing (concurrent-safe). */
export async function ensureHouseAccounts(tx: SqlExecutor, currency: string, shards: number): Promise<void> {
  await tx.query(
    `INSERT INTO rgs.accounts (kind, currency, shard)
     SELECT k, $1, s FROM unnest(ARRAY['house', 'funding']) AS k, generate_series(0, $2::int - 1) AS s
     ON CONFLICT (kind, currency, shard) DO NOTHING`,
    [currency, shards],
  );
}

export async function houseAccountId(
  tx: SqlExecutor,
  kind: HouseKind,
  currency: string,
  shard: number,
): Promise<bigint> {
  const [row] = await tx.query<{ id: bigint }>(
    'SELECT id FROM rgs.accounts WHERE kind = $1 AND currency = $2 AND shard = $3',
    [kind, currency, shard],
  );
  if (row === undefined) throw new Error(`invariant: no ${kind} account ${currency}/${shard}`);
  return row.id;
}

/** Throws unless the postings are non-zero, at least two, and sum to zero (checked again at COMMIT). */
export function assertBalanced(t: Pick<LedgerTransaction, 'id' | 'postings'>): void {
  let sum = 0n;
  for (const p of t.postings) {
    if (p.amountMinor === 0n) throw new Error('invariant: zero posting');
    sum += p.amountMinor;
  }
  if (sum !== 0n || t.postings.length < 2)
    throw new Error(`invariant: unbalanced ledger transaction ${t.id}`);
}

/** Inserts a ledger transaction and its postings (balances move through the posting trigger). */
export async function writeLedgerTransaction(tx: SqlExecutor, t: LedgerTransaction): Promise<void> {
  assertBalanced(t);
  await tx.query(
    `INSERT INTO rgs.ledger_transactions
       (id, kind, idempotency_key, request_hash, player_id, currency, amount_minor, round_id, reference_tx_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      t.id,
      t.kind,
      t.idempotencyKey,
      t.requestHash,
      t.playerId,
      t.currency,
      t.amountMinor,
      t.roundId,
      t.referenceTxId,
      t.createdAt,
    ],
  );
  // One statement; rows are applied in the order given (player first, house last).
  const values = t.postings.map((_, i) => `($1, $${2 * i + 2}, $${2 * i + 3})`).join(', ');
  await tx.query(`INSERT INTO rgs.postings (tx_id, account_id, amount_minor) VALUES ${values}`, [
    t.id,
    ...t.postings.flatMap((p) => [p.accountId, p.amountMinor]),
  ]);
}

/**
 * Recomputes the ledger from its postings, independently of the stored balances:
 * every balance equals the sum of its postings; every transaction has ≥ 2 postings summing to zero
 * (a tombstone none); no player balance is negative; each currency sums to zero over all accounts;
 * every round's bet and settlement transactions carry exactly its cost and payout; no bet without
 * its round.
 */
export async function verifyLedgerBooks(db: SqlExecutor): Promise<VerifyReport> {
  const problems: string[] = [];
  const add = (
    rows: readonly Record<string, unknown>[],
    message: (row: Record<string, unknown>) => string,
  ) => {
    for (const row of rows) if (problems.length < MAX_REPORTED_PROBLEMS) problems.push(message(row));
  };
  const limit = `LIMIT ${MAX_REPORTED_PROBLEMS}`;
  add(
    await db.query(
      `SELECT a.id, a.kind, a.balance_minor, coalesce(p.total, 0) AS total FROM rgs.accounts a
         LEFT JOIN (SELECT account_id, sum(amount_minor) AS total FROM rgs.postings GROUP BY account_id) p
           ON p.account_id = a.id
        WHERE a.balance_minor <> coalesce(p.total, 0) ${limit}`,
    ),
    (r) => `account ${r.id} (${r.kind}): balance ${r.balance_minor} but its postings sum to ${r.total}`,
  );
  add(
    await db.query(
      `SELECT t.id, t.kind, t.tombstone, count(p.id) AS n, coalesce(sum(p.amount_minor), 0) AS total
         FROM rgs.ledger_transactions t LEFT JOIN rgs.postings p ON p.tx_id = t.id
        GROUP BY t.id, t.kind, t.tombstone
       HAVING (t.tombstone AND count(p.id) <> 0)
           OR (NOT t.tombstone AND (count(p.id) < 2 OR coalesce(sum(p.amount_minor), 0) <> 0)) ${limit}`,
    ),
    (r) => `ledger transaction ${r.id} (${r.kind}): ${r.n} postings summing to ${r.total}`,
  );
  add(
    await db.query(
      `SELECT id, balance_minor FROM rgs.accounts WHERE kind = 'player' AND balance_minor < 0 ${limit}`,
    ),
    (r) => `player account ${r.id} has a negative balance ${r.balance_minor}`,
  );
  add(
    await db.query(
      `SELECT a.currency, sum(p.amount_minor) AS total FROM rgs.postings p JOIN rgs.accounts a ON a.id = p.account_id
        GROUP BY a.currency HAVING sum(p.amount_minor) <> 0 ${limit}`,
    ),
    (r) => `currency ${r.currency}: all postings sum to ${r.total}, not 0`,
  );
  add(
    await db.query(
      `SELECT r.id, r.status FROM rgs.rounds r
         JOIN rgs.ledger_transactions b ON b.id = r.bet_tx_id
         LEFT JOIN rgs.ledger_transactions s ON s.id = r.settle_tx_id
        WHERE b.kind <> 'bet' OR b.amount_minor <> r.cost_minor OR b.round_id IS DISTINCT FROM r.id
           OR b.player_id <> r.player_id
           OR coalesce((SELECT sum(p.amount_minor) FROM rgs.postings p JOIN rgs.accounts a ON a.id = p.account_id
                         WHERE p.tx_id = b.id AND a.kind = 'player'), 0) <> -r.cost_minor
           OR NOT ((r.status = 'active' AND s.id IS NULL)
                OR (r.status = 'closed' AND r.payout_minor = 0 AND s.id IS NULL)
                OR (r.status = 'closed' AND r.payout_minor > 0 AND s.kind = 'win' AND s.amount_minor = r.payout_minor
                    AND s.reference_tx_id = b.id)
                OR (r.status = 'voided' AND s.kind IN ('refund', 'rollback') AND s.amount_minor = r.cost_minor
                    AND s.reference_tx_id = b.id)) ${limit}`,
    ),
    (r) => `round ${r.id} (${r.status}): its bet/settlement transactions do not match its cost and payout`,
  );
  add(
    await db.query(
      `SELECT t.id FROM rgs.ledger_transactions t
        WHERE t.kind = 'bet' AND NOT EXISTS (SELECT 1 FROM rgs.rounds r WHERE r.bet_tx_id = t.id) ${limit}`,
    ),
    (r) => `bet transaction ${r.id} has no round`,
  );
  const [counts] = await db.query<{ n: bigint }>(
    `SELECT (SELECT count(*) FROM rgs.ledger_transactions) + (SELECT count(*) FROM rgs.accounts)
          + (SELECT count(*) FROM rgs.rounds) AS n`,
  );
  return { ok: problems.length === 0, checked: Number(counts?.n ?? 0n), problems };
}
