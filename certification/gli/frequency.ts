import { coarsening, coarseRange, pooledChiSquare } from './stats.ts';
import {
  checkSampleSize,
  chiSquareResult,
  type GliTestResult,
  MIN_EXPECTED_COUNT,
  notApplicable,
  type ScaledSource,
} from './types.ts';

const NAME = 'frequency';
const REFERENCE = 'Knuth TAOCP vol.2 §3.3.2A (equidistribution test), chi-square of §3.3.1A';

/** Most categories counted directly; beyond this the draws are coarsened (memory and power). */
export const FREQUENCY_MAX_CATEGORIES = 1 << 16;

/**
 * Equidistribution (frequency) test, Knuth §3.3.2A: count how often each value occurs among
 * `sampleSize` draws and compare with the expected counts by chi-square (§3.3.1A).
 *
 * - Uniform source, small range: one category per value.
 * - Uniform source, large range (more values than FREQUENCY_MAX_CATEGORIES, or than the sample
 *   fills with >= 5 expected per value): the leading radix-d digit is counted instead, d chosen
 *   so each cell expects >= 10 draws (see `coarsening`: exact, by rejection).
 * - Weighted source (virtual reel): one category per stop, expected counts proportional to the
 *   weights; stops expecting < 5 are lumped.
 */
export function frequencyTest(source: ScaledSource, sampleSize: number): GliTestResult {
  const { range, probabilities } = source.describe();
  checkSampleSize(sampleSize);
  if (probabilities) {
    const counts = new Float64Array(range);
    for (let i = 0; i < sampleSize; i++) counts[source.next()]! += 1;
    const expected = probabilities.map((p) => p * sampleSize);
    const outcome = pooledChiSquare(counts, expected);
    const parameters = { range, weighted: true, categories: outcome?.categories ?? 0 };
    if (!outcome) return notApplicable(NAME, REFERENCE, sampleSize, parameters, 'fewer than 2 categories');
    return chiSquareResult(NAME, REFERENCE, outcome, sampleSize, parameters);
  }
  const d = coarseRange(range, Math.min(FREQUENCY_MAX_CATEGORIES, sampleSize / (2 * MIN_EXPECTED_COUNT)));
  const parameters = { range, weighted: false, d, coarsened: d < range };
  if (d < 2) {
    return notApplicable(NAME, REFERENCE, sampleSize, parameters, 'sample too small for two categories');
  }
  const map = coarsening(range, d).map;
  const counts = new Float64Array(d);
  let accepted = 0;
  for (let i = 0; i < sampleSize; i++) {
    const y = map(source.next());
    if (y >= 0) {
      counts[y]! += 1;
      accepted++;
    }
  }
  const outcome = pooledChiSquare(counts, new Float64Array(d).fill(accepted / d));
  if (!outcome) return notApplicable(NAME, REFERENCE, sampleSize, parameters, 'sample too small');
  return chiSquareResult(NAME, REFERENCE, outcome, sampleSize, {
    ...parameters,
    accepted,
    categories: outcome.categories,
  });
}
