/**
 * Exact analysis of a max-win cap together with (retriggering) free spins.
 *
 * Why the cap is tractable: wins are non-negative, so the running total only grows. The evaluator
 * ends the round when the running total reaches the cap, and then pays the cap; otherwise it pays
 * the total. Either way the round pays min(Z, cap), where Z is the total the round would have won
 * with no cap (every awarded spin played). So
 *     E[min(Z, cap)]  = E[Z]  − C1,   C1 = E[(Z − cap)⁺],
 *     E[min(Z, cap)²] = E[Z²] − C2,   C2 = E[(Z² − cap²)⁺],
 * with E[Z], E[Z²] in closed form (analysis.ts). C1, C2 and P(Z ≥ cap) come from a dynamic
 * programme over the accumulated win w (integer units, w < cap) and the spins remaining n, which
 * convolves the per-spin (win, spins awarded) distribution of the free-spin reel set, spin by spin.
 * When a spin takes the total from w to w + x ≥ cap with m spins still to play, the round's excess
 * is known in expectation from the closed-form feature moments (m1, s2 = E[W], E[W²] of one free
 * spin with its descendants; F_m = the win of m such spins):
 *     E[Z − cap | crossing]   = (w + x − cap) + m·m1
 *     E[Z² − cap² | crossing] = (w + x)² − cap² + 2(w + x)·m·m1 + m·s2 + m(m − 1)·m1².
 * Every term is non-negative, which is what makes the rounding bound below valid.
 *
 * Truncation (retriggers make the number of spins unbounded): after t spins the mass still alive
 * (w < cap, n ≥ 1) contributes to C1 at most Σ q(w, n)·E[F_n] = Σ q·n·m1, since (w + F − cap)⁺ ≤ F
 * for w < cap; to C2 at most Σ q·(2w·n·m1 + n·s2 + n(n−1)·m1²), since (w + F)² − cap² ≤ (w + F)² − w²
 * when w + F ≥ cap > w; to P(cap) at most Σ q. The DP stops as soon as the C1 bound, divided by the
 * stake, is below the requested share of the RTP width. Without a retrigger every path ends after
 * the largest award, nothing is truncated.
 *
 * Two arithmetics:
 * - 'integer': masses as BigInt counts over the cycle Cb·Cf^t: C1, C2, P(cap) and the truncation
 *   bounds are exact rationals (the RTP is exact when no retrigger is possible).
 * - 'float': masses in doubles. Every quantity is a sum of products of non-negative numbers, so each
 *   computed value lies within a factor (1 ± γ_L) of the exact one, γ_L = L·u/(1 − L·u), u = 2⁻⁵³,
 *   L the longest chain of roundings that produced it (Higham, Accuracy and Stability of Numerical
 *   Algorithms, 2nd ed., §3.1, Lemma 3.1). L is counted as the DP runs; the interval is widened by it.
 */
import type { SpinHistogram } from './enumerate.ts';
import { Rational } from './rational.ts';

export type CapArithmetic = 'integer' | 'float';

export interface Interval {
  readonly lower: Rational;
  readonly upper: Rational;
}

export interface CappedFeatureInput {
  readonly base: SpinHistogram;
  readonly free: SpinHistogram;
  readonly freeMultiplier: number;
  readonly capUnits: number;
  readonly stakeUnits: number;
  /** Closed-form moments of one free spin with all its descendants (units). */
  readonly m1: Rational;
  readonly s2: Rational;
  /** Band index of each round total below the cap (for the win distribution); default all 0. */
  readonly bandOfTotal?: Uint8Array;
  /** Largest share of the RTP (a fraction, e.g. 5e-13) the truncation may leave open. */
  readonly truncationRtpBudget: number;
}

export interface CappedFeatureResult {
  readonly arithmetic: CapArithmetic;
  /** E[(Z − cap)⁺] (units). */
  readonly excessMean: Interval;
  /** E[(Z² − cap²)⁺] (units²). */
  readonly excessSecond: Interval;
  /** P(the round reaches the cap). */
  readonly capHit: Interval;
  /**
   * E[min(Z, cap)] (units) summed directly (rounds ending below the cap pay their total, the others
   * the cap). Float arithmetic only: its rounding is relative to the RTP, the excess form's to the
   * excess, so when the cap removes more than the RTP keeps, this one is the tighter.
   */
  readonly directMean?: Interval;
  /**
   * P(the round plays free spins and ends below the cap with its total in band k), per band of
   * `bandOfTotal` (exact in integer arithmetic; the double sums in float arithmetic).
   */
  readonly endedBandMass: readonly Rational[];
  /** Free spins the DP played before stopping (the truncation depth). */
  readonly spinsPlayed: number;
  readonly retriggerPossible: boolean;
  /** Probability mass still alive when the DP stopped (an upper bound; 0 when nothing was cut). */
  readonly truncatedMass: Rational;
  /** The truncation's share of the C1 interval, in RTP terms (units / stake). */
  readonly truncationRtpBound: Rational;
  /** Float arithmetic: the relative rounding bound γ_L applied; 0 for integer arithmetic. */
  readonly roundingRelativeBound: number;
  readonly roundingChainLength: number;
}

/** Bound on the spins the DP plays (a retrigger chain this long has negligible mass long before). */
export const MAX_DP_SPINS = 100_000;

export interface SpinKind {
  readonly win: number;
  readonly spins: number;
  readonly weight: number;
}

/** Per-spin (win × multiplier, spins awarded, weight), sorted by win (the crossing split uses it). */
export function spinKinds(h: SpinHistogram, multiplier: number): SpinKind[] {
  const out: SpinKind[] = [];
  for (const [spins, wins] of h.bySpins) {
    for (const [win, weight] of wins) out.push({ win: win * multiplier, spins, weight });
  }
  out.sort((a, b) => a.win - b.win || a.spins - b.spins);
  return out;
}

/** A double as the exact dyadic rational it is. */
export function rationalOfFloat(x: number): Rational {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  let scaled = x;
  let den = 1n;
  for (let i = 0; i < 1100 && !Number.isInteger(scaled); i++) {
    scaled *= 2;
    den *= 2n;
  }
  if (!Number.isInteger(scaled)) throw new RangeError(`cannot represent ${x} exactly`);
  return Rational.of(BigInt(scaled), den);
}

/** Base spins that reach the cap on their own, and the initial DP masses (integer weights). */
export function baseStart(
  input: CappedFeatureInput,
  onStart: (spins: number, win: number, weight: number) => void,
) {
  const { capUnits: cap, m1, s2 } = input;
  let c1 = Rational.ZERO;
  let c2 = Rational.ZERO;
  let hits = 0n;
  let paid = 0n;
  for (const [spins, wins] of input.base.bySpins) {
    for (const [win, weight] of wins) {
      if (spins === 0 && win < cap) paid += BigInt(win) * BigInt(weight);
      if (win >= cap) {
        const w = BigInt(weight);
        const m = BigInt(spins);
        const y = BigInt(win);
        const c = BigInt(cap);
        hits += w;
        c1 = c1.add(
          m1
            .mulInt(m)
            .add(Rational.of(y - c))
            .mulInt(w),
        );
        const sq = Rational.of(y * y - c * c)
          .add(m1.mulInt(2n * y * m))
          .add(s2.mulInt(m))
          .add(m1.mul(m1).mulInt(m * (m - 1n)));
        c2 = c2.add(sq.mulInt(w));
      } else if (spins > 0) {
        onStart(spins, win, weight);
      }
    }
  }
  const T = BigInt(input.base.totalWeight);
  return {
    c1: c1.div(Rational.of(T)),
    c2: c2.div(Rational.of(T)),
    hit: Rational.of(hits, T),
    /** E[pay; the round ends in the base spin] (units): wins without a feature, and the cap. */
    paidWithoutFeature: Rational.of(paid, T),
  };
}

export function retriggerPossible(kinds: readonly SpinKind[]): boolean {
  return kinds.some((k) => k.spins > 0 && k.weight > 0);
}

export function integerDp(input: CappedFeatureInput): CappedFeatureResult {
  const cap = input.capUnits;
  const kinds = spinKinds(input.free, input.freeMultiplier).map((k) => ({ ...k, w: BigInt(k.weight) }));
  const Cb = BigInt(input.base.totalWeight);
  const Cf = BigInt(input.free.totalWeight);
  let alive = new Map<number, Map<number, bigint>>();
  const start = baseStart(input, (spins, win, weight) => {
    const row = alive.get(spins) ?? new Map<number, bigint>();
    row.set(win, (row.get(win) ?? 0n) + BigInt(weight));
    alive.set(spins, row);
  });
  let c1 = start.c1;
  let c2 = start.c2;
  let hit = start.hit;
  const { m1, s2 } = input;
  const m1sq = m1.mul(m1);
  let den = Cb; // masses in `alive` are counts over den = Cb·Cf^t
  const bandOf = input.bandOfTotal ?? new Uint8Array(cap);
  let endedBands = new Array<Rational>(Math.max(...bandOf, 0) + 1).fill(Rational.ZERO);
  let spinsPlayed = 0;
  let truncated = { mass: Rational.ZERO, c1: Rational.ZERO, c1Low: Rational.ZERO, c2: Rational.ZERO };
  for (; alive.size > 0; spinsPlayed++) {
    if (spinsPlayed >= MAX_DP_SPINS) throw new Error(`capped-feature DP exceeded ${MAX_DP_SPINS} spins`);
    truncated = integerAliveBound(alive, cap, den, m1, s2);
    const openRtp = truncated.c1.sub(truncated.c1Low).toNumber() / input.stakeUnits;
    if (openRtp <= input.truncationRtpBudget && retriggerPossible(kinds)) break;
    const next = new Map<number, Map<number, bigint>>();
    let sA = 0n; // Σ q·(w + x − cap)
    let sM = 0n; // Σ q·m
    let sSq = 0n; // Σ q·((w + x)² − cap²)
    let sTM = 0n; // Σ q·(w + x)·m
    let sMM = 0n; // Σ q·m(m − 1)
    let sP = 0n;
    const stepBands = new Array<bigint>(endedBands.length).fill(0n);
    for (const [n, row] of alive) {
      for (const [w, count] of row) {
        for (const k of kinds) {
          const q = count * k.w;
          const total = w + k.win;
          const m = n - 1 + k.spins;
          if (total >= cap) {
            const t = BigInt(total);
            const mb = BigInt(m);
            sA += q * (t - BigInt(cap));
            sM += q * mb;
            sSq += q * (t * t - BigInt(cap) * BigInt(cap));
            sTM += q * t * mb;
            sMM += q * mb * (mb - 1n);
            sP += q;
          } else if (m === 0) {
            stepBands[bandOf[total]!]! += q;
          } else {
            const target = next.get(m) ?? new Map<number, bigint>();
            target.set(total, (target.get(total) ?? 0n) + q);
            next.set(m, target);
          }
        }
      }
    }
    den *= Cf;
    const D = Rational.of(1n, den);
    c1 = c1.add(Rational.of(sA).add(m1.mulInt(sM)).mul(D));
    c2 = c2.add(
      Rational.of(sSq)
        .add(m1.mulInt(2n * sTM))
        .add(s2.mulInt(sM))
        .add(m1sq.mulInt(sMM))
        .mul(D),
    );
    hit = hit.add(Rational.of(sP, den));
    endedBands = endedBands.map((b, k) => b.add(Rational.of(stepBands[k]!, den)));
    alive = next;
    truncated = { mass: Rational.ZERO, c1: Rational.ZERO, c1Low: Rational.ZERO, c2: Rational.ZERO };
  }
  return {
    arithmetic: 'integer',
    excessMean: { lower: c1.add(truncated.c1Low), upper: c1.add(truncated.c1) },
    excessSecond: { lower: c2, upper: c2.add(truncated.c2) },
    capHit: { lower: hit, upper: hit.add(truncated.mass) },
    endedBandMass: endedBands,
    spinsPlayed,
    retriggerPossible: retriggerPossible(kinds),
    truncatedMass: truncated.mass,
    truncationRtpBound: truncated.c1.sub(truncated.c1Low).div(Rational.of(input.stakeUnits)),
    roundingRelativeBound: 0,
    roundingChainLength: 0,
  };
}

function integerAliveBound(
  alive: ReadonlyMap<number, ReadonlyMap<number, bigint>>,
  cap: number,
  den: bigint,
  m1: Rational,
  s2: Rational,
) {
  let mass = 0n;
  let sN = 0n;
  let sWN = 0n;
  let sNN = 0n;
  let sGap = 0n; // Σ q·(cap − w) > 0
  for (const [n, row] of alive) {
    const nb = BigInt(n);
    for (const [w, q] of row) {
      mass += q;
      sGap += q * BigInt(cap - w);
      sN += q * nb;
      sWN += q * BigInt(w) * nb;
      sNN += q * nb * (nb - 1n);
    }
  }
  const D = Rational.of(1n, den);
  // An alive (w, n) ends with E[(w + F − cap)⁺] in [(w + n·m1 − cap)⁺, n·m1] (the lower end from
  // Jensen: E[min(w + F, cap)] ≤ min(cap, w + n·m1)); Σ max(0, a) ≥ max(0, Σ a) for the aggregate.
  const c1High = m1.mulInt(sN).mul(D);
  const c1LowRaw = c1High.sub(Rational.of(sGap, den));
  return {
    mass: Rational.of(mass, den),
    c1: c1High,
    c1Low: c1LowRaw.compare(Rational.ZERO) > 0 ? c1LowRaw : Rational.ZERO,
    c2: m1
      .mulInt(2n * sWN)
      .add(s2.mulInt(sN))
      .add(m1.mul(m1).mulInt(sNN))
      .mul(D),
  };
}
