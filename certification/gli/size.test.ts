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
import { ALPHA } from './types.ts';

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
    // 8,400,000-8,440,000, tested alone with --bits 320000 --sequences 1 --range 2: two of ten rows
    // fail (P < 0.01), which independent rows would make a 0.43% event, and the verdict was FAIL.
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
    const failed = rows.filter((r) => r.verdict === 'fail').map((r) => r.name);
    // Poker (all five equal) and maximum-of-t (all five 0) read the same hands at range 2.
    expect(failed).toEqual(['poker', 'maximum-of-t']);
    const channel = { channel: description.label, secondLevel: rows };
    // The old rule, rows taken as independent: P(2 or more of 10 fail) = 0.0043 < 0.005, FAIL
    // (ten rows: runs-up was not applicable below 4,000 values before defect 1's fix).
    const oldRows = { ...channel, secondLevel: rows.filter((r) => r.name !== 'runs-up') };
    const asIndependent = gliRowEvidence(oldRows).map(({ group: _, ...row }) => row);
    expect(asIndependent).toHaveLength(10);
    expect(familyVerdict(asIndependent).verdict).toBe('fail');
    const family = gliFamilyVerdict([channel]);
    expect(family.verdict, family.reason).toBe('pass');
    expect(family.failedGroups).toBe(1);
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
