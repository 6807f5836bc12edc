/**
 * Issue 9, #7: a flood of the unauthenticated GET /ready must not open a PostgreSQL connection per
 * call. The composed server (rgs/server.ts) on a fresh database of the run's PostgreSQL; the
 * connections PostgreSQL accepted for that database are counted by pg_stat_database.sessions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { loadRgsConfig } from '../../rgs/config.ts';
import { adminQuery, createTestDatabase, type TestDatabase } from '../../rgs/db/testing.ts';
import { type RunningRgs, startRgs } from '../../rgs/server.ts';
import { rawRequest } from '../support/stake-client.ts';

const READY_CALLS = 200;
const CONCURRENCY = 50;
/** The core's pool may open up to its size (10) while the flood runs; a connection per call is 200. */
const POOL_MAX = 10;

let database: TestDatabase;
let dataDir: string;
let rgs: RunningRgs;

beforeAll(async () => {
  database = await createTestDatabase(inject('databaseUrl'), 'rgs_ready');
  dataDir = mkdtempSync(join(tmpdir(), 'croupier-rgs-ready-'));
  const loaded = loadRgsConfig({
    RGS_PORT: '0',
    RGS_DATA_DIR: dataDir,
    RGS_LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
  });
  if (!loaded.ok) throw new Error(loaded.message);
  rgs = await startRgs(loaded.config);
});

afterAll(async () => {
  await rgs?.stop();
  await database?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function sessionsOpened(): Promise<number> {
  const result = await adminQuery(
    inject('databaseUrl'),
    'SELECT sessions FROM pg_stat_database WHERE datname = $1',
    [database.name],
  );
  return Number(result.rows[0]?.sessions);
}

describe('/ready under a flood', () => {
  test('answers 200 from the pool: no PostgreSQL connection per call', async () => {
    expect((await rawRequest(`${rgs.baseUrl}/ready`)).status).toBe(200);
    const before = await sessionsOpened();
    for (let sent = 0; sent < READY_CALLS; sent += CONCURRENCY) {
      const answers = await Promise.all(
        Array.from({ length: CONCURRENCY }, () => rawRequest(`${rgs.baseUrl}/ready`)),
      );
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(answer.json).toMatchObject({ ready: true, checks: { postgres: 'ok' } });
      }
    }
    // pg_stat_database is refreshed when a backend reports: give it a moment, bounded.
    await new Promise((resolve) => setTimeout(resolve, 600));
    const opened = (await sessionsOpened()) - before;
    expect(opened).toBeLessThanOrEqual(POOL_MAX);
  });
});
