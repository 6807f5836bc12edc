/**
 * The weighted-draw battery of math-sdk publications: Pearson's statistic against a hand-computed
 * value, the served draws of the tiny fixture pass, and negative controls: draws tested against a
 * skewed table are rejected, and a row of weight zero is never drawn.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPublication, readLookupTable } from '../games/index.ts';
import { FIXTURES_DIR } from '../test/support/paths.ts';
import { consecutiveCellsChiSquare, servedWeightedDrawCounts, weightedDrawBattery } from './weighted-draw.ts';

const PUBLICATIONS = join(FIXTURES_DIR, 'publications');
const tiny = loadPublication(join(PUBLICATIONS, 'tiny-dice'));
const base = tiny.modes[0]!.table;
const work = mkdtempSync(join(tmpdir(), 'croupier-weighted-draw-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('consecutiveCellsChiSquare', () => {
  it('is Pearson’s statistic: observed 10/20/30 against 20 each is χ² = 10 on 2 df, P = e^-5', () => {
    const fit = consecutiveCellsChiSquare([10, 20, 30], [20, 20, 20], 5)!;
    expect(fit.cells).toBe(3);
    expect(fit.degreesOfFreedom).toBe(2);
    expect(fit.statistic).toBeCloseTo(10, 12);
    // The chi-square upper tail with 2 df is exp(-x/2).
    expect(fit.pValue).toBeCloseTo(Math.exp(-5), 10);
    expect(fit.largestDeviation).toMatchObject({ firstRow: 0, lastRow: 0 });
  });

  it('joins consecutive rows until a cell expects the minimum; a short tail joins the cell before', () => {
    const fit = consecutiveCellsChiSquare([3, 3, 4, 10, 1], [2, 2, 6, 10, 1], 5)!;
    // cells: rows 0-2 (e 10), rows 3-4 (e 10 + 1)
    expect(fit.cells).toBe(2);
    expect(fit.statistic).toBeCloseTo(0 / 10 + 0 / 11, 12);
    expect(consecutiveCellsChiSquare([1, 1], [1, 1], 5)).toBeNull();
  });
});

describe('weightedDrawBattery on the served path', () => {
  it('the tiny fixture’s draws follow its weights; the skewed-table control is rejected; reproducible', () => {
    const r = weightedDrawBattery(base, 'hmac-drbg', '5eed5eed5eed5eed5eed5eed5eed5eed', 50_000);
    expect(r.fit?.cells).toBe(5);
    expect(r.fit!.pValue).toBeGreaterThanOrEqual(0.01);
    expect(r.passed).toBe(true);
    expect(r.zeroWeightDraws).toBe(0);
    expect(r.control.rejected).toBe(true);
    expect(weightedDrawBattery(base, 'hmac-drbg', '5eed5eed5eed5eed5eed5eed5eed5eed', 50_000)).toEqual(r);
  });

  it('negative control: draws of one table tested against another table fail', () => {
    const counts = servedWeightedDrawCounts(base, 'hmac-drbg', '01010101010101010101010101010101', 50_000);
    // The same five payouts, weighted 40/30/20/8/2 instead of 52/30/13/4/1.
    const skewed = [40, 30, 20, 8, 2].map((w) => (w / 100) * 50_000);
    expect(consecutiveCellsChiSquare(counts, skewed, 5)!.pValue).toBeLessThan(1e-6);
  });

  it('never draws a row of weight zero, and handles weights whose sum exceeds 2^64', () => {
    const csv = join(work, 'zero.csv');
    writeFileSync(csv, '0,0,100\n1,5,0\n2,5,200\n3,0,300\n');
    const r = weightedDrawBattery(
      readLookupTable(csv),
      'hmac-drbg',
      'abababababababababababababababab',
      20_000,
    );
    expect(r.zeroWeightDraws).toBe(0);
    expect(r.passed).toBe(true);
    const big = loadPublication(join(PUBLICATIONS, 'big-weights')).modes[0]!.table;
    expect(big.totalWeight > 2n ** 64n).toBe(true);
    const b = weightedDrawBattery(big, 'hmac-drbg', 'cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd', 20_000);
    expect(b.passed).toBe(true);
    expect(b.control.rejected).toBe(true);
  });
});
