import { igamc } from './special-functions.ts';
import { assertBits, assertIntegerIn, type NistTestResult, notApplicable } from './types.ts';

export const BLOCK_FREQUENCY_DEFAULT_M = 128;

/**
 * Frequency test within a block, SP 800-22 §2.2 (description §3.2): N = ⌊n/M⌋ blocks,
 * χ² = 4M Σ(π_i − ½)², P = igamc(N/2, χ²/2). Bits past N·M are dropped, as in the reference.
 */
export function blockFrequencyTest(
  bits: Uint8Array,
  blockLength = BLOCK_FREQUENCY_DEFAULT_M,
): NistTestResult {
  assertBits(bits);
  assertIntegerIn('blockLength', blockLength, 1, Number.MAX_SAFE_INTEGER);
  const n = bits.length;
  const blockCount = Math.floor(n / blockLength);
  const parameters = { n, M: blockLength };
  if (blockCount === 0) return notApplicable('BlockFrequency', `n = ${n} < M = ${blockLength}`, parameters);
  let sum = 0;
  for (let b = 0; b < blockCount; b++) {
    let ones = 0;
    const start = b * blockLength;
    for (let j = 0; j < blockLength; j++) ones += bits[start + j]!;
    const v = ones / blockLength - 0.5;
    sum += v * v;
  }
  const chi2 = 4 * blockLength * sum;
  const pValue = igamc(blockCount / 2, chi2 / 2);
  return {
    name: 'BlockFrequency',
    pValues: [pValue],
    statistics: { N: blockCount, chi2 },
    parameters,
    applicable: true,
  };
}
