/**
 * The hash-chained audit log (schema: rgs/db/migrations/003_audit.sql).
 *
 *   payload = canonical JSON (RFC 8785) of {chainId, seq, kind, playerId, roundId, txId, recordedAt, data}
 *   hash    = SHA-256(prev_hash_hex || payload), prev_hash of seq 1 = 64 zeros
 *
 * Chains are per player. Appending reads the chain head and inserts seq+1 inside the caller's money
 * transaction; callers hold the player's account row lock (every money call takes it first), which
 * serializes appends to that chain, and the (chain_id, seq) primary key turns any violation of that
 * rule into a unique-violation error instead of a fork.
 *
 * Bounded by design: verification pages through the log in fixed batches and keeps at most
 * MAX_REPORTED_PROBLEMS messages.
 */
import { canonicalJson, sha256Hex } from '../../games/index.ts';
import type { SqlExecutor } from '../db/sql-client.ts';
import type { VerifyReport } from './contract.ts';

export const GENESIS_HASH = '0'.repeat(64);
const VERIFY_BATCH_ROWS = 2_000;
export const MAX_REPORTED_PROBLEMS = 100;

export interface AuditRecord {
  readonly chainId: string;
  readonly kind: string;
  readonly playerId: string | null;
  readonly roundId: string | null;
  readonly txId: string | null;
  readonly recordedAt: Date;
  /** JSON-able; bigints are written as decimal strings. */
  readonly data: Readonly<Record<string, unknown>>;
}

export function playerChain(playerId: string): string {
  return `player:${playerId}`;
}

/** Bigints to decimal strings, Dates to ISO strings, recursively (canonical JSON takes neither). */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  }
  return value;
}

function payloadOf(record: AuditRecord, seq: bigint): string {
  return canonicalJson({
    chainId: record.chainId,
    seq: seq.toString(),
    kind: record.kind,
    playerId: record.playerId,
    roundId: record.roundId,
    txId: record.txId,
    recordedAt: record.recordedAt.toISOString(),
    data: jsonSafe(record.data),
  });
}

export function chainHash(prevHash: string, payload: string): string {
  return sha256Hex(prevHash + payload);
}

export interface ChainHead {
  readonly seq: bigint;
  readonly hash: string;
}

/** A record sealed onto a chain head: the row to insert (appendAudit, or a combined statement). */
export interface SealedAudit {
  readonly record: AuditRecord;
  readonly seq: bigint;
  readonly payload: string;
  readonly prevHash: string;
  readonly hash: string;
}

/**
 * Seals a record onto `head` (null: the chain is empty) without writing it: for callers that insert
 * it in a statement of their own, inside the transaction that holds the player's lock.
 */
export function sealAudit(record: AuditRecord, head: ChainHead | null): SealedAudit {
  const seq = (head?.seq ?? 0n) + 1n;
  const prevHash = head?.hash ?? GENESIS_HASH;
  const payload = payloadOf(record, seq);
  return { record, seq, payload, prevHash, hash: chainHash(prevHash, payload) };
}

/** The insert's column values of a sealed record, in AUDIT_INSERT_COLUMNS order. */
export function sealedAuditValues(sealed: SealedAudit): unknown[] {
  const r = sealed.record;
  return [
    r.chainId,
    sealed.seq,
    r.kind,
    r.playerId,
    r.roundId,
    r.txId,
    r.recordedAt,
    sealed.payload,
    sealed.prevHash,
    sealed.hash,
  ];
}

export const AUDIT_INSERT_COLUMNS =
  'chain_id, seq, kind, player_id, round_id, tx_id, recorded_at, payload, prev_hash, hash';

/**
 * Appends one record to its chain inside the caller's transaction; returns the new head.
 * `knownHead`: the head this same transaction just wrote (saves reading it back).
 */
export async function appendAudit(
  tx: SqlExecutor,
  record: AuditRecord,
  knownHead?: ChainHead,
): Promise<ChainHead> {
  const head =
    knownHead ??
    (
      await tx.query<{ seq: bigint; hash: string }>(
        'SELECT seq, hash FROM audit.events WHERE chain_id = $1 ORDER BY seq DESC LIMIT 1',
        [record.chainId],
      )
    )[0];
  const seq = (head?.seq ?? 0n) + 1n;
  const prevHash = head?.hash ?? GENESIS_HASH;
  const payload = payloadOf(record, seq);
  const hash = chainHash(prevHash, payload);
  await tx.query(
    `INSERT INTO audit.events (chain_id, seq, kind, player_id, round_id, tx_id, recorded_at, payload, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      record.chainId,
      seq,
      record.kind,
      record.playerId,
      record.roundId,
      record.txId,
      record.recordedAt,
      payload,
      prevHash,
      hash,
    ],
  );
  return { seq, hash };
}

interface EventRow extends Record<string, unknown> {
  chain_id: string;
  seq: bigint;
  kind: string;
  player_id: string | null;
  round_id: string | null;
  tx_id: string | null;
  recorded_at: Date;
  payload: string;
  prev_hash: string;
  hash: string;
}

/**
 * Recomputes every chain: contiguous seq from 1, each prev_hash equal to the previous hash, each
 * hash equal to SHA-256(prev_hash || payload), and the columns equal to what the payload says.
 * Then checks that every round has its 'round.played' record and every finished round its
 * 'round.closed' / 'round.voided' record, every player its 'player.created' record and every
 * deposit its 'deposit' record. Each problem names the record.
 */
export async function verifyAuditLog(db: SqlExecutor): Promise<VerifyReport> {
  const problems: string[] = [];
  const report = (message: string) => {
    if (problems.length < MAX_REPORTED_PROBLEMS) problems.push(message);
  };
  let checked = 0;
  let chain: string | null = null;
  let expectedSeq = 1n;
  let prevHash = GENESIS_HASH;
  let after: { chain: string; seq: bigint } = { chain: '', seq: 0n };
  for (;;) {
    const rows = await db.query<EventRow>(
      `SELECT chain_id, seq, kind, player_id, round_id, tx_id, recorded_at, payload, prev_hash, hash
         FROM audit.events WHERE (chain_id, seq) > ($1, $2) ORDER BY chain_id, seq LIMIT $3`,
      [after.chain, after.seq, VERIFY_BATCH_ROWS],
    );
    for (const row of rows) {
      checked++;
      const name = `audit record ${row.chain_id}#${row.seq}`;
      if (row.chain_id !== chain) {
        chain = row.chain_id;
        expectedSeq = 1n;
        prevHash = GENESIS_HASH;
      }
      if (row.seq !== expectedSeq) report(`${name}: expected seq ${expectedSeq} (records missing)`);
      if (row.prev_hash !== prevHash) report(`${name}: prev_hash does not match the previous record's hash`);
      if (chainHash(row.prev_hash, row.payload) !== row.hash) {
        report(`${name}: hash mismatch (record altered)`);
      } else {
        let parsed: Record<string, unknown> | undefined;
        try {
          parsed = JSON.parse(row.payload) as Record<string, unknown>;
        } catch {
          report(`${name}: payload is not JSON`);
        }
        if (
          parsed !== undefined &&
          (parsed.chainId !== row.chain_id ||
            parsed.seq !== row.seq.toString() ||
            parsed.kind !== row.kind ||
            parsed.playerId !== row.player_id ||
            parsed.roundId !== row.round_id ||
            parsed.txId !== row.tx_id ||
            parsed.recordedAt !== row.recorded_at.toISOString())
        ) {
          report(`${name}: columns differ from the hashed payload (record altered)`);
        }
      }
      prevHash = row.hash;
      expectedSeq = row.seq + 1n;
    }
    if (rows.length < VERIFY_BATCH_ROWS) break;
    const last = rows.at(-1)!;
    after = { chain: last.chain_id, seq: last.seq };
  }
  const missing = await db.query<{ id: string; status: string; what: string }>(
    `SELECT r.id, r.status, 'round.played' AS what FROM rgs.rounds r
      WHERE NOT EXISTS (SELECT 1 FROM audit.events e WHERE e.round_id = r.id AND e.kind = 'round.played')
     UNION ALL
     SELECT r.id, r.status, 'round.' || r.status FROM rgs.rounds r
      WHERE r.status <> 'active'
        AND NOT EXISTS (SELECT 1 FROM audit.events e WHERE e.round_id = r.id AND e.kind = 'round.' || r.status)
     LIMIT ${MAX_REPORTED_PROBLEMS}`,
  );
  for (const m of missing) report(`round ${m.id} (${m.status}) has no ${m.what} audit record`);
  // The append-only ledger and player tables anchor the chains from outside: a record cut from a
  // chain's tail leaves no seq gap, but its player or its deposit still exists without it.
  const unanchored = await db.query<{ what: string; id: string }>(
    `SELECT 'player' AS what, p.id::text AS id FROM rgs.players p
      WHERE NOT EXISTS (SELECT 1 FROM audit.events e WHERE e.player_id = p.id AND e.kind = 'player.created')
     UNION ALL
     SELECT 'deposit' AS what, t.id::text AS id FROM rgs.ledger_transactions t
      WHERE t.kind = 'deposit'
        AND NOT EXISTS (SELECT 1 FROM audit.events e WHERE e.tx_id = t.id AND e.kind = 'deposit')
     LIMIT ${MAX_REPORTED_PROBLEMS}`,
  );
  for (const u of unanchored) {
    report(
      u.what === 'player'
        ? `player ${u.id} has no player.created audit record`
        : `deposit ${u.id} has no deposit audit record`,
    );
  }
  return { ok: problems.length === 0, checked, problems };
}
