/**
 * Exact analysis of a game mode: theoretical RTP as an exact rational, the moments of the round win,
 * and the PAR sheet figures.
 *
 * Base spin: the full-cycle distribution of (Y = base spin win, N = free spins awarded) comes from
 * enumerate.ts. Free spin: likewise (X = free spin win incl. the multiplier, R = retrigger spins).
 *
 * Free spins with retriggers, closed form (a branching process / renewal argument). Free spins are
 * i.i.d.; let W be the total win of one free spin together with every spin it (re)triggers, directly
 * or through its descendants. Then W = X + Σ_{j=1..R} W_j with W_j i.i.d. copies of W, independent
 * of (X, R). Taking expectations (Wald):
 *     m1 = E[W] = E[X] + E[R]·m1                      =>  m1 = E[X] / (1 − E[R]),
 * and, expanding the square (E[(Σ_j W_j)² | R] = R·s2 + R(R−1)·m1²):
 *     s2 = E[W²] = E[X²] + 2·m1·E[XR] + E[R]·s2 + E[R(R−1)]·m1²
 *                                                      =>  s2 = (E[X²] + 2 m1 E[XR] + m1² E[R(R−1)]) / (1 − E[R]).
 * Both need E[R] < 1 (a subcritical process ends with probability 1; validation enforces it), and
 * are finite because X and R are bounded. A round's win is Z = Y + Σ_{i=1..N} W_i, so
 *     E[Z]  = E[Y] + E[N]·m1,
 *     E[Z²] = E[Y²] + 2·m1·E[YN] + E[N]·s2 + E[N(N−1)]·m1²,
 * all exact rationals; Var(Z) = E[Z²] − E[Z]². Expected free spins per round: E[N] / (1 − E[R]).
 *
 * Max-win cap: with no reachable feature the round win is min(Y, cap), taken from the distribution
 * exactly. A cap together with a reachable feature: the round pays min(Z, cap); capped.ts bounds
 * E[(Z − cap)⁺], E[(Z² − cap²)⁺] and P(cap) (a certified tail bound, a forward DP or a backward
 * recursion: exact, or a proven interval of width ≤ 1e-12 in RTP when retriggers make the feature
 * unbounded).
 */
import { type Game, gameForMode, type ReelModel, stakeUnitsOf } from '../../games/index.ts';
import { type CapFeatureStats, cappedRound, formatUpper } from './capped.ts';
import { type BandDistribution, BandTally, bandOfWinUnits } from './distribution.ts';
import { type SpinHistogram, spinHistogram } from './enumerate.ts';
import { type PayStats, payStatistics } from './pays.ts';
import { Rational } from './rational.ts';

/** z for the volatility index at 90% and 95% (two-sided normal quantiles). */
export const VI_Z_90 = 1.645;
export const VI_Z_95 = 1.96;
/** The advertised-award rule: an advertised top award must be hit at least once in 100,000,000. */
export const ADVERTISED_AWARD_MAX_ODDS = 100_000_000;

export class ExactAnalysisUnsupportedError extends Error {
  readonly code = 'exact-analysis-unsupported';
}

export interface Moments {
  /** E[win] in win units. */
  readonly mean: Rational;
  /** E[win²] in win units². */
  readonly secondMoment: Rational;
  readonly variance: Rational;
}

export interface FeatureStats {
  readonly triggerProbability: Rational;
  readonly triggerOddsOneIn: number;
  /** E[N]: initial free spins per round. */
  readonly expectedInitialSpinsPerRound: Rational;
  /** E[R]: spins added per free spin. */
  readonly expectedRetriggerSpinsPerSpin: Rational;
  /** E[N] / (1 − E[R]). */
  readonly expectedFreeSpinsPerRound: Rational;
  /** Expected free spins per triggered feature. */
  readonly expectedSpinsPerFeature: Rational;
  /** m1 = E[W]: expected win of one free spin with all its descendants (units). */
  readonly winPerInitialSpin: Moments;
  /** Expected feature win given a trigger, in stake units (multiples of the stake). */
  readonly averageFeatureWinStakes: Rational;
  /** E[X] of one free spin (units, multiplier included). */
  readonly freeSpinMean: Rational;
  readonly freeSpinCycle: bigint;
}

export interface MaxWinStats {
  /** Largest possible round win in units, or null when unbounded (retriggers, no cap). */
  readonly units: number | null;
  readonly stakeMultiple: number | null;
  /** Probability of the largest base-spin (or capped) win; null when unbounded. */
  readonly probability: Rational | null;
  readonly oddsOneIn: number | null;
  /** The top award is hit at least once in 100,000,000 rounds. */
  readonly meetsAdvertisedAwardRule: boolean | null;
  readonly note: string;
}

export interface AnalysisOptions {
  /** Arithmetic of the capped-feature DP: 'auto' (integer when small and retrigger-free), or forced. */
  readonly capArithmetic?: 'auto' | 'integer' | 'float';
  /**
   * How the cap of a feature game is analysed: 'auto' uses the certified tail bound when it leaves
   * the RTP open by at most the truncation budget (a cap far in the tail), else the forward DP when
   * its work is small, else the backward recursion; 'dp' forces the forward DP, 'backward' the
   * backward recursion. A forced `capArithmetic` also means the forward DP.
   */
  readonly capMethod?: 'auto' | 'dp' | 'backward';
  /**
   * Refuse a cap whose DP would do more than this many cell × kind updates (estimated before it
   * runs: capped-work.ts), with a CapDpWorkLimitError; no limit when absent.
   */
  readonly maxDpWork?: number;
  /** Largest RTP interval width left by truncating retriggers (default 5e-13). */
  readonly truncationRtpBudget?: number;
}

export interface ExactAnalysis {
  readonly gameId: string;
  readonly mathHash: string;
  readonly mode: string;
  readonly stakeUnits: number;
  /** Base-game cycle: number of (weighted) stop combinations, or Σ outcome weights. */
  readonly cycle: bigint;
  readonly rtp: Rational;
  /** The RTP as a proven interval: a point (lower = upper) unless a capped feature retriggers. */
  readonly rtpInterval: { readonly lower: Rational; readonly upper: Rational; readonly exact: boolean };
  /** The capped-feature DP's figures (null without a cap or without a reachable feature). */
  readonly capFeature: CapFeatureStats | null;
  readonly baseRtp: Rational;
  readonly featureRtp: Rational;
  /** RTP removed by the max-win cap (≤ 0), or null without a cap. */
  readonly capRtpAdjustment: Rational | null;
  /** Round win (units). */
  readonly roundWin: Moments;
  /** SD of the round win in stake units. */
  readonly sdPerRoundStakes: number;
  readonly volatilityIndex90: number;
  readonly volatilityIndex95: number;
  /** P(base spin pays or triggers the feature). */
  readonly hitFrequency: Rational;
  readonly probabilityNoWin: Rational;
  /**
   * P(round win < stake). Exact when the mode has no feature; otherwise [lower, upper]: rounds that
   * trigger the feature are counted in the upper bound only.
   */
  readonly probabilityWinBelowStake: {
    readonly exact: boolean;
    readonly lower: Rational;
    readonly upper: Rational;
  };
  readonly feature: FeatureStats | null;
  /**
   * Round-win distribution in the simulator's bands; null for a reachable feature without a cap
   * (its unbounded win distribution is not enumerated: Monte Carlo, or a cap, gives it).
   */
  readonly winBands: BandDistribution | null;
  readonly maxWin: MaxWinStats;
  readonly pays: readonly PayStats[];
}

interface HistMoments {
  readonly total: bigint;
  readonly ey: Rational;
  readonly ey2: Rational;
  readonly en: Rational;
  readonly enn1: Rational;
  readonly eyn: Rational;
  readonly pTrigger: Rational;
}

function histMoments(h: SpinHistogram, multiplier: number): HistMoments {
  const T = BigInt(h.totalWeight);
  let sy = 0n;
  let sy2 = 0n;
  let sn = 0n;
  let snn1 = 0n;
  let syn = 0n;
  let trig = 0n;
  const m = BigInt(multiplier);
  for (const [spins, wins] of h.bySpins) {
    const n = BigInt(spins);
    for (const [win, weight] of wins) {
      const w = BigInt(weight);
      const y = BigInt(win) * m;
      sy += w * y;
      sy2 += w * y * y;
      sn += w * n;
      snn1 += w * n * (n - 1n);
      syn += w * y * n;
      if (spins > 0) trig += w;
    }
  }
  return {
    total: T,
    ey: Rational.of(sy, T),
    ey2: Rational.of(sy2, T),
    en: Rational.of(sn, T),
    enn1: Rational.of(snn1, T),
    eyn: Rational.of(syn, T),
    pTrigger: Rational.of(trig, T),
  };
}

function oddsOneIn(p: Rational): number {
  return p.isZero() ? Number.POSITIVE_INFINITY : Rational.ONE.div(p).toNumber();
}

function analyzeReels(game: Game, model: ReelModel, mode: string, options: AnalysisOptions): ExactAnalysis {
  const modeDef = game.definition.modes.find((m) => m.id === mode)!;
  const stake = stakeUnitsOf(game, mode);
  const stakeR = Rational.of(stake);
  const base = spinHistogram(game, modeDef.reelSet!, false);
  const b = histMoments(base, 1);
  const fs = model.freeSpins;
  const cap = model.capUnits;
  const featureReachable = fs !== null && !b.pTrigger.isZero();

  let feature: FeatureStats | null = null;
  let roundMean = b.ey;
  let roundSecond = b.ey2;
  let featureMeanPerRound = Rational.ZERO;
  let freeSpinsPerRound = Rational.ZERO;
  let freeHist: SpinHistogram | null = null;
  let capFeature: CapFeatureStats | null = null;
  if (featureReachable) {
    freeHist = spinHistogram(game, fs.reelSet, true);
    const f = histMoments(freeHist, fs.multiplier);
    const oneMinusER = Rational.ONE.sub(f.en);
    if (oneMinusER.compare(Rational.ZERO) <= 0) {
      throw new ExactAnalysisUnsupportedError('expected retrigger spins per free spin >= 1 (supercritical)');
    }
    const m1 = f.ey.div(oneMinusER);
    const s2 = f.ey2.add(m1.mul(f.eyn).mulInt(2)).add(m1.mul(m1).mul(f.enn1)).div(oneMinusER);
    featureMeanPerRound = b.en.mul(m1);
    roundMean = b.ey.add(featureMeanPerRound);
    roundSecond = b.ey2.add(m1.mul(b.eyn).mulInt(2)).add(b.en.mul(s2)).add(b.enn1.mul(m1).mul(m1));
    freeSpinsPerRound = b.en.div(oneMinusER);
    feature = {
      triggerProbability: b.pTrigger,
      triggerOddsOneIn: oddsOneIn(b.pTrigger),
      expectedInitialSpinsPerRound: b.en,
      expectedRetriggerSpinsPerSpin: f.en,
      expectedFreeSpinsPerRound: freeSpinsPerRound,
      expectedSpinsPerFeature: freeSpinsPerRound.div(b.pTrigger),
      winPerInitialSpin: { mean: m1, secondMoment: s2, variance: s2.sub(m1.mul(m1)) },
      averageFeatureWinStakes: featureMeanPerRound.div(b.pTrigger).div(stakeR),
      freeSpinMean: f.ey,
      freeSpinCycle: f.total,
    };
    if (cap !== null) {
      capFeature = cappedRound(
        { base, free: freeHist, freeMultiplier: fs.multiplier, capUnits: cap, stakeUnits: stake, m1, s2 },
        { mean: roundMean, second: roundSecond },
        options,
      );
    }
  }

  // Distribution-level figures from the base histogram.
  let noWin = 0n;
  let belowStake = 0n;
  let maxWin = -1;
  let maxWeight = 0n;
  let cappedSum = 0n;
  let cappedSum2 = 0n;
  let uncappedSum = 0n;
  for (const [spins, wins] of base.bySpins) {
    for (const [win, weight] of wins) {
      const w = BigInt(weight);
      const y = cap !== null ? Math.min(win, cap) : win;
      if (spins === 0 && win === 0) noWin += w;
      if (spins === 0 && y < stake) belowStake += w;
      cappedSum += w * BigInt(y);
      cappedSum2 += w * BigInt(y) * BigInt(y);
      uncappedSum += w * BigInt(win);
      if (y > maxWin) {
        maxWin = y;
        maxWeight = w;
      } else if (y === maxWin) {
        maxWeight += w;
      }
    }
  }
  let capRtpAdjustment: Rational | null = null;
  if (capFeature !== null) {
    capRtpAdjustment = capFeature.mean.sub(roundMean).div(stakeR);
    roundMean = capFeature.mean;
    roundSecond = capFeature.second;
  } else if (cap !== null) {
    roundMean = Rational.of(cappedSum, b.total);
    roundSecond = Rational.of(cappedSum2, b.total);
    capRtpAdjustment = Rational.of(cappedSum - uncappedSum, b.total).div(stakeR);
  }
  const variance = roundSecond.sub(roundMean.mul(roundMean));
  const sd = Math.sqrt(variance.toNumber()) / stake;
  const pBelow = Rational.of(belowStake, b.total);

  const unbounded = featureReachable && fs.retrigger !== null && fs.retriggerByCount.some((s) => s > 0);
  let maxStats: MaxWinStats;
  if (capFeature !== null) {
    const p = capFeature.capHit.lower;
    const odds = oddsOneIn(p);
    maxStats = {
      units: cap,
      stakeMultiple: cap! / stake,
      probability: p,
      oddsOneIn: odds,
      meetsAdvertisedAwardRule: odds <= ADVERTISED_AWARD_MAX_ODDS,
      note: capFeature.exact
        ? 'the max-win cap (reached in the base spin or during the feature)'
        : `the max-win cap; P(cap) in [${capFeature.capHit.lower.toDecimal(15)}, ${formatUpper(capFeature.capHit.upper)}], the lower bound shown`,
    };
  } else if (featureReachable) {
    maxStats = {
      units: unbounded ? null : null,
      stakeMultiple: null,
      probability: null,
      oddsOneIn: null,
      meetsAdvertisedAwardRule: null,
      note: unbounded
        ? `round win is unbounded (retriggers, no cap); largest base-spin win ${maxWin} units (${maxWin / stake}× stake), odds 1 in ${oddsOneIn(Rational.of(maxWeight, b.total)).toFixed(0)}`
        : `largest base-spin win ${maxWin} units; the feature adds to it`,
    };
  } else {
    const p = Rational.of(maxWeight, b.total);
    const odds = oddsOneIn(p);
    maxStats = {
      units: maxWin,
      stakeMultiple: maxWin / stake,
      probability: p,
      oddsOneIn: odds,
      meetsAdvertisedAwardRule: odds <= ADVERTISED_AWARD_MAX_ODDS,
      note: cap !== null && maxWin === cap ? 'the max-win cap' : 'largest single-round win',
    };
  }

  const baseRtp = (cap !== null && capFeature === null ? roundMean : b.ey).div(stakeR);
  const winBands = !featureReachable || capFeature !== null ? reelBands(base, cap, stake, capFeature) : null;
  const pays = payStatistics(game, model, mode, freeSpinsPerRound, stake);
  return {
    gameId: game.definition.id,
    mathHash: game.mathHash,
    mode,
    stakeUnits: stake,
    cycle: b.total,
    rtp: roundMean.div(stakeR),
    rtpInterval: capFeature
      ? { lower: capFeature.rtp.lower, upper: capFeature.rtp.upper, exact: capFeature.exact }
      : { lower: roundMean.div(stakeR), upper: roundMean.div(stakeR), exact: true },
    capFeature,
    baseRtp,
    featureRtp: featureMeanPerRound.div(stakeR),
    capRtpAdjustment,
    roundWin: { mean: roundMean, secondMoment: roundSecond, variance },
    sdPerRoundStakes: sd,
    volatilityIndex90: VI_Z_90 * sd,
    volatilityIndex95: VI_Z_95 * sd,
    hitFrequency: Rational.ONE.sub(Rational.of(noWin, b.total)),
    probabilityNoWin: Rational.of(noWin, b.total),
    probabilityWinBelowStake: {
      exact: !featureReachable,
      lower: pBelow,
      upper: featureReachable ? pBelow.add(b.pTrigger) : pBelow,
    },
    feature,
    winBands,
    maxWin: maxStats,
    pays,
  };
}

function reelBands(
  base: SpinHistogram,
  cap: number | null,
  stake: number,
  capFeature: CapFeatureStats | null,
): BandDistribution {
  const tally = new BandTally(stake);
  for (const [spins, wins] of base.bySpins) {
    for (const [win, weight] of wins) {
      const p = Rational.of(weight, base.totalWeight);
      if (capFeature === null) tally.add(cap !== null ? Math.min(win, cap) : win, p);
      else if (win < cap! && spins === 0) tally.add(win, p);
      // Otherwise: reaching the cap (counted below) or playing free spins (the DP's bands).
    }
  }
  if (capFeature !== null) {
    tally.addToBand(bandOfWinUnits(cap!, stake), capFeature.capHit.lower);
    capFeature.endedBandMass.forEach((m, k) => {
      tally.addToBand(k, m);
    });
  }
  return tally.result();
}

function analyzeTable(game: Game, mode: string): ExactAnalysis {
  const model = game.model;
  if (model.type !== 'table') throw new TypeError('not a table game');
  const stake = stakeUnitsOf(game, mode);
  const stakeR = Rational.of(stake);
  const T = BigInt(model.totalWeight);
  const cap = model.capUnits;
  let s1 = 0n;
  let s2 = 0n;
  let raw = 0n;
  let noWin = 0n;
  let below = 0n;
  let maxWin = -1;
  let maxWeight = 0n;
  model.pays.forEach((pay, i) => {
    const w = BigInt(model.weights[i]!);
    const y = cap !== null ? Math.min(pay, cap) : pay;
    s1 += w * BigInt(y);
    s2 += w * BigInt(y) * BigInt(y);
    raw += w * BigInt(pay);
    if (y === 0) noWin += w;
    if (y < stake) below += w;
    if (y > maxWin) {
      maxWin = y;
      maxWeight = w;
    } else if (y === maxWin) maxWeight += w;
  });
  const mean = Rational.of(s1, T);
  const second = Rational.of(s2, T);
  const variance = second.sub(mean.mul(mean));
  const sd = Math.sqrt(variance.toNumber()) / stake;
  const p = Rational.of(maxWeight, T);
  const pBelow = Rational.of(below, T);
  return {
    gameId: game.definition.id,
    mathHash: game.mathHash,
    mode,
    stakeUnits: stake,
    cycle: T,
    rtp: mean.div(stakeR),
    rtpInterval: { lower: mean.div(stakeR), upper: mean.div(stakeR), exact: true },
    capFeature: null,
    baseRtp: mean.div(stakeR),
    featureRtp: Rational.ZERO,
    capRtpAdjustment: cap !== null ? Rational.of(s1 - raw, T).div(stakeR) : null,
    roundWin: { mean, secondMoment: second, variance },
    sdPerRoundStakes: sd,
    volatilityIndex90: VI_Z_90 * sd,
    volatilityIndex95: VI_Z_95 * sd,
    hitFrequency: Rational.ONE.sub(Rational.of(noWin, T)),
    probabilityNoWin: Rational.of(noWin, T),
    probabilityWinBelowStake: { exact: true, lower: pBelow, upper: pBelow },
    feature: null,
    winBands: tableBands(model.pays, model.weights, T, cap, stake),
    maxWin: {
      units: maxWin,
      stakeMultiple: maxWin / stake,
      probability: p,
      oddsOneIn: oddsOneIn(p),
      meetsAdvertisedAwardRule: oddsOneIn(p) <= ADVERTISED_AWARD_MAX_ODDS,
      note: 'largest outcome',
    },
    pays: payStatistics(game, null, mode, Rational.ZERO, stake),
  };
}

function tableBands(
  pays: readonly number[],
  weights: readonly number[],
  total: bigint,
  cap: number | null,
  stake: number,
): BandDistribution {
  const tally = new BandTally(stake);
  pays.forEach((pay, i) => {
    tally.add(cap !== null ? Math.min(pay, cap) : pay, Rational.of(BigInt(weights[i]!), total));
  });
  return tally.result();
}

/** Exact analysis of one mode of a loaded game. */
export function analyzeGame(game: Game, mode: string, options: AnalysisOptions = {}): ExactAnalysis {
  if (!game.definition.modes.some((m) => m.id === mode)) {
    const known = game.definition.modes.map((m) => m.id).join(', ');
    throw new RangeError(`unknown mode "${mode}" (modes: ${known})`);
  }
  // A mode playing several coins has its own pay columns (games/coins.ts).
  const played = gameForMode(game, mode);
  return played.model.type === 'reels'
    ? analyzeReels(played, played.model, mode, options)
    : analyzeTable(played, mode);
}
