/**
 * The GLI-style battery's rows as evidence for the family verdict (certification/family-verdict.ts):
 * one group per channel, because every test of a channel reads the same draws and its rows are
 * dependent (issue 15: at range 2 frequency and serial pairs correlate ~0.49).
 */
import {
  binomialUpperTail,
  FAMILY_ALPHA,
  type FamilyVerdict,
  familyVerdict,
  type RowEvidence,
} from '../family-verdict.ts';
import { type GliSecondLevelRow, KS_MAX_ATOM_SCALE, UNIFORMITY_THRESHOLD } from './battery.ts';
import { ALPHA } from './types.ts';

/**
 * Probability that a sound source's P-values fail the KS rule where `ksApplicability` lets it judge:
 * the threshold, raised by the largest shift the discreteness rule tolerates (KS_MAX_ATOM_SCALE =
 * 0.05 on sqrt(r) D at lambda ~ 2.23: 2 exp(-2 (2.23 - 0.05)^2) ~ 1.4e-4).
 */
export const KS_FAILURE_PROBABILITY_BOUND = UNIFORMITY_THRESHOLD * Math.exp(4 * 2.23 * KS_MAX_ATOM_SCALE);

export interface GliChannelRows {
  readonly channel: string;
  readonly secondLevel: readonly GliSecondLevelRow[];
}

/** One channel's applicable rows as family evidence (group = the channel). */
export function gliRowEvidence(channel: GliChannelRows, alpha = ALPHA): RowEvidence[] {
  return channel.secondLevel
    .filter((row) => row.verdict !== 'not applicable')
    .map((row) => {
      const s = row.applicable;
      const failures = s - row.passed;
      const uniformity = row.ksApplied ? row.ksPValue : null;
      return {
        failed: failures > row.maximumFailures || (uniformity !== null && uniformity < UNIFORMITY_THRESHOLD),
        // One sequence: its own P-value is the evidence (P(P <= x) ~ x for a sound source); the
        // binomial tail of one failure would be at least alpha and could never trip the Bonferroni rule.
        proportionPValue: s === 1 ? (row.smallestPValue ?? 1) : binomialUpperTail(s, alpha, failures),
        uniformityPValue: uniformity,
        failureProbability:
          binomialUpperTail(s, alpha, row.maximumFailures + 1) +
          (uniformity === null ? 0 : KS_FAILURE_PROBABILITY_BOUND),
        group: channel.channel,
      };
    });
}

/** The battery verdict of the GLI-style battery over its channels. */
export function gliFamilyVerdict(
  channels: readonly GliChannelRows[],
  alpha = ALPHA,
  familyAlpha = FAMILY_ALPHA,
): FamilyVerdict {
  return familyVerdict(
    channels.flatMap((c) => gliRowEvidence(c, alpha)),
    familyAlpha,
  );
}
