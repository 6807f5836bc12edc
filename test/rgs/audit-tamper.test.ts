/**
 * `croupier rgs audit verify` (and `croupier rgs verify`) against tampering done the only way the
 * database allows it: as the superuser, disabling the append-only trigger first. Rounds are
 * played through the core on a fresh database; each tampering is undone in between (the original
 * row is restored byte for byte), so every case starts from a verified log.
 *
 * Cases: a record's payload altered (a win inflated), a record deleted from the middle of a chain,
 * a column changed under an intact payload, and a round's closing record removed at the chain's
 * tail. Negative control first: the untouched log passes.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../rgs/db/testing.ts';
import { createRgsCore, openRgsDatabase, type RgsCoreService, verifyRgsDatabase } from '../../rgs/index.ts';
import { generatePlayers } from '../support/players.ts';
import { croupierVerify, withPg } from '../support/rgs-invariants.ts';

const GAME = 'jungle-twenty';
const ROUNDS = 8;

let db: TestDatabase;
let core: RgsCoreService;
let playerId: string;

beforeAll(async () => {
  db = await createTestDatabase(inject('databaseUrl'), 'rgs_audit');
  core = await createRgsCore({ db: { url: db.url, maxConnections: 2 } });
  const [player] = generatePlayers({ seed: 99, count: 1 });
  const created = await core.createPlayer({
    currency: player!.currency,
    initialBalanceMinor: BigInt(player!.balance),
    jurisdiction: player!.jurisdiction,
  });
  if (!created.ok) throw new Error(created.error.message);
  playerId = created.value.playerId;
  const bet = core.betConfig(GAME, player!.currency);
  if (!bet.ok) throw new Error(bet.error.message);
  for (let i = 0; i < ROUNDS; i++) {
    const played = await core.play({
      requestId: `audit-play-${i}`,
      playerId,
      sessionId: 'audit-session',
      currency: player!.currency,
      gameId: GAME,
      mode: 'base',
      amountMinor: bet.value.defaultBetLevel,
    });
    if (!played.ok) throw new Error(played.error.message);
    if (played.value.round.active) {
      const ended = await core.endRound({
        requestId: `audit-end-${i}`,
        playerId,
        sessionId: 'audit-session',
      });
      if (!ended.ok) throw new Error(ended.error.message);
    }
  }
});

afterAll(async () => {
  await core?.close();
  await db?.drop();
});

/** Runs `work` as the superuser with the audit log's append-only trigger disabled, then re-enables it. */
async function tamper(
  work: (sql: (text: string, params?: unknown[]) => Promise<unknown[]>) => Promise<void>,
) {
  await withPg(db.url, async (client) => {
    await client.query('ALTER TABLE audit.events DISABLE TRIGGER events_append_only');
    try {
      await work(async (text, params) => (await client.query(text, params)).rows);
    } finally {
      await client.query('ALTER TABLE audit.events ENABLE TRIGGER events_append_only');
    }
  });
}

interface EventRow {
  chain_id: string;
  seq: string;
  kind: string;
  player_id: string | null;
  round_id: string | null;
  tx_id: string | null;
  recorded_at: Date;
  payload: string;
  prev_hash: string;
  hash: string;
}

async function eventsOfChain(): Promise<EventRow[]> {
  return await withPg(
    db.url,
    async (client) =>
      (
        await client.query<EventRow>(
          'SELECT chain_id, seq, kind, player_id, round_id, tx_id, recorded_at, payload, prev_hash, hash FROM audit.events WHERE chain_id = $1 ORDER BY seq',
          [`player:${playerId}`],
        )
      ).rows,
  );
}

/** In-process verification (what the CLI runs), for the cheap checks between CLI runs. */
async function auditOk(): Promise<boolean> {
  const client = await openRgsDatabase({ url: db.url });
  try {
    const { ledger, audit } = await verifyRgsDatabase(client);
    return ledger.ok && audit.ok;
  } finally {
    await client.close();
  }
}

async function restore(row: EventRow): Promise<void> {
  await tamper(async (sql) => {
    await sql('DELETE FROM audit.events WHERE chain_id = $1 AND seq = $2', [row.chain_id, row.seq]);
    await sql(
      `INSERT INTO audit.events (chain_id, seq, kind, player_id, round_id, tx_id, recorded_at, payload, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        row.chain_id,
        row.seq,
        row.kind,
        row.player_id,
        row.round_id,
        row.tx_id,
        row.recorded_at,
        row.payload,
        row.prev_hash,
        row.hash,
      ],
    );
  });
}

describe('croupier rgs audit verify detects tampering by the superuser', () => {
  test('negative control: the untouched log verifies (exit 0), and the trigger refuses a plain UPDATE', async () => {
    const result = await croupierVerify(db.url, 'audit verify');
    expect(result.stdout).toMatch(/audit: ok/);
    expect(result.code).toBe(0);
    await expect(
      withPg(db.url, (client) =>
        client.query(`UPDATE audit.events SET payload = payload WHERE chain_id = $1`, [`player:${playerId}`]),
      ),
    ).rejects.toThrow(/append-only/);
  });

  test('a payload altered (a win inflated) without recomputing the hash: exit 1, the record named', async () => {
    const events = await eventsOfChain();
    const target = events.find((e) => e.kind === 'round.played')!;
    const forged = target.payload.replace(/"payoutMinor":"(\d+)"/, '"payoutMinor":"999000000"');
    expect(forged).not.toBe(target.payload);
    await tamper(async (sql) => {
      await sql('UPDATE audit.events SET payload = $3 WHERE chain_id = $1 AND seq = $2', [
        target.chain_id,
        target.seq,
        forged,
      ]);
    });
    try {
      const result = await croupierVerify(db.url, 'audit verify');
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/audit: FAILED/);
      expect(result.stdout).toContain(`${target.chain_id}#${target.seq}: hash mismatch`);
      // The full verification (ledger + audit, in-process) fails too.
      expect(await auditOk()).toBe(false);
    } finally {
      await restore(target);
    }
    expect(await auditOk()).toBe(true);
  });

  test('a record deleted from the middle of a chain: exit 1 (seq gap, broken link)', async () => {
    const events = await eventsOfChain();
    const target = events[Math.floor(events.length / 2)]!;
    await tamper(async (sql) => {
      await sql('DELETE FROM audit.events WHERE chain_id = $1 AND seq = $2', [target.chain_id, target.seq]);
    });
    try {
      const result = await croupierVerify(db.url, 'audit verify');
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/records missing|prev_hash does not match/);
    } finally {
      await restore(target);
    }
    expect(await auditOk()).toBe(true);
  });

  test('a column changed under an intact payload (the round re-pointed): exit 1', async () => {
    const events = await eventsOfChain();
    const target = events.find((e) => e.kind === 'round.closed' && e.round_id !== null)!;
    await tamper(async (sql) => {
      await sql(`UPDATE audit.events SET kind = 'round.voided' WHERE chain_id = $1 AND seq = $2`, [
        target.chain_id,
        target.seq,
      ]);
    });
    try {
      const result = await croupierVerify(db.url, 'audit verify');
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/columns differ from the hashed payload/);
    } finally {
      await restore(target);
    }
    expect(await auditOk()).toBe(true);
  });

  test("the chain's last record (a round's close) removed: exit 1 (the round has no closing record)", async () => {
    const events = await eventsOfChain();
    const last = events.at(-1)!;
    expect(last.kind).toBe('round.closed');
    await tamper(async (sql) => {
      await sql('DELETE FROM audit.events WHERE chain_id = $1 AND seq = $2', [last.chain_id, last.seq]);
    });
    try {
      const result = await croupierVerify(db.url, 'audit verify');
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(`round ${last.round_id} (closed) has no round.closed audit record`);
    } finally {
      await restore(last);
    }
    expect(await auditOk()).toBe(true);
  });

  test("a deposit record cut from a chain's tail: exit 1 (the ledger's deposit has no audit record)", async () => {
    // A fresh player's chain ends with its opening deposit: no seq gap once that record is gone.
    const created = await core.createPlayer({
      currency: 'EUR',
      initialBalanceMinor: 5_000_000n,
      jurisdiction: 'default',
    });
    if (!created.ok) throw new Error(created.error.message);
    const chainId = `player:${created.value.playerId}`;
    const [last] = await withPg(
      db.url,
      async (client) =>
        (
          await client.query<EventRow>(
            'SELECT chain_id, seq, kind, player_id, round_id, tx_id, recorded_at, payload, prev_hash, hash FROM audit.events WHERE chain_id = $1 ORDER BY seq DESC LIMIT 1',
            [chainId],
          )
        ).rows,
    );
    expect(last!.kind).toBe('deposit');
    await tamper(async (sql) => {
      await sql('DELETE FROM audit.events WHERE chain_id = $1 AND seq = $2', [last!.chain_id, last!.seq]);
    });
    try {
      const result = await croupierVerify(db.url, 'audit verify');
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(`deposit ${last!.tx_id} has no deposit audit record`);
    } finally {
      await restore(last!);
    }
    expect(await auditOk()).toBe(true);
  });
});
