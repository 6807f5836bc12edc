import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_GAME_FILES } from '../games/index.ts';
import { type RngTestPlan, runRngTests } from './runner.ts';
import { createRngWorkerPool } from './runner-pool.ts';

const pool = createRngWorkerPool(2);
afterAll(() => pool.close());

const plans: RngTestPlan[] = [
  {
    battery: 'nist',
    sequences: 3,
    bitsPerSequence: 20_000,
    drawsPerSequence: 1,
    input: { kind: 'served', drbg: 'hmac-drbg', seedHex: '01', stream: 'drbg' },
    workers: 2,
    nistOnly: ['Frequency', 'Serial'],
  },
  {
    battery: 'gli',
    sequences: 3,
    bitsPerSequence: 32,
    drawsPerSequence: 2_000,
    input: {
      kind: 'served',
      drbg: 'hmac-drbg',
      seedHex: '02',
      stream: 'provably-fair',
      gamePath: DEMO_GAME_FILES['wizard-fruit'],
    },
    workers: 2,
    gliOnly: ['frequency', 'gap'],
  },
];

const figures = (r: Awaited<ReturnType<typeof runRngTests>>) =>
  JSON.stringify([r.nist?.perSequence, r.gli?.channels]);

describe('createRngWorkerPool', () => {
  it('runs plan after plan on the same workers with the figures of an inline run', async () => {
    for (const plan of plans) {
      const inline = await runRngTests({ ...plan, workers: 0 });
      let progress = 0;
      const pooled = await runRngTests(plan, { pool, onProgress: (done) => (progress = done) });
      expect(figures(pooled)).toBe(figures(inline));
      expect(progress).toBe(plan.sequences);
    }
  }, 120_000);

  it('refuses a second run while one is going', async () => {
    const first = pool.run({ ...plans[0]!, input: plans[0]!.input }, [{ battery: 'nist', sequence: 0 }]);
    expect(() => pool.run(plans[0]!, [{ battery: 'nist', sequence: 1 }])).toThrow(/one plan at a time/);
    await first;
  }, 60_000);
});
