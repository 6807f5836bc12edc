/**
 * TEST ONLY — an in-memory stand-in for RgsCore, used by the HTTP tests for what the real core
 * cannot be made to do on demand (throwing a server fault) and as a fallback while the real core
 * (rgs/core, on PostgreSQL) is not available. It is NOT the product and is never imported outside
 * tests: no persistence, no audit, outcomes from a fixed cycle instead of an RNG.
 */
import type {
  Balance,
  BetConfig,
  EndRoundRequest,
  JurisdictionFlags,
  PlayerSpec,
  PlayRequest,
  ReplayReport,
  Result,
  RgsCore,
  RgsErrorCode,
  RoundDetail,
  SessionStatus,
  VerifyReport,
} from '../core/contract.ts';
import {
  ACTIVE_ROUND_MESSAGE,
  type LatestRoundView,
  NO_ROUND_MESSAGE,
  viewRequestId,
} from '../core/contract.ts';
import { DEFAULT_JURISDICTIONS } from '../core/jurisdictions.ts';

/** The real core's jurisdiction profiles (flags only): the fake answers with the same data. */
const FAKE_JURISDICTIONS: Record<string, JurisdictionFlags> = Object.fromEntries(
  Object.entries(DEFAULT_JURISDICTIONS).map(([name, policy]) => [name, policy.flags]),
);

export const FAKE_GAME_ID = 'fake-game';
const MODES = { base: { costMultiplier: 1, rtp: '96.00' }, bonus: { costMultiplier: 100, rtp: '96.10' } };
/** Payout multipliers ×10 cycled per player: zero, small win, zero, big win. */
const PAYOUT_CYCLE_X10 = [0n, 20n, 0n, 334n];

interface FakePlayer {
  balance: bigint;
  readonly currency: string;
  readonly jurisdiction: string;
  rounds: RoundDetail[];
}

const fail = <T>(code: RgsErrorCode, message: string): Result<T> => ({ ok: false, error: { code, message } });
const ok = <T>(value: T): Result<T> => ({ ok: true, value });

export class FakeRgsCore implements RgsCore {
  readonly players = new Map<string, FakePlayer>();
  private readonly done = new Map<string, { fingerprint: string; result: unknown }>();
  private nextPlayer = 1;
  private nextRound = 1;
  /** Set to make every call throw (a server fault). */
  broken = false;

  private check(): void {
    if (this.broken) throw new Error('fake core: simulated database failure');
  }

  async createPlayer(spec: PlayerSpec): Promise<Result<{ playerId: string }>> {
    this.check();
    if (!(spec.jurisdiction in FAKE_JURISDICTIONS))
      return fail('ERR_VAL', `unknown jurisdiction ${spec.jurisdiction}`);
    const playerId = `fake-player-${this.nextPlayer++}`;
    this.players.set(playerId, {
      balance: spec.initialBalanceMinor,
      currency: spec.currency,
      jurisdiction: spec.jurisdiction,
      rounds: [],
    });
    return ok({ playerId });
  }

  betConfig(gameId: string, _currency: string): Result<BetConfig> {
    this.check();
    if (gameId !== FAKE_GAME_ID) return fail('ERR_VAL', `unknown game ${gameId}`);
    return ok({
      gameId,
      minBet: 100_000n,
      maxBet: 100_000_000n,
      stepBet: 100_000n,
      defaultBetLevel: 1_000_000n,
      betLevels: [100_000n, 1_000_000n, 10_000_000n, 100_000_000n],
      betModes: MODES,
    });
  }

  async jurisdiction(playerId: string): Promise<Result<{ name: string; flags: JurisdictionFlags }>> {
    this.check();
    const player = this.players.get(playerId);
    if (!player) return fail('ERR_VAL', 'unknown player');
    return ok({ name: player.jurisdiction, flags: FAKE_JURISDICTIONS[player.jurisdiction]! });
  }

  async balance(playerId: string, currency: string): Promise<Result<Balance>> {
    this.check();
    const player = this.players.get(playerId);
    if (!player || player.currency !== currency) return fail('ERR_VAL', 'unknown player or currency');
    return ok({ amountMinor: player.balance, currency });
  }

  async currentRound(playerId: string, _gameId: string): Promise<Result<RoundDetail | null>> {
    this.check();
    const player = this.players.get(playerId);
    if (!player) return fail('ERR_VAL', 'unknown player');
    return ok(player.rounds.at(-1) ?? null);
  }

  async nextSeedCommitment(_playerId: string): Promise<Result<string>> {
    this.check();
    return ok('0'.repeat(64));
  }

  /** LatestRoundView as the real core: the latest round (this fake has one game), the effective key. */
  private viewOf(
    playerId: string,
    requestId: string,
    view: LatestRoundView | undefined,
  ): { readonly requestId: string; readonly latest: RoundDetail | null } | null {
    if (view === undefined) return null;
    const latest = this.players.get(playerId)?.rounds.at(-1) ?? null;
    return { requestId: view.keyed ? viewRequestId(requestId, latest?.roundId ?? null) : requestId, latest };
  }

  async play(request_: PlayRequest): Promise<Result<{ balance: Balance; round: RoundDetail }>> {
    this.check();
    const viewed = this.viewOf(request_.playerId, request_.requestId, request_.latestRoundView);
    if (viewed?.latest?.active) return fail('ERR_BE', ACTIVE_ROUND_MESSAGE);
    const request = viewed === null ? request_ : { ...request_, requestId: viewed.requestId };
    const fingerprint = JSON.stringify([request.playerId, request.mode, String(request.amountMinor)]);
    const seen = this.done.get(request.requestId);
    if (seen) {
      return seen.fingerprint === fingerprint
        ? (seen.result as Result<{ balance: Balance; round: RoundDetail }>)
        : fail('ERR_IDEM', 'idempotency key reused with a different payload');
    }
    const player = this.players.get(request.playerId);
    if (!player) return fail('ERR_IS', 'unknown player');
    if (player.rounds.at(-1)?.active) return fail('ERR_BE', 'a round is active');
    const mode = MODES[request.mode as keyof typeof MODES];
    if (!mode) return fail('ERR_VAL', `unknown mode ${request.mode}`);
    const config = (this.betConfig(request.gameId, request.currency) as { value: BetConfig }).value;
    if (!config.betLevels.includes(request.amountMinor)) return fail('ERR_VAL', 'amount is not a bet level');
    const cost = request.amountMinor * BigInt(mode.costMultiplier);
    if (cost > player.balance) return fail('ERR_IPB', 'insufficient balance');
    const x10 = PAYOUT_CYCLE_X10[player.rounds.length % PAYOUT_CYCLE_X10.length]!;
    const payout = (request.amountMinor * x10) / 10n;
    const before = player.balance;
    player.balance -= cost;
    const active = payout > 0n;
    if (!active) player.balance += payout;
    const round: RoundDetail = {
      roundId: `fake-round-${this.nextRound++}`,
      gameId: request.gameId,
      gameVersion: '1.0.0',
      mathHash: 'f'.repeat(64),
      mode: request.mode,
      amountMinor: request.amountMinor,
      costMinor: cost,
      payoutMinor: payout,
      payoutMultiplier: (Number(x10) / 10).toString(),
      active,
      status: active ? 'active' : 'closed',
      event: null,
      state: [{ index: 0, type: 'reveal', payoutMultiplier: Number(x10) / 10 }],
      balanceBeforeMinor: before,
      balanceAfterMinor: active ? null : player.balance,
      startedAt: new Date().toISOString(),
      endedAt: active ? null : new Date().toISOString(),
      fairness: {
        serverSeedCommitment: '0'.repeat(64),
        serverSeed: null,
        clientSeed: 'c',
        nonce: player.rounds.length,
      },
    };
    player.rounds.push(round);
    const result = ok({ balance: { amountMinor: player.balance, currency: player.currency }, round });
    this.done.set(request.requestId, { fingerprint, result });
    return result;
  }

  async endRound(request_: EndRoundRequest): Promise<Result<{ balance: Balance; round?: RoundDetail }>> {
    this.check();
    const viewed = this.viewOf(request_.playerId, request_.requestId, request_.latestRoundView);
    if (viewed !== null && viewed.latest === null) return fail('ERR_BNF', NO_ROUND_MESSAGE);
    const request = viewed === null ? request_ : { ...request_, requestId: viewed.requestId };
    const withRound = (
      result: Result<{ balance: Balance }>,
    ): Result<{ balance: Balance; round?: RoundDetail }> =>
      result.ok && viewed?.latest ? ok({ ...result.value, round: viewed.latest }) : result;
    const fingerprint = JSON.stringify([request.playerId, 'end']);
    const seen = this.done.get(request.requestId);
    if (seen) return withRound(seen.result as Result<{ balance: Balance }>);
    void fingerprint;
    const player = this.players.get(request.playerId);
    if (!player) return fail('ERR_IS', 'unknown player');
    const last = player.rounds.at(-1);
    if (!last?.active) return fail('ERR_BNF', 'no active round');
    player.balance += last.payoutMinor;
    player.rounds[player.rounds.length - 1] = {
      ...last,
      active: false,
      status: 'closed',
      balanceAfterMinor: player.balance,
      endedAt: new Date().toISOString(),
    };
    const result = ok({ balance: { amountMinor: player.balance, currency: player.currency } });
    this.done.set(request.requestId, { fingerprint, result });
    return withRound(result);
  }

  async setEvent(playerId: string, event: string): Promise<Result<{ event: string }>> {
    this.check();
    const player = this.players.get(playerId);
    const last = player?.rounds.at(-1);
    if (!player || !last?.active) return fail('ERR_BNF', 'no active round');
    player.rounds[player.rounds.length - 1] = { ...last, event };
    return ok({ event });
  }

  async recall(playerId: string, limit: number): Promise<Result<readonly RoundDetail[]>> {
    this.check();
    return ok([...(this.players.get(playerId)?.rounds ?? [])].reverse().slice(0, limit));
  }

  async replay(roundId: string): Promise<Result<ReplayReport>> {
    this.check();
    for (const player of this.players.values()) {
      const round = player.rounds.find((r) => r.roundId === roundId);
      if (round) {
        return ok({
          roundId,
          reproduced: true,
          storedPayoutMinor: round.payoutMinor,
          replayedPayoutMinor: round.payoutMinor,
        });
      }
    }
    return fail('ERR_BNF', 'no such round');
  }

  async round(roundId: string): Promise<Result<RoundDetail>> {
    this.check();
    for (const player of this.players.values()) {
      const round = player.rounds.find((r) => r.roundId === roundId);
      if (round) return ok(round);
    }
    return fail('ERR_BNF', 'no such round');
  }

  /** Sessions without reality checks: the status of a session that never needs one. */
  private sessionStatus(playerId: string, sessionId: string): Result<SessionStatus> {
    if (!this.players.has(playerId)) return fail('ERR_VAL', 'unknown player');
    return ok({
      sessionId,
      startedAt: new Date(0).toISOString(),
      elapsedMs: 0,
      netPositionMinor: 0n,
      wageredMinor: 0n,
      wonMinor: 0n,
      rounds: 0,
      realityCheckIntervalMs: 0,
      realityCheckDueAt: null,
      realityCheckDue: false,
    });
  }

  async startSession(request: { playerId: string; sessionId: string }): Promise<Result<SessionStatus>> {
    this.check();
    return this.sessionStatus(request.playerId, request.sessionId);
  }

  async realityCheck(request: {
    playerId: string;
    sessionId: string;
  }): Promise<Result<SessionStatus & { acknowledged: boolean }>> {
    this.check();
    const status = this.sessionStatus(request.playerId, request.sessionId);
    return status.ok ? ok({ ...status.value, acknowledged: false }) : status;
  }

  async verifyLedger(): Promise<VerifyReport> {
    return { ok: true, checked: 0, problems: [] };
  }

  async verifyAudit(): Promise<VerifyReport> {
    return { ok: true, checked: 0, problems: [] };
  }

  async close(): Promise<void> {}
}
