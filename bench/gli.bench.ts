import { arraySource, GLI_TESTS } from '../certification/index.ts';
import { formatTable } from '../cli/output.ts';
import { createGenerator, uniformInt } from '../rng/index.ts';
import { formatRate, heading } from './harness.ts';

/** A reel-like range that is not a power of two (uniformInt rejects now and then). */
const RANGE = 1000;

/**
 * The GLI-style battery over 10^7 scaled draws (quick: 10^6): wall time and draws/s per test,
 * beside the baseline measured in the same process: the time to draw the numbers
 * (xoshiro128ss + uniformInt into an array). Ratio = test time / draw time.
 */
export async function run(options: { quick: boolean }): Promise<void> {
  const count = options.quick ? 1_000_000 : 10_000_000;
  heading(`GLI-style battery on ${count.toExponential(0)} draws in [0, ${RANGE}) (baseline: drawing them)`);
  const seed = new Uint8Array(32).fill(3);
  const draws = new Float64Array(count);
  // Warm-up, then the measured draw.
  const warm = createGenerator('xoshiro128ss', seed);
  for (let i = 0; i < 100_000; i++) draws[i] = uniformInt(warm, RANGE);
  const source = createGenerator('xoshiro128ss', seed);
  const drawStart = performance.now();
  for (let i = 0; i < count; i++) draws[i] = uniformInt(source, RANGE);
  const drawMs = performance.now() - drawStart;

  const description = { label: `xoshiro128ss below ${RANGE}`, range: RANGE };
  const rows: (string | number)[][] = [
    ['draw (baseline)', drawMs.toFixed(0), formatRate((count / drawMs) * 1000, 'draw'), '1.00', ''],
  ];
  let totalMs = 0;
  for (const test of GLI_TESTS) {
    const small = draws.subarray(0, Math.min(count, 100_000));
    test.run(arraySource(small, description), small.length); // JIT warm-up
    const start = performance.now();
    const result = test.run(arraySource(draws, description), count);
    const ms = performance.now() - start;
    totalMs += ms;
    rows.push([
      test.name,
      ms.toFixed(0),
      formatRate((count / ms) * 1000, 'draw'),
      (ms / drawMs).toFixed(2),
      result.applicable ? `P=${result.pValues[0]!.toFixed(4)}` : `n/a: ${result.reason}`,
    ]);
  }
  rows.push([
    'whole battery',
    totalMs.toFixed(0),
    formatRate((count / totalMs) * 1000, 'draw'),
    (totalMs / drawMs).toFixed(2),
    '',
  ]);
  process.stdout.write(formatTable(['test', 'ms', 'draws/s', 'x baseline', 'result'], rows));
}
