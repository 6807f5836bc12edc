// Public module of the RGS: the only file other parts import from `rgs/`.
export * from './core/contract.ts';
export {
  APP_ROLE,
  createRgsCore,
  DEFAULT_HOUSE_SHARDS,
  type PlayerLimits,
  type RgsCoreOptions,
  type RgsCoreService,
  type RgsDatabase,
  type StaleRoundAction,
} from './core/core.ts';
export {
  API_UNITS_PER_GAME_MINOR,
  DEMO_REEL_GAME_RTP,
  GameConfigError,
  type ServedGame,
  type ServedGameSpec,
} from './core/games.ts';
export {
  DEFAULT_JURISDICTIONS,
  type IncompleteRoundPolicy,
  type JurisdictionPolicy,
} from './core/jurisdictions.ts';
export { InvariantError } from './core/rows.ts';
export {
  type DatabaseTarget,
  type DatabaseVerification,
  DEFAULT_RGS_DATA_DIR,
  embeddedDatabaseDir,
  NoEmbeddedDatabaseError,
  openRgsDatabase,
  verifyRgsDatabase,
} from './core/verify.ts';
export { loadMigrations, MigrationError, type MigrationResult, migrate } from './db/migrate.ts';
export {
  createPgClient,
  createPgliteClient,
  type SqlClient,
  type SqlExecutor,
  sqlState,
} from './db/sql-client.ts';
