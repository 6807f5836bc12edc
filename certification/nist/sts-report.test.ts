import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesToBits, runNistSequence } from './index.ts';
import { cFixed, STS_REPORT_ROWS, stsFinalAnalysisReport } from './sts-report.ts';
import type { NistTestResult } from './types.ts';

const FIXTURE = new URL('./fixtures/sts-final-analysis-report.txt', import.meta.url);
const REFERENCE = new URL('./fixtures/sts-2.1.2-reference-20x400k.txt', import.meta.url);
const SEQUENCES = 10;
const uniform = (j: number) => 0.05 + 0.1 * j;

/** One test's result on sequence j: `perRow[r](j)` is row r's P-value, undefined = not applicable. */
function result(
  name: string,
  perRow: readonly ((j: number) => number | undefined)[],
  j: number,
): NistTestResult {
  const values = perRow.map((f) => f(j));
  if (values.some((v) => v === undefined)) {
    return { name, pValues: [], statistics: {}, parameters: {}, applicable: false, reason: 'fixture' };
  }
  return { name, pValues: values as number[], statistics: {}, parameters: {}, applicable: true };
}

const rowsOf = (count: number, f: (j: number) => number | undefined) => new Array(count).fill(f);

/** The fixed input of fixtures/make-sts-fixture.py, as the battery's results. */
function fixtureInput(): NistTestResult[][] {
  const plan: Record<string, ((j: number) => number | undefined)[]> = {
    Frequency: [uniform],
    BlockFrequency: [() => 0.005],
    CumulativeSums: [uniform, (j) => (j === 0 ? 0.01 : uniform(j))],
    Runs: [() => 1],
    LongestRun: [(j) => (j < 3 ? 0.001 * (j + 1) : uniform(j))],
    Rank: [uniform],
    FFT: [uniform],
    NonOverlappingTemplate: rowsOf(148, uniform),
    OverlappingTemplate: [uniform],
    Universal: [() => undefined],
    ApproximateEntropy: [(j) => [0.05, 0.05, 0.15, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75][j]!],
    // Sequence 0 is not applicable (J < 500); state index 3 has a real P < 5e-7 on sequence 1.
    RandomExcursions: Array.from(
      { length: 8 },
      (_, state) => (j: number) => (j === 0 ? undefined : state === 3 && j === 1 ? 1e-7 : uniform(j)),
    ),
    RandomExcursionsVariant: rowsOf(18, uniform),
    Serial: [uniform, uniform],
    LinearComplexity: [uniform],
  };
  return Array.from({ length: SEQUENCES }, (_, j) =>
    Object.entries(plan).map(([name, perRow]) => result(name, perRow, j)),
  );
}

describe('stsFinalAnalysisReport (sts-2.1.2 finalAnalysisReport.txt layout)', () => {
  it('reproduces the hand-computed fixture byte for byte', () => {
    const text = stsFinalAnalysisReport({
      generator: 'fixture/ten-sequences.bin',
      perSequence: fixtureInput(),
    });
    expect(text).toBe(readFileSync(FIXTURE, 'utf8'));
  });

  it('prints one row per reference result file, in the reference order', () => {
    const text = stsFinalAnalysisReport({ generator: 'x', perSequence: fixtureInput() });
    const names = text
      .split('\n')
      .slice(7)
      .filter((line) => /^[ \d]{40}/.test(line))
      .map((line) => line.trim().split(/\s+/).at(-1));
    const expected = STS_REPORT_ROWS.flatMap(({ test, rows }) => new Array<string>(rows).fill(test));
    expect(names).toEqual(expected);
    expect(names).toHaveLength(188);
  });

  it('a subset of tests prints only those rows and only the footer blocks that apply', () => {
    const perSequence = fixtureInput().map((results) => results.filter((r) => r.name === 'Frequency'));
    const text = stsFinalAnalysisReport({ generator: 'f', perSequence });
    expect(text).toContain('1.000000     10/10      Frequency\n\n\n- - -');
    expect(text).toContain('approximately = 8 for a\nsample size = 10 binary sequences.');
    expect(text).not.toContain('random excursion (variant) test\n');
  });

  it('a real battery run exports its rows in the row layout', () => {
    const bits = (seed: number) => {
      let x = seed >>> 0;
      return Uint8Array.from({ length: 20_000 }, () => {
        x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0;
        return x >>> 31;
      });
    };
    const perSequence = [1, 2, 3].map((s) => runNistSequence(bits(s), {}, ['Frequency', 'Runs', 'Serial']));
    const text = stsFinalAnalysisReport({ generator: 'lcg', perSequence });
    const rows = text.split('\n').filter((line) => /(Frequency|Runs|Serial)$/.test(line));
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row).toMatch(/^(?:[ \d]{3} ){10} {4}---- {4}[ \d]{4}\/3 {4}[ *] {2}\w+$/);
  });

  it('refuses a template test with other than the 148 templates of m = 9', () => {
    const perSequence = [[result('NonOverlappingTemplate', rowsOf(149, uniform), 0)]];
    expect(() => stsFinalAnalysisReport({ generator: 'x', perSequence })).toThrow(/148/);
  });

  it('cFixed rounds exact ties to even like C printf, and otherwise like toFixed', () => {
    expect(cFixed(0.0078125, 6)).toBe('0.007812'); // 1/128: an exact tie, C keeps the even digit
    expect(cFixed(0.0234375, 6)).toBe('0.023438'); // 3/128: tie, even digit is 8
    expect(cFixed(0.739918, 6)).toBe('0.739918');
    expect(cFixed(1, 6)).toBe('1.000000');
  });

  it("equals, byte for byte, the report NIST's own assess wrote for the same 20 x 400,000 bits", () => {
    // The input of fixtures/SOURCE.md: SHA-256("sts-check-" + i) concatenated, 1,000,000 bytes.
    const data = Buffer.alloc(1_000_000);
    for (let i = 0, offset = 0; offset < data.length; i++, offset += 32) {
      createHash('sha256').update(`sts-check-${i}`).digest().copy(data, offset);
    }
    const bitsPerSequence = 400_000;
    const perSequence = Array.from({ length: 20 }, (_, k) =>
      runNistSequence(bytesToBits(data.subarray((k * bitsPerSequence) / 8, ((k + 1) * bitsPerSequence) / 8))),
    );
    const text = stsFinalAnalysisReport({ generator: 'ref20x400k.bin', perSequence });
    expect(text).toBe(readFileSync(REFERENCE, 'utf8'));
  }, 170_000);
});
