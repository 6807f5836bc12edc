/**
 * `croupier rgs …`: the reference RGS's database commands.
 *
 *   croupier rgs migrate [--database-url URL | --data-dir DIR]   apply pending migrations
 *   croupier rgs verify  [--database-url URL | --data-dir DIR]   ledger + audit verification (exit 1 on a problem)
 *   croupier rgs audit verify [...]                              audit hash chains only
 *
 * The database is --database-url, else $DATABASE_URL, else the embedded PGlite database of the
 * RGS data directory --data-dir (default .croupier/rgs): `<data-dir>/pglite`, the same for every
 * `rgs` command (`start` included). `verify` never creates a database: a data dir without one is
 * exit 2. `registerRgsCommand` returns the `rgs` group so that the HTTP server's `start` command
 * can be added to it. rgs/ (fastify, PGlite, pg, ioredis) is loaded only when a command runs, so
 * `croupier rgs --help` starts without it (issue 12: under 0.3 s).
 */
import type { Command } from 'commander';
import type { DatabaseTarget, DatabaseVerification, VerifyReport } from '../rgs/index.ts';
import { DEFAULT_RGS_DATA_DIR } from '../rgs/names.ts';
import { CliError, EXIT_BAD_INPUT, EXIT_CHECK_FAILED } from './errors.ts';
import { printJson } from './output.ts';

export interface RgsDatabaseOptions {
  databaseUrl?: string;
  dataDir?: string;
}

type Rgs = typeof import('../rgs/index.ts');

/** --database-url, else $DATABASE_URL, else PGlite in <--data-dir>/pglite (default .croupier/rgs). */
export function resolveDatabaseTarget(
  options: RgsDatabaseOptions,
  embeddedDatabaseDir: Rgs['embeddedDatabaseDir'],
): DatabaseTarget {
  if (options.databaseUrl !== undefined && options.dataDir !== undefined) {
    throw new CliError('give --database-url or --data-dir, not both', EXIT_BAD_INPUT);
  }
  const url = options.databaseUrl ?? (options.dataDir === undefined ? process.env.DATABASE_URL : undefined);
  if (url !== undefined && url !== '') {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new CliError('the database URL must start with postgres://');
    return { url };
  }
  return { dataDir: embeddedDatabaseDir(options.dataDir ?? DEFAULT_RGS_DATA_DIR) };
}

function addDatabaseOptions(command: Command): Command {
  return command
    .option('--database-url <url>', 'PostgreSQL URL (default: $DATABASE_URL, else embedded PGlite)')
    .option(
      '--data-dir <dir>',
      `RGS data directory, as for rgs start; the embedded database is <dir>/pglite (default: ${DEFAULT_RGS_DATA_DIR})`,
    );
}

async function withDatabase<T>(
  options: RgsDatabaseOptions,
  work: (db: Awaited<ReturnType<Rgs['openRgsDatabase']>>, rgs: Rgs) => Promise<T>,
  mustExist = false,
): Promise<T> {
  const rgs = await import('../rgs/index.ts');
  const target = resolveDatabaseTarget(options, rgs.embeddedDatabaseDir);
  let db: Awaited<ReturnType<Rgs['openRgsDatabase']>>;
  try {
    db = await rgs.openRgsDatabase(target, { mustExist });
  } catch (error) {
    if (error instanceof rgs.NoEmbeddedDatabaseError) {
      throw new CliError(
        `${error.message}: give the --data-dir of \`croupier rgs start\`, or --database-url`,
        EXIT_BAD_INPUT,
      );
    }
    throw new CliError(`cannot open the database: ${(error as Error).message}`);
  }
  try {
    return await work(db, rgs);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`database error: ${(error as Error).message}`);
  } finally {
    await db.close().catch(() => {});
  }
}

function printReport(name: string, report: VerifyReport): void {
  process.stdout.write(`${name}: ${report.ok ? 'ok' : 'FAILED'} (${report.checked} checked)\n`);
  for (const problem of report.problems) process.stdout.write(`  - ${problem}\n`);
}

function finish(verification: Partial<DatabaseVerification>, json: boolean | undefined): void {
  if (json) printJson(verification);
  else {
    if (verification.ledger) printReport('ledger', verification.ledger);
    if (verification.audit) printReport('audit', verification.audit);
  }
  const failed = Object.values(verification).some((r) => r !== undefined && !r.ok);
  if (failed) process.exitCode = EXIT_CHECK_FAILED;
}

interface VerifyOptions extends RgsDatabaseOptions {
  json?: boolean;
}

export function registerRgsCommand(program: Command): Command {
  const rgs = program.command('rgs').description('the reference RGS: database migrations and verification');

  addDatabaseOptions(
    rgs.command('migrate').description('apply pending database migrations (idempotent)'),
  ).action(async (options: RgsDatabaseOptions) => {
    const result = await withDatabase(options, (db, rgs) => rgs.migrate(db));
    process.stdout.write(
      result.applied.length === 0
        ? `schema is current (version ${result.currentVersion})\n`
        : `applied migrations ${result.applied.join(', ')}; schema version ${result.currentVersion}\n`,
    );
  });

  addDatabaseOptions(
    rgs
      .command('verify')
      .description('recompute the ledger from its postings and the audit hash chains; exit 1 on any problem')
      .option('--json', 'machine-readable output'),
  ).action(async (options: VerifyOptions) => {
    finish(await withDatabase(options, (db, rgs) => rgs.verifyRgsDatabase(db), true), options.json);
  });

  const audit = rgs.command('audit').description('the immutable audit log');
  addDatabaseOptions(
    audit
      .command('verify')
      .description('recompute every audit hash chain; exit 1 if a record was altered or removed')
      .option('--json', 'machine-readable output'),
  ).action(async (options: VerifyOptions) => {
    const { audit: report } = await withDatabase(
      options,
      (db, rgs) => rgs.verifyRgsDatabase(db, { ledger: false }),
      true,
    );
    finish({ audit: report }, options.json);
  });

  return rgs;
}
