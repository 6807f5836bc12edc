import { erfc } from './special-functions.ts';
import { assertBits, assertIntegerIn, type NistTestResult, notApplicable } from './types.ts';

/**
 * Expected value and variance of f_n for L = 1..16: L ≥ 6 from the SP 800-22 §2.9.4 table as the
 * reference has it (item 10); L = 1..5 from Maurer (1992), Table I, which the §2.9.4 worked example
 * (L = 2) uses. Index = L.
 */
const EXPECTED_VALUE = [
  0, 0.7326495, 1.5374383, 2.4016068, 3.3112247, 4.2534266, 5.2177052, 6.1962507, 7.1836656, 8.1764248,
  9.1723243, 10.170032, 11.168765, 12.16807, 13.167693, 14.167488, 15.167379,
];
const VARIANCE = [
  0, 0.69, 1.338, 1.901, 2.358, 2.705, 2.954, 3.125, 3.238, 3.311, 3.356, 3.384, 3.401, 3.41, 3.416, 3.419,
  3.421,
];

/** The reference's choice of L from n (universal.c; SP 800-22 §2.9.7 table), 0 when n < 387,840. */
export function universalBlockLength(n: number): number {
  const limits = [
    387840, 904960, 2068480, 4654080, 10342400, 22753280, 49643520, 107560960, 231669760, 496435200,
    1059061760,
  ];
  let L = 0;
  for (let i = 0; i < limits.length; i++) if (n >= limits[i]!) L = 6 + i;
  return L;
}

export interface UniversalOptions {
  /** Block length L; default chosen from n as the reference does. */
  readonly L?: number;
  /** Initialisation blocks Q; default 10·2^L. */
  readonly Q?: number;
  /**
   * 'reference' (default): σ = c·√(var(L)/K), c = 0.7 − 0.8/L + (4 + 32/L)·K^(−3/L)/15 (§2.9.4
   * step 5, as the reference). 'sqrt-variance': σ = √var(L), what the §2.9.4 worked example plugs in.
   */
  readonly sigma?: 'reference' | 'sqrt-variance';
}

/**
 * Maurer's "universal statistical" test, SP 800-22 §2.9 (description §3.9). Q initialisation blocks
 * and K = ⌊n/L⌋ − Q test blocks; f_n = (1/K) Σ log₂(i − T[block]), P = erfc(|f_n − E|/(√2·σ)).
 * With L chosen from n, n < 387,840 (L < 6) is not applicable: the reference aborts and writes
 * nothing. An explicit L in 1..16 is accepted (the §2.9.4 example uses L = 2).
 */
export function universalTest(bits: Uint8Array, options: UniversalOptions = {}): NistTestResult {
  assertBits(bits);
  const n = bits.length;
  const L = options.L ?? universalBlockLength(n);
  const sigmaMode = options.sigma ?? 'reference';
  if (L === 0) {
    return notApplicable('Universal', `n = ${n} < 387,840: L would be < 6 (the reference aborts)`, { n });
  }
  assertIntegerIn('L', L, 1, 16);
  const Q = options.Q ?? 10 * 2 ** L;
  assertIntegerIn('Q', Q, 1, Number.MAX_SAFE_INTEGER);
  const K = Math.floor(n / L) - Q;
  const parameters = { n, L, Q, K, sigma: sigmaMode };
  if (K <= 0) return notApplicable('Universal', `K = ⌊n/L⌋ − Q = ${K} ≤ 0`, parameters);
  const c = 0.7 - 0.8 / L + ((4 + 32 / L) * K ** (-3 / L)) / 15;
  const sigma = sigmaMode === 'reference' ? c * Math.sqrt(VARIANCE[L]! / K) : Math.sqrt(VARIANCE[L]!);
  const table = new Float64Array(2 ** L);
  let pos = 0;
  for (let i = 1; i <= Q; i++) {
    let v = 0;
    for (let j = 0; j < L; j++) v = (v << 1) | bits[pos++]!;
    table[v] = i;
  }
  let sum = 0;
  const ln2 = Math.log(2);
  for (let i = Q + 1; i <= Q + K; i++) {
    let v = 0;
    for (let j = 0; j < L; j++) v = (v << 1) | bits[pos++]!;
    sum += Math.log(i - table[v]!) / ln2;
    table[v] = i;
  }
  const fn = sum / K;
  const expected = EXPECTED_VALUE[L]!;
  const pValue = erfc(Math.abs(fn - expected) / (Math.sqrt(2) * sigma));
  return {
    name: 'Universal',
    pValues: [pValue],
    statistics: { sum, f_n: fn, expectedValue: expected, variance: VARIANCE[L]!, c, sigma },
    parameters,
    applicable: true,
  };
}
