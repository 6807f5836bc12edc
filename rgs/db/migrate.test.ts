/**
 * The SQL client and the migration runner against the run's real PostgreSQL (fresh databases).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadMigrations, MigrationError, migrate } from './migrate.ts';
import { createPgClient, DEADLOCK_DETECTED, SERIALIZATION_FAILURE, type SqlClient } from './sql-client.ts';
import { createTestDatabase, type TestDatabase } from './testing.ts';

let database: TestDatabase;
const clients: SqlClient[] = [];

function client(options: Parameters<typeof createPgClient>[1] = {}): SqlClient {
  const c = createPgClient(database.url, options);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  database = await createTestDatabase(inject('databaseUrl'), 'migrate');
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await database?.drop();
});

describe('migrations', () => {
  it('apply exactly once when several processes start at the same time, then are idempotent', async () => {
    const runners = [client(), client(), client()];
    const results = await Promise.all(runners.map((c) => migrate(c)));
    const all = loadMigrations().map((m) => m.version);
    const applied = results.map((r) => r.applied);
    expect(applied.filter((a) => a.length > 0)).toEqual([all]);
    expect(applied.filter((a) => a.length === 0)).toHaveLength(2);
    expect(await migrate(runners[0]!)).toEqual({ applied: [], currentVersion: all.at(-1) });
    const rows = await runners[0]!.query<{ version: number }>(
      'SELECT version FROM rgs.schema_migrations ORDER BY 1',
    );
    expect(rows.map((r) => r.version)).toEqual(all);
  });

  it('refuses a migration file that changed after it was applied', async () => {
    const changed = loadMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'f'.repeat(64) } : m));
    await expect(migrate(client(), changed)).rejects.toThrow(MigrationError);
  });

  it('runs as the app role with nothing pending (read-only check)', async () => {
    const app = client({ role: 'croupier_app' });
    const [who] = await app.query<{ u: string }>('SELECT current_user AS u');
    expect(who!.u).toBe('croupier_app');
    expect((await migrate(app)).applied).toEqual([]);
  });
});

describe('SqlClient', () => {
  it('returns int8 as bigint and accepts bigint parameters', async () => {
    const [row] = await client().query<{ x: bigint }>('SELECT $1::bigint * 2 AS x', [2n ** 62n - 1n]);
    expect(row!.x).toBe((2n ** 62n - 1n) * 2n);
  });

  it('rolls back when fn throws', async () => {
    const db = client();
    await db.exec('CREATE TABLE IF NOT EXISTS public.t_rollback (id int)');
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO public.t_rollback VALUES (1)');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.query('SELECT * FROM public.t_rollback')).toEqual([]);
  });

  it('retries a real deadlock and both transactions commit', async () => {
    const db = client({ maxConnections: 4 });
    await db.exec(
      'CREATE TABLE public.t_lock (id int PRIMARY KEY, n int NOT NULL); INSERT INTO public.t_lock VALUES (1, 0), (2, 0)',
    );
    await db.exec(`ALTER DATABASE ${database.name} SET deadlock_timeout = 100`);
    let attempts = 0;
    const crosswise = (first: number, second: number) =>
      db.transaction(async (tx) => {
        attempts++;
        await tx.query('UPDATE public.t_lock SET n = n + 1 WHERE id = $1', [first]);
        await tx.query('SELECT pg_sleep(0.3)');
        await tx.query('UPDATE public.t_lock SET n = n + 1 WHERE id = $1', [second]);
      });
    await Promise.all([crosswise(1, 2), crosswise(2, 1)]);
    expect(attempts).toBeGreaterThan(2); // one of them was chosen as the deadlock victim and re-run
    const rows = await db.query<{ n: number }>('SELECT n FROM public.t_lock ORDER BY id');
    expect(rows.map((r) => r.n)).toEqual([2, 2]);
  });

  it('bounds the retries of a serialization failure', async () => {
    let attempts = 0;
    const failing = client().transaction(
      async () => {
        attempts++;
        throw Object.assign(new Error('could not serialize access'), { code: SERIALIZATION_FAILURE });
      },
      { maxAttempts: 3 },
    );
    await expect(failing).rejects.toMatchObject({ code: SERIALIZATION_FAILURE });
    expect(attempts).toBe(3);
    expect(DEADLOCK_DETECTED).toBe('40P01');
  });
});
