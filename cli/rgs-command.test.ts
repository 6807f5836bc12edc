/**
 * `croupier rgs migrate | verify | audit verify` through the real entry point, on PGlite (a data
 * folder) and on the run's PostgreSQL (a fresh database), including a tampered audit record.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadDemoGame } from '../games/index.ts';
import { loadRgsConfig } from '../rgs/config.ts';
import { createTestDatabase, type TestDatabase } from '../rgs/db/testing.ts';
import { signOperatorToken } from '../rgs/http/operator-auth.ts';
import { createRgsCore, loadMigrations } from '../rgs/index.ts';
import { startRgs } from '../rgs/server.ts';
import { REPO_ROOT } from '../test/support/paths.ts';
import { rawRequest } from '../test/support/stake-client.ts';

function croupier(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/croupier.js'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const workDir = mkdtempSync(join(tmpdir(), 'croupier-rgs-cli-'));
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase(inject('databaseUrl'), 'cli');
  const core = await createRgsCore({
    db: { url: database.url },
    games: [{ game: loadDemoGame('lucky-wheel') }],
  });
  try {
    const created = await core.createPlayer({
      currency: 'EUR',
      initialBalanceMinor: 10_000_000n,
      jurisdiction: 'default',
    });
    if (!created.ok) throw new Error(created.error.message);
    const { playerId } = created.value;
    for (let i = 0; i < 5; i++) {
      const played = await core.play({
        requestId: `cli-${i}`,
        playerId,
        sessionId: 's',
        currency: 'EUR',
        gameId: 'lucky-wheel',
        mode: 'base',
        amountMinor: 1_000_000n,
      });
      if (played.ok && played.value.round.active)
        await core.endRound({ requestId: `cli-end-${i}`, playerId, sessionId: 's' });
    }
  } finally {
    await core.close();
  }
});

afterAll(async () => {
  rmSync(workDir, { recursive: true, force: true });
  await database?.drop();
});

describe('croupier rgs', () => {
  it('migrates an embedded PGlite folder (idempotency: rgs/db/migrate.test.ts)', () => {
    const dataDir = join(workDir, 'pglite');
    const first = croupier(['rgs', 'migrate', '--data-dir', dataDir]);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    // Every shipped migration, in order, is applied to a fresh folder.
    const versions = loadMigrations().map((m) => m.version);
    expect(versions.length).toBeGreaterThanOrEqual(4);
    expect(first.stdout).toContain(
      `applied migrations ${versions.join(', ')}; schema version ${versions.at(-1)}`,
    );
  });

  it('verifies a PostgreSQL database, then fails naming a tampered audit record', async () => {
    const ok = croupier(['rgs', 'verify', '--database-url', database.url]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/ledger: ok/);
    expect(ok.stdout).toMatch(/audit: ok/);

    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    let victim: { chain_id: string; seq: string };
    try {
      victim = (
        await admin.query("SELECT chain_id, seq FROM audit.events WHERE kind = 'round.played' LIMIT 1")
      ).rows[0];
      await admin.query('ALTER TABLE audit.events DISABLE TRIGGER events_append_only');
      await admin.query(
        `UPDATE audit.events SET payload = replace(payload, '"mode":"base"', '"mode":"bonus"') WHERE chain_id = $1 AND seq = $2`,
        [victim.chain_id, victim.seq],
      );
      await admin.query('ALTER TABLE audit.events ENABLE TRIGGER events_append_only');
    } finally {
      await admin.end();
    }
    const failed = croupier(['rgs', 'audit', 'verify', '--database-url', database.url, '--json']);
    expect(failed.status).toBe(1);
    const report = JSON.parse(failed.stdout) as { audit: { ok: boolean; problems: string[] } };
    expect(report.audit.ok).toBe(false);
    expect(report.audit.problems).toContain(
      `audit record ${victim.chain_id}#${victim.seq}: hash mismatch (record altered)`,
    );
  });

  it('one data dir for every rgs command: verify reads what start created, and never creates a database', async () => {
    const dataDir = join(workDir, 'served');
    const loaded = loadRgsConfig({ RGS_PORT: '0', RGS_DATA_DIR: dataDir, RGS_LOG_LEVEL: 'silent' });
    if (!loaded.ok) throw new Error(loaded.message);
    const rgs = await startRgs(loaded.config);
    try {
      const secret = readFileSync(rgs.operatorSecretPath!, 'utf8').trim();
      const started = await rawRequest(`${rgs.baseUrl}/session/start`, {
        method: 'POST',
        body: { currency: 'USD', balance: 5_000_000 },
        headers: { authorization: `Bearer ${await signOperatorToken(secret, 60)}` },
      });
      expect(started.status).toBe(200);
    } finally {
      await rgs.stop();
    }
    const served = croupier(['rgs', 'verify', '--data-dir', dataDir]);
    expect(served.stderr).toBe('');
    expect(served.status).toBe(0);
    const checked = Number(/ledger: ok \((\d+) checked\)/.exec(served.stdout)?.[1]);
    expect(checked).toBeGreaterThan(0); // the deposit start made, not an empty database
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(false); // nothing created beside it

    const empty = join(workDir, 'never-served');
    const missing = croupier(['rgs', 'verify', '--data-dir', empty]);
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('no embedded RGS database');
    expect(existsSync(empty)).toBe(false);
    const audit = croupier(['rgs', 'audit', 'verify', '--data-dir', empty]);
    expect(audit.status).toBe(2);
    expect(existsSync(empty)).toBe(false);
  });

  it('exits 2 with one line for a bad database URL', () => {
    const run = croupier(['rgs', 'verify', '--database-url', 'mysql://nope']);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
