/**
 * The weighted-draw battery of a Stake Engine math-sdk publication mode: are the rows the RGS draws
 * distributed as the lookup table's weights say?
 *
 * Draws: the served path (inputs-served.ts): one replay-seeded SP 800-90A DRBG session, a fresh
 * server seed per round, the round's provably-fair stream (`ProvablyFairSource`), and on it the
 * exact integer weighted draw the RGS plays a publication with (games/publication `weightedDraw`,
 * the function `PublicationBooks.play` calls). One round, one draw.
 *
 * Test: Pearson's chi-square goodness of fit (Pearson 1900; Knuth, TAOCP vol. 2 §3.3.1A, eq. (8)).
 * Cells are runs of consecutive table rows, in table order (so each cell is an interval of the
 * draw's uniform integer u over [0, Σw)), closed once their expected count reaches
 * max(5, draws / MAX_CELLS) (Knuth §3.3.1A: lump categories of low probability; the grouping
 * depends on the weights only, never on the observations). Degrees of freedom = cells − 1; the
 * mode passes when P ≥ ALPHA (0.01). A row of weight zero must never be drawn (counted apart).
 *
 * Negative control: the same draws tested against a skewed table (the rows holding the first half
 * of the weight, in table order, weighted ×(1 + SKEW)) must be rejected (P < ALPHA): the test has the
 * power to see a bias of that size at this number of draws.
 */
import { type LookupTable, weightedDraw } from '../games/index.ts';
import { ProvablyFairSource } from '../rng/index.ts';
import { chiSquareUpperTail } from './gli/stats.ts';
import { ALPHA, MIN_EXPECTED_COUNT } from './gli/types.ts';
import { type ServedDrbg, ServedSession } from './inputs-served.ts';

/** Most cells of the test: enough resolution, and power against a broad bias. */
export const WEIGHTED_DRAW_MAX_CELLS = 1_000;
/** Relative bias of the negative control's skewed table. */
export const WEIGHTED_DRAW_CONTROL_SKEW = 0.1;
/** Bound on the draws of one run (TIGER_STYLE). */
export const WEIGHTED_DRAW_MAX_DRAWS = 100_000_000;
export const WEIGHTED_DRAW_REFERENCE =
  'Pearson chi-square goodness of fit (Pearson 1900; Knuth TAOCP vol. 2 §3.3.1A), cells = runs of consecutive rows with expected count ≥ max(5, draws/1000)';

export interface ChiSquareFit {
  readonly cells: number;
  readonly degreesOfFreedom: number;
  readonly statistic: number;
  readonly pValue: number;
  /** The cell whose (observed − expected)/√expected is largest in size. */
  readonly largestDeviation: { readonly firstRow: number; readonly lastRow: number; readonly z: number };
}

export interface WeightedDrawResult {
  readonly drbg: ServedDrbg;
  readonly seedHex: string;
  readonly draws: number;
  readonly rows: number;
  readonly reference: string;
  readonly alpha: number;
  readonly fit: ChiSquareFit | null;
  /** Draws of a row of weight zero (must be 0). */
  readonly zeroWeightDraws: number;
  readonly passed: boolean;
  readonly control: {
    readonly description: string;
    readonly fit: ChiSquareFit | null;
    readonly rejected: boolean;
  };
}

/** Row counts of `draws` served rounds, each one exact weighted draw of `table`. */
export function servedWeightedDrawCounts(
  table: LookupTable,
  drbg: ServedDrbg,
  seedHex: string,
  draws: number,
): Float64Array {
  if (!Number.isSafeInteger(draws) || draws < 1 || draws > WEIGHTED_DRAW_MAX_DRAWS)
    throw new RangeError(`draws must be in [1, ${WEIGHTED_DRAW_MAX_DRAWS}], got ${draws}`);
  if (!/^([0-9a-f]{2}){16,1024}$/.test(seedHex))
    throw new RangeError('seedHex must be 16 to 1024 bytes of lowercase hex (a DRBG replay seed)');
  const session = new ServedSession(drbg, Buffer.from(seedHex, 'hex'), undefined, false);
  const draw = weightedDraw(table);
  const counts = new Float64Array(table.rows);
  for (let i = 0; i < draws; i++) counts[draw.draw(new ProvablyFairSource(session.nextRound()))]! += 1;
  return counts;
}

/** Pearson's statistic over cells of consecutive rows (see the file comment); null below 2 cells. */
export function consecutiveCellsChiSquare(
  counts: ArrayLike<number>,
  expected: ArrayLike<number>,
  minimumExpected: number,
): ChiSquareFit | null {
  const rows = counts.length;
  if (expected.length !== rows) throw new RangeError('counts and expected differ in length');
  const cells: { first: number; last: number; o: number; e: number }[] = [];
  let open = { first: 0, last: 0, o: 0, e: 0 };
  for (let r = 0; r < rows; r++) {
    open.o += counts[r]!;
    open.e += expected[r]!;
    open.last = r;
    if (open.e >= minimumExpected) {
      cells.push(open);
      open = { first: r + 1, last: r + 1, o: 0, e: 0 };
    }
  }
  if (open.first < rows) {
    // A last run below the minimum joins the cell before it.
    const previous = cells.at(-1);
    if (previous === undefined) return null;
    previous.o += open.o;
    previous.e += open.e;
    previous.last = open.last;
  }
  if (cells.length < 2) return null;
  let statistic = 0;
  let largest = { firstRow: 0, lastRow: 0, z: 0 };
  for (const c of cells) {
    statistic += ((c.o - c.e) * (c.o - c.e)) / c.e;
    const z = (c.o - c.e) / Math.sqrt(c.e);
    if (Math.abs(z) > Math.abs(largest.z)) largest = { firstRow: c.first, lastRow: c.last, z };
  }
  const degreesOfFreedom = cells.length - 1;
  return {
    cells: cells.length,
    degreesOfFreedom,
    statistic,
    pValue: chiSquareUpperTail(statistic, degreesOfFreedom),
    largestDeviation: largest,
  };
}

/** Expected counts of `draws` draws from `weights` (as doubles: only the statistic needs them). */
function expectedCounts(weights: ArrayLike<bigint>, draws: number, skewRows = 0, skew = 0): Float64Array {
  const out = new Float64Array(weights.length);
  let total = 0;
  for (let r = 0; r < weights.length; r++) {
    out[r] = Number(weights[r]!) * (r < skewRows ? 1 + skew : 1);
    total += out[r]!;
  }
  for (let r = 0; r < weights.length; r++) out[r] = (out[r]! / total) * draws;
  return out;
}

/** Rows whose cumulative weight before them is below half the total: the control's skewed rows. */
function firstHalfRows(table: LookupTable): number {
  let before = 0n;
  let r = 0;
  while (r < table.rows && 2n * before < table.totalWeight) before += table.weights[r++]!;
  return r;
}

/** The battery on one mode: draws on the served path, the fit, the zero-weight check, the control. */
export function weightedDrawBattery(
  table: LookupTable,
  drbg: ServedDrbg,
  seedHex: string,
  draws: number,
): WeightedDrawResult {
  const counts = servedWeightedDrawCounts(table, drbg, seedHex, draws);
  const weights = table.weights;
  const minimumExpected = Math.max(MIN_EXPECTED_COUNT, draws / WEIGHTED_DRAW_MAX_CELLS);
  let zeroWeightDraws = 0;
  for (let r = 0; r < table.rows; r++) if (weights[r] === 0n) zeroWeightDraws += counts[r]!;
  const fit = consecutiveCellsChiSquare(counts, expectedCounts(weights, draws), minimumExpected);
  const skewRows = firstHalfRows(table);
  const control = consecutiveCellsChiSquare(
    counts,
    expectedCounts(weights, draws, skewRows, WEIGHTED_DRAW_CONTROL_SKEW),
    minimumExpected,
  );
  return {
    drbg,
    seedHex,
    draws,
    rows: table.rows,
    reference: WEIGHTED_DRAW_REFERENCE,
    alpha: ALPHA,
    fit,
    zeroWeightDraws,
    // A table whose draws fill fewer than two cells cannot be tested: that is not a pass.
    passed: fit !== null && fit.pValue >= ALPHA && zeroWeightDraws === 0,
    control: {
      description: `the same draws against a skewed table: rows 1–${skewRows} (the first half of the weight, in table order) weighted ×${1 + WEIGHTED_DRAW_CONTROL_SKEW}; must be rejected`,
      fit: control,
      rejected: control !== null && control.pValue < ALPHA,
    },
  };
}
