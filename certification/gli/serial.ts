import { exactLaw, exactPooledChiSquare } from './exact-weights.ts';
import { coarsening, pooledChiSquare } from './stats.ts';
import {
  checkSampleSize,
  chiSquareResult,
  type GliTestResult,
  MIN_EXPECTED_COUNT,
  notApplicable,
  type ScaledSource,
} from './types.ts';

const REFERENCE = 'Knuth TAOCP vol.2 §3.3.2B (serial test), chi-square of §3.3.1A';

/** Expected draws per cell the coarse range d is chosen for (twice Knuth's minimum of 5). */
const TARGET_PER_CELL = 2 * MIN_EXPECTED_COUNT;
/** Cell-count caps: d^2 <= 2^16 for pairs, d^3 <= 2^18 for triples (memory, and Knuth's advice d^t << n). */
const MAX_CELLS = { 2: 1 << 16, 3: 1 << 18 } as const;
/** Weighted reels are tested stop by stop, never coarsened: cap on range^t cells. */
const MAX_WEIGHTED_CELLS = 1 << 22;

/**
 * Serial test, Knuth §3.3.2B: non-overlapping t-tuples (Y_tj, ..., Y_tj+t-1) of draws, counted over
 * the d^t cells, chi-square with d^t - 1 degrees of freedom (tuples do not overlap, so cells are
 * multinomial; overlapping tuples would need Good's correction).
 *
 * For a large range the draws are first mapped to the leading radix-d digit as Knuth does
 * ("Y_j = floor(d U_j)"), d = the largest value <= range with d^t * TARGET_PER_CELL <= tuples and
 * d^t <= MAX_CELLS; the mapping is exact (rejection, see `coarsening`). That is what exposes
 * lattice structure: RANDU's consecutive triples lie on 15 planes, so once the cell side 1/d is
 * below the plane spacing (~0.09) many of the d^3 cells are empty.
 *
 * Weighted (virtual) reels: cells are stop tuples with expected probability the product of the
 * stop weights (independence), computed EXACTLY from the integer weights and pooled by the exact
 * rule of `exactPooledChiSquare` (ascending expected count, ties by cell index), so a lab that
 * re-implements the rule gets the same statistic whatever its order of multiplication.
 */
export function serialTest(source: ScaledSource, sampleSize: number, dimension: 2 | 3): GliTestResult {
  const name = dimension === 2 ? 'serial-pairs' : 'serial-triples';
  const { range, probabilities } = source.describe();
  checkSampleSize(sampleSize);
  const tuples = Math.floor(sampleSize / dimension);

  if (probabilities) {
    const cells = range ** dimension;
    const parameters = {
      range,
      dimension,
      weighted: true,
      d: range,
      pooling: 'exact expected counts; cells below 5 pooled in ascending expected count, ties by cell index',
    };
    if (cells > MAX_WEIGHTED_CELLS) {
      return notApplicable(name, REFERENCE, sampleSize, parameters, `${cells} cells exceed the cap`);
    }
    const counts = new Float64Array(cells);
    for (let j = 0; j < tuples; j++) {
      let cell = 0;
      for (let t = 0; t < dimension; t++) cell = cell * range + source.next();
      counts[cell]! += 1;
    }
    // Exact expected counts: cell (x_1, ..., x_t), index x_1 range^(t-1) + ... + x_t, expects
    // tuples * w(x_1) ... w(x_t) / W^t, W the total weight (integers, `exactLaw`).
    const law = exactLaw(source.describe());
    const numerators: bigint[] = new Array(cells);
    for (let cell = 0; cell < cells; cell++) {
      let product = 1n;
      let rest = cell;
      for (let t = 0; t < dimension; t++) {
        product *= law.weights[rest % range]!;
        rest = Math.floor(rest / range);
      }
      numerators[cell] = product;
    }
    const outcome = exactPooledChiSquare(counts, numerators, law.total ** BigInt(dimension), tuples);
    if (!outcome) return notApplicable(name, REFERENCE, sampleSize, parameters, 'sample too small');
    return chiSquareResult(name, REFERENCE, outcome, tuples * dimension, {
      ...parameters,
      tuples,
      categories: outcome.categories,
    });
  }

  const fit = Math.floor(
    (Math.min(MAX_CELLS[dimension], tuples / TARGET_PER_CELL) + 1e-9) ** (1 / dimension),
  );
  const d = Math.min(range, fit);
  const parameters = { range, dimension, weighted: false, d, coarsened: d < range };
  if (d < 2) {
    return notApplicable(
      name,
      REFERENCE,
      sampleSize,
      parameters,
      `sample too small: ${tuples} tuples cannot give ${TARGET_PER_CELL} per cell for d >= 2`,
    );
  }
  const map = coarsening(range, d).map;
  const cells = d ** dimension;
  const counts = new Float64Array(cells);
  let counted = 0;
  let cell = 0;
  let filled = 0;
  for (let i = 0; i < sampleSize; i++) {
    const y = map(source.next());
    if (y < 0) continue;
    cell = cell * d + y;
    if (++filled === dimension) {
      counts[cell]! += 1;
      counted++;
      cell = 0;
      filled = 0;
    }
  }
  const outcome = pooledChiSquare(counts, new Float64Array(cells).fill(counted / cells));
  if (!outcome) return notApplicable(name, REFERENCE, sampleSize, parameters, 'sample too small');
  return chiSquareResult(name, REFERENCE, outcome, sampleSize, {
    ...parameters,
    tuples: counted,
    categories: outcome.categories,
  });
}
