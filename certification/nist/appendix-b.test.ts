/**
 * SP 800-22 Rev. 1a Appendix B: the battery's P-values on 10^6 bits of e, π, √2 and √3 with the
 * default parameters, against what the reference (sts-2.1.2) writes for NIST's data files. The
 * G-SHA-1 column (data.sha1) is not reproducible here: its input is not available.
 */
import { describe, expect, it } from 'vitest';
import { type NistTestResult, runNistSequence } from './index.ts';
import { piBits, sqrtBits } from './known-sequences.ts';
import { eMillion, loadSpec } from './spec-fixtures.ts';

const spec = loadSpec();
const TOL = spec.conventions.p_value_tolerance;

/** The P-value Appendix B tabulates for each row (see appendix_b.params). */
function tabulated(results: NistTestResult[], row: string): number {
  const by = (name: string) => {
    const r = results.find((x) => x.name === name);
    if (!r) throw new Error(`missing ${name}`);
    return r;
  };
  const label = (r: NistTestResult, l: string) => r.pValues[r.labels!.indexOf(l)]!;
  switch (row) {
    case 'CumulativeSums-Forward':
      return by('CumulativeSums').pValues[0]!;
    case 'CumulativeSums-Reverse':
      return by('CumulativeSums').pValues[1]!;
    case 'NonOverlappingTemplate':
      return label(by(row), '000000001');
    case 'RandomExcursions':
      return by(row).applicable ? label(by(row), '+1') : 0;
    case 'RandomExcursionsVariant':
      return by(row).applicable ? label(by(row), '-1') : 0;
    default:
      return by(row).pValues[0]!;
  }
}

const INPUTS: Record<string, () => Uint8Array> = {
  e: eMillion,
  pi: () => piBits(1_000_000),
  sqrt2: () => sqrtBits(2, 1_000_000),
  sqrt3: () => sqrtBits(3, 1_000_000),
};

describe('SP 800-22 Appendix B (reference sts-2.1.2 values)', () => {
  expect(spec.appendix_b.rows).toHaveLength(16);
  for (const [column, build] of Object.entries(INPUTS)) {
    it(`all 16 rows for ${column}`, () => {
      const results = runNistSequence(build());
      expect(results).toHaveLength(15);
      for (const row of spec.appendix_b.rows) {
        const expected = row.sts_2_1_2[column]!;
        const actual = tabulated(results, row.test);
        expect({ row: row.test, diff: Math.abs(actual - expected) <= TOL }).toEqual({
          row: row.test,
          diff: true,
        });
      }
    });
  }
});
