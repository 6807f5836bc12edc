// Public module of the RGS: the only file other parts import from `rgs/`.

// Read-only views for checkers outside the RGS (chaos/checker), and the operator token that
// drills sign to open sessions as an operator would.
export {
  type AccountBalance,
  BOOKS_VIEW_ROWS_MAX,
  type BookedRound,
  type BooksView,
  type BooksViewScope,
  type PlayerBooks,
  readBooksView,
  type UnbalancedTransaction,
} from './books-view.ts';
// What `croupier rgs start|token` needs: the configuration, the server and the operator token.
export { loadRgsConfig, type RgsConfig, type RgsFlags } from './config.ts';
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
  prepareServedGame,
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
export {
  OPERATOR_TOKEN_DEFAULT_TTL_S,
  OPERATOR_TOKEN_MAX_TTL_S,
  signOperatorToken,
} from './http/operator-auth.ts';
export {
  type CoreFactory,
  coreFactoryFor,
  type RunningRgs,
  resolveOperatorSecret,
  startRgs,
} from './server.ts';
// The wire (routes, bodies, error codes, API units) and the one bounded Stake-API client. As a
// namespace because its unit constants are numbers where core/contract.ts's are bigints.
export * as wire from './wire/index.ts';
export {
  StakeApiClient,
  type StakeApiClientOptions,
  type WireOutcome,
  type WireResult,
} from './wire/index.ts';
