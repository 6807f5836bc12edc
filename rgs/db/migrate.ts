/**
 * The migration runner: plain versioned SQL files (`migrations/NNN_name.sql`), applied in order,
 * each recorded in `rgs.schema_migrations` with the SHA-256 of its text.
 *
 * - Idempotent: applied versions are skipped; with nothing pending it only reads (so it also works
 *   as the least-privilege app role).
 * - Concurrent-safe: all pending migrations run in ONE transaction holding a transaction-level
 *   advisory lock (`pg_advisory_xact_lock`), and the applied list is re-read under the lock, so two
 *   processes starting at once apply each migration exactly once. (PGlite has one connection; the
 *   lock is taken all the same.)
 * - Drift-safe: an applied migration whose file changed (checksum) is an error, never re-applied.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlClient, SqlExecutor } from './sql-client.ts';

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
/** Key of the advisory lock that serializes migration runs (an arbitrary constant: "CROUPIER"). */
export const MIGRATION_LOCK_KEY = 0x43524f55n;
const MAX_MIGRATIONS = 1000;

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

export interface MigrationResult {
  /** Versions applied by this run (empty when the schema was current). */
  readonly applied: readonly number[];
  /** Highest applied version afterwards. */
  readonly currentVersion: number;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Reads and orders the migration files; throws on a gap, a duplicate or a badly named file. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  if (files.length > MAX_MIGRATIONS) throw new MigrationError(`more than ${MAX_MIGRATIONS} migrations`);
  const migrations = files.map((file) => {
    const match = /^(\d{3})_([a-z0-9_]+)\.sql$/.exec(file);
    if (match === null) throw new MigrationError(`migration file ${file} is not named NNN_name.sql`);
    const sql = readFileSync(join(dir, file), 'utf8');
    return {
      version: Number(match[1]),
      name: match[2]!,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    };
  });
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new MigrationError(`migration versions must be 1..n without gaps: ${m.version}`);
  });
  return migrations;
}

interface AppliedRow extends Record<string, unknown> {
  version: number;
  checksum: string;
}

async function readApplied(db: SqlExecutor): Promise<Map<number, string> | null> {
  const [exists] = await db.query<{ present: boolean }>(
    "SELECT to_regclass('rgs.schema_migrations') IS NOT NULL AS present",
  );
  if (!exists?.present) return null;
  const rows = await db.query<AppliedRow>(
    'SELECT version, checksum FROM rgs.schema_migrations ORDER BY version',
  );
  return new Map(rows.map((r) => [Number(r.version), r.checksum]));
}

function pendingOf(migrations: readonly Migration[], applied: Map<number, string> | null): Migration[] {
  for (const [version, checksum] of applied ?? []) {
    const file = migrations.find((m) => m.version === version);
    if (file === undefined) {
      throw new MigrationError(`database has migration ${version}, which this version does not know`);
    }
    if (file.checksum !== checksum) {
      throw new MigrationError(`migration ${version}_${file.name} changed after it was applied`);
    }
  }
  return migrations.filter((m) => !applied?.has(m.version));
}

/** Applies every pending migration (see the module comment). */
export async function migrate(
  db: SqlClient,
  migrations: readonly Migration[] = loadMigrations(),
): Promise<MigrationResult> {
  const latest = migrations.at(-1)?.version ?? 0;
  if (pendingOf(migrations, await readApplied(db)).length === 0) {
    return { applied: [], currentVersion: latest };
  }
  const applied = await db.transaction(
    async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
      await tx.exec(
        `CREATE SCHEMA IF NOT EXISTS rgs;
         CREATE TABLE IF NOT EXISTS rgs.schema_migrations (
           version integer PRIMARY KEY,
           name text NOT NULL,
           checksum text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now()
         );`,
      );
      const pending = pendingOf(migrations, await readApplied(tx));
      for (const m of pending) {
        try {
          await tx.exec(m.sql);
        } catch (error) {
          throw new MigrationError(`migration ${m.version}_${m.name} failed: ${(error as Error).message}`);
        }
        await tx.query('INSERT INTO rgs.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          m.checksum,
        ]);
      }
      return pending.map((m) => m.version);
    },
    { maxAttempts: 3 },
  );
  return { applied, currentVersion: latest };
}
