/**
 * The contract between the RGS core (wallet, ledger, rounds, audit: rgs/core, on PostgreSQL or
 * PGlite) and its front ends (the HTTP/WebSocket server in rgs/http, the CLI). The HTTP layer
 * never touches SQL; the core never sees HTTP.
 *
 * Money: bigint minor units everywhere inside. The Stake Engine API unit is an integer with six
 * implied decimals (1_000_000 = 1.00); `API_UNITS_PER_MAJOR` converts. Never a float.
 * Errors: values with stable codes (the Stake Engine codes), never thrown across this boundary for
 * a client's mistake.
 */

/** Stake Engine API amounts carry 6 implied decimals. */
export const API_UNITS_PER_MAJOR = 1_000_000n;

export type RgsErrorCode =
  | 'ERR_VAL' // invalid request (bad amount, unknown mode, step/level violation)
  | 'ERR_IPB' // insufficient balance
  | 'ERR_IS' // invalid or expired session
  | 'ERR_ATE' // auth token expired
  | 'ERR_GLE' // gambling limit (loss/deposit limit, self-exclusion, reality check, min round duration)
  | 'ERR_BNF' // bet (round) not found
  | 'ERR_BE' // an active bet exists
  | 'ERR_IDEM' // idempotency key reused with a different payload
  | 'ERR_MAINTENANCE'
  | 'ERR_GEN'; // server error (never for a client's mistake)

export interface RgsError {
  readonly code: RgsErrorCode;
  /** One human-readable line; never a stack trace, never personal data. */
  readonly message: string;
  /** When retrying makes sense only later (minimum round duration): after this many ms. */
  readonly retryAfterMs?: number;
  /**
   * ERR_MAINTENANCE only: the reply to the call's COMMIT was lost and its status could not be read
   * back in time, so it may have taken effect. A retry with the same requestId finds the outcome;
   * a caller without its own key (HTTP without Idempotency-Key) must read the state instead.
   */
  readonly outcomeUnknown?: boolean;
}

export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: RgsError };

export interface Balance {
  /** Minor units with 6 implied decimals (the API unit). */
  readonly amountMinor: bigint;
  readonly currency: string;
}

export interface JurisdictionFlags {
  readonly socialCasino: boolean;
  readonly disabledFullscreen: boolean;
  readonly disabledTurbo: boolean;
  readonly disabledSuperTurbo: boolean;
  readonly disabledAutoplay: boolean;
  readonly disabledSlamstop: boolean;
  readonly disabledSpacebar: boolean;
  readonly disabledBuyFeature: boolean;
  readonly displayNetPosition: boolean;
  readonly displayRTP: boolean;
  readonly displaySessionTimer: boolean;
  readonly minimumRoundDurationMs: number;
}

export interface BetConfig {
  readonly gameId: string;
  readonly minBet: bigint;
  readonly maxBet: bigint;
  readonly stepBet: bigint;
  readonly defaultBetLevel: bigint;
  readonly betLevels: readonly bigint[];
  /** mode name -> cost multiplier and the mode's RTP (exposed in game info). */
  readonly betModes: Readonly<Record<string, { readonly costMultiplier: number; readonly rtp: string }>>;
}

/** A round as the API shows it (Stake Engine RoundDetail, plus recall fields). */
export interface RoundDetail {
  readonly roundId: string;
  readonly gameId: string;
  readonly gameVersion: string;
  readonly mathHash: string;
  readonly mode: string;
  /** Base bet (before the mode's cost multiplier). */
  readonly amountMinor: bigint;
  /** What was debited: amount × cost multiplier. */
  readonly costMinor: bigint;
  readonly payoutMinor: bigint;
  /** payout / amount as a decimal string (exact, e.g. "33.4"). */
  readonly payoutMultiplier: string;
  readonly active: boolean;
  readonly status: 'active' | 'closed' | 'voided';
  /** The last progress marker the front end stored with /bet/event. */
  readonly event: string | null;
  /** Book events: the round's full outcome (stops, wins, free spins) as an event array. */
  readonly state: readonly unknown[];
  readonly balanceBeforeMinor: bigint;
  readonly balanceAfterMinor: bigint | null;
  readonly startedAt: string;
  readonly endedAt: string | null;
  /** Provably fair: the commitment was shown before the bet; the seed is revealed once closed. */
  readonly fairness: {
    readonly serverSeedCommitment: string;
    readonly serverSeed: string | null;
    readonly clientSeed: string;
    readonly nonce: number;
  };
}

export interface PlayRequest {
  /** Idempotency key of this money movement (a retry carries the same key). */
  readonly requestId: string;
  readonly playerId: string;
  readonly sessionId: string;
  readonly currency: string;
  readonly gameId: string;
  readonly mode: string;
  readonly amountMinor: bigint;
  /** For a caller without a client key (rgs/http/idempotency.ts); see LatestRoundView. */
  readonly latestRoundView?: LatestRoundView;
}

export interface EndRoundRequest {
  readonly requestId: string;
  readonly playerId: string;
  readonly sessionId: string;
  /** Ends only a round of this game (ERR_BNF otherwise); a latestRoundView implies its game. */
  readonly gameId?: string;
  /** For a caller without a client key (rgs/http/idempotency.ts); see LatestRoundView. */
  readonly latestRoundView?: LatestRoundView;
}

/**
 * The caller's view of the ledger, read by the core: the player's latest round in `gameId` (the
 * active one, else the newest: `currentRound`), read in the same statement that then takes the
 * player's lock but with that statement's snapshot, taken before the lock is waited for. It is what
 * a `currentRound` call just before the money call would have seen (two racing calls both see the
 * state before either commits), without its round trip. Then:
 * - `keyed`: the effective requestId is `viewRequestId(requestId, latest round id or null)`;
 * - play: a latest round of this game that is active is ERR_BE, before idempotency;
 * - end-round: no round in this game is ERR_BNF; the answer carries the round (`round`).
 */
export interface LatestRoundView {
  readonly gameId: string;
  readonly keyed: boolean;
}

/** The requestId of a call keyed on its view (LatestRoundView.keyed); the SQL builds the same. */
export function viewRequestId(requestId: string, latestRoundId: string | null): string {
  return `${requestId}:${latestRoundId ?? 'none'}`;
}

/** ERR_BE of a play whose view has an active round in its game. */
export const ACTIVE_ROUND_MESSAGE = 'a round is active: end it first (or resume it via /wallet/authenticate)';
/** ERR_BNF of an end-round whose view has no round in its game. */
export const NO_ROUND_MESSAGE = 'no round to end';

export interface PlayerSpec {
  readonly currency: string;
  readonly initialBalanceMinor: bigint;
  readonly jurisdiction: string;
}

/** A play session as the core sees it (reality checks, session timer, net position). */
export interface SessionStatus {
  readonly sessionId: string;
  readonly startedAt: string;
  /** Play time of the session so far. */
  readonly elapsedMs: number;
  /** Wins credited minus stakes debited in this session (rounds not voided); negative: a loss. */
  readonly netPositionMinor: bigint;
  readonly wageredMinor: bigint;
  readonly wonMinor: bigint;
  readonly rounds: number;
  /** The jurisdiction's reality-check interval (0: none). */
  readonly realityCheckIntervalMs: number;
  /** When play will next be refused until a reality check is acknowledged (null: never). */
  readonly realityCheckDueAt: string | null;
  /** A reality check is due now: play is refused until it is acknowledged. */
  readonly realityCheckDue: boolean;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly checked: number;
  readonly problems: readonly string[];
}

export interface ReplayReport {
  readonly roundId: string;
  /** The evaluator re-run from the stored seed reproduced the stored outcome exactly. */
  readonly reproduced: boolean;
  readonly storedPayoutMinor: bigint;
  readonly replayedPayoutMinor: bigint;
  /** A publication's book drawn again from the stored seeds (its simulation id). */
  readonly simulationId?: number;
}

/** The RGS core's operations. Every money movement is one ACID transaction, idempotent by requestId. */
export interface RgsCore {
  createPlayer(spec: PlayerSpec): Promise<Result<{ readonly playerId: string }>>;
  betConfig(gameId: string, currency: string): Result<BetConfig>;
  jurisdiction(playerId: string): Promise<
    Result<{
      readonly name: string;
      readonly flags: JurisdictionFlags;
      /** Play time after which a reality check must be acknowledged (0 or absent: none). */
      readonly realityCheckIntervalMs?: number;
    }>
  >;
  balance(playerId: string, currency: string): Promise<Result<Balance>>;
  /** The active round, else the last completed one, else null (resume on authenticate). */
  currentRound(playerId: string, gameId: string): Promise<Result<RoundDetail | null>>;
  /** Commitment to the server seed the player's next round will use (shown before the bet). */
  nextSeedCommitment(playerId: string): Promise<Result<string>>;
  /** `replayed`: the stored answer of an earlier call with this requestId (nothing new booked). */
  play(
    request: PlayRequest,
  ): Promise<Result<{ readonly balance: Balance; readonly round: RoundDetail; readonly replayed?: boolean }>>;
  /** `round`: with a latestRoundView, the round of the view (the one this call ends or ended). */
  endRound(
    request: EndRoundRequest,
  ): Promise<Result<{ readonly balance: Balance; readonly round?: RoundDetail }>>;
  /** Marks the player's active round (in `gameId` when given: a session touches only its game). */
  setEvent(playerId: string, event: string, gameId?: string): Promise<Result<{ readonly event: string }>>;
  /** The last `limit` rounds (at least 10 kept), newest first, with their steps. */
  recall(playerId: string, limit: number): Promise<Result<readonly RoundDetail[]>>;
  replay(roundId: string): Promise<Result<ReplayReport>>;
  /** One round by id, with its state (book events); ERR_BNF when unknown. */
  round(roundId: string): Promise<Result<RoundDetail>>;
  /**
   * Records the start of a play session (idempotent: the first start counts). Play in a session
   * the core was never told about starts its clock at the first play.
   */
  startSession(request: {
    readonly playerId: string;
    readonly sessionId: string;
  }): Promise<Result<SessionStatus>>;
  /**
   * The session's reality check: elapsed time, net position; when one is due, acknowledges it
   * (audited) so that play may resume for another interval. `acknowledged` says whether it did.
   */
  realityCheck(request: {
    readonly playerId: string;
    readonly sessionId: string;
  }): Promise<Result<SessionStatus & { readonly acknowledged: boolean }>>;
  verifyLedger(): Promise<VerifyReport>;
  verifyAudit(): Promise<VerifyReport>;
  /** Resolves when the database answers a trivial statement on the core's own pool (readiness). */
  ping?(): Promise<void>;
  close(): Promise<void>;
}
