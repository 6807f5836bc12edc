/**
 * The core's values (bigint inside) as Stake Engine API JSON (integers with 6 implied decimals).
 */
import type { Balance, BetConfig, JurisdictionFlags, RoundDetail, SessionStatus } from '../core/contract.ts';
import { minorToApiAmount } from './schemas.ts';

export interface ApiBalance {
  readonly amount: number;
  readonly currency: string;
}

export function presentBalance(balance: Balance): ApiBalance {
  return { amount: minorToApiAmount(balance.amountMinor), currency: balance.currency };
}

/**
 * RoundDetail as the API shows it: the Stake fields (betID, amount, payout, payoutMultiplier,
 * active, mode, event, state), `roundID` (the third-party client's name for betID), and the
 * recall fields (game, version, math hash, cost, status, times, provably-fair data).
 */
export function presentRound(round: RoundDetail) {
  const costMultiplier = round.amountMinor > 0n ? Number(round.costMinor) / Number(round.amountMinor) : 0;
  return {
    betID: round.roundId,
    roundID: round.roundId,
    amount: minorToApiAmount(round.amountMinor),
    payout: minorToApiAmount(round.payoutMinor),
    // Real payloads carry a JSON number (33.4); the exact decimal string stays in the recall field.
    payoutMultiplier: Number(round.payoutMultiplier),
    payoutMultiplierExact: round.payoutMultiplier,
    costMultiplier,
    cost: minorToApiAmount(round.costMinor),
    active: round.active,
    status: round.status,
    mode: round.mode,
    event: round.event,
    state: sortKeysDeep(round.state),
    gameID: round.gameId,
    version: round.gameVersion,
    mathHash: round.mathHash,
    balanceBefore: minorToApiAmount(round.balanceBeforeMinor),
    balanceAfter: round.balanceAfterMinor === null ? null : minorToApiAmount(round.balanceAfterMinor),
    startedAt: round.startedAt,
    endedAt: round.endedAt,
    fairness: {
      serverSeedCommitment: round.fairness.serverSeedCommitment,
      serverSeed: round.fairness.serverSeed,
      clientSeed: round.fairness.clientSeed,
      nonce: round.fairness.nonce,
    },
  };
}

/**
 * The value with every object's keys in code-point order. A round's state comes from the evaluator
 * (its own key order) or from jsonb (PostgreSQL's order); sorted, the same round is the same bytes
 * on every path (a replayed Idempotency-Key answer is byte for byte the original).
 */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    const sorted: Record<string, unknown> = {};
    for (const key of keys) sorted[key] = sortKeysDeep((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}

export function presentJurisdiction(flags: JurisdictionFlags) {
  const { minimumRoundDurationMs, ...booleans } = flags;
  // The Stake field is `minimumRoundDuration` (milliseconds).
  return { ...booleans, minimumRoundDuration: minimumRoundDurationMs };
}

/**
 * The bet offer as the API shows it, in /wallet/authenticate's config and in game info alike (one
 * presentation). Each bet mode carries the schema's `mode` (its name) and `feature` (a mode that
 * costs other than the base bet, such as a bonus buy), beside its cost multiplier and RTP.
 */
export function presentBetOffer(config: BetConfig) {
  const betModes: Record<string, { costMultiplier: number; rtp: string; mode: string; feature: boolean }> =
    {};
  for (const [mode, info] of Object.entries(config.betModes)) {
    betModes[mode] = { ...info, mode, feature: info.costMultiplier !== 1 };
  }
  return {
    gameID: config.gameId,
    minBet: minorToApiAmount(config.minBet),
    maxBet: minorToApiAmount(config.maxBet),
    stepBet: minorToApiAmount(config.stepBet),
    defaultBetLevel: minorToApiAmount(config.defaultBetLevel),
    betLevels: config.betLevels.map(minorToApiAmount),
    betModes,
  };
}

export function presentBetConfig(config: BetConfig, flags: JurisdictionFlags) {
  return { ...presentBetOffer(config), jurisdiction: presentJurisdiction(flags) };
}

/**
 * The served mode a client's mode name means: exact, else the one equal ignoring case (web-sdk
 * defaults to `BASE`; our modes are lower-case), else undefined.
 */
export function servedMode(config: BetConfig, mode: string): string | undefined {
  if (Object.hasOwn(config.betModes, mode)) return mode;
  const folded = mode.toLowerCase();
  return Object.keys(config.betModes).find((name) => name.toLowerCase() === folded);
}

/** Plain-language rules derived from the configuration (game info). */
export function gameRules(config: BetConfig): string[] {
  const units = (minor: bigint) => `${minorToApiAmount(minor) / 1_000_000}`;
  // Only the listed levels are accepted (see errors.ts, "Bet levels"): say so, not "steps of".
  const rules = [`Bets: one of ${config.betLevels.map(units).join(', ')} (the bet levels).`];
  for (const [mode, info] of Object.entries(config.betModes)) {
    rules.push(
      `Mode "${mode}" costs ${info.costMultiplier}x the bet; its theoretical return to player is ${info.rtp}.`,
    );
  }
  rules.push(
    'Payouts are the bet times the payout multiplier shown for the round.',
    'A round left unfinished (disconnection) is resumed when the game is opened again.',
    'Malfunction voids all pays and plays.',
  );
  return rules;
}

/** A play session's reality-check view: elapsed time, wagers, wins and net position (API units). */
export function presentSessionStatus(status: SessionStatus) {
  return {
    sessionStartedAt: status.startedAt,
    elapsedMs: status.elapsedMs,
    netPosition: minorToApiAmount(status.netPositionMinor),
    wagered: minorToApiAmount(status.wageredMinor),
    won: minorToApiAmount(status.wonMinor),
    rounds: status.rounds,
    intervalMs: status.realityCheckIntervalMs,
    due: status.realityCheckDue,
    nextDueAt: status.realityCheckDueAt,
  };
}
