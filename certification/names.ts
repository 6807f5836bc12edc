/**
 * The names of the batteries' tests, with no imports: the CLI's help lists them without loading
 * the batteries (issue 12: any command starts in under 0.3 s). The batteries check at load that
 * their tests carry exactly these names, in this order (nist/index.ts, gli/battery.ts).
 */

/** NIST SP 800-22 rev. 1a, in the order of sts-2.1.2's final report. */
export const NIST_TEST_NAMES = [
  'Frequency',
  'BlockFrequency',
  'CumulativeSums',
  'Runs',
  'LongestRun',
  'Rank',
  'FFT',
  'NonOverlappingTemplate',
  'OverlappingTemplate',
  'Universal',
  'ApproximateEntropy',
  'RandomExcursions',
  'RandomExcursionsVariant',
  'Serial',
  'LinearComplexity',
] as const;

/** The GLI-style battery (Knuth §3.3.2 and Levene & Wolfowitz 1944), in run order. */
export const GLI_TEST_NAMES: readonly string[] = [
  'frequency',
  'serial-pairs',
  'serial-triples',
  'gap',
  'poker',
  'coupon-collector',
  'permutation',
  'runs-up',
  'runs-up-down',
  'maximum-of-t',
  'serial-correlation',
];

/** Throws unless a battery's tests carry exactly the listed names, in order. */
export function assertTestNames(battery: string, actual: readonly string[], listed: readonly string[]): void {
  if (actual.length !== listed.length || actual.some((name, i) => name !== listed[i])) {
    throw new Error(
      `${battery} battery: tests [${actual.join(', ')}] differ from certification/names.ts [${listed.join(', ')}]`,
    );
  }
}
