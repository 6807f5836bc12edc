/**
 * Negative controls end to end: real players, a real RGS process and its real database, with a
 * defect injected in a gateway in front of the RGS (chaos/local/faulty-gateway.ts). The books
 * checker must catch each defect from the client history and the ledger alone; and the same run
 * without the defect must pass (so the checker is not simply failing everything).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openRgsDatabase, type SqlClient } from '../rgs/index.ts';
import { checkBooks } from './checker/index.ts';
import { resolveByAuthenticate, runPlayerLoop } from './load/player-loop.ts';
import { type GatewayDefects, startFaultyGateway } from './local/faulty-gateway.ts';
import { type RgsNode, startRgsNode } from './local/rgs-node.ts';

const baseUrl = inject('databaseUrl');
const databaseName = `croupier_chaos_negative_${randomBytes(4).toString('hex')}`;
let rgs: RgsNode;
let db: SqlClient;

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await admin(`CREATE DATABASE ${databaseName}`);
  const url = new URL(baseUrl);
  url.pathname = `/${databaseName}`;
  rgs = await startRgsNode({ databaseUrl: url.toString(), redisUrl: inject('redisUrl') });
  db = await openRgsDatabase({ url: url.toString() });
});

afterAll(async () => {
  await db?.close();
  await rgs?.destroy();
  await admin(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
});

async function runThrough(defects: GatewayDefects, runId: string, stray = false) {
  const gateway = await startFaultyGateway(rgs.url, defects);
  try {
    const history = await runPlayerLoop({
      nodes: [gateway.url],
      operatorSecret: rgs.operatorSecret,
      players: 3,
      durationMs: 1_500,
      requestTimeoutMs: 5_000,
      thinkMs: 5,
      balance: 100_000_000,
      gameID: 'jungle-twenty',
      runId,
    });
    if (stray) {
      // Past every request's window (the checker allows 1 s of clock tolerance).
      await new Promise((done) => setTimeout(done, 1_500));
      expect(await gateway.strayBet()).toBe(true);
    }
    const resolutions = await resolveByAuthenticate(history, [rgs.url], 5_000);
    return { check: await checkBooks(history, db, { resolutions }), counters: gateway.counters() };
  } finally {
    await gateway.stop();
  }
}

describe('books checker negative controls (end to end)', () => {
  it('a clean gateway: the books balance', async () => {
    const { check } = await runThrough({}, 'clean');
    expect(check.invariants.filter((i) => !i.ok)).toEqual([]);
    expect(check.acknowledgedBets).toBeGreaterThan(10);
  });

  it('a skipped idempotency check (each play sent again without its key): doubled bets caught', async () => {
    const { check, counters } = await runThrough({ duplicatePlays: true }, 'dup');
    expect(counters.duplicated).toBeGreaterThan(0);
    expect(check.ok).toBe(false);
    expect(check.doubled).toBeGreaterThan(0);
    expect(check.invariants.find((i) => i.name === 'no-doubled-bet')?.ok).toBe(false);
  });

  it('an acknowledgement without a commit: lost bets caught', async () => {
    const { check, counters } = await runThrough({ fakeAckEvery: 4 }, 'ack');
    expect(counters.fakeAcks).toBeGreaterThan(0);
    expect(check.ok).toBe(false);
    expect(check.lost).toBe(counters.fakeAcks);
  });

  it('a debit nobody asked for: caught', async () => {
    const { check, counters } = await runThrough({}, 'stray', true);
    expect(counters.strayBets).toBe(1);
    expect(check.ok).toBe(false);
    expect(check.unrequested).toBe(1);
    expect(check.invariants.find((i) => i.name === 'no-unrequested-debit')?.ok).toBe(false);
  });
});
