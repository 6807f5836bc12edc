/**
 * Where each GLI-style test can hold its level: the fewest draws per sequence at which it runs. A
 * test below its minimum says "not applicable" with the reason (each test's own rule, e.g. runs-up's
 * MIN_EXPECTED_LAST_CLASS); these functions find that minimum so callers (`certify`, `rng test
 * --rgs-url`, the calibration job) choose sizes inside the calibrated region (docs/calibration.md).
 */
import { selectGliTests } from './battery.ts';
import { soundDraws } from './calibration.ts';
import { arraySource, type GliTestResult, type ScaledSourceDescription } from './types.ts';

/** Largest sequence length searched (the calibrated grid stops at 10^6 draws). */
export const MAX_CALIBRATED_DRAWS = 1_000_000;
/** Fixed seed of the sound sample applicability is probed with (only sizes matter, not values). */
const PROBE_SEED_HEX = 'a11cab1e';

function probeDraws(description: ScaledSourceDescription, draws: number): Float64Array {
  const uniform = soundDraws(PROBE_SEED_HEX, 0, description.range, draws);
  const probabilities = description.probabilities;
  if (!probabilities) return uniform;
  // A weighted reel: inverse CDF of the stop weights over a uniform draw on [0, 2^32).
  const fine = soundDraws(PROBE_SEED_HEX, 1, 2 ** 32, draws);
  const cumulative: number[] = [];
  let total = 0;
  for (const p of probabilities) cumulative.push((total += p));
  return fine.map((w) => {
    const u = w / 2 ** 32;
    const i = cumulative.findIndex((c) => u < c);
    return i < 0 ? probabilities.length - 1 : i;
  });
}

/** The test `test` run on a sound sample of `draws` draws of the described source. */
export function applicability(
  test: string,
  description: ScaledSourceDescription,
  draws: number,
): { applicable: boolean; reason?: string } {
  const [definition] = selectGliTests([test]);
  const result: GliTestResult = definition!.run(
    arraySource(probeDraws(description, draws), description),
    draws,
  );
  return result.applicable ? { applicable: true } : { applicable: false, reason: result.reason ?? '' };
}

/**
 * Fewest draws per sequence at which `test` runs on the described source, by bisection over
 * [1, MAX_CALIBRATED_DRAWS] (applicability grows with the sample); null when it never runs there
 * (e.g. poker on a weighted reel).
 */
export function minimumDrawsFor(test: string, description: ScaledSourceDescription): number | null {
  if (!applicability(test, description, MAX_CALIBRATED_DRAWS).applicable) return null;
  let low = 1; // not applicable (or untested) at low
  let high = MAX_CALIBRATED_DRAWS; // applicable at high
  for (let step = 0; step < 40 && high - low > 1; step++) {
    const mid = Math.floor((low + high) / 2);
    if (applicability(test, description, mid).applicable) high = mid;
    else low = mid;
  }
  return high;
}

/** Fewest draws per sequence at which every named test (default: all) runs on the source. */
export function minimumDrawsForBattery(
  description: ScaledSourceDescription,
  tests?: readonly string[],
): number | null {
  let most = 0;
  for (const t of selectGliTests(tests)) {
    const m = minimumDrawsFor(t.name, description);
    if (m !== null) most = Math.max(most, m);
  }
  return most === 0 ? null : most;
}

/**
 * Fewest draws per sequence at which every GLI-style test runs on a uniform source at every
 * calibrated range (2, 3, 6, 37, 1000, 2^32): range 2 needs the most (runs-up: 240 values of 20
 * draws). Checked by calibration.test.ts (`minimumDrawsForBattery` at range 2).
 */
export const CALIBRATED_BATTERY_MIN_DRAWS = 4800;

/**
 * Splits `totalDraws` recorded draws (a live RGS sample) into sequences inside the calibrated
 * region (docs/calibration.md): `requestedSequences` equal shares when each holds at least
 * CALIBRATED_BATTERY_MIN_DRAWS; otherwise fewer, longer sequences (at least one), with a note
 * saying why. Sequences longer than MAX_CALIBRATED_DRAWS are cut to it.
 */
export function calibratedLayout(
  totalDraws: number,
  requestedSequences: number,
): { sequences: number; draws: number; note?: string } {
  if (!Number.isSafeInteger(totalDraws) || totalDraws < 1) throw new RangeError('totalDraws must be >= 1');
  if (!Number.isSafeInteger(requestedSequences) || requestedSequences < 1) {
    throw new RangeError('requestedSequences must be >= 1');
  }
  const share = Math.floor(totalDraws / requestedSequences);
  if (share >= CALIBRATED_BATTERY_MIN_DRAWS) {
    return { sequences: requestedSequences, draws: Math.min(share, MAX_CALIBRATED_DRAWS) };
  }
  const sequences = Math.max(1, Math.floor(totalDraws / CALIBRATED_BATTERY_MIN_DRAWS));
  const draws = Math.min(Math.floor(totalDraws / sequences), MAX_CALIBRATED_DRAWS);
  const note =
    `${requestedSequences} sequences of ${share} draws is below the calibrated minimum of ` +
    `${CALIBRATED_BATTERY_MIN_DRAWS} draws per sequence (docs/calibration.md): using ${sequences} of ${draws}` +
    (draws < CALIBRATED_BATTERY_MIN_DRAWS
      ? '; some tests will say "not applicable" (record more rounds)'
      : '');
  return { sequences, draws, note };
}
