/**
 * The battery verdict (gliFamilyVerdict: rows grouped by channel, Bonferroni on the most extreme
 * row) still FAILS the known-bad generators of certification/controls.test.ts, on one sequence,
 * and passes the same amount of sound data.
 */
import { describe, expect, it } from 'vitest';
import { createGenerator, uniformInt } from '../../rng/index.ts';
import {
  createModuloBiasedSampler,
  Randu,
  StuckBitSource,
  TruncatedLcg,
} from '../../test/support/bad-generators.ts';
import { gliSecondLevel, runGliSequence } from './battery.ts';
import { soundDraws } from './calibration.ts';
import { gliFamilyVerdict } from './family.ts';

const SEED = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

function verdictOf(count: number, range: number, next: () => number): ReturnType<typeof gliFamilyVerdict> {
  const draws = new Float64Array(count);
  for (let i = 0; i < count; i++) draws[i] = next();
  const description = { label: 'control', range };
  return gliFamilyVerdict([
    { channel: 'control', secondLevel: gliSecondLevel([runGliSequence(draws, description)]) },
  ]);
}

describe('family verdict on one sequence: negative controls fail, a sound source passes', () => {
  it('RANDU scaled to 32 (serial triples)', () => {
    const source = new Randu(1);
    const v = verdictOf(400_000, 32, () => uniformInt(source, 32));
    expect(v.verdict, v.reason).toBe('fail');
    expect(v.reason).toMatch(/Bonferroni/);
  });
  it('truncated LCG at range 16', () => {
    const source = new TruncatedLcg(1);
    expect(verdictOf(200_000, 16, () => uniformInt(source, 16)).verdict).toBe('fail');
  });
  it('stuck bit 30 at range 1000', () => {
    const source = new StuckBitSource(createGenerator('hmac-drbg', SEED), 30, 1);
    expect(verdictOf(100_000, 1000, () => uniformInt(source, 1000)).verdict).toBe('fail');
  });
  it('modulo bias: rand() % 20000', () => {
    const sample = createModuloBiasedSampler(1);
    expect(verdictOf(100_000, 20_000, () => sample(20_000)).verdict).toBe('fail');
  });
  it('chacha20 on the same sizes passes', () => {
    for (const [count, range] of [
      [400_000, 32],
      [200_000, 16],
      [100_000, 1000],
      [100_000, 20_000],
    ] as const) {
      const draws = soundDraws('f00d', 0, range, count);
      let i = 0;
      const v = verdictOf(count, range, () => draws[i++]!);
      expect(v.verdict, `${range}: ${v.reason}`).toBe('pass');
    }
  });
});
