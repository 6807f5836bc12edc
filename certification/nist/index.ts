/**
 * Public module of the NIST SP 800-22 Rev. 1a battery: the 15 tests, run over one sequence, and the
 * second-level analysis over many. Pure functions: no I/O, no global state (the DFT memoises its
 * last FFT plans, which never changes a result). P-values match NIST's reference implementation
 * sts-2.1.2 (see test/fixtures/nist-sp800-22/REFERENCE-BEHAVIOUR.md and each test's comment).
 */
import { assertTestNames, NIST_TEST_NAMES } from '../names.ts';
import { approximateEntropyTest } from './approximate-entropy.ts';
import { blockFrequencyTest } from './block-frequency.ts';
import { cumulativeSumsTest } from './cumulative-sums.ts';
import { dftTest } from './dft.ts';
import { frequencyTest } from './frequency.ts';
import { linearComplexityTest } from './linear-complexity.ts';
import { longestRunTest } from './longest-run.ts';
import { nonOverlappingTemplateTest } from './non-overlapping-template.ts';
import { overlappingTemplateTest } from './overlapping-template.ts';
import { randomExcursionsTest } from './random-excursions.ts';
import { randomExcursionsVariantTest } from './random-excursions-variant.ts';
import { rankTest } from './rank.ts';
import { runsTest } from './runs.ts';
import { serialTest } from './serial.ts';
import type { NistTestResult } from './types.ts';
import { universalTest } from './universal.ts';

export { approximateEntropyTest } from './approximate-entropy.ts';
export { asciiToBits, bytesToBits } from './bits.ts';
export { blockFrequencyTest } from './block-frequency.ts';
export { cumulativeSumsTest } from './cumulative-sums.ts';
export { dftTest } from './dft.ts';
export { frequencyTest } from './frequency.ts';
export { linearComplexityTest } from './linear-complexity.ts';
export { longestRunTest } from './longest-run.ts';
export { aperiodicTemplates, nonOverlappingTemplateTest } from './non-overlapping-template.ts';
export { overlappingTemplateTest } from './overlapping-template.ts';
export { randomExcursionsTest } from './random-excursions.ts';
export { randomExcursionsVariantTest } from './random-excursions-variant.ts';
export { rankTest } from './rank.ts';
export { runsTest } from './runs.ts';
export {
  type NistSecondLevelRow,
  nistSecondLevel,
  type SecondLevelOptions,
  UNIFORMITY_THRESHOLD,
} from './second-level.ts';
export { serialTest } from './serial.ts';
export type { NistTestResult } from './types.ts';
export { universalTest } from './universal.ts';

/** The battery's parameters, defaults as SP 800-22 §2 and the reference use them. */
export interface NistParams {
  /** Block frequency block length M (§2.2; default 128). */
  readonly blockFrequencyM: number;
  /** Non-overlapping template length m (§2.7; default 9: all 148 aperiodic templates). */
  readonly nonOverlappingM: number;
  /** Overlapping template length m (§2.8; default 9). */
  readonly overlappingM: number;
  /** Approximate entropy block length m (§2.12; default 10). */
  readonly approximateEntropyM: number;
  /** Serial block length m (§2.11; default 16). */
  readonly serialM: number;
  /** Linear complexity block length M (§2.10; default 500). */
  readonly linearComplexityM: number;
  /** Universal L and Q (§2.9); undefined = chosen from n as the standard's table says. */
  readonly universalL: number | undefined;
  readonly universalQ: number | undefined;
}

export const DEFAULT_NIST_PARAMS: NistParams = Object.freeze({
  blockFrequencyM: 128,
  nonOverlappingM: 9,
  overlappingM: 9,
  approximateEntropyM: 10,
  serialM: 16,
  linearComplexityM: 500,
  universalL: undefined,
  universalQ: undefined,
});

export interface NistTestInfo {
  /** Name as in `NistTestResult.name` and the reference's final report. */
  readonly name: string;
  /** Section of SP 800-22 Rev. 1a describing the test (§3.x is its mathematical description). */
  readonly section: string;
  readonly title: string;
  /** The `NistParams` keys the test reads, with their defaults. */
  readonly defaultParameters: Readonly<Record<string, number | string>>;
}

/** The 15 tests in the reference's order (the order of its final report). */
export const NIST_TESTS: readonly NistTestInfo[] = Object.freeze<NistTestInfo[]>([
  { name: 'Frequency', section: '2.1', title: 'Frequency (monobit)', defaultParameters: {} },
  {
    name: 'BlockFrequency',
    section: '2.2',
    title: 'Frequency within a block',
    defaultParameters: { blockFrequencyM: 128 },
  },
  {
    name: 'CumulativeSums',
    section: '2.13',
    title: 'Cumulative sums (forward, reverse)',
    defaultParameters: {},
  },
  { name: 'Runs', section: '2.3', title: 'Runs', defaultParameters: {} },
  {
    name: 'LongestRun',
    section: '2.4',
    title: 'Longest run of ones in a block',
    defaultParameters: { M: 'from n' },
  },
  { name: 'Rank', section: '2.5', title: 'Binary matrix rank', defaultParameters: { M: 32, Q: 32 } },
  { name: 'FFT', section: '2.6', title: 'Discrete Fourier transform (spectral)', defaultParameters: {} },
  {
    name: 'NonOverlappingTemplate',
    section: '2.7',
    title: 'Non-overlapping template matching',
    defaultParameters: { nonOverlappingM: 9, N: 8 },
  },
  {
    name: 'OverlappingTemplate',
    section: '2.8',
    title: 'Overlapping template matching',
    defaultParameters: { overlappingM: 9, M: 1032, K: 5 },
  },
  {
    name: 'Universal',
    section: '2.9',
    title: "Maurer's universal statistical",
    defaultParameters: { universalL: 'from n', universalQ: '10·2^L' },
  },
  {
    name: 'ApproximateEntropy',
    section: '2.12',
    title: 'Approximate entropy',
    defaultParameters: { approximateEntropyM: 10 },
  },
  { name: 'RandomExcursions', section: '2.14', title: 'Random excursions', defaultParameters: {} },
  {
    name: 'RandomExcursionsVariant',
    section: '2.15',
    title: 'Random excursions variant',
    defaultParameters: {},
  },
  { name: 'Serial', section: '2.11', title: 'Serial', defaultParameters: { serialM: 16 } },
  {
    name: 'LinearComplexity',
    section: '2.10',
    title: 'Linear complexity',
    defaultParameters: { linearComplexityM: 500 },
  },
]);
assertTestNames(
  'NIST',
  NIST_TESTS.map((t) => t.name),
  NIST_TEST_NAMES,
);

const RUNNERS: Record<string, (bits: Uint8Array, p: NistParams) => NistTestResult> = {
  Frequency: (bits) => frequencyTest(bits),
  BlockFrequency: (bits, p) => blockFrequencyTest(bits, p.blockFrequencyM),
  CumulativeSums: (bits) => cumulativeSumsTest(bits),
  Runs: (bits) => runsTest(bits),
  LongestRun: (bits) => longestRunTest(bits),
  Rank: (bits) => rankTest(bits),
  FFT: (bits) => dftTest(bits),
  NonOverlappingTemplate: (bits, p) => nonOverlappingTemplateTest(bits, { m: p.nonOverlappingM }),
  OverlappingTemplate: (bits, p) => overlappingTemplateTest(bits, { m: p.overlappingM }),
  Universal: (bits, p) =>
    universalTest(bits, {
      ...(p.universalL !== undefined ? { L: p.universalL } : {}),
      ...(p.universalQ !== undefined ? { Q: p.universalQ } : {}),
    }),
  ApproximateEntropy: (bits, p) => approximateEntropyTest(bits, p.approximateEntropyM),
  RandomExcursions: (bits) => randomExcursionsTest(bits),
  RandomExcursionsVariant: (bits) => randomExcursionsVariantTest(bits),
  Serial: (bits, p) => serialTest(bits, p.serialM),
  LinearComplexity: (bits, p) => linearComplexityTest(bits, { M: p.linearComplexityM }),
};

/**
 * Runs the battery (or the tests named in `only`, in the battery's order) over one sequence of
 * bits (one 0|1 per element). Unknown names in `only` throw.
 */
export function runNistSequence(
  bits: Uint8Array,
  params: Partial<NistParams> = {},
  only?: readonly string[],
): NistTestResult[] {
  const p: NistParams = { ...DEFAULT_NIST_PARAMS, ...params };
  if (only) {
    const unknown = only.filter((name) => !(name in RUNNERS));
    if (unknown.length > 0) {
      throw new RangeError(
        `unknown NIST test(s): ${unknown.join(', ')}; known: ${Object.keys(RUNNERS).join(', ')}`,
      );
    }
  }
  const selected = only ? NIST_TESTS.filter((t) => only.includes(t.name)) : NIST_TESTS;
  return selected.map((t) => RUNNERS[t.name]!(bits, p));
}
