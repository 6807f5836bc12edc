/**
 * The fault proxy against the run's real PostgreSQL: each fault is injected and observed from the
 * client's side, and the server's side is checked directly (not through the proxy) where it
 * matters: an ambiguous commit must really have committed.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from './fault-proxy.ts';

const databaseUrl = inject('databaseUrl');
const target = new URL(databaseUrl);
const TABLE = `chaos_fault_proxy_${process.pid}`;

function proxiedUrl(proxy: FaultProxy): string {
  const url = new URL(databaseUrl);
  url.hostname = proxy.host;
  url.port = String(proxy.port);
  return url.toString();
}

async function connect(url: string, queryTimeoutMs = 5_000): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: 5_000,
    query_timeout: queryTimeoutMs,
  });
  client.on('error', () => {});
  await client.connect();
  return client;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connect(url);
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

async function startProxy(seed = 7): Promise<FaultProxy> {
  return await startFaultProxy({
    targetHost: target.hostname,
    targetPort: Number(target.port),
    protocol: 'postgres',
    seed,
  });
}

beforeAll(async () => {
  await withClient(databaseUrl, (c) => c.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (id text PRIMARY KEY)`));
});

afterAll(async () => {
  await withClient(databaseUrl, (c) => c.query(`DROP TABLE IF EXISTS ${TABLE}`));
});

async function rowExists(id: string): Promise<boolean> {
  return await withClient(databaseUrl, async (c) => {
    const { rowCount } = await c.query(`SELECT 1 FROM ${TABLE} WHERE id = $1`, [id]);
    return rowCount === 1;
  });
}

/** BEGIN; INSERT; COMMIT on a fresh connection through the proxy: 'ok' or the error message. */
async function insertInTransaction(url: string, id: string): Promise<string> {
  const client = await connect(url);
  try {
    await client.query('BEGIN');
    await client.query(`INSERT INTO ${TABLE} (id) VALUES ($1)`, [id]);
    await client.query('COMMIT');
    return 'ok';
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

describe('fault proxy (real PostgreSQL)', () => {
  it('passes traffic through cleanly with no fault and counts it', async () => {
    const proxy = await startProxy();
    try {
      const rows = await withClient(
        proxiedUrl(proxy),
        async (c) => (await c.query('SELECT 40 + 2 AS n')).rows,
      );
      expect(rows).toEqual([{ n: 42 }]);
      const counters = proxy.counters();
      expect(counters.connectionsAccepted).toBe(1);
      expect(counters.bytesClientToServer).toBeGreaterThan(0);
      expect(counters.bytesServerToClient).toBeGreaterThan(0);
      expect(counters.resets).toBe(0);
    } finally {
      await proxy.stop();
    }
  });

  it('drops the reply to a COMMIT the server has made: the client sees an error, the row exists', async () => {
    const proxy = await startProxy();
    try {
      proxy.setFault({ dropCommitReplyFraction: 1 });
      const id = `ambiguous-${Date.now()}`;
      const result = await insertInTransaction(proxiedUrl(proxy), id);
      expect(result).not.toBe('ok');
      expect(await rowExists(id)).toBe(true);
      expect(proxy.counters()).toMatchObject({ commitsSeen: 1, commitRepliesDropped: 1 });

      // Negative control: the same transaction with the fault lifted is acknowledged.
      proxy.setFault({});
      const clean = `clean-${Date.now()}`;
      expect(await insertInTransaction(proxiedUrl(proxy), clean)).toBe('ok');
      expect(await rowExists(clean)).toBe(true);
      expect(proxy.counters()).toMatchObject({ commitsSeen: 2, commitRepliesDropped: 1 });
    } finally {
      await proxy.stop();
    }
  });

  it('never drops a ROLLBACK reply, and honours dropCommitReplyMax', async () => {
    const proxy = await startProxy();
    try {
      proxy.setFault({ dropCommitReplyFraction: 1, dropCommitReplyMax: 1 });
      await withClient(proxiedUrl(proxy), async (c) => {
        await c.query('BEGIN');
        await c.query('ROLLBACK');
      });
      const first = await insertInTransaction(proxiedUrl(proxy), `max-a-${Date.now()}`);
      const second = await insertInTransaction(proxiedUrl(proxy), `max-b-${Date.now()}`);
      expect(first).not.toBe('ok');
      expect(second).toBe('ok');
      expect(proxy.counters().commitRepliesDropped).toBe(1);
    } finally {
      await proxy.stop();
    }
  });

  it('drops a seeded fraction of COMMIT replies, reproducibly', async () => {
    const outcomes: string[][] = [];
    for (const run of [0, 1]) {
      const proxy = await startProxy(99);
      try {
        proxy.setFault({ dropCommitReplyFraction: 0.5 });
        const seen: string[] = [];
        for (let i = 0; i < 12; i++) {
          const id = `fraction-${run}-${i}-${Date.now()}`;
          const result = await insertInTransaction(proxiedUrl(proxy), id);
          // Every transaction committed, acknowledged or not.
          expect(await rowExists(id)).toBe(true);
          seen.push(result === 'ok' ? 'ok' : 'dropped');
        }
        expect(seen).toContain('ok');
        expect(seen).toContain('dropped');
        expect(proxy.counters().commitRepliesDropped).toBe(seen.filter((s) => s === 'dropped').length);
        outcomes.push(seen);
      } finally {
        await proxy.stop();
      }
    }
    expect(outcomes[0]).toEqual(outcomes[1]);
  });

  it('adds latency both ways: a round trip takes at least twice the one-way delay', async () => {
    const proxy = await startProxy();
    try {
      const client = await connect(proxiedUrl(proxy));
      try {
        proxy.setFault({ latencyMs: 150, jitterMs: 20 });
        const started = performance.now();
        await client.query('SELECT 1');
        // Lower bound only: the request and the reply each wait latency − jitter at least.
        expect(performance.now() - started).toBeGreaterThanOrEqual(2 * (150 - 20));
      } finally {
        await client.end().catch(() => {});
      }
    } finally {
      await proxy.stop();
    }
  });

  it('limits bandwidth: 200 kB at 1 MB/s takes at least 0.2 s and arrives intact', async () => {
    const proxy = await startProxy();
    try {
      const client = await connect(proxiedUrl(proxy));
      try {
        proxy.setFault({ bandwidthBytesPerSec: 1_000_000 });
        const started = performance.now();
        const { rows } = await client.query(`SELECT repeat('x', 200000) AS s`);
        expect(performance.now() - started).toBeGreaterThanOrEqual(200);
        expect((rows[0] as { s: string }).s).toBe('x'.repeat(200_000));
      } finally {
        await client.end().catch(() => {});
      }
    } finally {
      await proxy.stop();
    }
  });

  it('blackholes: a query hangs while it is on and completes once it is lifted', async () => {
    const proxy = await startProxy();
    try {
      const client = await connect(proxiedUrl(proxy), 10_000);
      try {
        proxy.setFault({ blackhole: true });
        let settled = false;
        const query = client.query('SELECT 7 AS n').finally(() => {
          settled = true;
        });
        await new Promise((done) => setTimeout(done, 300));
        expect(settled).toBe(false);
        proxy.setFault({});
        expect((await query).rows).toEqual([{ n: 7 }]);
      } finally {
        await client.end().catch(() => {});
      }
      // A connection opened during a blackhole waits for it too.
      proxy.setFault({ blackhole: true });
      const pending = withClient(proxiedUrl(proxy), async (c) => (await c.query('SELECT 8 AS n')).rows);
      await new Promise((done) => setTimeout(done, 200));
      proxy.setFault({});
      expect(await pending).toEqual([{ n: 8 }]);
    } finally {
      await proxy.stop();
    }
  });

  it('resets live connections on demand, refuses new ones, and resets by probability', async () => {
    const proxy = await startProxy();
    try {
      const client = await connect(proxiedUrl(proxy));
      const closed = new Promise<void>((done) => client.once('end', () => done()));
      expect(proxy.resetAll()).toBe(1);
      await closed;
      await expect(client.query('SELECT 1')).rejects.toThrow();

      proxy.setFault({ refuseConnections: true });
      await expect(connect(proxiedUrl(proxy))).rejects.toThrow();
      expect(proxy.counters().connectionsRefused).toBe(1);

      proxy.setFault({ resetProbability: 1 });
      await expect(connect(proxiedUrl(proxy))).rejects.toThrow();
      proxy.setFault({});
      await withClient(proxiedUrl(proxy), (c) => c.query('SELECT 1'));
      expect(proxy.counters().resets).toBeGreaterThanOrEqual(3);
    } finally {
      await proxy.stop();
    }
  });

  it('rejects a bad fault and a non-loopback listen address with a clear error', async () => {
    const proxy = await startProxy();
    try {
      expect(() => proxy.setFault({ dropCommitReplyFraction: 1.5 })).toThrow(/dropCommitReplyFraction/);
      expect(() => proxy.setFault({ latencyMs: -1 })).toThrow(/latencyMs/);
      expect(proxy.fault).toEqual({});
    } finally {
      await proxy.stop();
    }
    await expect(
      startFaultProxy({ targetHost: '127.0.0.1', targetPort: 1, listenHost: '0.0.0.0' as '127.0.0.1' }),
    ).rejects.toThrow(/loopback only/);
  });
});
