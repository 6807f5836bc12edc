import { igamc } from './special-functions.ts';
import { assertBits, assertIntegerIn, type NistTestResult, notApplicable } from './types.ts';

export const SERIAL_DEFAULT_M = 16;

/**
 * Counts of every m-bit pattern over the n overlapping windows of the sequence wrapped around
 * (SP 800-22 §2.11.4 step 1 / §2.12.4 step 1: the sequence is augmented with its first m−1 bits).
 * Index = pattern value with the first bit most significant.
 */
export function circularPatternCounts(bits: Uint8Array, m: number): Uint32Array {
  const n = bits.length;
  const counts = new Uint32Array(2 ** m);
  if (m === 0) {
    counts[0] = n;
    return counts;
  }
  const mask = 2 ** m - 1;
  let v = 0;
  for (let k = 0; k < m - 1; k++) v = (v << 1) | bits[k % n]!;
  for (let i = 0; i < n; i++) {
    const next = i + m - 1;
    v = ((v << 1) | bits[next < n ? next : next % n]!) & mask;
    counts[v]!++;
  }
  return counts;
}

/** Counts of (m−1)-bit patterns from those of m-bit patterns (circular windows nest exactly). */
export function foldPatternCounts(counts: Uint32Array): Uint32Array {
  const half = counts.length >>> 1;
  const out = new Uint32Array(Math.max(half, 1));
  if (half === 0) {
    out[0] = counts[0]!;
    return out;
  }
  for (let v = 0; v < half; v++) out[v] = counts[2 * v]! + counts[2 * v + 1]!;
  return out;
}

/** ψ²_m = (2^m/n) Σ ν² − n, the reference's `psi2` (0 for m ≤ 0). */
function psi2(counts: Uint32Array | null, m: number, n: number): number {
  if (m <= 0 || counts === null) return 0;
  let sum = 0;
  for (let i = 0; i < counts.length; i++) sum += counts[i]! * counts[i]!;
  return (sum * 2 ** m) / n - n;
}

/**
 * Serial test, SP 800-22 §2.11 (description §3.11): ∇ψ²_m = ψ²_m − ψ²_{m−1},
 * ∇²ψ²_m = ψ²_m − 2ψ²_{m−1} + ψ²_{m−2}; P₁ = igamc(2^{m−2}, ∇ψ²/2), P₂ = igamc(2^{m−3}, ∇²ψ²/2)
 * (item 15). One pass counts the m-bit patterns; the m−1 and m−2 counts are folded from them.
 */
export function serialTest(bits: Uint8Array, m = SERIAL_DEFAULT_M): NistTestResult {
  assertBits(bits);
  assertIntegerIn('m', m, 1, 24);
  const n = bits.length;
  const parameters = { n, m };
  if (n === 0) return notApplicable('Serial', 'empty sequence', parameters);
  const cm = circularPatternCounts(bits, m);
  const cm1 = m >= 2 ? foldPatternCounts(cm) : null;
  const cm2 = m >= 3 && cm1 ? foldPatternCounts(cm1) : null;
  const psim0 = psi2(cm, m, n);
  const psim1 = psi2(cm1, m - 1, n);
  const psim2 = psi2(cm2, m - 2, n);
  const del1 = psim0 - psim1;
  const del2 = psim0 - 2 * psim1 + psim2;
  const p1 = igamc(2 ** (m - 1) / 2, del1 / 2);
  const p2 = igamc(2 ** (m - 2) / 2, del2 / 2);
  return {
    name: 'Serial',
    pValues: [p1, p2],
    labels: ['del1', 'del2'],
    statistics: { [`psi2_${m}`]: psim0, [`psi2_${m - 1}`]: psim1, [`psi2_${m - 2}`]: psim2, del1, del2 },
    parameters,
    applicable: true,
  };
}
