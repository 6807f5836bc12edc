import { describe, expect, it } from 'vitest';
import { loadDemoGame } from '../../games/index.ts';
import { BAND_LOWER_EDGES_X } from '../monte-carlo/accumulator.ts';
import { analyzeGame } from './analysis.ts';
import { bandOfWinUnits, rtpSpreadTable, volatilityIndices } from './distribution.ts';
import { Rational } from './rational.ts';

describe('PAR sheet distribution figures', () => {
  it('VI z values are the published two-sided normal quantiles to 6 digits', () => {
    // Abramowitz & Stegun, table 26.5 / any normal table: 1.644854, 1.959964, 2.575829.
    expect(volatilityIndices(2).map((v) => [v.z, v.vi])).toEqual([
      [1.644854, 1.644854 * 2],
      [1.959964, 1.959964 * 2],
      [2.575829, 2.575829 * 2],
    ]);
  });

  it('spread table: 10^3 … 10^9 rounds, half-width z·SD/√n, shrinking by √10 per row', () => {
    const rows = rtpSpreadTable(0.96, 10);
    expect(rows.map((r) => r.rounds)).toEqual([1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9]);
    expect(rows[0]!.high - 0.96).toBeCloseTo((2.575829 * 10) / Math.sqrt(1000), 12);
    for (let i = 1; i < rows.length; i++) {
      const ratio = (rows[i - 1]!.high - rows[i - 1]!.low) / (rows[i]!.high - rows[i]!.low);
      expect(ratio).toBeCloseTo(Math.sqrt(10), 9);
    }
  });

  it('bands use the simulator edges: each edge × stake opens its band', () => {
    expect(bandOfWinUnits(0, 20)).toBe(0);
    expect(bandOfWinUnits(19, 20)).toBe(1);
    for (let k = 2; k < BAND_LOWER_EDGES_X.length; k++) {
      expect(bandOfWinUnits(BAND_LOWER_EDGES_X[k]! * 20, 20)).toBe(k);
      expect(bandOfWinUnits(BAND_LOWER_EDGES_X[k]! * 20 - 1, 20)).toBe(k - 1);
    }
  });

  it('exact bands of a game without a feature sum to 1 and give P(no win) in band 0', () => {
    const a = analyzeGame(loadDemoGame('classic-sevens'), 'base');
    const b = a.winBands!;
    let total = Rational.ZERO;
    for (const p of b.probabilities) total = total.add(p);
    expect(total.equals(Rational.ONE)).toBe(true);
    expect(b.unassigned.isZero()).toBe(true);
    expect(b.probabilities[0]!.equals(a.probabilityNoWin)).toBe(true);
  });

  it('an uncapped feature has no enumerated bands (its win is unbounded)', () => {
    expect(analyzeGame(loadDemoGame('jungle-twenty'), 'base').winBands).toBeNull();
  });
});
