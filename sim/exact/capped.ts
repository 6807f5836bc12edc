/**
 * The capped round of a game with free spins, by the cheapest method that meets the width budget:
 * 1. the certified tail bound (tail-bound.ts) when the cap is so far out that M(θ)e^{−θ·cap}/(eθ)
 *    already leaves the RTP open by at most the budget (no DP; bands by a hit recursion);
 * 2. else the forward DP of capped-feature.ts when its estimated work is small (BigInt when no
 *    retrigger is possible and the work is small, so the RTP is exact; doubles with a proven
 *    rounding bound otherwise);
 * 3. else the backward recursion of capped-backward.ts (cost cap × N × kinds).
 * Each result's excess moments become the capped round's mean, second moment and RTP interval,
 * with the derivation of the bound for the PAR sheet; `maxDpWork` refuses work above a limit.
 */

import { backwardDp, backwardWork, featureBandsBelowCap } from './capped-backward.ts';
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
import { CapDpWorkLimitError, capDpWork, DEFAULT_MAX_CAP_DP_WORK } from './capped-work.ts';
import { bandOfWinUnits } from './distribution.ts';
import { Rational } from './rational.ts';
import { capTailBound, type TailBound } from './tail-bound.ts';

export type CapMethod = 'dp' | 'backward' | 'tail-bound';

export interface CapFeatureStats {
  /**
   * How E[(Z − cap)⁺] was bounded: the forward DP ('dp'), the backward recursion over (win, spins
   * left ≤ N) ('backward', capped-backward.ts), or the certified tail bound alone.
   */
  readonly method: CapMethod;
  /** 'directed-rounding': the tail bound's fixed-point arithmetic (no DP ran). */
  readonly arithmetic: CapArithmetic | 'directed-rounding';
  /** The certified tail bound (null when the DP was forced or no θ could be certified). */
  readonly tailBound: TailBound | null;
  /** Whether `endedBandMass` splits the feature rounds into win bands (false on the tail-bound path). */
  readonly featureBandsComputed: boolean;
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
  /** The backward recursion's N (spins left stored); null on the other paths. */
  readonly spinsLeftBound: number | null;
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
  options: CapOptions,
): CapFeatureStats {
  const budget = options.truncationRtpBudget ?? DEFAULT_TRUNCATION_RTP_BUDGET;
  const stake = Rational.of(input.stakeUnits);
  const forcedDp =
    options.capMethod === 'dp' ||
    options.capMethod === 'backward' ||
    (options.capArithmetic !== undefined && options.capArithmetic !== 'auto');
  const tail = forcedDp ? null : capTailBound(input);
  if (tail !== null && tail.excessMeanUpper.div(stake).toNumber() <= budget) {
    return tailBoundRound(input, uncapped, tail, budget, options.maxDpWork ?? DEFAULT_MAX_CAP_DP_WORK);
  }
  const method = chooseDp(input, options, budget);
  const dp =
    method === 'backward'
      ? backwardRound(input, uncapped, budget)
      : dpRound(input, uncapped, options, budget);
  const tailLine =
    tail === null
      ? forcedDp
        ? 'DP forced by the options (tail bound not tried)'
        : 'tail bound: no θ could be certified (the feature MGF diverges): DP used'
      : `tail bound: E[(Z-cap)+]/stake <= ${formatUpper(tail.excessMeanUpper.div(stake))} ` +
        `(θ = ${tail.theta.toExponential(4)}), above the budget ${budget.toExponential(1)}: DP used`;
  return { ...dp, tailBound: tail, derivation: [...dp.derivation, tailLine] };
}

/**
 * Below this estimated work the forward DP runs (it also splits the feature rounds into win bands);
 * above it the backward recursion (cap × N × kinds, no depth factor) when the game allows it.
 * jungle-twenty: 50× estimates 1.9e10 (forward ~1.5 s), 100× 3.8e10 (forward 8 s, backward 2 s).
 */
const FORWARD_PREFERRED_WORK = 2.5e10;

/** Which DP runs; throws CapDpWorkLimitError when its estimated work exceeds `maxDpWork`. */
function chooseDp(
  input: Omit<CappedFeatureInput, 'truncationRtpBudget'>,
  options: CapOptions,
  budget: number,
): 'forward' | 'backward' {
  const forward = capDpWork({ ...input, m1: input.m1.toNumber() }, budget);
  const forcedForward =
    options.capMethod === 'dp' || (options.capArithmetic !== undefined && options.capArithmetic !== 'auto');
  const backward =
    forcedForward || (options.capMethod !== 'backward' && forward.cellKindUpdates <= FORWARD_PREFERRED_WORK)
      ? null
      : backwardWork({ ...input, truncationRtpBudget: budget });
  if (options.capMethod === 'backward' && backward === null)
    throw new RangeError('the backward recursion does not apply: a zero-win free spin retriggers');
  const work = backward === null ? forward : { depth: backward.n, cellKindUpdates: backward.cellKindUpdates };
  if (options.maxDpWork !== undefined && work.cellKindUpdates > options.maxDpWork)
    throw new CapDpWorkLimitError(work, options.maxDpWork);
  return backward === null ? 'forward' : 'backward';
}

export interface CapOptions {
  readonly capArithmetic?: 'auto' | CapArithmetic;
  /**
   * 'auto': the tail bound when it is within the budget, else the forward DP for small work, else
   * the backward recursion; 'dp': always the forward DP; 'backward': always the backward recursion.
   */
  readonly capMethod?: 'auto' | 'dp' | 'backward';
  readonly truncationRtpBudget?: number;
  /** Refuse (CapDpWorkLimitError) when the DP's estimated cell × kind updates exceed this. */
  readonly maxDpWork?: number;
}

function dpRound(
  input: Omit<CappedFeatureInput, 'truncationRtpBudget'>,
  uncapped: { readonly mean: Rational; readonly second: Rational },
  options: CapOptions,
  budget: number,
): CapFeatureStats {
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
    method: 'dp',
    arithmetic: r.arithmetic,
    tailBound: null,
    featureBandsComputed: true,
    rtp,
    exact: rtp.lower.equals(rtp.upper),
    mean: meanLower.add(meanUpper).div(Rational.of(2)),
    second: uncapped.second.sub(mid(r.excessSecond)),
    capHit: r.capHit,
    excessMean: c1,
    spinsPlayed: r.spinsPlayed,
    spinsLeftBound: null,
    retriggerPossible: r.retriggerPossible,
    truncatedMass: r.truncatedMass,
    truncationRtpBound: r.truncationRtpBound,
    roundingRelativeBound: r.roundingRelativeBound,
    endedBandMass: r.endedBandMass,
    derivation: derivation(r, budget),
  };
}

/** A Rational ≥ 0 in scientific notation, rounded UP (so "≤ x" stays true) to `significant` digits. */
export function formatUpper(r: Rational, significant = 3): string {
  if (r.isZero()) return '0';
  if (r.compare(Rational.ZERO) < 0) throw new RangeError('formatUpper needs a non-negative value');
  const pow10 = (k: number) => Rational.of(10n ** BigInt(Math.max(0, k)), 10n ** BigInt(Math.max(0, -k)));
  let exponent = r.num.toString().length - r.den.toString().length;
  if (r.compare(pow10(exponent)) < 0) exponent--;
  const scaled = r.div(pow10(exponent - significant + 1)); // in [10^(s−1), 10^s)
  let digits = (scaled.num + scaled.den - 1n) / scaled.den;
  if (digits >= 10n ** BigInt(significant)) {
    digits /= 10n;
    exponent++;
  }
  const text = digits.toString();
  return `${text[0]}${text.length > 1 ? `.${text.slice(1)}` : ''}e${exponent >= 0 ? '+' : ''}${exponent}`;
}

/**
 * The cap far in the tail: E[(Z − cap)⁺] ∈ [0, B] with B the certified tail bound (tail-bound.ts),
 * so RTP ∈ [(E[Z] − B)/stake, E[Z]/stake], and no DP runs.
 */
function tailBoundRound(
  input: Omit<CappedFeatureInput, 'truncationRtpBudget'>,
  uncapped: { readonly mean: Rational; readonly second: Rational },
  tail: TailBound,
  budget: number,
  maxBandWork: number,
): CapFeatureStats {
  const stake = Rational.of(input.stakeUnits);
  const bandOfTotal = Uint8Array.from({ length: input.capUnits }, (_, t) =>
    bandOfWinUnits(t, input.stakeUnits),
  );
  const bands = featureBandsBelowCap(
    { ...input, truncationRtpBudget: budget, bandOfTotal },
    { lower: Rational.ZERO, upper: tail.capHitUpper },
    maxBandWork,
  );
  const half = Rational.of(1n, 2n);
  const rtp = { lower: uncapped.mean.sub(tail.excessMeanUpper).div(stake), upper: uncapped.mean.div(stake) };
  const openRtp = tail.excessMeanUpper.div(stake);
  return {
    method: 'tail-bound',
    arithmetic: 'directed-rounding',
    tailBound: tail,
    featureBandsComputed: bands !== null,
    rtp,
    exact: false,
    mean: uncapped.mean.sub(tail.excessMeanUpper.mul(half)),
    second: uncapped.second.sub(tail.excessSecondUpper.mul(half)),
    capHit: { lower: Rational.ZERO, upper: tail.capHitUpper },
    excessMean: { lower: Rational.ZERO, upper: tail.excessMeanUpper },
    spinsPlayed: 0,
    spinsLeftBound: null,
    retriggerPossible: retriggerPossible(spinKinds(input.free, input.freeMultiplier)),
    truncatedMass: Rational.ZERO,
    truncationRtpBound: openRtp,
    roundingRelativeBound: 0,
    endedBandMass: bands?.endedBandMass ?? [],
    derivation: [
      'round win = min(Z, cap), Z = the uncapped total; E[min(Z,cap)] = E[Z] - E[(Z-cap)+], E[Z] closed form',
      'Chernoff tail bound, no DP: with M(θ) = E[e^(θZ)], E[(Z-cap)+] <= M(θ)e^(-θ·cap)/(eθ), P(Z >= cap) <= M(θ)e^(-θ·cap), ' +
        'E[(Z²-cap²)+] <= M(θ)e^(-θ·cap)(4/(eθ)² + 2·cap/(eθ)); the capped SD uses the midpoint of [E[Z²] - that, E[Z²]]',
      `θ = ln b = ${tail.theta.toExponential(6)} (b = ${tail.b.toDecimal(17)}); τ = E[e^(θW)] (one free spin and its descendants) <= t = ${tail.tauUpper.toDecimal(17)}: ` +
        `f(t) = Σ_free p·e^(θx)·t^r <= ${formatUpper(tail.fOfTauUpper, 18)} <= t, so τ <= t (induction over the generations of ` +
        'the spin tree; Harris 1963 ch. I, Athreya-Ney 1972 §I.3)',
      `M(θ) = Σ_base p·e^(θy)·τ^n <= ${formatUpper(tail.mgfUpper, 6)}; directed rounding (fixed point, products rounded up, b^cap down), ` +
        'θ >= 2(b-1)/(b+1), e > 2.718281828',
      `E[(Z-cap)+] <= ${formatUpper(tail.excessMeanUpper)} units: RTP open by <= ${formatUpper(openRtp)} (budget ${budget.toExponential(1)}); ` +
        `P(cap) <= ${formatUpper(tail.capHitUpper)}`,
      bands === null
        ? "feature rounds' split into win bands: not computed (a zero-win free spin retriggers, or the work is above the limit)"
        : `win bands of the feature rounds: P(Z >= lowest total of each band below the cap) by a backward hit recursion ` +
          `(${bands.cellUpdates.toExponential(3)} cell updates), P(Z >= cap) <= the tail bound; bands = differences (lower ends shown)`,
    ],
  };
}

/** The backward recursion's result as the capped round's figures (no win bands: it has no masses). */
function backwardRound(
  input: Omit<CappedFeatureInput, 'truncationRtpBudget'>,
  uncapped: { readonly mean: Rational; readonly second: Rational },
  budget: number,
): CapFeatureStats {
  const bandOfTotal = Uint8Array.from({ length: input.capUnits }, (_, t) =>
    bandOfWinUnits(t, input.stakeUnits),
  );
  const r = backwardDp({ ...input, truncationRtpBudget: budget, bandOfTotal });
  if (r === null)
    throw new Error('invariant broken: backward recursion chosen for a game it does not apply to');
  const stake = Rational.of(input.stakeUnits);
  const rtp = {
    lower: uncapped.mean.sub(r.excessMean.upper).div(stake),
    upper: uncapped.mean.sub(r.excessMean.lower).div(stake),
  };
  if (rtp.lower.compare(rtp.upper) > 0) throw new Error('invariant broken: RTP interval reversed');
  return {
    method: 'backward',
    arithmetic: 'float',
    tailBound: null,
    featureBandsComputed: true,
    rtp,
    exact: false,
    mean: uncapped.mean.sub(mid(r.excessMean)),
    second: uncapped.second.sub(mid(r.excessSecond)),
    capHit: r.capHit,
    excessMean: r.excessMean,
    spinsPlayed: 0,
    spinsLeftBound: r.maxSpinsLeft,
    retriggerPossible: retriggerPossible(spinKinds(input.free, input.freeMultiplier)),
    truncatedMass: r.truncationCapHitBound,
    truncationRtpBound: r.truncationRtpBound,
    roundingRelativeBound: r.roundingRelativeBound,
    endedBandMass: r.endedBandMass,
    derivation: [
      'round win = min(Z, cap), Z = the uncapped total; E[min(Z,cap)] = E[Z] - E[(Z-cap)+], E[Z] closed form',
      `E[(Z-cap)+] by a backward recursion over win w < cap and spins left n <= N = ${r.maxSpinsLeft}: ` +
        'V_n(w) = Σ p(x,r)·V_(n-1+r)(w+x), a crossing pays (w+x-cap) + m·m1 in closed form (likewise P(cap), E[(Z²-cap²)+])',
      `spins left beyond N count 0, at most m·m1: over the spins-left chain without the cap, RTP open by <= ` +
        `${formatUpper(r.truncationRtpBound)} (budget ${budget.toExponential(1)}), P(cap) by <= ${formatUpper(r.truncationCapHitBound)}`,
      `double arithmetic, non-negative sums: relative rounding <= gamma_L = ${r.roundingRelativeBound.toExponential(3)} ` +
        `(L = ${r.roundingChainLength}: cells along the longest dependency path × roundings per cell; ` +
        'Higham, Accuracy and Stability of Numerical Algorithms, Lemmas 3.1, 3.3)',
      `${r.cellKindUpdates.toExponential(3)} cell updates; win bands of the feature rounds: P(Z >= lowest total of each band) by ` +
        'the same recursion with the cap at that total, band = difference of the proven intervals (lower ends shown, the rest unassigned)',
    ],
  };
}
