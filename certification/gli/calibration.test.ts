/**
 * The reduced calibration that runs in CI (the full grid is `npm run calibrate`, docs/calibration.md):
 * range 2, each test at its minimum size, many sequences, fixed seeds. A sound generator must fail
 * each test, and the family verdict, at most 1% of the time: the 99% Clopper–Pearson interval of
 * the observed rate must contain 1% or lie below it.
 */
import { describe, expect, it } from 'vitest';
import {
  CALIBRATED_BATTERY_MIN_DRAWS,
  calibratedLayout,
  minimumDrawsFor,
  minimumDrawsForBattery,
} from './applicability.ts';
import { GLI_TEST_NAMES } from './battery.ts';
import { clopperPearson, falseAlarmRates, simulateSequences } from './calibration.ts';
import { ALPHA } from './types.ts';

const SEED_HEX = 'c1ca11b0';
const RANGE = 2;

describe('reduced calibration: range 2, minimum sizes, many sequences (chacha20)', () => {
  it('each test alone at its minimum size, 3,000 sequences', () => {
    for (const test of GLI_TEST_NAMES) {
      const draws = minimumDrawsFor(test, { label: 'probe', range: RANGE });
      expect(draws, test).not.toBeNull();
      const pool = simulateSequences({
        seedHex: SEED_HEX,
        range: RANGE,
        draws: draws!,
        sequences: 3000,
        tests: [test],
      });
      const rate = falseAlarmRates(pool, 1).tests.get(test)!;
      expect(rate.repetitions, test).toBeGreaterThan(1000);
      expect(rate.low, `${test} at ${draws} draws: ${rate.alarms}/${rate.repetitions}`).toBeLessThanOrEqual(
        ALPHA,
      );
    }
  });

  it('the whole battery at the smallest size where every test runs: rows and family, 1 and 20 sequences', () => {
    const draws = minimumDrawsForBattery({ label: 'probe', range: RANGE })!;
    expect(draws).toBe(CALIBRATED_BATTERY_MIN_DRAWS); // runs-up: 240 values of 20 draws each
    const pool = simulateSequences({ seedHex: SEED_HEX, range: RANGE, draws, sequences: 1000 });
    for (const s of [1, 20]) {
      const { tests, family } = falseAlarmRates(pool, s);
      for (const [name, rate] of tests) expect(rate!.low, `${name}, s = ${s}`).toBeLessThanOrEqual(ALPHA);
      expect(family!.low, `family, s = ${s}`).toBeLessThanOrEqual(ALPHA);
      expect(family!.repetitions).toBe(1000 / s);
    }
  });
});

describe('clopperPearson', () => {
  it('matches the beta-quantile form of the exact interval', () => {
    // Clopper–Pearson bounds are beta quantiles: low = B^-1(a/2; k, n-k+1), high = B^-1(1-a/2; k+1, n-k).
    // Reference values from scipy.stats.beta.ppf (an independent implementation):
    //   beta.ppf(0.975, 1, 10) = 0.3084971078187607; beta.ppf(0.005, 5, 6) = 0.12831055393508325;
    //   beta.ppf(0.995, 6, 5) = 0.8716894460649167.
    expect(clopperPearson(0, 10, 0.95).high).toBeCloseTo(0.3084971078187607, 9);
    const { low, high } = clopperPearson(5, 10, 0.99);
    expect(low).toBeCloseTo(0.12831055393508325, 9);
    expect(high).toBeCloseTo(0.8716894460649167, 9);
  });
});

describe('calibratedLayout (live RGS samples)', () => {
  it('keeps the requested sequences when each share is inside the calibrated region', () => {
    expect(calibratedLayout(200_000, 20)).toEqual({ sequences: 20, draws: 10_000 });
    expect(calibratedLayout(50_000_000, 20)).toEqual({ sequences: 20, draws: 1_000_000 });
  });
  it('uses fewer, longer sequences below the minimum, and says so', () => {
    const layout = calibratedLayout(10_000, 20);
    expect([layout.sequences, layout.draws]).toEqual([2, 5000]);
    expect(layout.note).toMatch(/below the calibrated minimum of 4800/);
    const tiny = calibratedLayout(1000, 20);
    expect([tiny.sequences, tiny.draws]).toEqual([1, 1000]);
    expect(tiny.note).toMatch(/not applicable/);
  });
});
