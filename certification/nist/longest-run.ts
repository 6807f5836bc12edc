import { igamc } from './special-functions.ts';
import { assertBits, type NistTestResult, notApplicable } from './types.ts';

interface LongestRunTable {
  readonly M: number;
  readonly K: number;
  /** Class boundaries V_0 .. V_K: class 0 is ≤ V_0, class K is ≥ V_K. */
  readonly v: readonly number[];
  readonly pi: readonly number[];
}

/**
 * SP 800-22 §2.4.4 table / §3.4, as the reference has them (item 12): exact fractions for
 * M = 8, the 10-decimal values for M = 128, and the 4-decimal table values for M = 10^4.
 */
const TABLES: readonly LongestRunTable[] = [
  { M: 8, K: 3, v: [1, 2, 3, 4], pi: [0.21484375, 0.3671875, 0.23046875, 0.1875] },
  {
    M: 128,
    K: 5,
    v: [4, 5, 6, 7, 8, 9],
    pi: [0.1174035788, 0.242955959, 0.249363483, 0.17517706, 0.102701071, 0.112398847],
  },
  {
    M: 10000,
    K: 6,
    v: [10, 11, 12, 13, 14, 15, 16],
    pi: [0.0882, 0.2092, 0.2483, 0.1933, 0.1208, 0.0675, 0.0727],
  },
];

/**
 * Test for the longest run of ones in a block, SP 800-22 §2.4 (description §3.4). M is chosen
 * from n as the reference does (n < 6272 → 8, n < 750,000 → 128, else 10^4; n < 128 is too
 * short); degrees of freedom K, P = igamc(K/2, χ²/2).
 */
export function longestRunTest(bits: Uint8Array): NistTestResult {
  assertBits(bits);
  const n = bits.length;
  if (n < 128) return notApplicable('LongestRun', `n = ${n} < 128`, { n });
  const table = n < 6272 ? TABLES[0]! : n < 750000 ? TABLES[1]! : TABLES[2]!;
  const { M, K, v, pi } = table;
  const blockCount = Math.floor(n / M);
  const nu = new Array<number>(K + 1).fill(0);
  for (let b = 0; b < blockCount; b++) {
    let longest = 0;
    let run = 0;
    const start = b * M;
    for (let j = 0; j < M; j++) {
      if (bits[start + j] === 1) {
        run++;
        if (run > longest) longest = run;
      } else run = 0;
    }
    if (longest <= v[0]!) nu[0]!++;
    else if (longest >= v[K]!) nu[K]!++;
    else nu[longest - v[0]!]!++;
  }
  let chi2 = 0;
  for (let i = 0; i <= K; i++) {
    const expected = blockCount * pi[i]!;
    chi2 += ((nu[i]! - expected) * (nu[i]! - expected)) / expected;
  }
  return {
    name: 'LongestRun',
    pValues: [igamc(K / 2, chi2 / 2)],
    statistics: { N: blockCount, nu, chi2 },
    parameters: { n, M, K },
    applicable: true,
  };
}
