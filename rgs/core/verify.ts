/**
 * Verification of an RGS database without starting the core: the ledger (recomputed from postings)
 * and the audit log (hash chains recomputed). Read-only: it never migrates or writes.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createPgClient, createPgliteClient, type SqlClient } from '../db/sql-client.ts';
import { DEFAULT_RGS_DATA_DIR } from '../names.ts';
import { verifyAuditLog } from './audit.ts';
import type { VerifyReport } from './contract.ts';
import { verifyLedgerBooks } from './ledger.ts';

/**
 * The RGS data directory every `croupier rgs` command shares (`--data-dir`, RGS_DATA_DIR): the
 * embedded database lives in `<data-dir>/pglite`, next to the operator secret and the TLS files.
 */
export { DEFAULT_RGS_DATA_DIR };

/** Where the embedded PGlite database of an RGS data directory lives. */
export function embeddedDatabaseDir(dataDir: string): string {
  return join(dataDir, 'pglite');
}

/** A database by URL (PostgreSQL) or by PGlite data folder. */
export type DatabaseTarget = { readonly url: string } | { readonly dataDir: string };

/** The embedded database folder does not hold a database (and opening it would create one). */
export class NoEmbeddedDatabaseError extends Error {
  override name = 'NoEmbeddedDatabaseError';
}

/**
 * Opens the database. `mustExist` (verification): a PGlite folder without a database is refused
 * instead of being created, empty, as a side effect of reading it.
 */
export async function openRgsDatabase(
  target: DatabaseTarget,
  options: { readonly mustExist?: boolean } = {},
): Promise<SqlClient> {
  if ('url' in target) return createPgClient(target.url, { maxConnections: 2 });
  if (options.mustExist && !existsSync(join(target.dataDir, 'PG_VERSION'))) {
    throw new NoEmbeddedDatabaseError(`no embedded RGS database in ${target.dataDir}`);
  }
  return await createPgliteClient(target.dataDir);
}

export interface DatabaseVerification {
  readonly ledger: VerifyReport;
  readonly audit: VerifyReport;
}

export async function verifyRgsDatabase(
  db: SqlClient,
  what: { readonly ledger?: boolean; readonly audit?: boolean } = {},
): Promise<DatabaseVerification> {
  const skipped: VerifyReport = { ok: true, checked: 0, problems: [] };
  return {
    ledger: what.ledger === false ? skipped : await verifyLedgerBooks(db),
    audit: what.audit === false ? skipped : await verifyAuditLog(db),
  };
}
