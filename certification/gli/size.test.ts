/**
 * The size of each GLI-style test on a sound generator (chacha20, fixed seeds), at the small
 * ranges and sample sizes where issue 15 found excess false alarms. Each case failed before its fix.
 */
import { describe, expect, it } from 'vitest';
import { createGenerator } from '../../rng/index.ts';
import { familyVerdict } from '../family-verdict.ts';
import { gliSecondLevel, runGliSequence } from './battery.ts';
import { clopperPearson, soundDraws } from './calibration.ts';
import { gliFamilyVerdict, gliRowEvidence } from './family.ts';
import { serialTest } from './serial.ts';
import { pooledChiSquare } from './stats.ts';
import { goodSource } from './test-support.ts';
import { ALPHA, type GliTestResult } from './types.ts';

/** Rejections (P < ALPHA) of one test over `sequences` sound sequences. */
function rejections(test: string, seedHex: string, sequences: number, range: number, draws: number): number {
  let rejected = 0;
  for (let s = 0; s < sequences; s++) {
    const [result] = runGliSequence(soundDraws(seedHex, s, range, draws), { label: 'chacha20', range }, [
      test,
    ]);
    expect(result!.applicable, result!.reason).toBe(true);
    if (result!.pValues[0]! < ALPHA) rejected++;
  }
  return rejected;
}

describe('defect 1: runs-up near its minimum sample holds its 1%', () => {
  it('at 4,000 values (range 2^32, one draw per value) over 5,000 sequences', () => {
    // Before the fix (six classes from 4,000 values) 1.8% of sound sequences were rejected: about
    // 90 of 5,000 where the 99% interval of a 1% test reaches 69. The interval of the observed
    // rate must contain 1% (or lie below it).
    const sequences = 5000;
    const rejected = rejections('runs-up', 'c0ffee01', sequences, 2 ** 32, 4000);
    expect(clopperPearson(rejected, sequences).low).toBeLessThanOrEqual(ALPHA);
  });
});

describe('defect 2: the family verdict allows for rows that share draws', () => {
  it('block 210 of a chacha20 sample at range 2 (one sequence, 10,000 draws) passes', () => {
    // `croupier rng sample --generator chacha20 --seed 00112233445566778899aabbccddeef0`, bytes
    // 8,400,000-8,440,000, tested alone with --bits 320000 --sequences 1 --range 2: poker (all
    // five equal) and maximum-of-t (all five 0) read the same hands and failed together (P < 0.01),
    // which independent rows would make a 0.43% event: the verdict was "FAIL: 2 of 10 rows failed".
    const seed = Uint8Array.from(Buffer.from('00112233445566778899aabbccddeef0', 'hex'));
    const bytes = new Uint8Array(8_440_000);
    createGenerator('chacha20', seed).fillBytes(bytes);
    const block = bytes.subarray(8_400_000);
    // range 2: uniformInt reads one big-endian word per draw and keeps its top bit.
    const draws = new Float64Array(block.length / 4);
    const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
    for (let i = 0; i < draws.length; i++) draws[i] = view.getUint32(4 * i) >>> 31;
    const description = { label: 'uniformInt(file block 210, 2)', range: 2 };
    const rows = gliSecondLevel([runGliSequence(draws, description)]);
    const family = gliFamilyVerdict([{ channel: description.label, secondLevel: rows }]);
    expect(family.verdict, family.reason).toBe('pass');
  });

  it('two dependent rows failing together in one channel are not "too many"', () => {
    // The situation of block 210 under the old rule: 2 of 10 rows of ONE channel fail with P ~ 0.005.
    const row = (name: string, p: number): GliTestResult => ({
      name,
      reference: 'r',
      pValues: [p],
      statistic: 0,
      degreesOfFreedom: 1,
      sampleSize: 10_000,
      parameters: {},
      applicable: true,
    });
    const names = Array.from({ length: 10 }, (_, i) => `t${i}`);
    const results = names.map((n, i) => row(n, i < 2 ? 0.005 : 0.5));
    const channel = { channel: 'c', secondLevel: gliSecondLevel([results]) };
    // Rows taken as independent: P(2 or more of 10 fail) = 0.0043 < 0.005, FAIL (the defect).
    const asIndependent = gliRowEvidence(channel).map(({ group: _, ...r }) => r);
    expect(familyVerdict(asIndependent).verdict).toBe('fail');
    // Counted as one channel, bounded by the union bound: no evidence of too many failures.
    const grouped = gliFamilyVerdict([channel]);
    expect([grouped.verdict, grouped.groups, grouped.failedGroups]).toEqual(['pass', 1, 1]);
    // Negative control: independent channels failing in numbers still fail the count criterion.
    const channels = Array.from({ length: 30 }, (_, c) => ({
      channel: `reel ${c}`,
      secondLevel: gliSecondLevel([names.map((n, i) => row(n, c < 15 && i === 0 ? 0.005 : 0.5))]),
    }));
    const many = gliFamilyVerdict(channels);
    expect([many.verdict, many.failedGroups]).toEqual(['fail', 15]);
    expect(many.reason).toMatch(/15 of 30 channels failed/);
  });
});

describe('defect 3: no KS second level on statistics with few values', () => {
  it('500 sequences of 1,000 draws at range 2 pass, poker included', () => {
    // Poker at range 2 on 1,000 draws is the chi-square of one Binomial(200, 1/16) count: its P-value
    // takes a few dozen values, and the KS test of 500 of them rejected a sound source (P ~ 1e-6).
    const perSequence = [];
    for (let s = 0; s < 500; s++) {
      perSequence.push(runGliSequence(soundDraws('c0ffee01', s, 2, 1000), { label: 'chacha20', range: 2 }));
    }
    const rows = gliSecondLevel(perSequence);
    const poker = rows.find((r) => r.name === 'poker')!;
    expect(poker.ksPValue!).toBeLessThan(1e-4); // the defect: KS sees the lattice...
    expect(poker.ksApplied).toBe(false); // ...so it does not judge this row
    expect(poker.ksNote).toMatch(/discrete/);
    for (const row of rows) expect(row.verdict, `${row.name}: ${row.reasons.join('; ')}`).not.toBe('fail');
    const family = gliFamilyVerdict([{ channel: 'chacha20', secondLevel: rows }]);
    expect(family.verdict, family.reason).toBe('pass');
  });
});

describe('defect 4: weighted serial triples from exact expected counts', () => {
  // An 18-stop weighted reel (18^3 = 5,832 cells, as in the issue) with integer weights.
  const weights = [1, 3, 5, 7, 9, 11, 13, 2, 4, 6, 8, 10, 12, 14, 3, 6, 9, 12];
  const total = weights.reduce((a, b) => a + b, 0);
  const probabilities = weights.map((w) => w / total);
  const range = weights.length;
  const tuples = 20_000;
  const sample = (seed: number): number[] => {
    const source = goodSource(seed, range, probabilities);
    return Array.from({ length: 3 * tuples }, () => source.next());
  };
  const countsOf = (draws: readonly number[]): Float64Array => {
    const counts = new Float64Array(range ** 3);
    for (let j = 0; j < tuples; j++) {
      counts[(draws[3 * j]! * range + draws[3 * j + 1]!) * range + draws[3 * j + 2]!]! += 1;
    }
    return counts;
  };

  it('float expected counts made the P-value depend on the order of multiplication (the defect)', () => {
    const counts = countsOf(sample(4));
    const forward = new Float64Array(counts.length);
    const backward = new Float64Array(counts.length);
    for (let c = 0; c < counts.length; c++) {
      const [a, b, d] = [Math.floor(c / range ** 2), Math.floor(c / range) % range, c % range];
      forward[c] = probabilities[a]! * probabilities[b]! * probabilities[d]! * tuples;
      backward[c] = probabilities[d]! * probabilities[b]! * probabilities[a]! * tuples;
    }
    const differ = forward.filter((e, c) => e !== backward[c]).length;
    expect(differ).toBeGreaterThan(1000); // about a fifth of the cells differ by an ulp
    const pForward = pooledChiSquare(counts, forward)!.pValue;
    const pBackward = pooledChiSquare(counts, backward)!.pValue;
    expect(Math.abs(pForward - pBackward)).toBeGreaterThan(0.1); // 0.78 vs 0.96
  });

  it('the battery statistic equals an independent re-implementation of the documented rule', () => {
    for (const seed of [1, 4, 20]) {
      const draws = sample(seed);
      let i = 0;
      const source = {
        describe: () => ({ label: 'reel', range, probabilities, weights }),
        next: () => draws[i++]!,
      };
      const result = serialTest(source, 3 * tuples, 3);
      // The rule as a lab would write it: integer products (W^3 = 135^3 < 2^53, exact in doubles),
      // cells expecting >= 5 alone; the rest ascending by product, ties by cell index, pooled until
      // >= 5; a remainder joins the smallest category.
      const counts = countsOf(draws);
      const product = (c: number) =>
        weights[c % range]! * weights[Math.floor(c / range) % range]! * weights[Math.floor(c / range ** 2)]!;
      const expected = (p: number) => (tuples * p) / total ** 3;
      const categories: { o: number; p: number }[] = [];
      const small: number[] = [];
      for (let c = 0; c < counts.length; c++) {
        if (tuples * product(c) >= 5 * total ** 3) categories.push({ o: counts[c]!, p: product(c) });
        else small.push(c);
      }
      small.sort((a, b) => product(a) - product(b) || a - b);
      let pool = { o: 0, p: 0 };
      for (const c of small) {
        pool = { o: pool.o + counts[c]!, p: pool.p + product(c) };
        if (tuples * pool.p >= 5 * total ** 3) {
          categories.push(pool);
          pool = { o: 0, p: 0 };
        }
      }
      if (pool.p > 0) {
        const smallest = categories.reduce((m, c, j) => (c.p < categories[m]!.p ? j : m), 0);
        categories[smallest] = { o: categories[smallest]!.o + pool.o, p: categories[smallest]!.p + pool.p };
      }
      const statistic = categories.reduce((sum, c) => sum + (c.o - expected(c.p)) ** 2 / expected(c.p), 0);
      expect(result.degreesOfFreedom).toBe(categories.length - 1);
      expect(result.statistic! / statistic).toBeCloseTo(1, 12);
    }
  });
});
