/**
 * Jurisdiction policies: the front-end flags the Stake API sends with the bet config, the minimum
 * round duration the core enforces (ERR_GLE), and what happens to a round left incomplete past the
 * operator's deadline (`voidStaleRounds`).
 *
 * Incomplete-round policies:
 * - 'complete' (default): the outcome was fixed by the RNG and committed when the bet was taken, so
 *   the round is completed as played: its payout is credited and it is closed. (Only rounds with a
 *   payout are ever left active: zero-win rounds close inside /play.)
 * - 'void-refund': the round is voided and its cost refunded, for regimes that require unfinished
 *   games to be cancelled rather than completed.
 * The built-in entries are examples to configure from, not legal advice for any real regulator.
 */
import type { JurisdictionFlags } from './contract.ts';

export type IncompleteRoundPolicy = 'complete' | 'void-refund';

export interface JurisdictionPolicy {
  readonly flags: JurisdictionFlags;
  readonly incompleteRounds: IncompleteRoundPolicy;
  /**
   * Reality checks: after this much play time in a session (since its start or the last
   * acknowledgement) play is refused (ERR_GLE "reality check due") until the player acknowledges
   * it. 0 or absent: none.
   */
  readonly realityCheckIntervalMs?: number;
}

const NO_RESTRICTIONS: JurisdictionFlags = {
  socialCasino: false,
  disabledFullscreen: false,
  disabledTurbo: false,
  disabledSuperTurbo: false,
  disabledAutoplay: false,
  disabledSlamstop: false,
  disabledSpacebar: false,
  disabledBuyFeature: false,
  displayNetPosition: false,
  displayRTP: false,
  displaySessionTimer: false,
  minimumRoundDurationMs: 0,
};

export const DEFAULT_JURISDICTIONS: Readonly<Record<string, JurisdictionPolicy>> = {
  default: { flags: NO_RESTRICTIONS, incompleteRounds: 'complete' },
  /** Strict-market example: no turbo/autoplay/slam-stop/buy, net position, RTP, timer, 2.5 s rounds. */
  strict: {
    flags: {
      ...NO_RESTRICTIONS,
      disabledTurbo: true,
      disabledSuperTurbo: true,
      disabledAutoplay: true,
      disabledSlamstop: true,
      disabledSpacebar: true,
      disabledBuyFeature: true,
      displayNetPosition: true,
      displayRTP: true,
      displaySessionTimer: true,
      minimumRoundDurationMs: 2_500,
    },
    incompleteRounds: 'complete',
  },
  /**
   * Great Britain, after the UK Gambling Commission's online slot design rules (2021) and remote
   * technical standards (RTS 13/14): no autoplay, no turbo or super turbo, no slam stop, at least
   * 2.5 s between the starts of two rounds (enforced by the core), net position, RTP and a session
   * timer shown, and a reality check every hour of play (acknowledged via POST
   * /session/reality-check). Buy features are not banned by those rules and stay enabled.
   */
  UK: {
    flags: {
      ...NO_RESTRICTIONS,
      disabledTurbo: true,
      disabledSuperTurbo: true,
      disabledAutoplay: true,
      disabledSlamstop: true,
      displayNetPosition: true,
      displayRTP: true,
      displaySessionTimer: true,
      minimumRoundDurationMs: 2_500,
    },
    incompleteRounds: 'complete',
    realityCheckIntervalMs: 3_600_000,
  },
  /** Social-casino example (play money); unfinished rounds are voided and refunded. */
  social: { flags: { ...NO_RESTRICTIONS, socialCasino: true }, incompleteRounds: 'void-refund' },
};
