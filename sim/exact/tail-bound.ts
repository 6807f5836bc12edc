/**
 * A proven upper bound on what a max-win cap removes, from the moment generating function of the
 * uncapped round win Z (Chernoff's method): no dynamic programme, so a cap far out in the tail
 * (5,000× stake) costs milliseconds instead of hours.
 *
 * Inequalities (u = z − cap, θ > 0; each holds for every real z):
 *     (z − cap)⁺      ≤ e^{θu} / (eθ)                      (max of u·e^{−θu} is 1/(eθ), at u = 1/θ)
 *     1{z ≥ cap}      ≤ e^{θu}
 *     (z² − cap²)⁺    ≤ e^{θu}·(4/(eθ)² + 2·cap/(eθ))     (z² − cap² = u² + 2·cap·u for u ≥ 0;
 *                                                          max of u²·e^{−θu} is 4/(eθ)², at u = 2/θ)
 * so E[(Z − cap)⁺] ≤ M(θ)·e^{−θ·cap}/(eθ) with M(θ) = E[e^{θZ}], and likewise for the others.
 *
 * M(θ) of the branching feature: Z = Y + Σ_{i≤N} W_i (base win Y, N initial free spins, W = one free
 * spin with all its descendants), so M(θ) = Σ_base p(y, n)·e^{θy}·τⁿ with τ = E[e^{θW}]. τ is the
 * smallest fixed point of f(t) = Σ_free p(x, r)·e^{θx}·t^r (Harris, The Theory of Branching
 * Processes, 1963, ch. I; Athreya & Ney, Branching Processes, 1972, §I.3 for the generating-function
 * fixed point). What we use is the elementary half of it: if t ≥ 1 and f(t) ≤ t then τ ≤ t.
 * Proof: let W⁽ᵏ⁾ be the win of the first k generations of the spin tree (W⁽⁻¹⁾ = 0); then
 * E[e^{θW⁽ᵏ⁺¹⁾}] = f(E[e^{θW⁽ᵏ⁾}]) (the children's subtrees are i.i.d. and independent of (X, R)),
 * so by induction E[e^{θW⁽ᵏ⁾}] ≤ t (f is increasing on [0, ∞), and E[e^{θW⁽⁻¹⁾}] = 1 ≤ t), and W⁽ᵏ⁾ ↑ W
 * gives τ ≤ t by monotone convergence. Every θ with such a t gives a valid bound; θ is chosen to
 * minimise it (in doubles, not trusted), then the bound is CERTIFIED in directed-rounding arithmetic.
 *
 * Certification arithmetic: θ is defined as ln b for a dyadic b > 1 (so e^{θx} = bˣ exactly), and
 * every quantity is a non-negative fixed-point number v/2^FRACTION_BITS held in a BigInt, each
 * product rounded up (ceil) for the upper bounds, down (floor) for bᶜᵃᵖ, sums exact. So the computed
 * f(t) and M are ≥ the true values and the computed bᶜᵃᵖ ≤ the true one: nothing relies on the
 * accuracy of Math.exp. Then θ ≥ 2(b − 1)/(b + 1) (ln(1 + z) ≥ 2z/(2 + z) for z ≥ 0: both vanish at 0
 * and the derivative of the difference is z²/((1 + z)(2 + z)²) ≥ 0) and e > 2.718281828.
 */

import { rationalOfFloat } from './capped-feature.ts';
import type { SpinHistogram } from './enumerate.ts';
import { Rational } from './rational.ts';

const FRACTION_BITS = 192n;
const ONE = 1n << FRACTION_BITS;
/** A rational lower bound of e (e = 2.71828182845…). */
const E_LOWER = Rational.of(2_718_281_828n, 1_000_000_000n);
/** Bound on the θ search steps and the fixed-point (Newton) iterations. */
const SEARCH_STEPS = 60;
const NEWTON_STEPS = 200;
/** Largest θ·cap the search considers. */
const MAX_EXPONENT = 2000;

export interface TailBound {
  /** θ = ln b (displayed; the certified figures use b). */
  readonly theta: number;
  readonly b: Rational;
  /** t ≥ τ = E[e^{θW}], certified by f(t) ≤ t. */
  readonly tauUpper: Rational;
  /** f(t) rounded up: ≤ tauUpper. */
  readonly fOfTauUpper: Rational;
  /** Upper bound of M(θ) = E[e^{θZ}]. */
  readonly mgfUpper: Rational;
  /** Upper bounds (units, units², probability). */
  readonly excessMeanUpper: Rational;
  readonly excessSecondUpper: Rational;
  readonly capHitUpper: Rational;
}

/** (win, spins awarded, weight) of one histogram, the free-spin multiplier applied. */
interface Kind {
  readonly win: number;
  readonly spins: number;
  readonly weight: number;
}

function kindsOf(h: SpinHistogram, multiplier: number): Kind[] {
  const out: Kind[] = [];
  for (const [spins, wins] of h.bySpins)
    for (const [win, weight] of wins) if (weight > 0) out.push({ win: win * multiplier, spins, weight });
  return out;
}

// ---------- search (doubles; only picks θ and t, proves nothing) ----------

/** Σ_r A_r t^r with A_r = Σ p·e^{θx} over kinds awarding r spins. */
function polynomial(kinds: readonly Kind[], total: number, theta: number): Map<number, number> {
  const a = new Map<number, number>();
  for (const k of kinds) a.set(k.spins, (a.get(k.spins) ?? 0) + (k.weight / total) * Math.exp(theta * k.win));
  return a;
}

const evaluate = (a: ReadonlyMap<number, number>, t: number) => {
  let s = 0;
  for (const [r, c] of a) s += c * t ** r;
  return s;
};
const derivative = (a: ReadonlyMap<number, number>, t: number) => {
  let s = 0;
  for (const [r, c] of a) if (r > 0) s += r * c * t ** (r - 1);
  return s;
};

/**
 * Smallest fixed point of the convex increasing f above 1, or null when there is none. Newton on
 * g(t) = f(t) − t from t = 1: g is convex, so each tangent root stays left of the smallest root.
 */
export function smallestFixedPoint(a: ReadonlyMap<number, number>): number | null {
  let t = 1;
  for (let i = 0; i < NEWTON_STEPS; i++) {
    const g = evaluate(a, t) - t;
    if (!Number.isFinite(g)) return null;
    if (g <= 1e-15 * t) return t;
    const slope = derivative(a, t) - 1;
    if (slope >= 0) return null; // g positive and increasing from here: no root
    const next = t - g / slope;
    if (next <= t * (1 + 1e-16)) return t;
    t = next;
  }
  return null;
}

interface Candidate {
  readonly theta: number;
  readonly tau: number;
  readonly logBound: number;
}

function candidateAt(
  free: readonly Kind[],
  freeTotal: number,
  base: readonly Kind[],
  baseTotal: number,
  cap: number,
  theta: number,
): Candidate | null {
  const tau = smallestFixedPoint(polynomial(free, freeTotal, theta));
  if (tau === null) return null;
  const m = evaluate(polynomial(base, baseTotal, theta), tau);
  if (!Number.isFinite(m)) return null;
  return { theta, tau, logBound: Math.log(m) - theta * cap - Math.log(theta) - 1 };
}

/** θ minimising the bound: the largest feasible θ by bisection, then golden section (log M is convex). */
function searchTheta(
  free: Kind[],
  freeTotal: number,
  base: Kind[],
  baseTotal: number,
  cap: number,
): Candidate | null {
  const at = (theta: number) => candidateAt(free, freeTotal, base, baseTotal, cap, theta);
  let lo = 0;
  let hi = 1 / cap;
  for (let i = 0; i < SEARCH_STEPS && at(hi) !== null; i++) {
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < SEARCH_STEPS; i++) {
    const mid = (lo + hi) / 2;
    if (at(mid) !== null) lo = mid;
    else hi = mid;
  }
  if (lo === 0) return null;
  // Stay off the critical θ, where f'(τ) → 1 and the certification margin vanishes; and below
  // θ·cap = MAX_EXPONENT (e^-MAX_EXPONENT is far below any budget), which keeps b^cap a modest BigInt.
  let left = 0;
  let right = Math.min(lo * 0.995, MAX_EXPONENT / cap);
  const ratio = (Math.sqrt(5) - 1) / 2;
  const value = (theta: number) => at(theta)?.logBound ?? Number.POSITIVE_INFINITY;
  for (let i = 0; i < SEARCH_STEPS; i++) {
    const x1 = right - ratio * (right - left);
    const x2 = left + ratio * (right - left);
    if (value(x1) <= value(x2)) right = x2;
    else left = x1;
  }
  return at((left + right) / 2);
}

// ---------- certification (directed rounding) ----------

const mulUp = (a: bigint, b: bigint) => (a * b + ONE - 1n) >> FRACTION_BITS;
const mulDown = (a: bigint, b: bigint) => (a * b) >> FRACTION_BITS;

/** x^k for fixed-point x ≥ 0 by repeated squaring, every product rounded the same way. */
function power(x: bigint, k: number, mul: (a: bigint, b: bigint) => bigint): bigint {
  if (!Number.isSafeInteger(k) || k < 0)
    throw new RangeError(`exponent ${k} is not a safe non-negative integer`);
  let result = ONE;
  let square = x;
  for (let e = k; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = mul(result, square);
    if (e > 1) square = mul(square, square);
  }
  return result;
}

/** A double ≥ 0 as an exact fixed-point number (refuses one that is not a multiple of 2^-FRACTION_BITS). */
function fixedOfDouble(x: number): bigint {
  const r = rationalOfFloat(x);
  const scaled = r.num * ONE;
  if (scaled % r.den !== 0n)
    throw new RangeError(`${x} is not representable in ${FRACTION_BITS} fraction bits`);
  return scaled / r.den;
}

/** x^(2^i) for i = 0 … bits of `maxExponent`, each square rounded by `mul`: then x^k costs one product per set bit. */
function squares(x: bigint, maxExponent: number, mul: (a: bigint, b: bigint) => bigint): bigint[] {
  const out = [x];
  for (let e = 2; e <= maxExponent; e *= 2) out.push(mul(out.at(-1)!, out.at(-1)!));
  return out;
}

function powerFromSquares(
  table: readonly bigint[],
  k: number,
  mul: (a: bigint, b: bigint) => bigint,
): bigint {
  let result = ONE;
  for (let i = 0, e = k; e > 0; i++, e = Math.floor(e / 2)) {
    if (i >= table.length) throw new RangeError(`exponent ${k} beyond the table of squares`);
    if (e % 2 === 1) result = mul(result, table[i]!);
  }
  return result;
}

/** Σ p·b^x·t^r rounded up, p = weight/total rounded up. */
function sumUp(kinds: readonly Kind[], total: number, b: bigint, t: bigint): bigint {
  const T = BigInt(total);
  let maxWin = 1;
  for (const k of kinds) maxWin = Math.max(maxWin, k.win);
  const bSquares = squares(b, maxWin, mulUp);
  const tPowers = new Map<number, bigint>();
  let sum = 0n;
  for (const k of kinds) {
    const p = (BigInt(k.weight) * ONE + T - 1n) / T;
    let tr = tPowers.get(k.spins);
    if (tr === undefined) {
      tr = power(t, k.spins, mulUp);
      tPowers.set(k.spins, tr);
    }
    sum += mulUp(mulUp(p, powerFromSquares(bSquares, k.win, mulUp)), tr);
  }
  return sum;
}

/** What the tail bound reads: the two spin histograms, the free-spin multiplier, the cap. */
export interface TailBoundInput {
  readonly base: SpinHistogram;
  readonly free: SpinHistogram;
  readonly freeMultiplier: number;
  readonly capUnits: number;
}

/**
 * Certifies the bound at θ = ln b with τ ≤ t (b > 1 and t ≥ 1 doubles, taken exactly); null when
 * f(t) ≤ t fails in upward-rounded arithmetic (t is then not proven to bound τ).
 */
export function certifyTailBound(input: TailBoundInput, bDouble: number, tDouble: number): TailBound | null {
  const b = fixedOfDouble(bDouble);
  const t = fixedOfDouble(tDouble);
  if (b <= ONE || t < ONE) return null;
  const f = sumUp(kindsOf(input.free, input.freeMultiplier), input.free.totalWeight, b, t);
  if (f > t) return null;
  const m = sumUp(kindsOf(input.base, 1), input.base.totalWeight, b, t);
  const bCapDown = power(b, input.capUnits, mulDown);
  const bR = Rational.of(b, ONE);
  const thetaLower = bR.sub(Rational.ONE).mulInt(2).div(bR.add(Rational.ONE));
  const eTheta = E_LOWER.mul(thetaLower);
  const tail = Rational.of(m, bCapDown); // ≥ M(θ)·e^{−θ·cap}
  const secondFactor = Rational.of(4)
    .div(eTheta.mul(eTheta))
    .add(Rational.of(2 * input.capUnits).div(eTheta));
  return {
    theta: Math.log(bDouble),
    b: bR,
    tauUpper: Rational.of(t, ONE),
    fOfTauUpper: Rational.of(f, ONE),
    mgfUpper: Rational.of(m, ONE),
    excessMeanUpper: tail.div(eTheta),
    capHitUpper: tail,
    excessSecondUpper: tail.mul(secondFactor),
  };
}

/** The θ the search picks and τ(θ) in doubles (not proven; `certifyTailBound` proves). */
export function tailSearch(input: TailBoundInput): { readonly theta: number; readonly tau: number } | null {
  const free = kindsOf(input.free, input.freeMultiplier);
  const base = kindsOf(input.base, 1);
  return searchTheta(free, input.free.totalWeight, base, input.base.totalWeight, input.capUnits);
}

/**
 * The certified tail bound, or null when no θ works (the MGF of one free spin's tree is infinite for
 * every θ tried, or the certification fails at every margin).
 */
export function capTailBound(input: TailBoundInput): TailBound | null {
  const best = tailSearch(input);
  if (best === null) return null;
  // b: a double near e^θ (any b > 1 is a valid choice); t: τ with a margin for the rounding.
  const b = Math.exp(best.theta);
  if (!(Number.isFinite(b) && b > 1 && Number.isFinite(best.tau))) return null;
  for (const margin of [1e-12, 1e-9, 1e-6, 1e-3]) {
    const bound = certifyTailBound(input, b, best.tau * (1 + margin));
    if (bound !== null) return bound;
  }
  return null;
}
