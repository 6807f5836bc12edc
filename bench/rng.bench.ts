import { randomFillSync, randomInt } from 'node:crypto';
import { formatTable } from '../cli/output.ts';
import { GENERATORS, uniformInt } from '../rng/index.ts';
import { formatRate, heading, measure, ratePerSecond } from './harness.ts';

/** A reel-sized range: not a power of two, so rejection sampling is exercised. */
const RANGE = 37;
const BUFFER_BYTES = 1 << 20;
const DRAWS_PER_STEP = 100_000;

/**
 * Per generator: bulk output in MB/s and integers-in-[0, RANGE) per second, each beside the OS
 * CSPRNG (`crypto.randomFillSync` for bytes, `crypto.randomInt` for integers) in the same run.
 */
export async function run(options: { quick: boolean }): Promise<void> {
  const durationMs = options.quick ? 300 : 1500;
  heading(`RNG kernel: bytes and integers in [0, ${RANGE}) (baseline: node:crypto, same process)`);
  const buffer = new Uint8Array(BUFFER_BYTES);

  const baselineBytes = measure(
    'crypto.randomBytes',
    () => {
      randomFillSync(buffer);
      return BUFFER_BYTES;
    },
    durationMs,
  );
  const baselineInts = measure(
    'crypto.randomInt',
    () => {
      let sink = 0;
      for (let i = 0; i < DRAWS_PER_STEP / 10; i++) sink ^= randomInt(RANGE);
      if (sink < 0) throw new Error('unreachable');
      return DRAWS_PER_STEP / 10;
    },
    durationMs,
  );
  const baseBytesPerS = ratePerSecond(baselineBytes);
  const baseIntsPerS = ratePerSecond(baselineInts);

  const rows: (string | number)[][] = [
    ['crypto (baseline)', formatRate(baseBytesPerS, 'B'), '1.00', formatRate(baseIntsPerS, 'int'), '1.00'],
  ];
  const seed = new Uint8Array(32).fill(7);
  for (const generator of GENERATORS) {
    const source = generator.create(seed);
    const bytes = measure(
      generator.name,
      () => {
        source.fillBytes(buffer);
        return BUFFER_BYTES;
      },
      durationMs,
    );
    const ints = measure(
      generator.name,
      () => {
        let sink = 0;
        for (let i = 0; i < DRAWS_PER_STEP; i++) sink ^= uniformInt(source, RANGE);
        if (sink < 0) throw new Error('unreachable');
        return DRAWS_PER_STEP;
      },
      durationMs,
    );
    const bytesPerS = ratePerSecond(bytes);
    const intsPerS = ratePerSecond(ints);
    rows.push([
      generator.name,
      formatRate(bytesPerS, 'B'),
      (bytesPerS / baseBytesPerS).toFixed(2),
      formatRate(intsPerS, 'int'),
      (intsPerS / baseIntsPerS).toFixed(2),
    ]);
  }
  process.stdout.write(
    formatTable(['generator', 'bytes', 'x crypto', `ints [0,${RANGE})`, 'x crypto.randomInt'], rows),
  );
}
