/**
 * The books checker on a real run: a real RGS process (croupier rgs start) on its own database of
 * the run's PostgreSQL, a few players through the HTTP API, then the checker. A clean run passes;
 * then each negative control corrupts the books or the history the way a defective RGS would, and
 * the checker must name it:
 * - an acknowledgement without a commit (an ok in the history that the ledger lacks) → lost;
 * - a win credited twice (a second win transaction for one round, as the superuser) → caught;
 * - a skipped idempotency check (the same intent booked a second time) → doubled;
 * - a debit nobody asked for (a round no request can explain) → unrequested.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { History, HistoryEntry } from '../../load/index.ts';
import { openRgsDatabase, type SqlClient } from '../../rgs/index.ts';
import { resolveByAuthenticate, runPlayerLoop } from '../load/player-loop.ts';
import { type RgsNode, startRgsNode } from '../local/rgs-node.ts';
import { checkBooks } from './check-books.ts';

const baseUrl = inject('databaseUrl');
const databaseName = `croupier_chaos_checker_${randomBytes(4).toString('hex')}`;
let databaseUrl: string;
let rgs: RgsNode;
let db: SqlClient;
let history: History;

async function superuser<T>(work: (client: pg.Client) => Promise<T>, url = databaseUrl): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await superuser((c) => c.query(`CREATE DATABASE ${databaseName}`), baseUrl);
  const url = new URL(baseUrl);
  url.pathname = `/${databaseName}`;
  databaseUrl = url.toString();
  rgs = await startRgsNode({ databaseUrl, redisUrl: inject('redisUrl') });
  history = await runPlayerLoop({
    nodes: [rgs.url],
    operatorSecret: rgs.operatorSecret,
    players: 4,
    durationMs: 1_500,
    requestTimeoutMs: 5_000,
    thinkMs: 5,
    balance: 100_000_000,
    gameID: 'jungle-twenty',
  });
  db = await openRgsDatabase({ url: databaseUrl });
});

afterAll(async () => {
  await db?.close();
  await rgs?.destroy();
  await superuser((c) => c.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`), baseUrl);
});

const plays = () => history.entries.filter((e) => e.operation === 'play' && e.outcome === 'ok');

describe('books checker', () => {
  it('passes a clean run, every invariant checked', async () => {
    expect(plays().length).toBeGreaterThan(20);
    const check = await checkBooks(history, db, {
      resolutions: await resolveByAuthenticate(history, [rgs.url], 5_000),
    });
    expect(check.invariants.filter((i) => !i.ok)).toEqual([]);
    expect(check.ok).toBe(true);
    expect(check).toMatchObject({ lost: 0, doubled: 0, unrequested: 0 });
    expect(check.acknowledgedBets).toBe(plays().length);
    for (const name of [
      'acknowledged-bet-once',
      'no-unrequested-debit',
      'postings-sum-zero',
      'balances-equal-postings',
      'audit-chain-verifies',
    ])
      expect(check.invariants.find((i) => i.name === name)?.checked).toBeGreaterThan(0);
  });

  it('catches an acknowledgement without a commit (an ok the ledger lacks)', async () => {
    const template = plays()[0]!;
    const phantom: HistoryEntry = { ...template, idempotencyKey: 'phantom-1', betID: randomUUID() };
    const check = await checkBooks({ ...history, entries: [...history.entries, phantom] }, db, {
      resolutions: new Map(),
    });
    expect(check.ok).toBe(false);
    expect(check.lost).toBe(1);
    expect(check.invariants.find((i) => i.name === 'acknowledged-bet-once')?.problems.join('\n')).toMatch(
      /not in the ledger/,
    );
  });

  it('catches a win credited twice', async () => {
    await superuser(async (c) => {
      const { rows } = await c.query(
        `SELECT r.id, r.player_id, r.currency, r.payout_minor, r.bet_tx_id, r.settle_tx_id FROM rgs.rounds r
          WHERE r.status = 'closed' AND r.payout_minor > 0 AND r.settle_tx_id IS NOT NULL LIMIT 1`,
      );
      const round = rows[0];
      expect(round).toBeDefined();
      const txId = randomUUID();
      await c.query('BEGIN');
      await c.query(
        `INSERT INTO rgs.ledger_transactions (id, kind, idempotency_key, request_hash, player_id, currency, amount_minor, round_id, reference_tx_id, created_at)
         VALUES ($1, 'win', $2, $3, $4, $5, $6, $7, $8, now())`,
        [
          txId,
          `chaos-double-win-${txId}`,
          '0'.repeat(64),
          round.player_id,
          round.currency,
          round.payout_minor,
          round.id,
          round.bet_tx_id,
        ],
      );
      await c.query(
        `INSERT INTO rgs.postings (tx_id, account_id, amount_minor) SELECT $1, account_id, amount_minor FROM rgs.postings WHERE tx_id = $2`,
        [txId, round.settle_tx_id],
      );
      await c.query('COMMIT');
    });
    const check = await checkBooks(history, db, { resolutions: new Map() });
    expect(check.ok).toBe(false);
    const verdict = check.invariants.find((i) => i.name === 'win-credited-once')!;
    expect(verdict.ok).toBe(false);
    expect(verdict.problems.join('\n')).toMatch(/settled 2 times/);
  });

  let clones = 0;
  /** Book a copy of an acknowledged zero-win round, `offsetMs` after it, as the superuser. */
  async function cloneRound(offsetMs: number): Promise<string> {
    return await superuser(async (c) => {
      const betIds = plays().map((e) => e.betID);
      const { rows } = await c.query(
        `SELECT r.* FROM rgs.rounds r WHERE r.id = ANY($1::uuid[]) AND r.payout_minor = 0 AND r.status = 'closed' LIMIT 1`,
        [betIds],
      );
      const r = rows[0];
      expect(r).toBeDefined();
      const roundId = randomUUID();
      const txId = randomUUID();
      await c.query('BEGIN');
      await c.query(
        `INSERT INTO rgs.ledger_transactions (id, kind, idempotency_key, request_hash, player_id, currency, amount_minor, round_id, created_at)
         VALUES ($1, 'bet', $2, $3, $4, $5, $6, $7, now())`,
        [txId, `bet:chaos-clone-${txId}`, '0'.repeat(64), r.player_id, r.currency, r.cost_minor, roundId],
      );
      await c.query(
        `INSERT INTO rgs.postings (tx_id, account_id, amount_minor) SELECT $1, account_id, amount_minor FROM rgs.postings WHERE tx_id = $2`,
        [txId, r.bet_tx_id],
      );
      await c.query(
        `INSERT INTO rgs.rounds (id, player_id, session_id, game_id, game_version, math_hash, mode, currency, amount_minor,
           cost_minor, payout_minor, coin_value_minor, bet_level, status, event, state, server_seed_commitment, server_seed,
           client_seed, nonce, balance_before_minor, balance_after_minor, bet_tx_id, settle_tx_id, started_at, ended_at, void_reason)
         SELECT $1, player_id, session_id, game_id, game_version, math_hash, mode, currency, amount_minor, cost_minor,
           payout_minor, coin_value_minor, bet_level, status, event, state, server_seed_commitment, server_seed, client_seed,
           nonce + $5::bigint, balance_before_minor, balance_after_minor, $2, NULL, started_at + make_interval(secs => $4::double precision / 1000),
           ended_at + make_interval(secs => $4::double precision / 1000), void_reason
           FROM rgs.rounds WHERE id = $3`,
        [roundId, txId, r.id, offsetMs, 1_000_000 + ++clones],
      );
      await c.query('COMMIT');
      return roundId;
    });
  }

  it('catches a skipped idempotency check: one intent booked twice', async () => {
    const clone = await cloneRound(1);
    const check = await checkBooks(history, db, { resolutions: new Map() });
    expect(check.ok).toBe(false);
    expect(check.doubled).toBe(1);
    expect(check.invariants.find((i) => i.name === 'no-doubled-bet')?.problems.join('\n')).toContain(clone);
  });

  it('catches a debit nobody asked for', async () => {
    const stray = await cloneRound(3_600_000);
    const check = await checkBooks(history, db, { resolutions: new Map() });
    expect(check.unrequested).toBe(1);
    expect(check.invariants.find((i) => i.name === 'no-unrequested-debit')?.problems.join('\n')).toContain(
      stray,
    );
  });
});
