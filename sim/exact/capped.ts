/**
 * The capped round of a game with free spins: runs the DP of capped-feature.ts in the arithmetic
 * that fits (BigInt when the work is small and no retrigger is possible, so the RTP is exact;
 * doubles with a proven rounding bound otherwise) and turns its excess moments into the capped
 * round's mean, second moment and RTP interval, with the derivation of the bound for the PAR sheet.
 */
import {
  type CapArithmetic,
  type CappedFeatureInput,
  type CappedFeatureResult,
  type Interval,
  integerDp,
  retriggerPossible,
  spinKinds,
} from './capped-feature.ts';
import { floatDp } from './capped-feature-float.ts';
import { bandOfWinUnits } from './distribution.ts';
import { Rational } from './rational.ts';

export interface CapFeatureStats {
  readonly arithmetic: CapArithmetic;
  /** RTP interval (fractions of the stake) and whether it is a single exact value. */
  readonly rtp: Interval;
  readonly exact: boolean;
  /** Capped round win: mean and second moment (units; interval midpoints when not exact). */
  readonly mean: Rational;
  readonly second: Rational;
  readonly capHit: Interval;
  /** E[(Z − cap)⁺] (units). */
  readonly excessMean: Interval;
  readonly spinsPlayed: number;
  readonly retriggerPossible: boolean;
  readonly truncatedMass: Rational;
  readonly truncationRtpBound: Rational;
  readonly roundingRelativeBound: number;
  /** P(free spins played and the round ends below the cap in band k), simulator bands. */
  readonly endedBandMass: readonly Rational[];
  /** How the interval was derived, one sentence a line (printed in the PAR sheet). */
  readonly derivation: readonly string[];
}

/** Default share of the RTP left open by truncation; rounding takes the rest of the 1e-12 width. */
export const DEFAULT_TRUNCATION_RTP_BUDGET = 2.5e-13;
/** Integer (BigInt) DP only below this much work (states × kinds), and only without retriggers. */
const INTEGER_WORK_LIMIT = 4_000_000;

function chooseArithmetic(input: Omit<CappedFeatureInput, 'truncationRtpBudget'>): CapArithmetic {
  const kinds = spinKinds(input.free, input.freeMultiplier);
  if (retriggerPossible(kinds)) return 'float';
  const maxAward = Math.max(...input.base.bySpins.keys());
  return input.capUnits * kinds.length * maxAward <= INTEGER_WORK_LIMIT ? 'integer' : 'float';
}

const mid = (i: Interval) => i.lower.add(i.upper).div(Rational.of(2));

function derivation(r: CappedFeatureResult, budget: number): string[] {
  const lines = [
    'round win = min(Z, cap), Z = the uncapped total (wins never decrease the running total)',
    'E[min(Z,cap)] = E[Z] - E[(Z-cap)+]; E[Z] closed form; E[(Z-cap)+] by DP over (win < cap, spins left)',
  ];
  if (r.directMean)
    lines.push(
      'also summed directly (ending rounds pay their total, capped ones the cap); the RTP is the intersection',
    );
  if (r.retriggerPossible) {
    lines.push(
      `truncated after ${r.spinsPlayed} free spins: alive mass <= ${r.truncatedMass.toNumber().toExponential(3)}; ` +
        `an alive state (w, n) leaves E[(Z-cap)+] open by at most min(n*m1, cap-w) ((w+F-cap)+ <= F; Jensen on min), so RTP open by <= ` +
        `${r.truncationRtpBound.toNumber().toExponential(3)} (budget ${budget.toExponential(1)})`,
    );
  } else {
    lines.push(`no retrigger: every path ends within ${r.spinsPlayed} free spins, nothing truncated`);
  }
  lines.push(
    r.arithmetic === 'integer'
      ? 'integer arithmetic (BigInt counts over the cycle): exact'
      : `double arithmetic, non-negative sums: relative rounding <= gamma_L = ${r.roundingRelativeBound.toExponential(3)} ` +
          `(L = ${r.roundingChainLength} roundings; Higham, Accuracy and Stability of Numerical Algorithms, Lemma 3.1)`,
  );
  return lines;
}

export function cappedRound(
  input: Omit<CappedFeatureInput, 'truncationRtpBudget'>,
  uncapped: { readonly mean: Rational; readonly second: Rational },
  options: { readonly capArithmetic?: 'auto' | CapArithmetic; readonly truncationRtpBudget?: number },
): CapFeatureStats {
  const budget = options.truncationRtpBudget ?? DEFAULT_TRUNCATION_RTP_BUDGET;
  const arithmetic =
    options.capArithmetic === undefined || options.capArithmetic === 'auto'
      ? chooseArithmetic(input)
      : options.capArithmetic;
  const bandOfTotal = Uint8Array.from({ length: input.capUnits }, (_, t) =>
    bandOfWinUnits(t, input.stakeUnits),
  );
  const full = { ...input, truncationRtpBudget: budget, bandOfTotal };
  const r = arithmetic === 'integer' ? integerDp(full) : floatDp(full);
  const stake = Rational.of(input.stakeUnits);
  const c1 = r.excessMean;
  // Both forms are proven intervals of E[min(Z, cap)]: their intersection is one too.
  let meanLower = uncapped.mean.sub(c1.upper);
  let meanUpper = uncapped.mean.sub(c1.lower);
  if (r.directMean) {
    if (r.directMean.lower.compare(meanLower) > 0) meanLower = r.directMean.lower;
    if (r.directMean.upper.compare(meanUpper) < 0) meanUpper = r.directMean.upper;
  }
  const rtp = { lower: meanLower.div(stake), upper: meanUpper.div(stake) };
  if (rtp.lower.compare(rtp.upper) > 0) throw new Error('invariant broken: RTP interval reversed');
  return {
    arithmetic: r.arithmetic,
    rtp,
    exact: rtp.lower.equals(rtp.upper),
    mean: meanLower.add(meanUpper).div(Rational.of(2)),
    second: uncapped.second.sub(mid(r.excessSecond)),
    capHit: r.capHit,
    excessMean: c1,
    spinsPlayed: r.spinsPlayed,
    retriggerPossible: r.retriggerPossible,
    truncatedMass: r.truncatedMass,
    truncationRtpBound: r.truncationRtpBound,
    roundingRelativeBound: r.roundingRelativeBound,
    endedBandMass: r.endedBandMass,
    derivation: derivation(r, budget),
  };
}
