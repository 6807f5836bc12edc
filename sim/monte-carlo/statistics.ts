import { errorFunction, probit } from 'simple-statistics';

/**
 * Standard normal quantile z_p, accurate to about 1e-7.
 *
 * simple-statistics' `probit` (an inverse-erf closed form) is only good to ~3 decimals in the tails
 * (it gives 2.5692 for z_0.995 = 2.5758...), too coarse for a certification verdict. We start from
 * it and take Newton steps on Phi(z) - p with Phi(z) = (1 + erf(z / sqrt 2)) / 2, using
 * simple-statistics' `errorFunction` (Numerical Recipes' erfc Chebyshev fit, fractional error
 * < 1.2e-7; Press et al., Numerical Recipes 3rd ed., section 6.2.2).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normal quantile needs p in (0, 1), got ${p}`);
  let z = probit(p);
  for (let step = 0; step < 4; step++) {
    const cdf = 0.5 * (1 + errorFunction(z / Math.SQRT2));
    const density = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    z -= (cdf - p) / density;
  }
  return z;
}

/** Two-sided p-value of a standard normal score: P(|Z| >= |z|) = 1 - erf(|z| / sqrt 2). */
export function twoSidedPValue(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  return Math.max(0, 1 - errorFunction(Math.abs(z) / Math.SQRT2));
}

export interface Interval {
  readonly low: number;
  readonly high: number;
}

export interface RtpEstimate {
  readonly spins: number;
  /** Return to player: total win / total stake. */
  readonly rtp: number;
  /** Standard error of `rtp`. */
  readonly standardError: number;
  /** Standard deviation of one round's win, in stakes (the game's volatility index basis). */
  readonly stdDevPerRoundX: number;
  readonly ci95: Interval;
  readonly ci99: Interval;
}

/** Integer division to a double without losing the fraction: a / b for BigInts, b > 0. */
export function bigRatio(numerator: bigint, denominator: bigint): number {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const whole = numerator / denominator;
  const rest = numerator - whole * denominator;
  // Scale the remainder to keep ~53 bits of the fraction even for huge denominators.
  const scale = 10n ** 18n;
  return Number(whole) + Number((rest * scale) / denominator) / 1e18;
}

/**
 * RTP and its large-sample confidence intervals from exact sums.
 *
 * The per-round win X has sample mean m = S1/n and unbiased sample variance
 * s^2 = (n*S2 - S1^2) / (n(n-1)), both computed from the exact integer sums S1 = sum x and
 * S2 = sum x^2 (the numerator in BigInt, so no cancellation). By the central limit theorem the
 * mean is approximately normal with standard error s / sqrt(n), giving the interval
 * m +/- z_{1-a/2} s / sqrt(n) (normal-approximation confidence limits for a mean: NIST/SEMATECH
 * e-Handbook of Statistical Methods, section 7.2.2.1; Casella & Berger, Statistical Inference,
 * 2nd ed., section 10.4.1). RTP = m / stake, and its standard error scales the same way.
 */
export function estimateRtp(
  spins: number,
  winSum: bigint,
  winSquareSum: bigint,
  stakeUnits: number,
): RtpEstimate {
  if (!Number.isSafeInteger(stakeUnits) || stakeUnits <= 0) throw new RangeError('stake must be > 0');
  if (spins <= 0) {
    const none = { low: Number.NaN, high: Number.NaN };
    return {
      spins,
      rtp: Number.NaN,
      standardError: Number.NaN,
      stdDevPerRoundX: Number.NaN,
      ci95: none,
      ci99: none,
    };
  }
  const n = BigInt(spins);
  const stake = BigInt(stakeUnits);
  const rtp = bigRatio(winSum, n * stake);
  let variancePerRoundX2 = Number.NaN;
  if (spins > 1) {
    const numerator = n * winSquareSum - winSum * winSum;
    if (numerator < 0n) throw new RangeError('sum of squares inconsistent with sum (negative variance)');
    variancePerRoundX2 = bigRatio(numerator, n * (n - 1n) * stake * stake);
  }
  const stdDevPerRoundX = Math.sqrt(variancePerRoundX2);
  const standardError = stdDevPerRoundX / Math.sqrt(spins);
  const z95 = normalQuantile(0.975);
  const z99 = normalQuantile(0.995);
  return {
    spins,
    rtp,
    standardError,
    stdDevPerRoundX,
    ci95: { low: rtp - z95 * standardError, high: rtp + z95 * standardError },
    ci99: { low: rtp - z99 * standardError, high: rtp + z99 * standardError },
  };
}

export interface RtpVerdict {
  readonly theoreticalRtp: number;
  /** (simulated - theoretical) / standard error. */
  readonly zScore: number;
  readonly pValue: number;
  /** The 99% acceptance interval around the theoretical RTP. */
  readonly acceptance99: Interval;
  /** True when the simulated RTP lies inside `acceptance99` (|z| <= z_0.995). */
  readonly passed: boolean;
}

/**
 * Two-sided z-test of the simulated RTP against the exact theoretical one, at the 1% level:
 * passes when the simulated RTP lies within theoretical +/- z_0.995 * SE (same normal
 * approximation and references as `estimateRtp`). With zero standard error (a game that always
 * pays the same) it passes only on exact equality.
 */
export function rtpVerdict(estimate: RtpEstimate, theoreticalRtp: number): RtpVerdict {
  if (!Number.isFinite(theoreticalRtp) || theoreticalRtp < 0) {
    throw new RangeError(`theoretical RTP must be a finite number >= 0, got ${theoreticalRtp}`);
  }
  const z99 = normalQuantile(0.995);
  const se = estimate.standardError;
  const diff = estimate.rtp - theoreticalRtp;
  let zScore: number;
  if (se > 0) zScore = diff / se;
  else zScore = diff === 0 ? 0 : diff > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  const passed = Number.isFinite(zScore) && Math.abs(zScore) <= z99;
  return {
    theoreticalRtp,
    zScore,
    pValue: twoSidedPValue(zScore),
    acceptance99: { low: theoreticalRtp - z99 * se, high: theoreticalRtp + z99 * se },
    passed,
  };
}

/** Parses an RTP given as a decimal ("0.9612", "96.12%") or an exact fraction ("961/1000"). */
export function parseRtp(text: string): number {
  const trimmed = text.trim();
  const fraction = /^(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)$/.exec(trimmed);
  let value: number;
  if (fraction) value = Number(fraction[1]) / Number(fraction[2]);
  else if (trimmed.endsWith('%')) value = Number(trimmed.slice(0, -1)) / 100;
  else value = /^\d+(\.\d+)?(e-?\d+)?$/i.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`RTP must be a number >= 0, a percentage or a fraction p/q, got '${text}'`);
  }
  return value;
}
