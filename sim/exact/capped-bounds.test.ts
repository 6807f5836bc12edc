/**
 * The certified tail bound of a max-win cap (tail-bound.ts) and the backward recursion
 * (capped-backward.ts) against the forward DP (capped-feature-float.ts)
 * on a small synthetic feature game where the DP runs in milliseconds at every cap, and on the real
 * jungle-twenty: the bound must never fall below what the DP proves the cap removes, the analysis
 * must take the bound only when it is within the budget (and otherwise leave the DP result
 * unchanged). Negative controls: a bound that ignores retriggers is caught by the same comparison,
 * and a t below the fixed point τ fails the certification.
 */
import { describe, expect, it } from 'vitest';
import { loadDemoGame, loadGame } from '../../games/index.ts';
import { analyzeGame } from './analysis.ts';
import { backwardDp } from './capped-backward.ts';
import type { Interval } from './capped-feature.ts';
import { floatDp } from './capped-feature-float.ts';
import { bandOfWinUnits } from './distribution.ts';
import type { SpinHistogram } from './enumerate.ts';
import { Rational } from './rational.ts';
import { capTailBound, certifyTailBound, type TailBoundInput, tailSearch } from './tail-bound.ts';

function histogram(bySpins: Record<number, Record<number, number>>): SpinHistogram {
  const map = new Map<number, Map<number, number>>();
  let total = 0;
  for (const [spins, wins] of Object.entries(bySpins)) {
    const row = new Map<number, number>();
    for (const [win, weight] of Object.entries(wins)) {
      row.set(Number(win), weight);
      total += weight;
    }
    map.set(Number(spins), row);
  }
  return { totalWeight: total, bySpins: map };
}

// A base spin triggers 3 free spins 1 time in 20; a free spin retriggers 2 more 1 time in 20 and
// wins up to 12 (× 2): a heavy enough tail that caps of 20 … 150 units all bind.
const BASE = histogram({ 0: { 0: 60, 2: 25, 6: 10 }, 3: { 0: 4, 2: 1 } });
const FREE = histogram({ 0: { 0: 50, 1: 25, 4: 15, 12: 5 }, 2: { 1: 4, 3: 1 } });
const FREE_NO_RETRIGGER = histogram({ 0: { 0: 50, 1: 29, 4: 15, 12: 5, 3: 1 } });
const MULTIPLIER = 2;

/** m1 = E[W], s2 = E[W²] of one free spin with its descendants (closed form, analysis.ts). */
function featureMoments(free: SpinHistogram, multiplier: number) {
  const T = BigInt(free.totalWeight);
  let ex = 0n;
  let ex2 = 0n;
  let er = 0n;
  let err1 = 0n;
  let exr = 0n;
  for (const [r, wins] of free.bySpins) {
    for (const [win, weight] of wins) {
      const w = BigInt(weight);
      const x = BigInt(win * multiplier);
      const rb = BigInt(r);
      ex += w * x;
      ex2 += w * x * x;
      er += w * rb;
      err1 += w * rb * (rb - 1n);
      exr += w * x * rb;
    }
  }
  const oneMinus = Rational.ONE.sub(Rational.of(er, T));
  const m1 = Rational.of(ex, T).div(oneMinus);
  const s2 = Rational.of(ex2, T)
    .add(m1.mul(Rational.of(exr, T)).mulInt(2))
    .add(m1.mul(m1).mul(Rational.of(err1, T)))
    .div(oneMinus);
  return { m1, s2 };
}

function inputAt(capUnits: number, truncationRtpBudget = 1e-14) {
  return {
    base: BASE,
    free: FREE,
    freeMultiplier: MULTIPLIER,
    capUnits,
    stakeUnits: 1,
    ...featureMoments(FREE, MULTIPLIER),
    truncationRtpBudget,
  };
}

function dpAt(capUnits: number) {
  return floatDp({
    base: BASE,
    free: FREE,
    freeMultiplier: MULTIPLIER,
    capUnits,
    stakeUnits: 1,
    ...featureMoments(FREE, MULTIPLIER),
    truncationRtpBudget: 1e-14,
  });
}

const CAPS = [20, 40, 60, 100, 150];

describe('max-win cap: certified tail bound', () => {
  it('never below what the DP proves the cap removes (synthetic game, caps 20 … 150 units)', () => {
    for (const capUnits of CAPS) {
      const dp = dpAt(capUnits);
      const tail = capTailBound({ base: BASE, free: FREE, freeMultiplier: MULTIPLIER, capUnits });
      expect(tail, `cap ${capUnits}`).not.toBeNull();
      // The DP's lower ends are proven lower bounds of the true values, which the bound must exceed.
      expect(tail!.excessMeanUpper.compare(dp.excessMean.lower), `E[(Z-cap)+], cap ${capUnits}`).toBe(1);
      expect(tail!.capHitUpper.compare(dp.capHit.lower), `P(cap), cap ${capUnits}`).toBe(1);
      expect(tail!.excessSecondUpper.compare(dp.excessSecond.lower), `E[(Z²-cap²)+], cap ${capUnits}`).toBe(
        1,
      );
      expect(dp.capHit.lower.toNumber()).toBeGreaterThan(0); // the cap binds: the comparison has content
    }
  });

  it('negative control: a bound that ignores the retriggers falls below the DP at a high cap', () => {
    // The same spins with each retrigger turned into a plain win of the same size: a lighter tail.
    const capUnits = CAPS.at(-1)!;
    const wrong = capTailBound({ base: BASE, free: FREE_NO_RETRIGGER, freeMultiplier: MULTIPLIER, capUnits });
    expect(wrong!.excessMeanUpper.compare(dpAt(capUnits).excessMean.lower)).toBe(-1);
  });

  it('certification refuses a t below the fixed point τ, accepts one above it', () => {
    const input: TailBoundInput = { base: BASE, free: FREE, freeMultiplier: MULTIPLIER, capUnits: 100 };
    const search = tailSearch(input)!;
    const b = Math.exp(search.theta);
    expect(certifyTailBound(input, b, search.tau * (1 - 1e-6))).toBeNull();
    expect(certifyTailBound(input, b, 1)).toBeNull();
    const ok = certifyTailBound(input, b, search.tau * (1 + 1e-6))!;
    expect(ok.fOfTauUpper.compare(ok.tauUpper)).toBeLessThanOrEqual(0);
    // A smaller θ is valid too, only a weaker bound.
    const weaker = certifyTailBound(input, Math.exp(search.theta / 2), search.tau)!;
    expect(weaker.excessMeanUpper.compare(ok.excessMeanUpper)).toBe(1);
  });

  it('jungle-twenty 50×: the tail bound is too wide, the DP result is used unchanged and the bound exceeds it', () => {
    const json = JSON.parse(JSON.stringify(loadDemoGame('jungle-twenty').definition));
    json.maxWin = { multiplier: 50 };
    const game = loadGame(json);
    const auto = analyzeGame(game, 'base');
    const forced = analyzeGame(game, 'base', { capMethod: 'dp' });
    const c = auto.capFeature!;
    expect(c.method).toBe('dp');
    expect(c.featureBandsComputed).toBe(true);
    expect(auto.rtpInterval.lower.equals(forced.rtpInterval.lower)).toBe(true);
    expect(auto.rtpInterval.upper.equals(forced.rtpInterval.upper)).toBe(true);
    expect(auto.winBands!.probabilities).toEqual(forced.winBands!.probabilities);
    expect(forced.capFeature!.tailBound).toBeNull();
    // The bound was computed, found above the budget, and is still valid.
    expect(c.tailBound!.excessMeanUpper.compare(c.excessMean.lower)).toBe(1);
    expect(c.derivation.at(-1)).toContain('DP used');
  }, 60_000);

  it('jungle-twenty 5,000×: the tail bound alone, RTP interval width far below 1e-12; bands from the hit recursion', () => {
    const json = JSON.parse(JSON.stringify(loadDemoGame('jungle-twenty').definition));
    json.maxWin = { multiplier: 5000 };
    const a = analyzeGame(loadGame(json), 'base');
    const c = a.capFeature!;
    expect(c.method).toBe('tail-bound');
    const width = a.rtpInterval.upper.sub(a.rtpInterval.lower);
    expect(width.toNumber()).toBeLessThanOrEqual(1e-12);
    // The upper end is the uncapped RTP, exact (the cap can only remove).
    const uncapped = analyzeGame(loadDemoGame('jungle-twenty'), 'base');
    expect(a.rtpInterval.upper.equals(uncapped.rtp)).toBe(true);
    expect(c.capHit.upper.toNumber()).toBeLessThan(1e-20);
    // Bands: nearly all mass placed, and the bands below 50× are the same events as in the game
    // capped at 50× (a round ending below 50× does not see the cap), which the forward DP computes.
    expect(c.featureBandsComputed).toBe(true);
    expect(a.winBands!.unassigned.toNumber()).toBeLessThan(1e-10);
    json.maxWin = { multiplier: 50 };
    const low = analyzeGame(loadGame(json), 'base');
    expect(low.capFeature!.method).toBe('dp');
    const below50 = a.winBands!.labels.filter((label) => !/^\[(50|100|500|1000),/.test(label));
    expect(below50).toHaveLength(7);
    for (const label of below50) {
      const k = a.winBands!.labels.indexOf(label);
      const gap = Math.abs(
        a.winBands!.probabilities[k]!.toNumber() - low.winBands!.probabilities[k]!.toNumber(),
      );
      expect(gap, `band ${label}`).toBeLessThan(1e-10);
    }
  }, 120_000);
});

const overlaps = (a: Interval, b: Interval) => a.lower.compare(b.upper) <= 0 && b.lower.compare(a.upper) <= 0;

describe('max-win cap: backward recursion over (win, spins left)', () => {
  it('agrees with the forward DP on every proven interval (synthetic game, caps 20 … 150 units)', () => {
    for (const capUnits of CAPS) {
      const forward = dpAt(capUnits);
      const backward = backwardDp(inputAt(capUnits))!;
      expect(overlaps(backward.excessMean, forward.excessMean), `E[(Z-cap)+], cap ${capUnits}`).toBe(true);
      expect(overlaps(backward.capHit, forward.capHit), `P(cap), cap ${capUnits}`).toBe(true);
      expect(overlaps(backward.excessSecond, forward.excessSecond), `E[(Z²-cap²)+], cap ${capUnits}`).toBe(
        true,
      );
      expect(backward.excessMean.upper.sub(backward.excessMean.lower).toNumber()).toBeLessThanOrEqual(1e-12);
    }
  });

  it('splits the feature rounds into the same win bands as the forward DP', () => {
    for (const capUnits of CAPS) {
      const bandOfTotal = Uint8Array.from({ length: capUnits }, (_, t) => bandOfWinUnits(t, 1));
      const forward = floatDp({ ...inputAt(capUnits), bandOfTotal });
      const backward = backwardDp({ ...inputAt(capUnits), bandOfTotal })!;
      expect(backward.endedBandMass).toHaveLength(forward.endedBandMass.length);
      backward.endedBandMass.forEach((mass, k) => {
        const gap = Math.abs(mass.toNumber() - forward.endedBandMass[k]!.toNumber());
        expect(gap, `cap ${capUnits}, band ${k}`).toBeLessThan(1e-12);
      });
      // Content: the cap splits the feature rounds over several bands.
      expect(backward.endedBandMass.filter((m) => m.toNumber() > 1e-6).length).toBeGreaterThan(3);
    }
  });

  it('a coarse truncation (few spins left kept) still holds the value, and it did cut something', () => {
    const capUnits = 100;
    const forward = dpAt(capUnits);
    const fine = backwardDp(inputAt(capUnits))!;
    const coarse = backwardDp(inputAt(capUnits, 1e-3))!;
    expect(coarse.maxSpinsLeft).toBeLessThan(fine.maxSpinsLeft);
    expect(overlaps(coarse.excessMean, forward.excessMean)).toBe(true);
    expect(overlaps(coarse.capHit, forward.capHit)).toBe(true);
    // Negative control: without the truncation gap the coarse result would be below the value.
    expect(coarse.excessMean.lower.compare(forward.excessMean.lower)).toBe(-1);
    expect(coarse.truncationRtpBound.toNumber()).toBeGreaterThan(0);
  });

  it('refuses a game where a zero-win free spin retriggers (the forward DP handles it)', () => {
    const free = histogram({ 0: { 0: 50, 1: 25, 4: 15, 12: 5 }, 2: { 0: 5 } });
    expect(backwardDp({ ...inputAt(60), free, ...featureMoments(free, MULTIPLIER) })).toBeNull();
  });

  it("jungle-twenty 100×: auto picks the backward recursion; the interval meets the forward DP's", () => {
    const json = JSON.parse(JSON.stringify(loadDemoGame('jungle-twenty').definition));
    json.maxWin = { multiplier: 100 };
    const game = loadGame(json);
    const auto = analyzeGame(game, 'base');
    expect(auto.capFeature!.method).toBe('backward');
    expect(auto.capFeature!.featureBandsComputed).toBe(true);
    const width = auto.rtpInterval.upper.sub(auto.rtpInterval.lower);
    expect(width.toNumber()).toBeLessThanOrEqual(1e-12);
    const forward = analyzeGame(game, 'base', { capMethod: 'dp' });
    expect(overlaps(auto.rtpInterval, forward.rtpInterval)).toBe(true);
    expect(overlaps(auto.capFeature!.capHit, forward.capFeature!.capHit)).toBe(true);
    // Win bands: the backward path's (lower ends of differences of P(Z >= edge)) against the
    // forward DP's (masses summed spin by spin), band by band, and nearly all mass placed.
    const b = auto.winBands!;
    const f = forward.winBands!;
    b.probabilities.forEach((p, k) => {
      expect(Math.abs(p.toNumber() - f.probabilities[k]!.toNumber()), `band ${b.labels[k]}`).toBeLessThan(
        1e-10,
      );
    });
    expect(b.unassigned.toNumber()).toBeLessThan(1e-10);
  }, 120_000);
});
