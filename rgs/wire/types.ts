/**
 * Request and response bodies of the RGS's HTTP API as JSON on the wire (rgs/http/app.ts and
 * present.ts build them; shared/protocols/stake-engine-rgs.md summarises Stake's). Every amount is
 * in API units (units.ts): a safe integer with 6 implied decimals. Fields marked Croupier are
 * extensions a Stake client ignores.
 */

export interface WireBalance {
  /** API units. */
  readonly amount: number;
  readonly currency: string;
}

export interface WireJurisdiction {
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
  /** Milliseconds (Stake's name has no unit). */
  readonly minimumRoundDuration: number;
}

export interface WireBetMode {
  readonly costMultiplier: number;
  readonly rtp: string;
  readonly [extra: string]: unknown;
}

export interface WireBetConfig {
  readonly gameID: string;
  /** API units, as are maxBet, stepBet, defaultBetLevel and betLevels. */
  readonly minBet: number;
  readonly maxBet: number;
  readonly stepBet: number;
  readonly defaultBetLevel: number;
  readonly betLevels: readonly number[];
  readonly betModes: Readonly<Record<string, WireBetMode>>;
  readonly jurisdiction: WireJurisdiction;
}

/** A round (Stake RoundDetail plus Croupier's recall fields). */
export interface WireRound {
  readonly betID: string;
  /** The third-party client's name for betID. */
  readonly roundID?: string;
  /** Base bet, API units. */
  readonly amount: number;
  /** API units. */
  readonly payout: number;
  readonly payoutMultiplier: number;
  readonly active: boolean;
  readonly mode: string;
  readonly event: string | null;
  /** Book events. */
  readonly state: readonly unknown[];
  // Croupier recall fields.
  readonly payoutMultiplierExact?: string;
  readonly costMultiplier?: number;
  /** What was debited (amount × the mode's cost), API units. */
  readonly cost?: number;
  readonly status?: 'active' | 'closed' | 'voided';
  readonly gameID?: string;
  readonly version?: string;
  readonly mathHash?: string;
  readonly balanceBefore?: number;
  readonly balanceAfter?: number | null;
  readonly startedAt?: string;
  readonly endedAt?: string | null;
  readonly fairness?: {
    readonly serverSeedCommitment: string;
    readonly serverSeed: string | null;
    readonly clientSeed: string;
    readonly nonce: number;
  };
  readonly [extra: string]: unknown;
}

/** Net position (API units) and the session timer, when the jurisdiction shows them. */
export interface WireSessionExtras {
  readonly netPosition?: number;
}

export interface AuthenticateRequest {
  readonly sessionID: string;
  readonly language?: string;
}
export interface AuthenticateResponse {
  readonly balance: WireBalance;
  readonly config: WireBetConfig;
  /** The active round, else the last completed one, else null (resume on authenticate). */
  readonly round: WireRound | null;
  readonly meta?: Readonly<Record<string, unknown>>;
}

export interface SessionRequest {
  readonly sessionID: string;
}
export interface BalanceResponse extends WireSessionExtras {
  readonly balance: WireBalance;
  readonly meta?: Readonly<Record<string, unknown>>;
}

export interface PlayRequest {
  readonly sessionID: string;
  /** Base bet, API units. */
  readonly amount: number;
  readonly mode: string;
  readonly currency?: string;
}
export interface PlayResponse extends WireSessionExtras {
  readonly balance: WireBalance;
  readonly round: WireRound;
}

export type EndRoundRequest = SessionRequest;
export interface EndRoundResponse extends WireSessionExtras {
  readonly balance: WireBalance;
}

export interface EventRequest {
  readonly sessionID: string;
  readonly event: string;
}
export interface EventResponse {
  readonly event: string;
}

/** Both documented replay shapes, as a superset. */
export interface ReplayResponse {
  readonly round: WireRound & { readonly replayedPayout?: number; readonly reproduced?: boolean };
  readonly status: string;
  readonly payout: number;
  readonly payoutMultiplier: number;
  readonly costMultiplier: number;
  readonly state: readonly unknown[];
}

export interface RecallRequest {
  readonly sessionID: string;
  /** 1..100. */
  readonly limit?: number;
}
export interface RecallResponse {
  readonly rounds: readonly WireRound[];
}

export interface RealityCheckResponse {
  readonly realityCheck: {
    readonly sessionStartedAt: string;
    readonly elapsedMs: number;
    /** API units, as are wagered and won. */
    readonly netPosition: number;
    readonly wagered: number;
    readonly won: number;
    readonly rounds: number;
    readonly intervalMs: number;
    readonly due: boolean;
    readonly nextDueAt: string | null;
  };
  readonly acknowledged: boolean;
}

export interface GameInfoResponse {
  readonly gameID: string;
  readonly minBet: number;
  readonly maxBet: number;
  readonly stepBet: number;
  readonly defaultBetLevel: number;
  readonly betLevels: readonly number[];
  readonly betModes: Readonly<Record<string, WireBetMode>>;
  readonly rtp: Readonly<Record<string, string>>;
  readonly rules: readonly string[];
}

/** Operator: open a session (a new player unless `playerID` names an existing one). */
export interface SessionStartRequest {
  readonly currency: string;
  /** Starting balance of a new player, API units (zero allowed). */
  readonly balance?: number;
  readonly jurisdiction?: string;
  readonly gameID?: string;
  readonly language?: string;
  readonly device?: 'mobile' | 'desktop';
  readonly playerID?: string;
}
export interface SessionStartResponse {
  readonly sessionID: string;
  readonly playerID: string;
  /** The launch URL (`…?sessionID=&lang=&currency=&device=&rgs_url=`). */
  readonly url: string;
  readonly expiresAt: string;
  readonly jurisdiction: WireJurisdiction & { readonly name: string };
}
export interface SessionEndResponse {
  readonly revoked: true;
}

/** WebSocket push messages (`GET /ws?sessionID=`). */
export type WirePushMessage =
  | { readonly type: 'hello'; readonly gameID: string }
  | { readonly type: 'balance'; readonly balance: WireBalance }
  | { readonly type: 'round'; readonly round: WireRound };
