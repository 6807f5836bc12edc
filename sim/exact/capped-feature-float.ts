/**
 * The capped-feature DP in doubles, with a proven rounding bound (see capped-feature.ts for the
 * method and the truncation bound). Every stored or accumulated value is a sum of products of
 * non-negative doubles, so the computed value lies in [(1 − γ_L)·exact, (1 + γ_L)·exact] with
 * γ_L = L·u / (1 − L·u), u = 2⁻⁵³ and L the longest chain of roundings behind it (Higham, Accuracy and
 * Stability of Numerical Algorithms, 2nd ed., Lemma 3.1 and §4.2 for summation). L is counted as the
 * DP runs: per spin, 2 roundings for a product q = mass × p and at most `kinds` additions into one
 * cell. The crossing sums add their own chain (term, per-cell sum, pairwise totals).
 * Underflow to subnormals is covered by an absolute slack of 2⁻¹⁰⁷⁴ per operation.
 */
import {
  baseStart,
  type CappedFeatureInput,
  type CappedFeatureResult,
  MAX_DP_SPINS,
  rationalOfFloat,
  retriggerPossible,
  spinKinds,
} from './capped-feature.ts';
import { Rational } from './rational.ts';

interface KindGroup {
  readonly spins: number;
  /** Wins (units, multiplier applied), ascending. */
  readonly wins: Float64Array;
  readonly probabilities: Float64Array;
}

/** Roundings of a Rational → double conversion (Number(num) / Number(den): 3). */
const CONVERSION_ROUNDINGS = 3;

function groupsOf(input: CappedFeatureInput): KindGroup[] {
  const kinds = spinKinds(input.free, input.freeMultiplier);
  const bySpins = new Map<number, { wins: number[]; probabilities: number[] }>();
  for (const k of kinds) {
    const g = bySpins.get(k.spins) ?? { wins: [], probabilities: [] };
    g.wins.push(k.win);
    g.probabilities.push(k.weight / input.free.totalWeight);
    bySpins.set(k.spins, g);
  }
  return [...bySpins].map(([spins, g]) => ({
    spins,
    wins: Float64Array.from(g.wins),
    probabilities: Float64Array.from(g.probabilities),
  }));
}

/** Pairwise sum: chain length ⌈log2 n⌉ + 1 (Higham §4.2). */
export function pairwiseSum(values: ArrayLike<number>, from = 0, to = values.length): number {
  const n = to - from;
  if (n <= 8) {
    let s = 0;
    for (let i = from; i < to; i++) s += values[i]!;
    return s;
  }
  const mid = from + (n >> 1);
  return pairwiseSum(values, from, mid) + pairwiseSum(values, mid, to);
}

const log2Ceil = (n: number) => Math.ceil(Math.log2(Math.max(2, n))) + 8;

interface Moments {
  readonly m1: number;
  readonly s2: number;
  readonly m1sq: number;
}

/** One spin for every alive state: pushes non-crossing mass into `next`, crossing terms per cell. */
function playSpin(
  alive: ReadonlyMap<number, Float64Array>,
  groups: readonly KindGroup[],
  cap: number,
  mo: Moments,
  next: Map<number, Float64Array>,
  cross: { c1: Float64Array; c2: Float64Array; p: Float64Array; ended: Float64Array },
  bandOf: Uint8Array,
  endedBands: Float64Array,
): void {
  for (const [n, A] of alive) {
    for (const g of groups) {
      const m = n - 1 + g.spins;
      let T: Float64Array | null = null;
      if (m > 0) {
        T = next.get(m) ?? new Float64Array(cap);
        next.set(m, T);
      }
      const { wins, probabilities } = g;
      const len = wins.length;
      const ending = m * mo.m1;
      const endingSecond = m * mo.s2 + m * (m - 1) * mo.m1sq;
      for (let w = 0; w < cap; w++) {
        const a = A[w]!;
        if (a === 0) continue;
        const limit = cap - w;
        let j = 0;
        if (T !== null) for (; j < len && wins[j]! < limit; j++) T[w + wins[j]!]! += a * probabilities[j]!;
        else {
          // The round ends below the cap: it pays w + x (the direct form of E[min(Z, cap)]).
          let le = 0;
          for (; j < len && wins[j]! < limit; j++) {
            const q = a * probabilities[j]!;
            le += q * (w + wins[j]!);
            endedBands[bandOf[w + wins[j]!]!]! += q;
          }
          cross.ended[w]! += le;
        }
        let l1 = 0;
        let l2 = 0;
        let lp = 0;
        for (; j < len; j++) {
          const q = a * probabilities[j]!;
          const t = w + wins[j]!;
          l1 += q * (t - cap + ending);
          l2 += q * ((t - cap) * (t + cap) + 2 * t * ending + endingSecond);
          lp += q;
        }
        cross.c1[w]! += l1;
        cross.c2[w]! += l2;
        cross.p[w]! += lp;
      }
    }
  }
}

function aliveBound(alive: ReadonlyMap<number, Float64Array>, mo: Moments) {
  let mass = 0;
  let c1 = 0;
  let c2 = 0;
  let cells = 0;
  let payLow = 0;
  let payHigh = 0;
  let c1Low = 0;
  for (const [n, A] of alive) {
    for (let w = 0; w < A.length; w++) {
      const q = A[w]!;
      if (q === 0) continue;
      cells++;
      mass += q;
      c1 += q * n * mo.m1;
      c2 += q * (2 * w * n * mo.m1 + n * mo.s2 + n * (n - 1) * mo.m1sq);
      // An alive state ends paying between w and min(cap, w + n·m1) in expectation (Jensen: min is concave).
      payLow += q * w;
      c1Low += q * Math.max(0, w + n * mo.m1 - A.length);
      payHigh += q * Math.min(A.length, w + n * mo.m1);
    }
  }
  return { mass, c1, c1Low, c2, cells, payLow, payHigh };
}

/** γ_L as an exact rational upper bound. */
function gamma(chain: number): Rational {
  const lu = Rational.of(BigInt(chain), 2n ** 53n);
  if (lu.compare(Rational.ONE) >= 0) throw new RangeError(`rounding chain ${chain} too long for a bound`);
  return lu.div(Rational.ONE.sub(lu));
}

export function floatDp(input: CappedFeatureInput): CappedFeatureResult {
  const cap = input.capUnits;
  if ((2 * cap) ** 2 >= 2 ** 53)
    throw new RangeError(`cap ${cap} units too large for exact squares in doubles`);
  const groups = groupsOf(input);
  const kindCount = groups.reduce((s, g) => s + g.wins.length, 0);
  const retrigger = retriggerPossible(spinKinds(input.free, input.freeMultiplier));
  let alive = new Map<number, Float64Array>();
  const start = baseStart(input, (spins, win, weight) => {
    const row = alive.get(spins) ?? new Float64Array(cap);
    row[win]! += weight / input.base.totalWeight;
    alive.set(spins, row);
  });
  const mo: Moments = {
    m1: input.m1.toNumber(),
    s2: input.s2.toNumber(),
    m1sq: input.m1.mul(input.m1).toNumber(),
  };
  const bandOf = input.bandOfTotal ?? new Uint8Array(cap);
  const endedBands = new Float64Array(Math.max(...bandOf, 0) + 1);
  let massChain = 1;
  let crossChain = 0;
  let operations = 0;
  const steps = { c1: [] as number[], c2: [] as number[], p: [] as number[], ended: [] as number[] };
  let spinsPlayed = 0;
  let bound = { mass: 0, c1: 0, c1Low: 0, c2: 0, cells: 0, payLow: 0, payHigh: 0 };
  for (; alive.size > 0; spinsPlayed++) {
    if (spinsPlayed >= MAX_DP_SPINS) throw new Error(`capped-feature DP exceeded ${MAX_DP_SPINS} spins`);
    bound = aliveBound(alive, mo);
    const open = Math.min(bound.c1 - bound.c1Low * (1 - 1e-6), bound.payHigh - bound.payLow * (1 - 1e-6));
    if (retrigger && (open * (1 + 1e-6)) / input.stakeUnits <= input.truncationRtpBudget) break;
    const next = new Map<number, Float64Array>();
    const cross = {
      c1: new Float64Array(cap),
      c2: new Float64Array(cap),
      p: new Float64Array(cap),
      ended: new Float64Array(cap),
    };
    playSpin(alive, groups, cap, mo, next, cross, bandOf, endedBands);
    const sources = alive.size;
    // Crossing term: mass chain + product (2) + moment conversions and arithmetic (≤ 10) + per-cell
    // sum (≤ kinds) + the sources added into one cell + the pairwise total over the cells.
    crossChain = Math.max(
      crossChain,
      massChain + 12 + CONVERSION_ROUNDINGS + kindCount + sources + log2Ceil(cap),
    );
    // A cell of a target array m gets one addition per (group r, win) with source n = m + 1 − r:
    // at most kindCount additions whatever the number of sources.
    massChain += 2 + kindCount;
    operations += sources * cap * kindCount * 4;
    steps.c1.push(pairwiseSum(cross.c1));
    steps.c2.push(pairwiseSum(cross.c2));
    steps.p.push(pairwiseSum(cross.p));
    steps.ended.push(pairwiseSum(cross.ended));
    for (const [m, T] of next) if (!T.some((v) => v !== 0)) next.delete(m);
    alive = next;
    bound = { mass: 0, c1: 0, c1Low: 0, c2: 0, cells: 0, payLow: 0, payHigh: 0 };
  }
  const chain = Math.max(crossChain + log2Ceil(steps.c1.length), massChain + 12 + bound.cells);
  const g = gamma(chain);
  const slack = Rational.of(BigInt(operations + bound.cells * 8 + 1), 2n ** 1074n);
  const widen = (
    value: number,
    exactPart: Rational,
    truncation: number,
    scale: number,
    truncationLow = 0,
  ) => {
    const v = rationalOfFloat(value);
    const t = rationalOfFloat(truncation);
    const slackScaled = slack.mulInt(BigInt(Math.ceil(scale)));
    const lower = v.add(rationalOfFloat(truncationLow)).div(Rational.ONE.add(g)).sub(slackScaled);
    return {
      lower: exactPart.add(lower.compare(Rational.ZERO) > 0 ? lower : Rational.ZERO),
      upper: exactPart.add(v.add(t).div(Rational.ONE.sub(g)).add(slackScaled)),
    };
  };
  const capHit = widen(pairwiseSum(steps.p), start.hit, bound.mass, 1);
  // Direct form: E[min(Z, cap)] = (base rounds without a feature) + (rounds ending below the cap)
  // + cap × P(cap) + (alive rounds, between w and min(cap, w + n·m1)).
  const endedSum = rationalOfFloat(pairwiseSum(steps.ended));
  const low = (x: Rational) => x.div(Rational.ONE.add(g));
  const high = (x: Rational) => x.div(Rational.ONE.sub(g));
  const capR = Rational.of(cap);
  const directMean = {
    lower: start.paidWithoutFeature
      .add(low(endedSum))
      .add(capHit.lower.mul(capR))
      .add(low(rationalOfFloat(bound.payLow))),
    upper: start.paidWithoutFeature
      .add(high(endedSum))
      .add(capHit.upper.mul(capR))
      .add(high(rationalOfFloat(bound.payHigh)))
      .add(slack.mulInt(BigInt(cap))),
  };
  const secondScale = (2 * cap + 2 * cap * mo.m1 * (spinsPlayed + 100)) ** 2 + 1;
  const truncC1 = bound.c1;
  return {
    arithmetic: 'float',
    excessMean: widen(
      pairwiseSum(steps.c1),
      start.c1,
      truncC1,
      cap + mo.m1 * (spinsPlayed + 100) + 1,
      bound.c1Low,
    ),
    excessSecond: widen(pairwiseSum(steps.c2), start.c2, bound.c2, secondScale),
    capHit,
    directMean,
    endedBandMass: [...endedBands].map(rationalOfFloat),
    spinsPlayed,
    retriggerPossible: retrigger,
    truncatedMass: rationalOfFloat(bound.mass).div(Rational.ONE.sub(g)),
    truncationRtpBound: rationalOfFloat(
      Math.min(truncC1 - bound.c1Low * (1 - 1e-6), bound.payHigh - bound.payLow * (1 - 1e-6)),
    )
      .div(Rational.ONE.sub(g))
      .div(Rational.of(input.stakeUnits)),
    roundingRelativeBound: g.toNumber(),
    roundingChainLength: chain,
  };
}
