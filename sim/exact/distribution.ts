/**
 * PAR-sheet figures a studio compares with a simulation: the round-win distribution in the
 * simulator's bands (the band edges come from sim/monte-carlo/accumulator.ts: one definition), the
 * RTP spread table (99% interval of the observed RTP after n rounds) and the volatility index at
 * 90/95/99%.
 */
import { BAND_COUNT, BAND_LABELS, BAND_LOWER_EDGES_X } from '../monte-carlo/accumulator.ts';
import { normalQuantile } from '../monte-carlo/statistics.ts';
import { Rational } from './rational.ts';

/** The simulator's band of a round win (units): 0 for no win, 1 below one stake, then by edge. */
export function bandOfWinUnits(winUnits: number, stakeUnits: number): number {
  if (winUnits === 0) return 0;
  let band = 1;
  while (band < BAND_COUNT - 1 && winUnits >= BAND_LOWER_EDGES_X[band + 1]! * stakeUnits) band++;
  return band;
}

export interface BandDistribution {
  readonly labels: readonly string[];
  /** P(round win in band k), exact (or a lower bound when `unassigned` > 0). */
  readonly probabilities: readonly Rational[];
  /** Mass the analysis could not place (truncated retrigger chains, rounding): each band's upper bound adds it. */
  readonly unassigned: Rational;
}

/** Accumulates weighted round wins into bands. */
export class BandTally {
  private readonly mass = new Array<Rational>(BAND_COUNT).fill(Rational.ZERO);
  constructor(private readonly stakeUnits: number) {}
  add(winUnits: number, probability: Rational): void {
    const k = bandOfWinUnits(winUnits, this.stakeUnits);
    this.mass[k] = this.mass[k]!.add(probability);
  }
  addToBand(band: number, probability: Rational): void {
    this.mass[band] = this.mass[band]!.add(probability);
  }
  result(): BandDistribution {
    let total = Rational.ZERO;
    for (const m of this.mass) total = total.add(m);
    const rest = Rational.ONE.sub(total);
    return {
      labels: BAND_LABELS,
      probabilities: [...this.mass],
      unassigned: rest.compare(Rational.ZERO) > 0 ? rest : Rational.ZERO,
    };
  }
}

/** z of a two-sided normal interval at `confidence`, rounded to 6 decimals. */
export function zTwoSided(confidence: number): number {
  return Number(normalQuantile(1 - (1 - confidence) / 2).toFixed(6));
}

export interface VolatilityIndex {
  readonly confidence: number;
  readonly z: number;
  /** z × SD per round, in stakes. */
  readonly vi: number;
}

export function volatilityIndices(sdPerRoundStakes: number): VolatilityIndex[] {
  return [0.9, 0.95, 0.99].map((confidence) => {
    const z = zTwoSided(confidence);
    return { confidence, z, vi: z * sdPerRoundStakes };
  });
}

export interface SpreadRow {
  readonly rounds: number;
  readonly low: number;
  readonly high: number;
}

/**
 * 99% interval of the RTP observed after n rounds: RTP ± z·SD/√n (central limit theorem; the same
 * normal approximation as the simulator's verdict, sim/monte-carlo/statistics.ts), n = 10^3 … 10^9.
 */
export function rtpSpreadTable(rtp: number, sdPerRoundStakes: number): SpreadRow[] {
  const z = zTwoSided(0.99);
  return [3, 4, 5, 6, 7, 8, 9].map((e) => {
    const rounds = 10 ** e;
    const half = (z * sdPerRoundStakes) / Math.sqrt(rounds);
    return { rounds, low: rtp - half, high: rtp + half };
  });
}
