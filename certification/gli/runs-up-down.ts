import { continuityGrouping, groupedValueReader, normalTwoSidedP } from './stats.ts';
import { checkSampleSize, type GliTestResult, notApplicable, type ScaledSource } from './types.ts';

const NAME = 'runs-up-down';
const REFERENCE =
  'Runs up and down: Levene & Wolfowitz, Ann. Math. Stat. 15 (1944) 58-69 (mean (2n-1)/3, variance (16n-29)/90), normal approximation';

const MIN_VALUES = 100;

/**
 * Runs up and down: the number R of maximal monotone stretches (runs up and runs down together)
 * among n values. Under randomness E R = (2n - 1)/3 and Var R = (16n - 29)/90 (Levene &
 * Wolfowitz 1944; also Wallis & Moore 1941), and R is asymptotically normal: two-sided P of
 * z = (R - E R)/sqrt(Var R). Complements Knuth's runs-up test: it reacts to too few or too many
 * turning points (trend or oscillation) in one number. Draws are grouped into near-continuous
 * values as for the runs-up test; a tie counts as a step down.
 */
export function runsUpDownTest(source: ScaledSource, sampleSize: number): GliTestResult {
  const { range, probabilities } = source.describe();
  checkSampleSize(sampleSize);
  const k = continuityGrouping(range, probabilities);
  if (k === null) {
    return notApplicable(NAME, REFERENCE, 0, { range }, 'ties too frequent even after grouping draws');
  }
  const n = Math.floor(sampleSize / k);
  const parameters = { range, drawsPerValue: k, values: n };
  if (n < MIN_VALUES) return notApplicable(NAME, REFERENCE, 0, parameters, `fewer than ${MIN_VALUES} values`);
  const readValue = groupedValueReader(source, range, k);
  let previous = readValue();
  let current = readValue();
  let up = current > previous;
  let runs = 1;
  for (let j = 2; j < n; j++) {
    previous = current;
    current = readValue();
    const nowUp = current > previous;
    if (nowUp !== up) runs++;
    up = nowUp;
  }
  const mean = (2 * n - 1) / 3;
  const variance = (16 * n - 29) / 90;
  const z = (runs - mean) / Math.sqrt(variance);
  return {
    name: NAME,
    reference: REFERENCE,
    pValues: [normalTwoSidedP(z)],
    statistic: z,
    degreesOfFreedom: null,
    sampleSize: n * k,
    parameters: { ...parameters, runs },
    applicable: true,
    // R is an integer: by the local limit theorem each value has probability about
    // 1/sqrt(2 pi Var R), and the two-sided P-value pairs values symmetric about the mean.
    largestAtom: Math.min(1, 2 / Math.sqrt(2 * Math.PI * variance)),
  };
}
