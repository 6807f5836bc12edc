/**
 * The simulation behind the runs-up class rule (certification/gli/runs-up.ts,
 * MIN_EXPECTED_LAST_CLASS): the rejection rate at alpha = 0.01 of Knuth's V statistic with c
 * run-length classes on n continuous values from chacha20. Values are 53-bit (two words), so ties
 * never occur, as in the battery after its continuity grouping.
 *
 *   npx tsx bench/calibrate-runs-up.ts <values n> <repetitions> <classes...>
 *   e.g. nice -n 19 npx tsx bench/calibrate-runs-up.ts 2400 30000 4
 *
 * Seed: chacha20 under sequenceSeed(0c0ffee0, n): one stream per n, read in blocks of n values.
 */

import { clopperPearson } from '../certification/gli/calibration.ts';
import { runLengthMoments, solveLinear } from '../certification/gli/runs-up.ts';
import { chiSquareUpperTail } from '../certification/gli/stats.ts';
import { sequenceSeed } from '../certification/inputs.ts';
import { createGenerator } from '../rng/index.ts';

const SEED_HEX = '0c0ffee0';

function runLengths(values: Float64Array): number[] {
  const lengths: number[] = [];
  let length = 1;
  for (let j = 1; j < values.length; j++) {
    if (values[j]! > values[j - 1]!) length++;
    else {
      lengths.push(length);
      length = 1;
    }
  }
  lengths.push(length);
  return lengths;
}

function statisticV(
  lengths: readonly number[],
  classes: number,
  moments: ReturnType<typeof runLengthMoments>,
): number {
  const counts = new Array<number>(classes).fill(0);
  for (const l of lengths) counts[Math.min(l, classes) - 1]! += 1;
  const deviation = counts.map((c, i) => c - moments.mean[i]!);
  const solved = solveLinear(moments.covariance, deviation);
  return deviation.reduce((sum, d, i) => sum + d * solved[i]!, 0);
}

function main(): void {
  const [nText, repsText, ...classText] = process.argv.slice(2);
  const n = Number(nText);
  const repetitions = Number(repsText);
  const classList = classText.map(Number);
  if (!(n >= 10 && repetitions >= 1 && classList.length > 0 && classList.every((c) => c >= 2 && c <= 6))) {
    console.error('usage: calibrate-runs-up.ts <values n >= 10> <repetitions> <classes 2..6 ...>');
    process.exit(2);
  }
  const source = createGenerator('chacha20', sequenceSeed(Uint8Array.from(Buffer.from(SEED_HEX, 'hex')), n));
  const moments = classList.map((c) => runLengthMoments(n, c));
  const rejected = classList.map(() => 0);
  const values = new Float64Array(n);
  for (let r = 0; r < repetitions; r++) {
    for (let j = 0; j < n; j++) values[j] = source.nextUint32() * 2 ** 21 + (source.nextUint32() >>> 11);
    const lengths = runLengths(values);
    classList.forEach((c, i) => {
      if (chiSquareUpperTail(statisticV(lengths, c, moments[i]!), c) < 0.01) rejected[i]! += 1;
    });
  }
  for (const [i, c] of classList.entries()) {
    const { low, high } = clopperPearson(rejected[i]!, repetitions);
    const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
    console.log(
      `n=${n} classes=${c} repetitions=${repetitions} rejected=${rejected[i]} rate=${pct(rejected[i]! / repetitions)} 99% CI [${pct(low)}, ${pct(high)}]`,
    );
  }
}

main();
