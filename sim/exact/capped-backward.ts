/**
 * The capped-feature excess by a BACKWARD value recursion over (win so far w < cap, spins left n),
 * instead of the forward DP's spin-by-spin masses: its cost is cap × N × kinds, with no factor for
 * the depth the forward DP plays to (see capped-feature.ts for the method and the crossing terms).
 *
 * With F_n the win of n free spins and all their descendants,
 *     V_n(w) = E[(w + F_n − cap)⁺]   satisfies   V_n(w) = Σ p(x, r)·V_{n−1+r}(w + x),
 * where a state that reaches w + x ≥ cap with m spins left has the closed form (w + x − cap) + m·m1
 * (every later win adds to the excess), V_0(w) = 0 below the cap. Likewise P_n(w) = P(w + F_n ≥ cap)
 * (1 at a crossing) and V2_n(w) = E[((w + F_n)² − cap²)⁺] (crossing term as in capped-feature.ts).
 * w is swept from cap − 1 down; x > 0 terms read rows already computed; zero-win kinds without a
 * retrigger (x = 0, r = 0) read V_{n−1}(w), computed just before in increasing n. Zero-win
 * retriggers (x = 0, r ≥ 1) would couple the n's at one w: such games go to the forward DP.
 *
 * Truncation: only n ≤ N is stored; a term reaching m > N counts 0 here (a lower bound, V ≥ 0), and
 * the most it can miss is its upper bound (m·m1 for V; 1 for P; 2·cap·m·m1 + m·s2 + m(m−1)·m1² for
 * V2, since (t + F)² − cap² ≤ 2tF + F² for t < cap) at the first time n exceeds N. The expectation of
 * that over the round is at most the same over the spins-left chain without the cap (the cap only
 * ends rounds earlier), computed by a DP over n alone: the "gap" added to the upper ends.
 *
 * Rounding: every stored value is a sum of products of non-negative doubles, so it lies within a
 * factor (1 ± γ_L) of the exact recursion's (Higham, Accuracy and Stability of Numerical Algorithms,
 * 2nd ed., Lemma 3.1 and 3.3). L ≤ S·ℓ: ℓ roundings per cell (a product, a term's formula, and the
 * blocked sum: blocks of BLOCK kinds added in sequence, then the block sums in sequence), and S the
 * most cells along any dependency path: each step either adds x ≥ x_min to w, or lowers n by one
 * (which a retrigger, adding x ≥ x_min,retrigger, undoes by at most r_max − 1), so
 * S ≤ cap/x_min + N + (r_max − 1)·cap/x_min,retrigger + 1.
 */
import {
  baseStart,
  type CappedFeatureInput,
  type Interval,
  rationalOfFloat,
  spinKinds,
} from './capped-feature.ts';
import { pairwiseSum } from './capped-feature-float.ts';
import { Rational } from './rational.ts';

/** Kinds summed in sequence before their block sum joins the cell's total. */
const BLOCK = 32;
/** Roundings of one term: p (1), p × value (1), the crossing formula (≤ 10 incl. m1, s2 conversions). */
const TERM_ROUNDINGS = 12;
/** Largest memory the rows may take (3 × (N + 1) × cap doubles): beyond it the recursion refuses. */
const MAX_ROWS_BYTES = 2 ** 31;
/** Bound on the spins-left chain's steps (its mass decays geometrically; this is a safety stop). */
const MAX_CHAIN_STEPS = 1_000_000;

export interface BackwardResult {
  readonly excessMean: Interval;
  readonly excessSecond: Interval;
  readonly capHit: Interval;
  /** N: the most spins left stored. */
  readonly maxSpinsLeft: number;
  /** Upper bound of what the truncation at N leaves open, in RTP (E[(Z − cap)⁺] gap / stake). */
  readonly truncationRtpBound: Rational;
  readonly truncationCapHitBound: Rational;
  readonly roundingRelativeBound: number;
  readonly roundingChainLength: number;
  readonly cellKindUpdates: number;
  /**
   * Lower bounds of P(the round plays free spins and ends below the cap in band k), per band of
   * `input.bandOfTotal` (empty without it); the rest of each band's mass is at most the interval
   * widths of the G(e) they are differences of.
   */
  readonly endedBandMass: readonly Rational[];
}

interface Group {
  readonly spins: number;
  readonly wins: Float64Array;
  readonly probabilities: Float64Array;
}

/** Kinds grouped by spins awarded, wins ascending; null when a zero-win kind retriggers. */
function groupsOf(input: CappedFeatureInput): Group[] | null {
  const kinds = spinKinds(input.free, input.freeMultiplier).filter((k) => k.weight > 0);
  if (kinds.some((k) => k.win === 0 && k.spins > 0)) return null;
  const by = new Map<number, { wins: number[]; probabilities: number[] }>();
  for (const k of kinds) {
    const g = by.get(k.spins) ?? { wins: [], probabilities: [] };
    g.wins.push(k.win);
    g.probabilities.push(k.weight / input.free.totalWeight);
    by.set(k.spins, g);
  }
  return [...by].map(([spins, g]) => ({
    spins,
    wins: Float64Array.from(g.wins),
    probabilities: Float64Array.from(g.probabilities),
  }));
}

export interface TruncationGap {
  /** Upper bounds of E[m; first m > N], E[m(m − 1); first m > N], P(some m > N) over the round. */
  readonly m: number;
  readonly mm1: number;
  readonly mass: number;
}

/**
 * The spins-left chain without the cap, absorbed at the first m > N. Doubles: sums of non-negative
 * products along at most `steps` spins, so γ_{8·steps} ≤ 1e-9 and the results are scaled by 1 + 1e-9.
 */
export function truncationGap(input: CappedFeatureInput, groups: readonly Group[], n: number): TruncationGap {
  const award = groups.map((g) => ({ r: g.spins, p: g.probabilities.reduce((s, v) => s + v, 0) }));
  let alive = new Map<number, number>();
  let gm = 0;
  let gmm = 0;
  let mass = 0;
  let absorbed = 0;
  const absorb = (m: number, q: number) => {
    gm += q * m;
    gmm += q * m * (m - 1);
    mass += q;
    absorbed++;
  };
  for (const [spins, wins] of input.base.bySpins) {
    if (spins === 0) continue;
    let q = 0;
    for (const [win, weight] of wins) if (win < input.capUnits) q += weight / input.base.totalWeight;
    if (spins > n) absorb(spins, q);
    else alive.set(spins, (alive.get(spins) ?? 0) + q);
  }
  const rMax = Math.max(...award.map((a) => a.r));
  let steps = 0;
  for (; alive.size > 0; steps++) {
    if (steps >= MAX_CHAIN_STEPS) throw new Error(`spins-left chain exceeded ${MAX_CHAIN_STEPS} steps`);
    let q = 0;
    for (const v of alive.values()) q += v;
    if (q < 1e-40) {
      // What is left may all exceed N later, with m ≤ N + r_max: count it so.
      absorb(n + rMax, q);
      break;
    }
    const next = new Map<number, number>();
    for (const [left, qq] of alive)
      for (const { r, p } of award) {
        const m = left - 1 + r;
        if (m > n) absorb(m, qq * p);
        else if (m > 0) next.set(m, (next.get(m) ?? 0) + qq * p);
      }
    alive = next;
  }
  // Chain: a mass is a product per step plus the additions into its cell (≤ groups), then the
  // absorbed terms (3 roundings) are added in sequence; the start sums add at most the base kinds.
  let baseKinds = 0;
  for (const wins of input.base.bySpins.values()) baseKinds += wins.size;
  const chain = (steps + 1) * (2 + groups.length) + baseKinds + 3 + absorbed + alive.size;
  if (chain * 2 ** -53 > 1e-10) throw new Error('spins-left chain too long for its rounding bound');
  const up = 1 + 1e-9;
  return { m: gm * up, mm1: gmm * up, mass: mass * up };
}

/** N: the smallest (1, 2, … 10, then steps of 10%) whose gap fits a tenth of the budget. */
function chooseN(input: CappedFeatureInput, groups: readonly Group[], m1: number): number {
  for (let n = 1; n <= 10_000; n = n < 10 ? n + 1 : Math.ceil(n * 1.1)) {
    const gap = truncationGap(input, groups, n);
    if ((gap.m * m1) / input.stakeUnits <= input.truncationRtpBudget / 10) return n;
  }
  throw new RangeError('no spins-left bound up to 10,000 keeps the truncation within the budget');
}

export function backwardWork(input: CappedFeatureInput): { n: number; cellKindUpdates: number } | null {
  const groups = groupsOf(input);
  if (groups === null) return null;
  const n = chooseN(input, groups, input.m1.toNumber());
  const kinds = groups.reduce((s, g) => s + g.wins.length, 0);
  return { n, cellKindUpdates: input.capUnits * n * kinds };
}

/** γ_L = L·u/(1 − L·u) as an exact rational upper bound (u = 2⁻⁵³). */
function gamma(chain: number): Rational {
  const lu = Rational.of(BigInt(chain), 2n ** 53n);
  if (lu.compare(Rational.ONE) >= 0) throw new RangeError(`rounding chain ${chain} too long for a bound`);
  return lu.div(Rational.ONE.sub(lu));
}

interface Rows {
  readonly v1: Float64Array[];
  readonly p: Float64Array[];
  readonly v2: Float64Array[];
}

interface Moments {
  readonly m1: number;
  readonly s2: number;
  readonly m1sq: number;
}

/**
 * One cell (w, n): Σ over kinds of p × (the row it lands in, or the crossing closed form), summed in
 * blocks of BLOCK. `limits[g]`: first index of group g whose win reaches the cap from w.
 */
function cell(
  w: number,
  n: number,
  cap: number,
  groups: readonly Group[],
  limits: Int32Array,
  rows: Rows,
  mo: Moments,
  out: Float64Array,
): void {
  let t1 = 0;
  let tp = 0;
  let t2 = 0;
  let b1 = 0;
  let bp = 0;
  let b2 = 0;
  let inBlock = 0;
  const N = rows.v1.length - 1;
  for (let g = 0; g < groups.length; g++) {
    const { wins, probabilities, spins } = groups[g]!;
    const m = n - 1 + spins;
    const limit = limits[g]!;
    if (m >= 1 && m <= N) {
      const r1 = rows.v1[m]!;
      const rp = rows.p[m]!;
      const r2 = rows.v2[m]!;
      for (let j = 0; j < limit; j++) {
        const q = probabilities[j]!;
        const t = w + wins[j]!;
        b1 += q * r1[t]!;
        bp += q * rp[t]!;
        b2 += q * r2[t]!;
        if (++inBlock === BLOCK) {
          t1 += b1;
          tp += bp;
          t2 += b2;
          b1 = bp = b2 = 0;
          inBlock = 0;
        }
      }
    }
    const ending = m * mo.m1;
    const endingSecond = m * mo.s2 + m * (m - 1) * mo.m1sq;
    for (let j = limit; j < wins.length; j++) {
      const q = probabilities[j]!;
      const t = w + wins[j]!;
      b1 += q * (t - cap + ending);
      bp += q;
      b2 += q * ((t - cap) * (t + cap) + 2 * t * ending + endingSecond);
      if (++inBlock === BLOCK) {
        t1 += b1;
        tp += bp;
        t2 += b2;
        b1 = bp = b2 = 0;
        inBlock = 0;
      }
    }
  }
  out[0] = t1 + b1;
  out[1] = tp + bp;
  out[2] = t2 + b2;
}

/** Sweeps w from cap − 1 down, n from 1 up, filling rows[n][w] for n = 1 … N. */
function sweep(cap: number, n: number, groups: readonly Group[], mo: Moments): Rows {
  const make = () => Array.from({ length: n + 1 }, () => new Float64Array(cap));
  const rows: Rows = { v1: make(), p: make(), v2: make() };
  const limits = new Int32Array(groups.length).fill(0);
  const out = new Float64Array(3);
  for (let w = cap - 1; w >= 0; w--) {
    // First index with w + win ≥ cap; moves right as w falls.
    for (let g = 0; g < groups.length; g++) {
      const wins = groups[g]!.wins;
      let j = limits[g]!;
      while (j < wins.length && w + wins[j]! < cap) j++;
      limits[g] = j;
    }
    for (let left = 1; left <= n; left++) {
      cell(w, left, cap, groups, limits, rows, mo, out);
      rows.v1[left]![w] = out[0]!;
      rows.p[left]![w] = out[1]!;
      rows.v2[left]![w] = out[2]!;
    }
  }
  return rows;
}

/** P rows only (the hit recursion with the cap at `edge`): the win bands need nothing else. */
function hitSweep(edge: number, n: number, groups: readonly Group[]): Float64Array[] {
  const rows = Array.from({ length: n + 1 }, () => new Float64Array(edge));
  const limits = new Int32Array(groups.length).fill(0);
  for (let w = edge - 1; w >= 0; w--) {
    for (let g = 0; g < groups.length; g++) {
      const wins = groups[g]!.wins;
      let j = limits[g]!;
      while (j < wins.length && w + wins[j]! < edge) j++;
      limits[g] = j;
    }
    for (let left = 1; left <= n; left++) {
      let total = 0;
      let block = 0;
      let inBlock = 0;
      for (let g = 0; g < groups.length; g++) {
        const { wins, probabilities, spins } = groups[g]!;
        const m = left - 1 + spins;
        const limit = limits[g]!;
        const row = m >= 1 && m <= n ? rows[m]! : null;
        for (let j = 0; j < wins.length; j++) {
          if (j < limit && row === null) {
            j = limit - 1; // these land in V_0 or beyond N: 0 (a lower bound)
            continue;
          }
          block += probabilities[j]! * (j < limit ? row![w + wins[j]!]! : 1);
          if (++inBlock === BLOCK) {
            total += block;
            block = 0;
            inBlock = 0;
          }
        }
      }
      rows[left]![w] = total + block;
    }
  }
  return rows;
}

/** The longest rounding chain (module comment): S cells along a path × ℓ roundings per cell. */
function chainLength(cap: number, n: number, groups: readonly Group[]): number {
  const kinds = groups.reduce((s, g) => s + g.wins.length, 0);
  const perCell = TERM_ROUNDINGS + (BLOCK - 1) + Math.ceil(kinds / BLOCK) + 1;
  let xMin = Number.POSITIVE_INFINITY;
  let xMinRetrigger = Number.POSITIVE_INFINITY;
  let rMax = 0;
  for (const g of groups) {
    for (const x of g.wins) if (x > 0) xMin = Math.min(xMin, x);
    if (g.spins > 0) {
      xMinRetrigger = Math.min(xMinRetrigger, g.wins[0]!);
      rMax = Math.max(rMax, g.spins);
    }
  }
  const retriggerSteps = rMax > 1 ? (rMax - 1) * Math.ceil(cap / xMinRetrigger) : 0;
  const cells = (Number.isFinite(xMin) ? Math.ceil(cap / xMin) : 0) + n + retriggerSteps + 1;
  return cells * perCell;
}

/**
 * E[(Z − cap)⁺], E[(Z² − cap²)⁺] and P(cap) as proven intervals by the backward recursion, or null
 * when a zero-win kind retriggers (the forward DP handles that game).
 */
/** What the truncation at N can leave open in E[(Z − cap)⁺], P(cap), E[(Z² − cap²)⁺] (module comment). */
function gapBounds(input: CappedFeatureInput, groups: readonly Group[], n: number): Rational[] {
  const gap = truncationGap(input, groups, n);
  const gapM = rationalOfFloat(gap.m);
  const m1 = input.m1;
  return [
    gapM.mul(m1),
    rationalOfFloat(gap.mass),
    gapM.mul(m1.mulInt(2 * input.capUnits).add(input.s2)).add(rationalOfFloat(gap.mm1).mul(m1.mul(m1))),
  ];
}

export function backwardDp(input: CappedFeatureInput): BackwardResult | null {
  const cap = input.capUnits;
  if ((2 * cap) ** 2 >= 2 ** 53)
    throw new RangeError(`cap ${cap} units too large for exact squares in doubles`);
  const groups = groupsOf(input);
  if (groups === null) return null;
  const mo: Moments = {
    m1: input.m1.toNumber(),
    s2: input.s2.toNumber(),
    m1sq: input.m1.mul(input.m1).toNumber(),
  };
  const n = chooseN(input, groups, mo.m1);
  const bytes = 3 * (n + 1) * cap * 8;
  if (bytes > MAX_ROWS_BYTES)
    throw new RangeError(
      `backward recursion needs ${(bytes / 2 ** 30).toFixed(1)} GiB of rows (cap ${cap}, N ${n})`,
    );
  const rows = sweep(cap, n, groups, mo);
  const terms: number[][] = [[], [], []];
  const start = baseStart(input, (spins, win, weight) => {
    if (spins > n) return; // counted in the truncation gap
    const q = weight / input.base.totalWeight;
    terms[0]!.push(q * rows.v1[spins]![win]!);
    terms[1]!.push(q * rows.p[spins]![win]!);
    terms[2]!.push(q * rows.v2[spins]![win]!);
  });
  const sums = terms.map((t) => rationalOfFloat(pairwiseSum(t)));
  const chain = chainLength(cap, n, groups) + 2 + Math.ceil(Math.log2(Math.max(2, terms[0]!.length))) + 8;
  const g = gamma(chain);
  const kinds = groups.reduce((s, gr) => s + gr.wins.length, 0);
  const updates = cap * n * kinds;
  // Underflow: each operation errs by at most 2⁻¹⁰⁷⁴ absolutely, carried with weights Σp ≤ 1.
  // (× 12: the band sweeps add at most 11 more of the same size, one per band edge below the cap.)
  const slack = Rational.of(BigInt(updates * 8 * 12 + terms[0]!.length * 4 + 1), 2n ** 1074n);
  const gaps = gapBounds(input, groups, n);
  const interval = (k: number, exactPart: Rational): Interval => {
    const low = sums[k]!.div(Rational.ONE.add(g)).sub(slack);
    return {
      lower: exactPart.add(low.compare(Rational.ZERO) > 0 ? low : Rational.ZERO),
      upper: exactPart
        .add(sums[k]!.div(Rational.ONE.sub(g)))
        .add(slack)
        .add(gaps[k]!),
    };
  };
  const hitBound = { g, slack, gapMass: gaps[1]! };
  const endedBandMass = featureBands(
    input,
    groups,
    n,
    featureTail(input, cap, n, rows.p, hitBound),
    hitBound,
  );
  return {
    endedBandMass,
    excessMean: interval(0, start.c1),
    capHit: interval(1, start.hit),
    excessSecond: interval(2, start.c2),
    maxSpinsLeft: n,
    truncationRtpBound: gaps[0]!.div(Rational.of(input.stakeUnits)),
    truncationCapHitBound: gaps[1]!,
    roundingRelativeBound: g.toNumber(),
    roundingChainLength: chain,
    cellKindUpdates: updates,
  };
}

/**
 * G(e) = P(the round plays free spins and Z ≥ e), proven interval: base spins that trigger with
 * y ≥ e count whole; the others by the hit recursion with the cap at e (P rows of `sweep(e)`; for
 * e = cap the main rows). Its rounding chain is at most the cap's (chainLength grows with the cap).
 */
function featureTail(
  input: CappedFeatureInput,
  e: number,
  n: number,
  hitRows: readonly Float64Array[],
  bound: { readonly g: Rational; readonly slack: Rational; readonly gapMass: Rational },
): Interval {
  let whole = 0n;
  const terms: number[] = [];
  for (const [spins, wins] of input.base.bySpins) {
    if (spins === 0) continue;
    for (const [win, weight] of wins) {
      if (win >= e) whole += BigInt(weight);
      else if (spins <= n) terms.push((weight / input.base.totalWeight) * hitRows[spins]![win]!);
    }
  }
  const exact = Rational.of(whole, BigInt(input.base.totalWeight));
  const sum = rationalOfFloat(pairwiseSum(terms));
  const low = sum.div(Rational.ONE.add(bound.g)).sub(bound.slack);
  return {
    lower: exact.add(low.compare(Rational.ZERO) > 0 ? low : Rational.ZERO),
    upper: exact
      .add(sum.div(Rational.ONE.sub(bound.g)))
      .add(bound.slack)
      .add(bound.gapMass),
  };
}

/** Lower bounds of the feature rounds' mass per band below the cap: G(lowest total) − G(next). */
function featureBands(
  input: CappedFeatureInput,
  groups: readonly Group[],
  n: number,
  capTail: Interval,
  bound: { readonly g: Rational; readonly slack: Rational; readonly gapMass: Rational },
): Rational[] {
  const bandOf = input.bandOfTotal;
  if (bandOf === undefined) return [];
  const lowest = lowestTotals(bandOf, input.capUnits);
  const tails = lowest.map(({ from }) =>
    // Every triggering round has Z ≥ 0: no rows read for the lowest band.
    featureTail(input, from, n, from === 0 ? [] : hitSweep(from, n, groups), bound),
  );
  tails.push(capTail);
  const out = new Array<Rational>(Math.max(...bandOf, 0) + 1).fill(Rational.ZERO);
  lowest.forEach(({ band }, i) => {
    const mass = tails[i]!.lower.sub(tails[i + 1]!.upper);
    out[band] = mass.compare(Rational.ZERO) > 0 ? mass : Rational.ZERO;
  });
  return out;
}

/** The lowest total (units) of each band present below the cap, ascending. */
function lowestTotals(bandOf: Uint8Array, cap: number): { band: number; from: number }[] {
  const lowest: { band: number; from: number }[] = [];
  for (let w = 0; w < cap; w++)
    if (lowest.length === 0 || lowest.at(-1)!.band !== bandOf[w]) lowest.push({ band: bandOf[w]!, from: w });
  return lowest;
}

/**
 * The feature rounds' win bands below the cap when no main recursion ran (the tail-bound path):
 * G(cap) ∈ `capTail` from the tail bound, the others by the hit recursion at each band's lowest
 * total. Null when the recursion does not apply or its work (Σ totals × N × kinds) exceeds `maxWork`.
 */
export function featureBandsBelowCap(
  input: CappedFeatureInput,
  capTail: Interval,
  maxWork: number,
): { readonly endedBandMass: readonly Rational[]; readonly cellUpdates: number } | null {
  const groups = groupsOf(input);
  if (groups === null || input.bandOfTotal === undefined) return null;
  const n = chooseN(input, groups, input.m1.toNumber());
  const kinds = groups.reduce((s, g) => s + g.wins.length, 0);
  const totals = lowestTotals(input.bandOfTotal, input.capUnits).reduce((s, l) => s + l.from, 0);
  const cellUpdates = totals * n * kinds;
  if (cellUpdates > maxWork) return null;
  let baseKinds = 0;
  for (const wins of input.base.bySpins.values()) baseKinds += wins.size;
  const g = gamma(
    chainLength(input.capUnits, n, groups) + 2 + Math.ceil(Math.log2(Math.max(2, baseKinds))) + 8,
  );
  const slack = Rational.of(BigInt(cellUpdates * 8 + baseKinds * 4 + 1), 2n ** 1074n);
  const gapMass = rationalOfFloat(truncationGap(input, groups, n).mass);
  return { endedBandMass: featureBands(input, groups, n, capTail, { g, slack, gapMass }), cellUpdates };
}
