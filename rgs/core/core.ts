/**
 * The RGS core: wallet, ledger, rounds, audit, on PostgreSQL or PGlite (rgs/db), behind the
 * `RgsCore` contract. Every money call is ONE transaction:
 *
 *   play:     lock the player's account row → idempotency (same requestId: same payload → the
 *             original response, else ERR_IDEM) → tombstone (a rolled-back bet id is refused) →
 *             one active round per player (ERR_BE) → compliance (self-exclusion, minimum round
 *             duration, reality check due, loss limit: ERR_GLE, the refusal audited) → funds (ERR_IPB, nothing
 *             written) → outcome = playRound(game, mode, bet, ProvablyFairSource(seed, client seed,
 *             nonce)) → bet transaction + postings → round (closed at once when it pays nothing,
 *             else active with the credit deferred to endRound) → next seed → audit → response.
 *   endRound: lock → idempotency → active round (ERR_BNF) → win transaction referencing the bet →
 *             close, reveal the seed → audit → response.
 *
 * Both in 4 round trips: BEGIN, rgs.money_call_context (lock, then every read), one write
 * statement (data-modifying CTEs), COMMIT. See README.md ("Round trips").
 *
 * Server seeds come from an SP 800-90A DRBG (createDrbgSource, OS entropy behind the SP 800-90B
 * health tests), one fresh 32-byte seed per round, generated one round ahead: its SHA-256
 * commitment is what `nextSeedCommitment` shows before the bet; the seed is revealed when the
 * round closes.
 *
 * Errors are values (Result); an unexpected failure (a broken invariant, a bug) becomes ERR_GEN with
 * a generic message, and a database that cannot be reached ERR_MAINTENANCE (503, Retry-After);
 * both are reported to `onError`. A failed call changed nothing, except
 * that a refusal for a gambling limit is itself audited; a call whose outcome is unknown (the
 * connection died at COMMIT) is resolved by retrying it with the same requestId.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  canonicalJson,
  DEMO_GAME_FILES,
  type DemoGameName,
  loadDemoGame,
  playRound,
} from '../../games/index.ts';
import {
  commitServerSeed,
  createDrbgSource,
  type DrbgKind,
  type DrbgSource,
  generateServerSeed,
  ProvablyFairSource,
} from '../../rng/index.ts';
import { migrate } from '../db/migrate.ts';
import {
  createPgClient,
  createPgliteClient,
  isDatabaseUnavailable,
  type SqlClient,
  type SqlExecutor,
  type SqlParam,
  UNIQUE_VIOLATION,
} from '../db/sql-client.ts';
import {
  AUDIT_INSERT_COLUMNS,
  appendAudit,
  type ChainHead,
  jsonSafe,
  playerChain,
  type SealedAudit,
  sealAudit,
  sealedAuditValues,
  verifyAuditLog,
} from './audit.ts';
import {
  ACTIVE_ROUND_MESSAGE,
  type Balance,
  type BetConfig,
  type EndRoundRequest,
  type JurisdictionFlags,
  type LatestRoundView,
  NO_ROUND_MESSAGE,
  type PlayerSpec,
  type PlayRequest,
  type ReplayReport,
  type Result,
  type RgsCore,
  type RgsError,
  type RgsErrorCode,
  type RoundDetail,
  type SessionStatus,
  type VerifyReport,
} from './contract.ts';
import {
  bookEvents,
  payoutMultiplier,
  prepareServedGame,
  type ServedGame,
  type ServedGameSpec,
  stateHash,
  unitsToApi,
} from './games.ts';
import {
  DEFAULT_JURISDICTIONS,
  type IncompleteRoundPolicy,
  type JurisdictionPolicy,
} from './jurisdictions.ts';
import {
  assertBalanced,
  ensureHouseAccounts,
  houseAccountId,
  houseShardOf,
  type LedgerTransaction,
  verifyLedgerBooks,
  writeLedgerTransaction,
} from './ledger.ts';

/** The least-privilege role the core runs as when the database has it (004_app_role.sql). */
export const APP_ROLE = 'croupier_app';
export const DEFAULT_HOUSE_SHARDS = 16;
const MAX_HOUSE_SHARDS = 1024;
const MAX_RECALL_ROUNDS = 100;
const MAX_STALE_ROUNDS_PER_CALL = 1_000;
const MAX_REQUEST_ID_LENGTH = 200;
const MAX_EVENT_LENGTH = 1_000;
const MAX_AMOUNT_MINOR = 10n ** 15n; // one billion major units
/** Retries of one money transaction (serialization failure, deadlock, idempotency race). */
const MONEY_TX_ATTEMPTS = 5;
/** Retry-After of a call refused because the database is unavailable. */
const DATABASE_RETRY_AFTER_MS = 1_000;
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** Where the core keeps its data. */
export type RgsDatabase =
  /** PostgreSQL: migrated with the URL's user, then served through a pool as the app role. */
  | { readonly url: string; readonly maxConnections?: number; readonly appRole?: string | null }
  /** Embedded PGlite with data in `dataDir` (in memory when omitted). One connection. */
  | { readonly pglite: true; readonly dataDir?: string; readonly appRole?: string | null }
  /** A client the caller opened (and closes): migrated, used as is. */
  | { readonly client: SqlClient };

export interface RgsCoreOptions {
  readonly db: RgsDatabase;
  /** Served games; default: every demo game. */
  readonly games?: readonly ServedGameSpec[];
  /** DRBG for server seeds; default 'hmac-drbg'. */
  readonly rngKind?: DrbgKind;
  readonly clock?: () => Date;
  /** Jurisdiction name -> policy; default DEFAULT_JURISDICTIONS. Players name one of these. */
  readonly jurisdictions?: Readonly<Record<string, JurisdictionPolicy>>;
  /** House (and funding) account shards per currency; default 16. */
  readonly houseShards?: number;
  /** Unexpected failures (they reach clients only as ERR_GEN). */
  readonly onError?: (operation: string, error: unknown) => void;
}

export interface PlayerLimits {
  /** Net loss (cost − payout) allowed over the rolling window; null removes the limit. */
  readonly lossLimitMinor: bigint | null;
  readonly lossLimitWindowMs: number | null;
  /** Self-exclusion end (play refused until then); null lifts it. */
  readonly selfExcludedUntil: Date | null;
  /**
   * Deposits allowed over the last 24 h / 7 days (rolling windows); a deposit beyond is refused
   * (ERR_GLE, audited). null removes the limit; absent (undefined) leaves it as it is.
   */
  readonly depositLimitDailyMinor?: bigint | null;
  readonly depositLimitWeeklyMinor?: bigint | null;
}

export interface StaleRoundAction {
  readonly roundId: string;
  readonly playerId: string;
  readonly action: 'completed' | 'voided-refunded';
  readonly creditedMinor: bigint;
}

/** The contract plus the operator-side operations (deposits, limits, rollbacks, stale rounds). */
export interface RgsCoreService extends RgsCore {
  readonly databaseKind: 'pg' | 'pglite';
  /** The role the core's sessions run as (null: the connecting user, e.g. no app role available). */
  readonly databaseRole: string | null;
  deposit(request: {
    readonly requestId: string;
    readonly playerId: string;
    readonly amountMinor: bigint;
  }): Promise<Result<{ readonly balance: Balance }>>;
  /**
   * Hub88-style rollback of a bet by its play requestId: an active round is voided and its cost
   * refunded; an unknown bet is recorded as a tombstone so that the late bet is refused; a settled
   * round cannot be rolled back (ERR_VAL).
   */
  rollbackBet(request: {
    readonly requestId: string;
    readonly playerId: string;
    readonly betRequestId: string;
  }): Promise<Result<{ readonly balance: Balance; readonly tombstone: boolean }>>;
  setLimits(playerId: string, limits: PlayerLimits): Promise<Result<PlayerLimits>>;
  /** The player's client seed for their next rounds (refused while a round is active). */
  setClientSeed(playerId: string, clientSeed: string): Promise<Result<{ readonly clientSeed: string }>>;
  /**
   * Applies each player's jurisdiction policy to rounds still active `olderThanMs` after they
   * started: 'complete' credits the payout and closes; 'void-refund' voids and refunds the cost.
   */
  voidStaleRounds(options: {
    readonly olderThanMs: number;
    readonly limit?: number;
  }): Promise<Result<readonly StaleRoundAction[]>>;
  readonly games: ReadonlyMap<string, ServedGame>;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CURRENCY = /^[A-Z][A-Z0-9]{1,9}$/;

function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}
function fail<T>(code: RgsErrorCode, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
function requestHash(payload: Record<string, unknown>): string {
  return sha256(canonicalJson(jsonSafe(payload)));
}

/** Stored responses keep bigints as {"$big": "<decimal>"} (jsonb has no bigint). */
function encodeStored(value: unknown): unknown {
  if (typeof value === 'bigint') return { $big: value.toString() };
  if (Array.isArray(value)) return value.map(encodeStored);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeStored(v)]));
  }
  return value;
}
function decodeStored(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeStored);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]![0] === '$big' && typeof entries[0]![1] === 'string') {
      return BigInt(entries[0]![1]);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, decodeStored(v)]));
  }
  return value;
}

function hexToBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}
function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function validRequestId(id: unknown): id is string {
  return typeof id === 'string' && id.length >= 1 && id.length <= MAX_REQUEST_ID_LENGTH;
}

interface RoundRow extends Record<string, unknown> {
  id: string;
  player_id: string;
  game_id: string;
  game_version: string;
  math_hash: string;
  mode: string;
  currency: string;
  amount_minor: bigint;
  cost_minor: bigint;
  payout_minor: bigint;
  coin_value_minor: number;
  bet_level: number;
  status: 'active' | 'closed' | 'voided';
  event: string | null;
  state: unknown[];
  server_seed_commitment: string;
  server_seed: string;
  client_seed: string;
  nonce: bigint;
  balance_before_minor: bigint;
  balance_after_minor: bigint | null;
  bet_tx_id: string;
  started_at: Date;
  ended_at: Date | null;
}

const ROUND_COLUMNS = `id, player_id, game_id, game_version, math_hash, mode, currency, amount_minor, cost_minor,
  payout_minor, coin_value_minor, bet_level, status, event, state, server_seed_commitment, server_seed,
  client_seed, nonce, balance_before_minor, balance_after_minor, bet_tx_id, started_at, ended_at`;

function roundDetail(r: RoundRow): RoundDetail {
  return {
    roundId: r.id,
    gameId: r.game_id,
    gameVersion: r.game_version,
    mathHash: r.math_hash,
    mode: r.mode,
    amountMinor: r.amount_minor,
    costMinor: r.cost_minor,
    payoutMinor: r.payout_minor,
    payoutMultiplier: payoutMultiplier(r.payout_minor, r.amount_minor),
    active: r.status === 'active',
    status: r.status,
    event: r.event,
    state: r.state,
    balanceBeforeMinor: r.balance_before_minor,
    balanceAfterMinor: r.balance_after_minor,
    startedAt: r.started_at.toISOString(),
    endedAt: r.ended_at === null ? null : r.ended_at.toISOString(),
    fairness: {
      serverSeedCommitment: r.server_seed_commitment,
      serverSeed: r.status === 'active' ? null : r.server_seed,
      clientSeed: r.client_seed,
      nonce: Number(r.nonce),
    },
  };
}

interface LockedPlayer extends Record<string, unknown> {
  account_id: bigint;
  balance_minor: bigint;
  currency: string;
  jurisdiction: string;
  client_seed: string;
  next_nonce: bigint;
  next_server_seed: string;
  next_seed_commitment: string;
  loss_limit_minor: bigint | null;
  loss_limit_window_ms: bigint | null;
  self_excluded_until: Date | null;
  deposit_limit_daily_minor: bigint | null;
  deposit_limit_weekly_minor: bigint | null;
}

/**
 * Locks the player's account row (the per-player lock every money call takes first) and the player
 * row. Both are locked on purpose: under READ COMMITTED a statement that waited for a lock re-reads
 * only the rows it locked, so a joined but unlocked players row would come back stale (the previous
 * round's nonce and seed) after waiting behind a concurrent play.
 */
async function lockPlayer(tx: SqlExecutor, playerId: string): Promise<LockedPlayer | undefined> {
  const [row] = await tx.query<LockedPlayer>(
    `SELECT a.id AS account_id, a.balance_minor, a.currency, p.jurisdiction, p.client_seed, p.next_nonce,
            p.next_server_seed, p.next_seed_commitment, p.loss_limit_minor, p.loss_limit_window_ms,
            p.self_excluded_until, p.deposit_limit_daily_minor, p.deposit_limit_weekly_minor
       FROM rgs.accounts a JOIN rgs.players p ON p.id = a.player_id
      WHERE a.player_id = $1 AND a.kind = 'player'
      FOR UPDATE OF a, p`,
    [playerId],
  );
  return row;
}

interface PriorRequest {
  readonly outcome: 'new' | 'replay' | 'conflict';
  readonly response?: unknown;
}

async function priorRequest(
  tx: SqlExecutor,
  requestId: string,
  operation: string,
  hash: string,
): Promise<PriorRequest> {
  const [row] = await tx.query<{ operation: string; request_hash: string; response: unknown }>(
    'SELECT operation, request_hash, response FROM rgs.requests WHERE request_id = $1',
    [requestId],
  );
  if (row === undefined) return { outcome: 'new' };
  if (row.operation !== operation || row.request_hash !== hash) return { outcome: 'conflict' };
  return { outcome: 'replay', response: decodeStored(row.response) };
}

async function storeResponse(
  tx: SqlExecutor,
  requestId: string,
  operation: string,
  playerId: string,
  hash: string,
  response: unknown,
  at: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO rgs.requests (request_id, operation, player_id, request_hash, response, created_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6)`,
    [requestId, operation, playerId, hash, JSON.stringify(encodeStored(response)), at],
  );
}

const IDEM_MESSAGE = 'requestId was already used with a different request';

/** The view of a money call, undefined without one, 'invalid' when malformed. */
function validView(view: unknown, requestId: string): LatestRoundView | undefined | 'invalid' {
  if (view === undefined) return undefined;
  const v = view as LatestRoundView;
  if (typeof v !== 'object' || v === null || typeof v.gameId !== 'string' || typeof v.keyed !== 'boolean') {
    return 'invalid';
  }
  // The effective requestId appends ':' and a round id (36) or 'none'.
  if (v.keyed && requestId.length > MAX_REQUEST_ID_LENGTH - 37) return 'invalid';
  return v;
}

function validSessionId(id: unknown): id is string {
  return typeof id === 'string' && id.length >= 1 && id.length <= 200;
}

// ---------------------------------------------------------------------------------------------
// The fast path of play and endRound: one call that locks and reads (rgs.money_call_context), one
// statement that writes. Round trips per call: BEGIN, context, write, COMMIT.

/** What rgs.money_call_context returns (migration 005): read under the player's lock. */
interface MoneyCallContext extends Record<string, unknown> {
  account_id: bigint;
  balance_minor: bigint;
  currency: string;
  jurisdiction: string;
  client_seed: string;
  next_nonce: bigint;
  next_server_seed: string;
  next_seed_commitment: string;
  loss_limit_minor: bigint | null;
  loss_limit_window_ms: bigint | null;
  self_excluded_until: Date | null;
  prior_operation: string | null;
  prior_hash: string | null;
  prior_response: unknown;
  tombstoned: boolean;
  last_start: Date | null;
  window_loss_minor: bigint | null;
  audit_seq: bigint | null;
  audit_hash: string | null;
  session_started_at: Date | null;
  session_checked_at: Date | null;
  active_id: string | null;
  active_game_id: string | null;
  active_payout_minor: bigint | null;
  active_cost_minor: bigint | null;
  active_bet_tx_id: string | null;
  active_server_seed: string | null;
}

async function moneyCallContext(
  tx: SqlExecutor,
  playerId: string,
  requestId: string,
  betKey: string | null,
  sessionId: string | null,
  now: Date,
): Promise<MoneyCallContext | undefined> {
  const [row] = await tx.query<MoneyCallContext>(
    'SELECT * FROM rgs.money_call_context($1, $2, $3, $4, $5)',
    [playerId, requestId, betKey, sessionId, now],
    { prepare: 'rgs-money-call-context' },
  );
  return row;
}

/** MoneyCallContext read with the caller's LatestRoundView (one statement, the same round trip). */
interface ViewedContext {
  readonly ctx: MoneyCallContext | undefined;
  /** The effective requestId (viewRequestId when the view is keyed). */
  readonly requestId: string;
  /** The latest round of the view's game (play: id and status only), or null. */
  readonly round: RoundRow | null;
}

/**
 * The player's latest round in a game (`player` and `game` are SQL expressions): the active one,
 * else the one with the highest nonce. Written as two index lookups (the partial unique index of
 * the active round, then a backward scan of UNIQUE (player_id, nonce)) whose first hit ends it,
 * not as ORDER BY (status = 'active') DESC, nonce DESC, which sorts every round of the player.
 */
function latestRoundSql(columns: string, player: string, game: string): string {
  return `(SELECT ${columns} FROM rgs.rounds r WHERE r.player_id = ${player} AND r.status = 'active'
             AND r.game_id = ${game})
          UNION ALL
          (SELECT ${columns} FROM rgs.rounds r WHERE r.player_id = ${player} AND r.game_id = ${game}
            ORDER BY r.nonce DESC LIMIT 1)
          LIMIT 1`;
}

const ROUND_COLUMN_NAMES = ROUND_COLUMNS.split(',').map((c) => c.trim());
const VIEW_COLUMNS_FULL = ROUND_COLUMN_NAMES.map((c) => `r.${c} AS view_${c}`).join(', ');
const VIEW_COLUMNS_BRIEF = 'r.id AS view_id, r.status AS view_status';

/**
 * With a latest-round view, the first attempt's read fixes the requestId and the viewed round for
 * every retry of the transaction (as one read before the call did); `pin` carries them across.
 */
interface ViewPin {
  value?: { readonly requestId: string; readonly round: RoundRow | null };
}

/**
 * Round trip 1 of a money call: the locked context, through the view on the first attempt. A play
 * also asks for its bet key's tombstone and its session; an end-round needs the full active round.
 */
async function readCallContext(
  tx: SqlExecutor,
  call: {
    readonly playerId: string;
    readonly requestId: string;
    readonly view: LatestRoundView | undefined;
    readonly forPlay: boolean;
    readonly sessionId: string | null;
    readonly now: Date;
  },
  pin: ViewPin,
): Promise<MoneyCallContext | undefined> {
  if (call.view !== undefined && pin.value === undefined) {
    const viewed = await moneyCallContextWithView(
      tx,
      call.playerId,
      call.requestId,
      call.view,
      call.forPlay,
      call.sessionId,
      call.now,
      !call.forPlay,
    );
    if (viewed.ctx !== undefined) pin.value = { requestId: viewed.requestId, round: viewed.round };
    return viewed.ctx;
  }
  const requestId = pin.value?.requestId ?? call.requestId;
  return await moneyCallContext(
    tx,
    call.playerId,
    requestId,
    call.forPlay ? `bet:${requestId}` : null,
    call.sessionId,
    call.now,
  );
}

/**
 * rgs.money_call_context preceded, in the same statement, by the read of the player's latest round
 * in a game (currentRound's query). The statement's snapshot is taken when it starts, before the
 * function waits for the player's lock, so the view is what a separate read just before the call
 * would have returned (racing calls both see the state from before either commits); the function's
 * own reads still take fresh snapshots after the lock (plpgsql, VOLATILE). The effective requestId
 * (and the bet key) are built from the view in SQL exactly as viewRequestId builds them.
 */
async function moneyCallContextWithView(
  tx: SqlExecutor,
  playerId: string,
  requestId: string,
  view: LatestRoundView,
  withBetKey: boolean,
  sessionId: string | null,
  now: Date,
  fullRound: boolean,
): Promise<ViewedContext> {
  const [row] = await tx.query<MoneyCallContext & Record<string, unknown>>(
    `SELECT k.*, c.*
       FROM (SELECT v.*, CASE WHEN $3::boolean THEN $2::text || ':' || coalesce(v.view_id::text, 'none')
                              ELSE $2::text END AS view_request_id
               FROM (SELECT 1) AS one
               LEFT JOIN LATERAL (
                 ${latestRoundSql(fullRound ? VIEW_COLUMNS_FULL : VIEW_COLUMNS_BRIEF, '$1::uuid', '$4::text')}
               ) AS v ON true) AS k,
            LATERAL rgs.money_call_context($5::uuid, k.view_request_id,
              CASE WHEN $6::boolean THEN 'bet:' || k.view_request_id END, $7::text, $8::timestamptz) AS c`,
    [playerId, requestId, view.keyed, view.gameId, playerId, withBetKey, sessionId, now],
    { prepare: fullRound ? 'rgs-money-call-context-view-full' : 'rgs-money-call-context-view' },
  );
  if (row === undefined) return { ctx: undefined, requestId, round: null };
  let round: RoundRow | null = null;
  if (row.view_id !== null && row.view_id !== undefined) {
    const fields: Record<string, unknown> = {};
    for (const name of fullRound ? ROUND_COLUMN_NAMES : ['id', 'status']) fields[name] = row[`view_${name}`];
    round = fields as RoundRow;
  }
  return { ctx: row, requestId: row.view_request_id as string, round };
}

function priorOf(ctx: MoneyCallContext, operation: string, hash: string): PriorRequest {
  if (ctx.prior_operation === null) return { outcome: 'new' };
  if (ctx.prior_operation !== operation || ctx.prior_hash !== hash) return { outcome: 'conflict' };
  return { outcome: 'replay', response: decodeStored(ctx.prior_response) };
}

function headOf(ctx: MoneyCallContext): ChainHead | null {
  if (ctx.audit_seq === null || ctx.audit_hash === null) return null;
  return { seq: ctx.audit_seq, hash: ctx.audit_hash };
}

/**
 * Numbered parameters of one statement. Every value gets its own placeholder (no parameter is
 * used at two places, so PostgreSQL never has to reconcile two inferred types), and the text
 * depends only on the statement's shape, so that it can be a prepared statement.
 */
class Params {
  readonly values: SqlParam[] = [];
  add(value: unknown): string {
    this.values.push(value as SqlParam);
    return `$${this.values.length}`;
  }
  row(values: readonly unknown[]): string {
    return `(${values.map((v) => this.add(v)).join(', ')})`;
  }
}

function ledgerInsert(p: Params, t: LedgerTransaction): string {
  assertBalanced(t);
  return `INSERT INTO rgs.ledger_transactions
      (id, kind, idempotency_key, request_hash, player_id, currency, amount_minor, round_id, reference_tx_id, created_at)
    VALUES ${p.row([t.id, t.kind, t.idempotencyKey, t.requestHash, t.playerId, t.currency, t.amountMinor, t.roundId, t.referenceTxId, t.createdAt])}`;
}

/** Rows are applied in the order given (player first, house last). */
function postingsInsert(p: Params, t: LedgerTransaction): string {
  const rows = t.postings.map((posting) => p.row([t.id, posting.accountId, posting.amountMinor]));
  return `INSERT INTO rgs.postings (tx_id, account_id, amount_minor) VALUES ${rows.join(', ')}`;
}

function roundInsert(p: Params, r: RoundRow, stateJson: string, sessionId: string): string {
  return `INSERT INTO rgs.rounds (id, player_id, session_id, game_id, game_version, math_hash, mode, currency,
      amount_minor, cost_minor, payout_minor, coin_value_minor, bet_level, status, event, state,
      server_seed_commitment, server_seed, client_seed, nonce, balance_before_minor, balance_after_minor,
      bet_tx_id, started_at, ended_at)
    VALUES (${[
      r.id,
      r.player_id,
      sessionId,
      r.game_id,
      r.game_version,
      r.math_hash,
      r.mode,
      r.currency,
      r.amount_minor,
      r.cost_minor,
      r.payout_minor,
      r.coin_value_minor,
      r.bet_level,
      r.status,
      r.event,
    ]
      .map((v) => p.add(v))
      .join(', ')}, ${p.add(stateJson)}::jsonb, ${[
      r.server_seed_commitment,
      r.server_seed,
      r.client_seed,
      r.nonce,
      r.balance_before_minor,
      r.balance_after_minor,
      r.bet_tx_id,
      r.started_at,
      r.ended_at,
    ]
      .map((v) => p.add(v))
      .join(', ')})`;
}

function auditInsert(p: Params, sealed: readonly SealedAudit[]): string {
  const rows = sealed.map((s) => p.row(sealedAuditValues(s)));
  return `INSERT INTO audit.events (${AUDIT_INSERT_COLUMNS}) VALUES ${rows.join(', ')}`;
}

function requestInsert(
  p: Params,
  requestId: string,
  operation: string,
  playerId: string,
  hash: string,
  response: unknown,
  at: Date,
): string {
  return `INSERT INTO rgs.requests (request_id, operation, player_id, request_hash, response, created_at)
    VALUES (${p.add(requestId)}, ${p.add(operation)}, ${p.add(playerId)}, ${p.add(hash)},
            ${p.add(JSON.stringify(encodeStored(response)))}::jsonb, ${p.add(at)})`;
}

// ---------------------------------------------------------------------------------------------
// The factory

interface OpenedDatabase {
  readonly client: SqlClient;
  readonly owned: boolean;
  readonly role: string | null;
}

async function openDatabase(db: RgsDatabase): Promise<OpenedDatabase> {
  if ('client' in db) {
    await migrate(db.client);
    return { client: db.client, owned: false, role: null };
  }
  if ('url' in db) {
    const migrator = createPgClient(db.url, { maxConnections: 1 });
    let useRole: string | null = null;
    try {
      await migrate(migrator);
      const wanted = db.appRole === undefined ? APP_ROLE : db.appRole;
      if (wanted !== null) {
        const [row] = await migrator.query<{ can: boolean }>(
          `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)
                  AND pg_has_role(current_user, (SELECT oid FROM pg_roles WHERE rolname = $1), 'MEMBER') AS can`,
          [wanted],
        );
        useRole = row?.can ? wanted : null;
        if (useRole === null && db.appRole !== undefined) throw new Error(`cannot SET ROLE ${wanted}`);
      }
    } finally {
      await migrator.close();
    }
    return {
      client: createPgClient(db.url, {
        maxConnections: db.maxConnections ?? 10,
        role: useRole,
      }),
      owned: true,
      role: useRole,
    };
  }
  const client = await createPgliteClient(db.dataDir);
  let useRole: string | null = null;
  try {
    await migrate(client);
    const role = db.appRole === undefined ? APP_ROLE : db.appRole;
    if (role !== null && !/^[a-z_][a-z0-9_]*$/.test(role)) throw new RangeError(`bad role name ${role}`);
    if (role !== null) {
      const [row] = await client.query<{ present: boolean }>(
        'SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS present',
        [role],
      );
      if (row?.present) {
        await client.exec(`SET ROLE ${role}`);
        useRole = role;
      }
    }
  } catch (error) {
    await client.close();
    throw error;
  }
  return { client, owned: true, role: useRole };
}

export async function createRgsCore(options: RgsCoreOptions): Promise<RgsCoreService> {
  const clock = options.clock ?? (() => new Date());
  const jurisdictions = options.jurisdictions ?? DEFAULT_JURISDICTIONS;
  const shards = options.houseShards ?? DEFAULT_HOUSE_SHARDS;
  if (!(Number.isInteger(shards) && shards >= 1 && shards <= MAX_HOUSE_SHARDS)) {
    throw new RangeError(`houseShards must be 1..${MAX_HOUSE_SHARDS}`);
  }
  const specs =
    options.games ??
    (Object.keys(DEMO_GAME_FILES) as DemoGameName[]).map((name) => ({ game: loadDemoGame(name) }));
  const games = new Map<string, ServedGame>();
  for (const spec of specs) {
    const served = prepareServedGame(spec);
    if (games.has(served.id)) throw new RangeError(`game ${served.id} is served twice`);
    games.set(served.id, served);
  }
  const drbg: DrbgSource = createDrbgSource(options.rngKind ?? 'hmac-drbg');
  const newSeed = () => {
    const seed = generateServerSeed(drbg);
    return { hex: bytesToHex(seed), commitment: commitServerSeed(seed) };
  };
  const { client: db, owned, role: databaseRole } = await openDatabase(options.db);
  const currenciesReady = new Set<string>();

  /** Every public call: unexpected throws become ERR_GEN (never a stack trace to a client). */
  const guard = async <T>(operation: string, work: () => Promise<Result<T>>): Promise<Result<T>> => {
    try {
      return await work();
    } catch (error) {
      options.onError?.(operation, error);
      if (isDatabaseUnavailable(error)) {
        // Not a fault of ours nor of the call: the database is down or restarting. 503 with a
        // Retry-After tells a client (and a load balancer) to come back, not to give up.
        return {
          ok: false,
          error: {
            code: 'ERR_MAINTENANCE',
            message: 'database unavailable; retry shortly with the same requestId',
            retryAfterMs: DATABASE_RETRY_AFTER_MS,
          },
        };
      }
      return fail('ERR_GEN', 'server error');
    }
  };
  const moneyTx = <T>(fn: (tx: SqlExecutor) => Promise<T>) =>
    db.transaction(fn, { maxAttempts: MONEY_TX_ATTEMPTS, retryOn: [UNIQUE_VIOLATION] });

  const checkPlayerId = (playerId: unknown): RgsError | null =>
    typeof playerId === 'string' && UUID.test(playerId)
      ? null
      : { code: 'ERR_VAL', message: 'invalid playerId' };

  // Account ids never change (accounts_guard), so the house shards' ids are cached.
  const houseIds = new Map<string, bigint>();
  const houseShard = async (
    tx: SqlExecutor,
    kind: 'house' | 'funding',
    currency: string,
    playerId: string,
  ) => {
    const shard = houseShardOf(playerId, shards);
    const key = `${kind}/${currency}/${shard}`;
    let id = houseIds.get(key);
    if (id === undefined) {
      id = await houseAccountId(tx, kind, currency, shard);
      houseIds.set(key, id);
    }
    return id;
  };

  // ----- players

  const createPlayer: RgsCore['createPlayer'] = (spec: PlayerSpec) =>
    guard('createPlayer', async () => {
      if (typeof spec?.currency !== 'string' || !CURRENCY.test(spec.currency)) {
        return fail('ERR_VAL', 'currency must be 2-10 capital letters or digits');
      }
      if (typeof spec.initialBalanceMinor !== 'bigint' || spec.initialBalanceMinor < 0n) {
        return fail('ERR_VAL', 'initialBalanceMinor must be a non-negative bigint');
      }
      if (spec.initialBalanceMinor > MAX_AMOUNT_MINOR) return fail('ERR_VAL', 'initial balance too large');
      if (typeof spec.jurisdiction !== 'string' || !Object.hasOwn(jurisdictions, spec.jurisdiction)) {
        return fail('ERR_VAL', `unknown jurisdiction (known: ${Object.keys(jurisdictions).join(', ')})`);
      }
      const playerId = randomUUID();
      const seed = newSeed();
      const clientSeed = bytesToHex(generateServerSeed(drbg)).slice(0, 32);
      const now = clock();
      await moneyTx(async (tx) => {
        if (!currenciesReady.has(spec.currency)) await ensureHouseAccounts(tx, spec.currency, shards);
        await tx.query(
          `INSERT INTO rgs.players (id, currency, jurisdiction, client_seed, next_nonce, next_server_seed,
                                   next_seed_commitment, created_at)
           VALUES ($1, $2, $3, $4, 0, $5, $6, $7)`,
          [playerId, spec.currency, spec.jurisdiction, clientSeed, seed.hex, seed.commitment, now],
        );
        const [account] = await tx.query<{ id: bigint }>(
          `INSERT INTO rgs.accounts (kind, player_id, currency) VALUES ('player', $1, $2) RETURNING id`,
          [playerId, spec.currency],
        );
        await appendAudit(tx, {
          chainId: playerChain(playerId),
          kind: 'player.created',
          playerId,
          roundId: null,
          txId: null,
          recordedAt: now,
          data: { currency: spec.currency, jurisdiction: spec.jurisdiction, clientSeed },
        });
        if (spec.initialBalanceMinor > 0n) {
          const txId = randomUUID();
          await writeLedgerTransaction(tx, {
            id: txId,
            kind: 'deposit',
            idempotencyKey: `deposit:initial:${playerId}`,
            requestHash: requestHash({ op: 'deposit', playerId, amountMinor: spec.initialBalanceMinor }),
            playerId,
            currency: spec.currency,
            amountMinor: spec.initialBalanceMinor,
            roundId: null,
            referenceTxId: null,
            createdAt: now,
            postings: [
              { accountId: account!.id, amountMinor: spec.initialBalanceMinor },
              {
                accountId: await houseShard(tx, 'funding', spec.currency, playerId),
                amountMinor: -spec.initialBalanceMinor,
              },
            ],
          });
          await appendAudit(tx, {
            chainId: playerChain(playerId),
            kind: 'deposit',
            playerId,
            roundId: null,
            txId,
            recordedAt: now,
            data: { amountMinor: spec.initialBalanceMinor, balanceAfterMinor: spec.initialBalanceMinor },
          });
        }
      });
      currenciesReady.add(spec.currency);
      return ok({ playerId });
    });

  const betConfig: RgsCore['betConfig'] = (gameId, currency) => {
    const served = typeof gameId === 'string' ? games.get(gameId) : undefined;
    if (served === undefined)
      return fail(
        'ERR_VAL',
        `unknown game ${JSON.stringify(String(gameId).slice(0, 64))}; served: ${[...games.keys()].join(', ')}`,
      );
    if (typeof currency !== 'string' || !CURRENCY.test(currency)) return fail('ERR_VAL', 'invalid currency');
    const config: BetConfig = { gameId: served.id, ...served.config };
    return ok(config);
  };

  const jurisdiction: RgsCore['jurisdiction'] = (playerId) =>
    guard('jurisdiction', async () => {
      const bad = checkPlayerId(playerId);
      if (bad) return { ok: false, error: bad };
      const [row] = await db.query<{ jurisdiction: string }>(
        'SELECT jurisdiction FROM rgs.players WHERE id = $1',
        [playerId],
      );
      if (row === undefined) return fail('ERR_VAL', 'unknown player');
      const policy = jurisdictions[row.jurisdiction];
      if (policy === undefined)
        throw new Error(`player ${playerId} has unconfigured jurisdiction ${row.jurisdiction}`);
      const flags: JurisdictionFlags = policy.flags;
      return ok({
        name: row.jurisdiction,
        flags,
        realityCheckIntervalMs: policy.realityCheckIntervalMs ?? 0,
      });
    });

  const balance: RgsCore['balance'] = (playerId, currency) =>
    guard('balance', async () => {
      const bad = checkPlayerId(playerId);
      if (bad) return { ok: false, error: bad };
      const [row] = await db.query<{ balance_minor: bigint; currency: string }>(
        `SELECT balance_minor, currency FROM rgs.accounts WHERE player_id = $1 AND kind = 'player'`,
        [playerId],
      );
      if (row === undefined) return fail('ERR_VAL', 'unknown player');
      if (row.currency !== currency) return fail('ERR_VAL', `the player's currency is ${row.currency}`);
      return ok({ amountMinor: row.balance_minor, currency: row.currency });
    });

  const currentRound: RgsCore['currentRound'] = (playerId, gameId) =>
    guard('currentRound', async () => {
      const bad = checkPlayerId(playerId);
      if (bad) return { ok: false, error: bad };
      if (typeof gameId !== 'string' || !games.has(gameId)) return fail('ERR_VAL', 'unknown game');
      const rows = await db.query<RoundRow>(latestRoundSql(ROUND_COLUMNS, '$1::uuid', '$2::text'), [
        playerId,
        gameId,
      ]);
      return ok(rows[0] === undefined ? null : roundDetail(rows[0]));
    });

  const latestRoundActive = async (playerId: string, gameId: string): Promise<boolean> => {
    if (checkPlayerId(playerId) !== null || !games.has(gameId)) return false;
    const [row] = await db.query<{ active: boolean }>(
      latestRoundSql(`r.status = 'active' AS active`, '$1::uuid', '$2::text'),
      [playerId, gameId],
    );
    return row?.active === true;
  };

  const nextSeedCommitment: RgsCore['nextSeedCommitment'] = (playerId) =>
    guard('nextSeedCommitment', async () => {
      const bad = checkPlayerId(playerId);
      if (bad) return { ok: false, error: bad };
      const [row] = await db.query<{ c: string }>(
        'SELECT next_seed_commitment AS c FROM rgs.players WHERE id = $1',
        [playerId],
      );
      return row === undefined ? fail('ERR_VAL', 'unknown player') : ok(row.c);
    });

  // ----- play

  type PlayValue = { readonly balance: Balance; readonly round: RoundDetail };

  const play: RgsCore['play'] = (request: PlayRequest) =>
    guard('play', async () => {
      if (!validRequestId(request?.requestId)) return fail('ERR_VAL', 'invalid requestId');
      const view = validView(request.latestRoundView, request.requestId);
      if (view === 'invalid') return fail('ERR_VAL', 'invalid latestRoundView');
      // A refused request whose view has an active round is ERR_BE, as when the view was read
      // (and checked) before the call.
      const refuse = async (code: RgsErrorCode, message: string): Promise<Result<PlayValue>> =>
        view !== undefined && (await latestRoundActive(request.playerId, view.gameId))
          ? fail('ERR_BE', ACTIVE_ROUND_MESSAGE)
          : fail(code, message);
      const bad = checkPlayerId(request.playerId);
      if (bad) return { ok: false, error: bad };
      if (!validSessionId(request.sessionId)) return refuse('ERR_VAL', 'invalid sessionId');
      const served = typeof request.gameId === 'string' ? games.get(request.gameId) : undefined;
      if (served === undefined) return refuse('ERR_VAL', 'unknown game');
      const costMultiplier =
        typeof request.mode === 'string' ? served.costMultiplierByMode.get(request.mode) : undefined;
      if (costMultiplier === undefined) return refuse('ERR_VAL', `unknown mode for ${served.id}`);
      if (typeof request.amountMinor !== 'bigint') return refuse('ERR_VAL', 'amount must be an integer');
      const choice = served.betChoices.get(request.amountMinor);
      if (choice === undefined) {
        return refuse('ERR_VAL', `amount is not one of the bet levels of ${served.id}`);
      }
      if (typeof request.currency !== 'string' || !CURRENCY.test(request.currency)) {
        return refuse('ERR_VAL', 'invalid currency');
      }
      const costMinor = request.amountMinor * costMultiplier;
      // The session is transport, not part of the money movement: a retry from a new session is
      // the same request.
      const hash = requestHash({
        op: 'play',
        playerId: request.playerId,
        currency: request.currency,
        gameId: request.gameId,
        mode: request.mode,
        amountMinor: request.amountMinor,
      });
      // Everything that does not depend on the player's row is prepared before the transaction
      // (validation, hashes, the following round's seed and its commitment, ids): the lock is held
      // for one read, the evaluation and one write.
      const followingSeed = newSeed();
      const roundId = randomUUID();
      const betTxId = randomUUID();
      const chainId = playerChain(request.playerId);
      const pin: ViewPin = {};
      return await moneyTx(async (tx): Promise<Result<PlayValue>> => {
        const now = clock();
        // Round trip 1 (after BEGIN): [the view,] lock, then idempotency, tombstone, active round,
        // last start, loss window, audit head, session (rgs.money_call_context, migration 005).
        const ctx = await readCallContext(
          tx,
          { ...request, view, forPlay: true, sessionId: request.sessionId, now },
          pin,
        );
        const pinned = pin.value;
        if (ctx === undefined) return fail('ERR_VAL', 'unknown player');
        if (pinned?.round?.status === 'active') return fail('ERR_BE', ACTIVE_ROUND_MESSAGE);
        const requestId = pinned?.requestId ?? request.requestId;
        const betKey = `bet:${requestId}`;
        const prior = priorOf(ctx, 'play', hash);
        if (prior.outcome === 'replay') return ok(prior.response as PlayValue);
        if (prior.outcome === 'conflict') return fail('ERR_IDEM', IDEM_MESSAGE);
        if (ctx.currency !== request.currency) {
          return fail('ERR_VAL', `the player's currency is ${ctx.currency}`);
        }
        if (ctx.tombstoned) return fail('ERR_VAL', 'this bet was rolled back and cannot be placed');
        if (ctx.active_game_id !== null) {
          return fail('ERR_BE', `a round of ${ctx.active_game_id} is active: end it first`);
        }
        const policy = policyOf(ctx.jurisdiction);
        const refusal = playRefusal(ctx, policy, costMinor, now);
        if (refusal !== null) {
          await appendAudit(
            tx,
            {
              chainId,
              kind: 'compliance.refused',
              playerId: request.playerId,
              roundId: null,
              txId: null,
              recordedAt: now,
              data: {
                requestId,
                sessionId: request.sessionId,
                reason: refusal.reason,
                gameId: served.id,
                costMinor,
              },
            },
            headOf(ctx) ?? undefined,
          );
          return {
            ok: false,
            error: {
              code: 'ERR_GLE',
              message: `gambling limit: ${refusal.reason}`,
              ...(refusal.retryAfterMs !== undefined ? { retryAfterMs: refusal.retryAfterMs } : {}),
            },
          };
        }
        if (ctx.balance_minor < costMinor) return fail('ERR_IPB', 'insufficient balance');

        const serverSeedHex = ctx.next_server_seed;
        const nonce = Number(ctx.next_nonce);
        const outcome = playRound(
          served.game,
          request.mode,
          choice,
          new ProvablyFairSource({
            serverSeed: hexToBytes(serverSeedHex),
            clientSeed: ctx.client_seed,
            nonce,
          }),
        );
        if (BigInt(outcome.stakeMinor) * 10_000n !== costMinor) {
          throw new Error(
            `invariant: evaluator stake ${outcome.stakeMinor} does not match cost ${costMinor}`,
          );
        }
        const payoutMinor = unitsToApi(outcome.totalWinUnits, choice);
        const events = bookEvents(outcome);
        const stateJson = JSON.stringify(events);
        const balanceAfterDebit = ctx.balance_minor - costMinor;
        const closed = payoutMinor === 0n;
        const bet: LedgerTransaction = {
          id: betTxId,
          kind: 'bet',
          idempotencyKey: betKey,
          requestHash: hash,
          playerId: request.playerId,
          currency: ctx.currency,
          amountMinor: costMinor,
          roundId,
          referenceTxId: null,
          createdAt: now,
          postings: [
            { accountId: ctx.account_id, amountMinor: -costMinor },
            {
              accountId: await houseShard(tx, 'house', ctx.currency, request.playerId),
              amountMinor: costMinor,
            },
          ],
        };
        const row: RoundRow = {
          id: roundId,
          player_id: request.playerId,
          game_id: served.id,
          game_version: served.version,
          math_hash: served.mathHash,
          mode: request.mode,
          currency: ctx.currency,
          amount_minor: request.amountMinor,
          cost_minor: costMinor,
          payout_minor: payoutMinor,
          coin_value_minor: choice.coinValueMinor,
          bet_level: choice.betLevel,
          status: closed ? 'closed' : 'active',
          event: null,
          state: JSON.parse(stateJson) as unknown[],
          server_seed_commitment: ctx.next_seed_commitment,
          server_seed: serverSeedHex,
          client_seed: ctx.client_seed,
          nonce: ctx.next_nonce,
          balance_before_minor: ctx.balance_minor,
          balance_after_minor: closed ? balanceAfterDebit : null,
          bet_tx_id: betTxId,
          started_at: now,
          ended_at: closed ? now : null,
        };
        const played = sealAudit(
          {
            chainId,
            kind: 'round.played',
            playerId: request.playerId,
            roundId,
            txId: betTxId,
            recordedAt: now,
            data: {
              requestId,
              sessionId: request.sessionId,
              gameId: served.id,
              gameVersion: served.version,
              mathHash: served.mathHash,
              mode: request.mode,
              amountMinor: request.amountMinor,
              costMinor,
              payoutMinor,
              bet: choice,
              stateSha256: stateHash(events),
              serverSeedCommitment: ctx.next_seed_commitment,
              clientSeed: ctx.client_seed,
              nonce,
              balanceBeforeMinor: ctx.balance_minor,
              balanceAfterDebitMinor: balanceAfterDebit,
            },
          },
          headOf(ctx),
        );
        const audits = [played];
        if (closed) {
          audits.push(
            sealAudit(
              {
                chainId,
                kind: 'round.closed',
                playerId: request.playerId,
                roundId,
                txId: null,
                recordedAt: now,
                data: { payoutMinor, serverSeed: serverSeedHex, balanceAfterMinor: balanceAfterDebit },
              },
              played,
            ),
          );
        }
        const value: PlayValue = {
          balance: { amountMinor: balanceAfterDebit, currency: ctx.currency },
          round: roundDetail(row),
        };
        // Round trip 2: every write of the round in one statement (then COMMIT): the bet and its
        // postings, the player's next seed, the round, its audit record(s), the session's start
        // (first play of a session under reality checks) and the stored response.
        const startsSession = (policy.realityCheckIntervalMs ?? 0) > 0 && ctx.session_started_at === null;
        const p = new Params();
        const parts = [
          `bet AS (${ledgerInsert(p, bet)})`,
          `legs AS (${postingsInsert(p, bet)})`,
          `seed AS (UPDATE rgs.players SET next_nonce = next_nonce + 1, next_server_seed = ${p.add(followingSeed.hex)},
                    next_seed_commitment = ${p.add(followingSeed.commitment)}
                     WHERE id = ${p.add(request.playerId)}::uuid AND next_nonce = ${p.add(ctx.next_nonce)}::bigint
                    RETURNING 1 AS one)`,
          `round AS (${roundInsert(p, row, stateJson, request.sessionId)})`,
          `audit AS (${auditInsert(p, audits)})`,
          ...(startsSession
            ? [
                `session AS (INSERT INTO rgs.play_sessions (player_id, session_id, started_at, reality_checked_at)
                   VALUES (${p.add(request.playerId)}, ${p.add(request.sessionId)}, ${p.add(now)}, ${p.add(now)})
                   ON CONFLICT (player_id, session_id) DO NOTHING)`,
              ]
            : []),
          `stored AS (${requestInsert(p, requestId, 'play', request.playerId, hash, value, now)})`,
        ];
        const [written] = await tx.query<{ n: bigint }>(
          `WITH ${parts.join(',\n')}\nSELECT count(*) AS n FROM seed`,
          p.values,
          { prepare: `rgs-play-${closed ? 'closed' : 'open'}${startsSession ? '-session' : ''}` },
        );
        if (written?.n !== 1n)
          throw new Error(`invariant: player ${request.playerId} changed under its lock`);
        return ok(value);
      });
    });

  /** The jurisdiction policy of a player; a player's jurisdiction is always configured. */
  const policyOf = (name: string): JurisdictionPolicy => {
    const policy = jurisdictions[name];
    if (policy === undefined) throw new Error(`unconfigured jurisdiction ${name}`);
    return policy;
  };

  /**
   * Why the play is refused (self-exclusion, minimum round duration, reality check due, loss
   * limit), or null. Pure: everything it needs was read under the player's lock.
   */
  function playRefusal(
    ctx: MoneyCallContext,
    policy: JurisdictionPolicy,
    costMinor: bigint,
    now: Date,
  ): { readonly reason: string; readonly retryAfterMs?: number } | null {
    if (ctx.self_excluded_until !== null && ctx.self_excluded_until > now) {
      return { reason: `self-excluded until ${ctx.self_excluded_until.toISOString()}` };
    }
    const minMs = policy.flags.minimumRoundDurationMs;
    if (minMs > 0 && ctx.last_start !== null) {
      const sinceMs = now.getTime() - ctx.last_start.getTime();
      if (sinceMs < minMs) {
        const retryAfterMs = minMs - Math.max(0, sinceMs);
        return {
          reason: `minimum round duration ${minMs} ms: next round allowed in ${retryAfterMs} ms`,
          retryAfterMs,
        };
      }
    }
    const intervalMs = policy.realityCheckIntervalMs ?? 0;
    if (intervalMs > 0 && ctx.session_checked_at !== null && ctx.session_started_at !== null) {
      const sinceCheckMs = now.getTime() - ctx.session_checked_at.getTime();
      if (sinceCheckMs >= intervalMs) {
        const elapsedMin = Math.floor((now.getTime() - ctx.session_started_at.getTime()) / 60_000);
        return {
          reason: `reality check due: ${elapsedMin} min of play in this session; acknowledge it to continue`,
        };
      }
    }
    if (ctx.loss_limit_minor !== null && ctx.loss_limit_window_ms !== null) {
      const loss = ctx.window_loss_minor ?? 0n;
      // Worst case of this round: the whole cost is lost.
      if (loss + costMinor > ctx.loss_limit_minor) {
        return { reason: `loss limit ${ctx.loss_limit_minor} over ${ctx.loss_limit_window_ms} ms` };
      }
    }
    return null;
  }

  // ----- settlement (endRound, stale rounds, rollbacks)

  /** Credits the round's payout (win referencing the bet), closes it and reveals its seed. */
  async function settleRound(
    tx: SqlExecutor,
    round: RoundRow,
    player: LockedPlayer,
    now: Date,
    how: 'end-round' | 'auto-complete',
  ): Promise<bigint> {
    if (round.payout_minor <= 0n) throw new Error(`invariant: active round ${round.id} pays nothing`);
    const winTxId = randomUUID();
    const balanceAfter = player.balance_minor + round.payout_minor;
    await writeLedgerTransaction(tx, {
      id: winTxId,
      kind: 'win',
      idempotencyKey: `win:${round.id}`,
      requestHash: requestHash({ op: 'win', roundId: round.id, payoutMinor: round.payout_minor }),
      playerId: round.player_id,
      currency: round.currency,
      amountMinor: round.payout_minor,
      roundId: round.id,
      referenceTxId: round.bet_tx_id,
      createdAt: now,
      postings: [
        { accountId: player.account_id, amountMinor: round.payout_minor },
        {
          accountId: await houseShard(tx, 'house', round.currency, round.player_id),
          amountMinor: -round.payout_minor,
        },
      ],
    });
    await tx.query(
      `UPDATE rgs.rounds SET status = 'closed', balance_after_minor = $2, settle_tx_id = $3, ended_at = $4
        WHERE id = $1 AND status = 'active'`,
      [round.id, balanceAfter, winTxId, now],
    );
    await appendAudit(tx, {
      chainId: playerChain(round.player_id),
      kind: 'round.closed',
      playerId: round.player_id,
      roundId: round.id,
      txId: winTxId,
      recordedAt: now,
      data: {
        how,
        payoutMinor: round.payout_minor,
        serverSeed: round.server_seed,
        balanceAfterMinor: balanceAfter,
      },
    });
    return balanceAfter;
  }

  /** Voids the round and refunds its cost ('refund' or a Hub88 'rollback'). */
  async function voidRound(
    tx: SqlExecutor,
    round: RoundRow,
    player: LockedPlayer,
    now: Date,
    kind: 'refund' | 'rollback',
    reason: string,
    idempotencyKey: string,
  ): Promise<bigint> {
    const txId = randomUUID();
    const balanceAfter = player.balance_minor + round.cost_minor;
    await writeLedgerTransaction(tx, {
      id: txId,
      kind,
      idempotencyKey,
      requestHash: requestHash({ op: kind, roundId: round.id, amountMinor: round.cost_minor }),
      playerId: round.player_id,
      currency: round.currency,
      amountMinor: round.cost_minor,
      roundId: round.id,
      referenceTxId: round.bet_tx_id,
      createdAt: now,
      postings: [
        { accountId: player.account_id, amountMinor: round.cost_minor },
        {
          accountId: await houseShard(tx, 'house', round.currency, round.player_id),
          amountMinor: -round.cost_minor,
        },
      ],
    });
    await tx.query(
      `UPDATE rgs.rounds SET status = 'voided', balance_after_minor = $2, settle_tx_id = $3, ended_at = $4,
              void_reason = $5
        WHERE id = $1 AND status = 'active'`,
      [round.id, balanceAfter, txId, now, reason],
    );
    await appendAudit(tx, {
      chainId: playerChain(round.player_id),
      kind: 'round.voided',
      playerId: round.player_id,
      roundId: round.id,
      txId,
      recordedAt: now,
      data: {
        reason,
        refundMinor: round.cost_minor,
        serverSeed: round.server_seed,
        balanceAfterMinor: balanceAfter,
      },
    });
    return balanceAfter;
  }

  const activeRoundOf = async (tx: SqlExecutor, playerId: string): Promise<RoundRow | undefined> =>
    (
      await tx.query<RoundRow>(
        `SELECT ${ROUND_COLUMNS} FROM rgs.rounds WHERE player_id = $1 AND status = 'active'`,
        [playerId],
      )
    )[0];

  type BalanceValue = { readonly balance: Balance };
  /** BalanceValue (what is stored for replays) and, with a view, the view's round. */
  type EndRoundValue = BalanceValue & { readonly round?: RoundDetail };

  const endRound: RgsCore['endRound'] = (request: EndRoundRequest) =>
    guard('endRound', async () => {
      if (!validRequestId(request?.requestId)) return fail('ERR_VAL', 'invalid requestId');
      const view = validView(request.latestRoundView, request.requestId);
      if (view === 'invalid') return fail('ERR_VAL', 'invalid latestRoundView');
      const bad = checkPlayerId(request.playerId);
      if (bad) return { ok: false, error: bad };
      const hash = requestHash({ op: 'end-round', playerId: request.playerId });
      const winTxId = randomUUID();
      const pin: ViewPin = {};
      return await moneyTx(async (tx): Promise<Result<EndRoundValue>> => {
        const now = clock();
        // Round trip 1 (after BEGIN): [the view,] lock, idempotency, the active round, audit head.
        const ctx = await readCallContext(
          tx,
          { ...request, view, forPlay: false, sessionId: null, now },
          pin,
        );
        const pinned = pin.value;
        if (ctx === undefined) return fail('ERR_VAL', 'unknown player');
        if (pinned !== undefined && pinned.round === null) return fail('ERR_BNF', NO_ROUND_MESSAGE);
        const requestId = pinned?.requestId ?? request.requestId;
        const viewRound = pinned?.round ? { round: roundDetail(pinned.round) } : {};
        const prior = priorOf(ctx, 'end-round', hash);
        if (prior.outcome === 'replay') return ok({ ...(prior.response as BalanceValue), ...viewRound });
        if (prior.outcome === 'conflict') return fail('ERR_IDEM', IDEM_MESSAGE);
        if (ctx.active_id === null) return fail('ERR_BNF', 'no active round');
        const roundId = ctx.active_id;
        const payoutMinor = ctx.active_payout_minor!;
        if (payoutMinor <= 0n) throw new Error(`invariant: active round ${roundId} pays nothing`);
        const balanceAfter = ctx.balance_minor + payoutMinor;
        const win: LedgerTransaction = {
          id: winTxId,
          kind: 'win',
          idempotencyKey: `win:${roundId}`,
          requestHash: requestHash({ op: 'win', roundId, payoutMinor }),
          playerId: request.playerId,
          currency: ctx.currency,
          amountMinor: payoutMinor,
          roundId,
          referenceTxId: ctx.active_bet_tx_id,
          createdAt: now,
          postings: [
            { accountId: ctx.account_id, amountMinor: payoutMinor },
            {
              accountId: await houseShard(tx, 'house', ctx.currency, request.playerId),
              amountMinor: -payoutMinor,
            },
          ],
        };
        const closedRecord = sealAudit(
          {
            chainId: playerChain(request.playerId),
            kind: 'round.closed',
            playerId: request.playerId,
            roundId,
            txId: winTxId,
            recordedAt: now,
            data: {
              how: 'end-round',
              payoutMinor,
              serverSeed: ctx.active_server_seed,
              balanceAfterMinor: balanceAfter,
            },
          },
          headOf(ctx),
        );
        const value: BalanceValue = { balance: { amountMinor: balanceAfter, currency: ctx.currency } };
        // Round trip 2: the win and its postings, the round closed, its audit record and the
        // stored response in one statement (then COMMIT).
        const p = new Params();
        const [written] = await tx.query<{ n: bigint }>(
          `WITH win AS (${ledgerInsert(p, win)}),
                legs AS (${postingsInsert(p, win)}),
                closed AS (UPDATE rgs.rounds SET status = 'closed', balance_after_minor = ${p.add(balanceAfter)},
                                  settle_tx_id = ${p.add(winTxId)}, ended_at = ${p.add(now)}
                            WHERE id = ${p.add(roundId)} AND status = 'active' RETURNING 1 AS one),
                audit AS (${auditInsert(p, [closedRecord])}),
                stored AS (${requestInsert(p, requestId, 'end-round', request.playerId, hash, value, now)})
           SELECT count(*) AS n FROM closed`,
          p.values,
          { prepare: 'rgs-end-round' },
        );
        if (written?.n !== 1n) throw new Error(`invariant: round ${roundId} changed under its player's lock`);
        return ok({ ...value, ...viewRound });
      });
    });

  const setEvent: RgsCore['setEvent'] = (playerId, event) =>
    guard('setEvent', async () => {
      const bad = checkPlayerId(playerId);
      if (bad) return { ok: false, error: bad };
      if (typeof event !== 'string' || event.length > MAX_EVENT_LENGTH)
        return fail('ERR_VAL', 'invalid event');
      const rows = await db.query<{ id: string }>(
        `UPDATE rgs.rounds SET event = $2 WHERE player_id = $1 AND status = 'active' RETURNING id`,
        [playerId, event],
      );
      return rows.length === 0 ? fail('ERR_BNF', 'no active round') : ok({ event });
    });

  const recall: RgsCore['recall'] = (playerId, limit) =>
    guard('recall', async () => {
      const bad = checkPlayerId(playerId);
      if (bad) return { ok: false, error: bad };
      if (!(Number.isInteger(limit) && limit >= 1 && limit <= MAX_RECALL_ROUNDS)) {
        return fail('ERR_VAL', `limit must be 1..${MAX_RECALL_ROUNDS}`);
      }
      const rows = await db.query<RoundRow>(
        `SELECT ${ROUND_COLUMNS} FROM rgs.rounds WHERE player_id = $1 ORDER BY nonce DESC LIMIT $2`,
        [playerId, limit],
      );
      return ok(rows.map(roundDetail));
    });

  const replay: RgsCore['replay'] = (roundId) =>
    guard('replay', async () => {
      if (typeof roundId !== 'string' || !UUID.test(roundId)) return fail('ERR_VAL', 'invalid roundId');
      const [row] = await db.query<RoundRow>(`SELECT ${ROUND_COLUMNS} FROM rgs.rounds WHERE id = $1`, [
        roundId,
      ]);
      if (row === undefined) return fail('ERR_BNF', 'round not found');
      const served = games.get(row.game_id);
      if (served === undefined || served.mathHash !== row.math_hash) {
        return fail('ERR_VAL', `game ${row.game_id} with math ${row.math_hash.slice(0, 12)} is not served`);
      }
      const bet = { coinValueMinor: row.coin_value_minor, betLevel: row.bet_level };
      const outcome = playRound(
        served.game,
        row.mode,
        bet,
        new ProvablyFairSource({
          serverSeed: hexToBytes(row.server_seed),
          clientSeed: row.client_seed,
          nonce: Number(row.nonce),
        }),
      );
      const replayedPayoutMinor = unitsToApi(outcome.totalWinUnits, bet);
      const reproduced =
        replayedPayoutMinor === row.payout_minor &&
        canonicalJson(bookEvents(outcome)) === canonicalJson(row.state) &&
        commitServerSeed(hexToBytes(row.server_seed)) === row.server_seed_commitment;
      const report: ReplayReport = {
        roundId,
        reproduced,
        storedPayoutMinor: row.payout_minor,
        replayedPayoutMinor,
      };
      return ok(report);
    });

  // ----- rounds by id, play sessions (reality checks)

  const round: RgsCore['round'] = (roundId) =>
    guard('round', async () => {
      if (typeof roundId !== 'string' || !UUID.test(roundId)) return fail('ERR_VAL', 'invalid roundId');
      const [row] = await db.query<RoundRow>(`SELECT ${ROUND_COLUMNS} FROM rgs.rounds WHERE id = $1`, [
        roundId,
      ]);
      return row === undefined ? fail('ERR_BNF', 'round not found') : ok(roundDetail(row));
    });

  /** Elapsed time, wagers, wins and net position of a session, at `now`. */
  async function sessionStatus(
    exec: SqlExecutor,
    playerId: string,
    sessionId: string,
    session: { readonly startedAt: Date; readonly checkedAt: Date },
    policy: JurisdictionPolicy,
    now: Date,
  ): Promise<SessionStatus> {
    const [totals] = await exec.query<{ rounds: bigint; wagered: bigint; won: bigint }>(
      `SELECT count(*) AS rounds, coalesce(sum(cost_minor), 0)::bigint AS wagered,
              coalesce(sum(payout_minor) FILTER (WHERE status = 'closed'), 0)::bigint AS won
         FROM rgs.rounds WHERE player_id = $1 AND session_id = $2 AND status <> 'voided'`,
      [playerId, sessionId],
    );
    const intervalMs = policy.realityCheckIntervalMs ?? 0;
    const dueAtMs = intervalMs > 0 ? session.checkedAt.getTime() + intervalMs : null;
    return {
      sessionId,
      startedAt: session.startedAt.toISOString(),
      elapsedMs: Math.max(0, now.getTime() - session.startedAt.getTime()),
      netPositionMinor: totals!.won - totals!.wagered,
      wageredMinor: totals!.wagered,
      wonMinor: totals!.won,
      rounds: Number(totals!.rounds),
      realityCheckIntervalMs: intervalMs,
      realityCheckDueAt: dueAtMs === null ? null : new Date(dueAtMs).toISOString(),
      realityCheckDue: dueAtMs !== null && now.getTime() >= dueAtMs,
    };
  }

  /** The session's row, created (started now) when missing. */
  async function ensureSession(
    exec: SqlExecutor,
    playerId: string,
    sessionId: string,
    now: Date,
  ): Promise<{ startedAt: Date; checkedAt: Date }> {
    const [row] = await exec.query<{ started_at: Date; reality_checked_at: Date }>(
      `WITH created AS (
         INSERT INTO rgs.play_sessions (player_id, session_id, started_at, reality_checked_at)
         VALUES ($1, $2, $3, $3) ON CONFLICT (player_id, session_id) DO NOTHING
         RETURNING started_at, reality_checked_at)
       SELECT started_at, reality_checked_at FROM created
       UNION ALL
       SELECT started_at, reality_checked_at FROM rgs.play_sessions WHERE player_id = $1 AND session_id = $2
       LIMIT 1`,
      [playerId, sessionId, now],
    );
    if (row === undefined) throw new Error(`invariant: session ${sessionId} neither created nor found`);
    return { startedAt: row.started_at, checkedAt: row.reality_checked_at };
  }

  const startSession: RgsCore['startSession'] = (request) =>
    guard('startSession', async () => {
      const bad = checkPlayerId(request?.playerId);
      if (bad) return { ok: false, error: bad };
      if (!validSessionId(request.sessionId)) return fail('ERR_VAL', 'invalid sessionId');
      const now = clock();
      return await moneyTx(async (tx): Promise<Result<SessionStatus>> => {
        const [player] = await tx.query<{ jurisdiction: string }>(
          'SELECT jurisdiction FROM rgs.players WHERE id = $1',
          [request.playerId],
        );
        if (player === undefined) return fail('ERR_VAL', 'unknown player');
        const session = await ensureSession(tx, request.playerId, request.sessionId, now);
        return ok(
          await sessionStatus(
            tx,
            request.playerId,
            request.sessionId,
            session,
            policyOf(player.jurisdiction),
            now,
          ),
        );
      });
    });

  const realityCheck: RgsCore['realityCheck'] = (request) =>
    guard('realityCheck', async () => {
      const bad = checkPlayerId(request?.playerId);
      if (bad) return { ok: false, error: bad };
      if (!validSessionId(request.sessionId)) return fail('ERR_VAL', 'invalid sessionId');
      type Checked = SessionStatus & { readonly acknowledged: boolean };
      return await moneyTx(async (tx): Promise<Result<Checked>> => {
        // The player's lock: an acknowledgement and a play of the same player never interleave.
        const player = await lockPlayer(tx, request.playerId);
        if (player === undefined) return fail('ERR_VAL', 'unknown player');
        const now = clock();
        const policy = policyOf(player.jurisdiction);
        const session = await ensureSession(tx, request.playerId, request.sessionId, now);
        const status = await sessionStatus(tx, request.playerId, request.sessionId, session, policy, now);
        if (!status.realityCheckDue) return ok({ ...status, acknowledged: false });
        await tx.query(
          'UPDATE rgs.play_sessions SET reality_checked_at = $3 WHERE player_id = $1 AND session_id = $2',
          [request.playerId, request.sessionId, now],
        );
        await appendAudit(tx, {
          chainId: playerChain(request.playerId),
          kind: 'reality-check.acknowledged',
          playerId: request.playerId,
          roundId: null,
          txId: null,
          recordedAt: now,
          data: {
            sessionId: request.sessionId,
            elapsedMs: status.elapsedMs,
            netPositionMinor: status.netPositionMinor,
            wageredMinor: status.wageredMinor,
            wonMinor: status.wonMinor,
            rounds: status.rounds,
          },
        });
        const acknowledged = await sessionStatus(
          tx,
          request.playerId,
          request.sessionId,
          { startedAt: session.startedAt, checkedAt: now },
          policy,
          now,
        );
        return ok({ ...acknowledged, acknowledged: true });
      });
    });

  // ----- operator side

  const deposit: RgsCoreService['deposit'] = (request) =>
    guard('deposit', async () => {
      if (!validRequestId(request?.requestId)) return fail('ERR_VAL', 'invalid requestId');
      const bad = checkPlayerId(request.playerId);
      if (bad) return { ok: false, error: bad };
      const amount = request.amountMinor;
      if (typeof amount !== 'bigint' || amount <= 0n || amount > MAX_AMOUNT_MINOR) {
        return fail('ERR_VAL', 'amountMinor must be a positive bigint');
      }
      const hash = requestHash({ op: 'deposit', playerId: request.playerId, amountMinor: amount });
      return await moneyTx(async (tx): Promise<Result<BalanceValue>> => {
        const player = await lockPlayer(tx, request.playerId);
        if (player === undefined) return fail('ERR_VAL', 'unknown player');
        const prior = await priorRequest(tx, request.requestId, 'deposit', hash);
        if (prior.outcome === 'replay') return ok(prior.response as BalanceValue);
        if (prior.outcome === 'conflict') return fail('ERR_IDEM', IDEM_MESSAGE);
        const now = clock();
        const refusal = await depositRefusal(tx, request.playerId, player, amount, now);
        if (refusal !== null) {
          await appendAudit(tx, {
            chainId: playerChain(request.playerId),
            kind: 'compliance.refused',
            playerId: request.playerId,
            roundId: null,
            txId: null,
            recordedAt: now,
            data: {
              requestId: request.requestId,
              reason: refusal,
              operation: 'deposit',
              amountMinor: amount,
            },
          });
          return fail('ERR_GLE', `gambling limit: ${refusal}`);
        }
        const txId = randomUUID();
        await writeLedgerTransaction(tx, {
          id: txId,
          kind: 'deposit',
          idempotencyKey: `deposit:${request.requestId}`,
          requestHash: hash,
          playerId: request.playerId,
          currency: player.currency,
          amountMinor: amount,
          roundId: null,
          referenceTxId: null,
          createdAt: now,
          postings: [
            { accountId: player.account_id, amountMinor: amount },
            {
              accountId: await houseShard(tx, 'funding', player.currency, request.playerId),
              amountMinor: -amount,
            },
          ],
        });
        const after = player.balance_minor + amount;
        await appendAudit(tx, {
          chainId: playerChain(request.playerId),
          kind: 'deposit',
          playerId: request.playerId,
          roundId: null,
          txId,
          recordedAt: now,
          data: { requestId: request.requestId, amountMinor: amount, balanceAfterMinor: after },
        });
        const value: BalanceValue = { balance: { amountMinor: after, currency: player.currency } };
        await storeResponse(tx, request.requestId, 'deposit', request.playerId, hash, value, now);
        return ok(value);
      });
    });

  /** Why a deposit is refused (over the daily or weekly deposit limit), or null. */
  async function depositRefusal(
    tx: SqlExecutor,
    playerId: string,
    player: LockedPlayer,
    amountMinor: bigint,
    now: Date,
  ): Promise<string | null> {
    const daily = player.deposit_limit_daily_minor;
    const weekly = player.deposit_limit_weekly_minor;
    if (daily === null && weekly === null) return null;
    const [sums] = await tx.query<{ day: bigint; week: bigint }>(
      `SELECT coalesce(sum(amount_minor) FILTER (WHERE created_at > $2), 0)::bigint AS day,
              coalesce(sum(amount_minor), 0)::bigint AS week
         FROM rgs.ledger_transactions
        WHERE player_id = $1 AND kind = 'deposit' AND created_at > $3`,
      [playerId, new Date(now.getTime() - DAY_MS), new Date(now.getTime() - WEEK_MS)],
    );
    if (daily !== null && sums!.day + amountMinor > daily) {
      return `deposit limit ${daily} per 24 h (deposited ${sums!.day} in the last 24 h)`;
    }
    if (weekly !== null && sums!.week + amountMinor > weekly) {
      return `deposit limit ${weekly} per 7 days (deposited ${sums!.week} in the last 7 days)`;
    }
    return null;
  }

  type RollbackValue = { readonly balance: Balance; readonly tombstone: boolean };

  const rollbackBet: RgsCoreService['rollbackBet'] = (request) =>
    guard('rollbackBet', async () => {
      if (!validRequestId(request?.requestId) || !validRequestId(request.betRequestId)) {
        return fail('ERR_VAL', 'invalid requestId');
      }
      const bad = checkPlayerId(request.playerId);
      if (bad) return { ok: false, error: bad };
      const betKey = `bet:${request.betRequestId}`;
      const hash = requestHash({ op: 'rollback', playerId: request.playerId, betKey });
      return await moneyTx(async (tx): Promise<Result<RollbackValue>> => {
        const player = await lockPlayer(tx, request.playerId);
        if (player === undefined) return fail('ERR_VAL', 'unknown player');
        const prior = await priorRequest(tx, request.requestId, 'rollback', hash);
        if (prior.outcome === 'replay') return ok(prior.response as RollbackValue);
        if (prior.outcome === 'conflict') return fail('ERR_IDEM', IDEM_MESSAGE);
        const now = clock();
        const [bet] = await tx.query<{ id: string; player_id: string }>(
          'SELECT id, player_id FROM rgs.ledger_transactions WHERE idempotency_key = $1',
          [betKey],
        );
        let value: RollbackValue;
        if (bet === undefined) {
          const [existing] = await tx.query<{ id: string }>(
            'SELECT id FROM rgs.ledger_transactions WHERE tombstone AND reference_key = $1',
            [betKey],
          );
          const txId = existing?.id ?? randomUUID();
          if (existing === undefined) {
            await tx.query(
              `INSERT INTO rgs.ledger_transactions (id, kind, idempotency_key, request_hash, player_id, currency,
                 amount_minor, reference_key, tombstone, created_at)
               VALUES ($1, 'rollback', $2, $3, $4, $5, 0, $6, true, $7)`,
              [txId, `rollback:${request.requestId}`, hash, request.playerId, player.currency, betKey, now],
            );
            await appendAudit(tx, {
              chainId: playerChain(request.playerId),
              kind: 'rollback.tombstone',
              playerId: request.playerId,
              roundId: null,
              txId,
              recordedAt: now,
              data: { requestId: request.requestId, betRequestId: request.betRequestId },
            });
          }
          value = {
            balance: { amountMinor: player.balance_minor, currency: player.currency },
            tombstone: true,
          };
        } else {
          if (bet.player_id !== request.playerId) return fail('ERR_VAL', 'the bet belongs to another player');
          const [round] = await tx.query<RoundRow>(
            `SELECT ${ROUND_COLUMNS} FROM rgs.rounds WHERE bet_tx_id = $1`,
            [bet.id],
          );
          if (round === undefined) throw new Error(`invariant: bet ${bet.id} has no round`);
          if (round.status !== 'active')
            return fail('ERR_VAL', `the round is ${round.status}: it cannot be rolled back`);
          const after = await voidRound(
            tx,
            round,
            player,
            now,
            'rollback',
            'rolled back',
            `rollback:${request.requestId}`,
          );
          value = { balance: { amountMinor: after, currency: player.currency }, tombstone: false };
        }
        await storeResponse(tx, request.requestId, 'rollback', request.playerId, hash, value, now);
        return ok(value);
      });
    });

  const setLimits: RgsCoreService['setLimits'] = (playerId, limits) =>
    guard('setLimits', async () => {
      const bad = checkPlayerId(playerId);
      if (bad) return { ok: false, error: bad };
      const loss = limits?.lossLimitMinor ?? null;
      const windowMs = limits?.lossLimitWindowMs ?? null;
      const until = limits?.selfExcludedUntil ?? null;
      const daily = limits?.depositLimitDailyMinor;
      const weekly = limits?.depositLimitWeeklyMinor;
      if ((loss === null) !== (windowMs === null)) return fail('ERR_VAL', 'a loss limit needs its window');
      if (loss !== null && (typeof loss !== 'bigint' || loss < 0n))
        return fail('ERR_VAL', 'invalid loss limit');
      if (windowMs !== null && !(Number.isSafeInteger(windowMs) && windowMs > 0)) {
        return fail('ERR_VAL', 'invalid loss limit window');
      }
      if (until !== null && !(until instanceof Date && Number.isFinite(until.getTime()))) {
        return fail('ERR_VAL', 'invalid self-exclusion date');
      }
      for (const limit of [daily, weekly]) {
        if (limit !== undefined && limit !== null && (typeof limit !== 'bigint' || limit < 0n)) {
          return fail('ERR_VAL', 'invalid deposit limit');
        }
      }
      return await moneyTx(async (tx): Promise<Result<PlayerLimits>> => {
        const player = await lockPlayer(tx, playerId);
        if (player === undefined) return fail('ERR_VAL', 'unknown player');
        // Absent deposit limits stay as they are (callers that predate them do not clear them).
        const dailyAfter = daily === undefined ? player.deposit_limit_daily_minor : daily;
        const weeklyAfter = weekly === undefined ? player.deposit_limit_weekly_minor : weekly;
        await tx.query(
          `UPDATE rgs.players SET loss_limit_minor = $2, loss_limit_window_ms = $3, self_excluded_until = $4,
                  deposit_limit_daily_minor = $5, deposit_limit_weekly_minor = $6
            WHERE id = $1`,
          [playerId, loss, windowMs, until, dailyAfter, weeklyAfter],
        );
        const value: PlayerLimits = {
          lossLimitMinor: loss,
          lossLimitWindowMs: windowMs,
          selfExcludedUntil: until,
          depositLimitDailyMinor: dailyAfter,
          depositLimitWeeklyMinor: weeklyAfter,
        };
        await appendAudit(tx, {
          chainId: playerChain(playerId),
          kind: 'limits.set',
          playerId,
          roundId: null,
          txId: null,
          recordedAt: clock(),
          data: { ...value },
        });
        return ok(value);
      });
    });

  const setClientSeed: RgsCoreService['setClientSeed'] = (playerId, clientSeed) =>
    guard('setClientSeed', async () => {
      const bad = checkPlayerId(playerId);
      if (bad) return { ok: false, error: bad };
      if (typeof clientSeed !== 'string' || clientSeed.length < 1 || clientSeed.length > 256) {
        return fail('ERR_VAL', 'clientSeed must be 1..256 characters');
      }
      return await moneyTx(async (tx): Promise<Result<{ clientSeed: string }>> => {
        if ((await lockPlayer(tx, playerId)) === undefined) return fail('ERR_VAL', 'unknown player');
        if ((await activeRoundOf(tx, playerId)) !== undefined) return fail('ERR_BE', 'a round is active');
        await tx.query('UPDATE rgs.players SET client_seed = $2 WHERE id = $1', [playerId, clientSeed]);
        await appendAudit(tx, {
          chainId: playerChain(playerId),
          kind: 'client-seed.set',
          playerId,
          roundId: null,
          txId: null,
          recordedAt: clock(),
          data: { clientSeed },
        });
        return ok({ clientSeed });
      });
    });

  const voidStaleRounds: RgsCoreService['voidStaleRounds'] = (opts) =>
    guard('voidStaleRounds', async () => {
      const olderThanMs = opts?.olderThanMs;
      if (!(Number.isSafeInteger(olderThanMs) && olderThanMs >= 0))
        return fail('ERR_VAL', 'invalid olderThanMs');
      const limit = opts.limit ?? MAX_STALE_ROUNDS_PER_CALL;
      if (!(Number.isInteger(limit) && limit >= 1 && limit <= MAX_STALE_ROUNDS_PER_CALL)) {
        return fail('ERR_VAL', `limit must be 1..${MAX_STALE_ROUNDS_PER_CALL}`);
      }
      const deadline = new Date(clock().getTime() - olderThanMs);
      const stale = await db.query<{ id: string; player_id: string; jurisdiction: string }>(
        `SELECT r.id, r.player_id, p.jurisdiction FROM rgs.rounds r JOIN rgs.players p ON p.id = r.player_id
          WHERE r.status = 'active' AND r.started_at < $1 ORDER BY r.started_at LIMIT $2`,
        [deadline, limit],
      );
      const actions: StaleRoundAction[] = [];
      for (const candidate of stale) {
        const policy: IncompleteRoundPolicy =
          jurisdictions[candidate.jurisdiction]?.incompleteRounds ?? 'complete';
        const action = await moneyTx(async (tx): Promise<StaleRoundAction | null> => {
          const player = await lockPlayer(tx, candidate.player_id);
          const round = await activeRoundOf(tx, candidate.player_id);
          // Ended meanwhile (endRound won the race): nothing to do.
          if (player === undefined || round === undefined || round.id !== candidate.id) return null;
          const now = clock();
          if (policy === 'complete') {
            await settleRound(tx, round, player, now, 'auto-complete');
            return {
              roundId: round.id,
              playerId: round.player_id,
              action: 'completed',
              creditedMinor: round.payout_minor,
            };
          }
          await voidRound(
            tx,
            round,
            player,
            now,
            'refund',
            `incomplete after ${olderThanMs} ms`,
            `refund:${round.id}`,
          );
          return {
            roundId: round.id,
            playerId: round.player_id,
            action: 'voided-refunded',
            creditedMinor: round.cost_minor,
          };
        });
        if (action !== null) actions.push(action);
      }
      return ok(actions);
    });

  const verifyLedger = async (): Promise<VerifyReport> => await verifyLedgerBooks(db);
  const verifyAudit = async (): Promise<VerifyReport> => await verifyAuditLog(db);

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    if (owned) await db.close();
  };

  return {
    databaseKind: db.kind,
    databaseRole,
    games,
    createPlayer,
    betConfig,
    jurisdiction,
    balance,
    currentRound,
    nextSeedCommitment,
    play,
    endRound,
    setEvent,
    recall,
    replay,
    round,
    startSession,
    realityCheck,
    verifyLedger,
    verifyAudit,
    close,
    deposit,
    rollbackBet,
    setLimits,
    setClientSeed,
    voidStaleRounds,
  };
}
