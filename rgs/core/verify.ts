/**
 * Verification of an RGS database without starting the core: the ledger (recomputed from postings)
 * and the audit log (hash chains recomputed). Read-only: it never migrates or writes.
 */
import { createPgClient, createPgliteClient, type SqlClient } from '../db/sql-client.ts';
import { verifyAuditLog } from './audit.ts';
import type { VerifyReport } from './contract.ts';
import { verifyLedgerBooks } from './ledger.ts';

/** A database by URL (PostgreSQL) or by PGlite data folder. */
export type DatabaseTarget = { readonly url: string } | { readonly dataDir: string };

export async function openRgsDatabase(target: DatabaseTarget): Promise<SqlClient> {
  return 'url' in target
    ? createPgClient(target.url, { maxConnections: 2 })
    : await createPgliteClient(target.dataDir);
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
