/**
 * Money and integrity invariants of an RGS database, checked from OUTSIDE the RGS (plain SQL as
 * the superuser, and the `croupier rgs verify` CLI), for the end-to-end and chaos tests:
 *
 * - no half round: every round has its bet transaction with ≥ 2 postings summing to zero and its
 *   'round.played' audit record; every closed round with a payout its win transaction (postings)
 *   and 'round.closed' record; every voided round its refund/rollback; no bet transaction without
 *   its round; no audit record naming a round that does not exist;
 * - no lost or doubled money, per player: balance = Σ deposits − Σ costs + Σ credited payouts
 *   (closed rounds with a win transaction) + Σ refunds (voided rounds), and the stored balance
 *   equals the sum of the account's postings; one win per round at most.
 *
 * These queries are written independently of rgs/core/ledger.ts so that a bug there cannot hide
 * itself.
 */
import pg from 'pg';
import { runCroupier } from './rgs-process.ts';

export async function withPg<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Problems found (empty when every round is whole). */
export async function halfRounds(url: string): Promise<string[]> {
  return await withPg(url, async (client) => {
    const problems: string[] = [];
    const add = (rows: Record<string, unknown>[], message: (row: Record<string, unknown>) => string) => {
      for (const row of rows.slice(0, 50)) problems.push(message(row));
    };
    add(
      (
        await client.query(`
          SELECT r.id, r.status FROM rgs.rounds r
           WHERE (SELECT count(*) FROM rgs.postings p WHERE p.tx_id = r.bet_tx_id) < 2
              OR (SELECT coalesce(sum(p.amount_minor), 0) FROM rgs.postings p WHERE p.tx_id = r.bet_tx_id) <> 0
              OR NOT EXISTS (SELECT 1 FROM audit.events e WHERE e.round_id = r.id AND e.kind = 'round.played')`)
      ).rows,
      (r) => `round ${r.id} (${r.status}): bet postings or round.played audit record missing`,
    );
    add(
      (
        await client.query(`
          SELECT r.id FROM rgs.rounds r
           WHERE r.status = 'closed' AND r.payout_minor > 0
             AND (r.settle_tx_id IS NULL
               OR (SELECT count(*) FROM rgs.postings p WHERE p.tx_id = r.settle_tx_id) < 2
               OR NOT EXISTS (SELECT 1 FROM audit.events e WHERE e.round_id = r.id AND e.kind = 'round.closed'))`)
      ).rows,
      (r) => `closed winning round ${r.id}: win postings or round.closed audit record missing`,
    );
    add(
      (
        await client.query(`
          SELECT r.id FROM rgs.rounds r
           WHERE r.status = 'voided'
             AND (r.settle_tx_id IS NULL
               OR NOT EXISTS (SELECT 1 FROM audit.events e WHERE e.round_id = r.id AND e.kind = 'round.voided'))`)
      ).rows,
      (r) => `voided round ${r.id}: refund or round.voided audit record missing`,
    );
    add(
      (
        await client.query(`
          SELECT t.id FROM rgs.ledger_transactions t
           WHERE t.kind = 'bet' AND NOT EXISTS (SELECT 1 FROM rgs.rounds r WHERE r.bet_tx_id = t.id)`)
      ).rows,
      (r) => `bet transaction ${r.id} has no round`,
    );
    add(
      (
        await client.query(`
          SELECT e.chain_id, e.seq FROM audit.events e
           WHERE e.round_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM rgs.rounds r WHERE r.id = e.round_id)`)
      ).rows,
      (r) => `audit record ${r.chain_id}#${r.seq} names a round that does not exist`,
    );
    add(
      (
        await client.query(`
          SELECT round_id, count(*) AS n FROM rgs.ledger_transactions
           WHERE kind IN ('win', 'refund', 'rollback') AND round_id IS NOT NULL
           GROUP BY round_id HAVING count(*) > 1`)
      ).rows,
      (r) => `round ${r.round_id} was settled ${r.n} times`,
    );
    return problems;
  });
}

export interface PlayerMoney {
  readonly playerId: string;
  readonly balance: bigint;
  readonly postingsSum: bigint;
  readonly deposits: bigint;
  readonly costs: bigint;
  readonly credited: bigint;
  readonly refunds: bigint;
  readonly rounds: number;
  readonly activeRounds: number;
  /** deposits − costs + credited + refunds */
  readonly expected: bigint;
}

/** The money of every player, recomputed from rounds and ledger transactions. */
export async function playerMoney(url: string): Promise<Map<string, PlayerMoney>> {
  return await withPg(url, async (client) => {
    const { rows } = await client.query<{
      player_id: string;
      balance: string;
      postings: string;
      deposits: string;
      costs: string;
      credited: string;
      refunds: string;
      rounds: string;
      active: string;
    }>(`
      SELECT a.player_id, a.balance_minor::text AS balance,
        (SELECT coalesce(sum(p.amount_minor), 0) FROM rgs.postings p WHERE p.account_id = a.id)::text AS postings,
        (SELECT coalesce(sum(t.amount_minor), 0) FROM rgs.ledger_transactions t
          WHERE t.player_id = a.player_id AND t.kind = 'deposit')::text AS deposits,
        (SELECT coalesce(sum(r.cost_minor), 0) FROM rgs.rounds r WHERE r.player_id = a.player_id)::text AS costs,
        (SELECT coalesce(sum(r.payout_minor), 0) FROM rgs.rounds r
          WHERE r.player_id = a.player_id AND r.status = 'closed' AND r.settle_tx_id IS NOT NULL)::text AS credited,
        (SELECT coalesce(sum(r.cost_minor), 0) FROM rgs.rounds r
          WHERE r.player_id = a.player_id AND r.status = 'voided')::text AS refunds,
        (SELECT count(*) FROM rgs.rounds r WHERE r.player_id = a.player_id)::text AS rounds,
        (SELECT count(*) FROM rgs.rounds r WHERE r.player_id = a.player_id AND r.status = 'active')::text AS active
      FROM rgs.accounts a WHERE a.kind = 'player'`);
    const out = new Map<string, PlayerMoney>();
    for (const r of rows) {
      const deposits = BigInt(r.deposits);
      const costs = BigInt(r.costs);
      const credited = BigInt(r.credited);
      const refunds = BigInt(r.refunds);
      out.set(r.player_id, {
        playerId: r.player_id,
        balance: BigInt(r.balance),
        postingsSum: BigInt(r.postings),
        deposits,
        costs,
        credited,
        refunds,
        rounds: Number(r.rounds),
        activeRounds: Number(r.active),
        expected: deposits - costs + credited + refunds,
      });
    }
    return out;
  });
}

/** Players whose balance is not what their rounds and postings say (empty when all agree). */
export function moneyProblems(money: ReadonlyMap<string, PlayerMoney>): string[] {
  const problems: string[] = [];
  for (const m of money.values()) {
    if (m.balance !== m.expected) {
      problems.push(
        `player ${m.playerId}: balance ${m.balance} but deposits ${m.deposits} − costs ${m.costs} + credited ${m.credited} + refunds ${m.refunds} = ${m.expected}`,
      );
    }
    if (m.balance !== m.postingsSum) {
      problems.push(`player ${m.playerId}: balance ${m.balance} but postings sum to ${m.postingsSum}`);
    }
  }
  return problems;
}

/** `croupier rgs verify --database-url URL` (ledger + audit); exit code and output. */
export async function croupierVerify(
  url: string,
  what: 'verify' | 'audit verify' = 'verify',
): Promise<{ readonly code: number | null; readonly stdout: string; readonly stderr: string }> {
  const args = what === 'verify' ? ['rgs', 'verify'] : ['rgs', 'audit', 'verify'];
  return await runCroupier([...args, '--database-url', url], { timeoutMs: 30_000 });
}
