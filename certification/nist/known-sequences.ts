/**
 * The binary expansions SP 800-22 uses as sample data (Appendix B; NIST's data/data.e, data.pi,
 * data.sqrt2, data.sqrt3), computed exactly with BigInt so that tests need no data files. Each
 * expansion starts at its leading 1 (e = 10.1011…b, π = 11.0010…b, √2 = 1.0110…b, √3 = 1.1011…b).
 */
import { asciiToBits } from './bits.ts';

const GUARD_BITS = 64;

function bitLength(x: bigint): number {
  return x.toString(2).length;
}

/** ⌊√n⌋ for n ≥ 0, by Newton's method with precision doubling (cost ≈ a few full divisions). */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError('isqrt of a negative number');
  if (n < 1n << 52n) {
    let r = BigInt(Math.floor(Math.sqrt(Number(n))));
    while (r * r > n) r--;
    while ((r + 1n) * (r + 1n) <= n) r++;
    return r;
  }
  const k = BigInt(Math.floor((bitLength(n) - 2) / 4));
  let x = (isqrt(n >> (2n * k)) + 1n) << k;
  x = (x + n / x) >> 1n;
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}

function leadingBits(fixedPoint: bigint, nBits: number): Uint8Array {
  const text = fixedPoint.toString(2);
  if (text.length < nBits) throw new RangeError('not enough precision');
  return asciiToBits(text.slice(0, nBits));
}

/** The first nBits binary digits of e (data.e), from Σ 1/k! by binary splitting. */
export function eBits(nBits: number): Uint8Array {
  const fractionBits = BigInt(nBits + GUARD_BITS);
  // Terms needed: log2(K!) > fraction bits.
  let terms = 1;
  let log2Factorial = 0;
  while (log2Factorial < nBits + 2 * GUARD_BITS) {
    terms++;
    log2Factorial += Math.log2(terms);
  }
  // Σ_{k=a+1..b} 1/((a+1)(a+2)…k) = p/q.
  const split = (a: number, b: number): [bigint, bigint] => {
    if (b - a === 1) return [1n, BigInt(b)];
    const m = (a + b) >>> 1;
    const [p1, q1] = split(a, m);
    const [p2, q2] = split(m, b);
    return [p1 * q2 + p2, q1 * q2];
  };
  const [p, q] = split(0, terms);
  // e = 1 + 1 + p'/q' where split(0, K) covers 1/1! + 1/2! + …; add the k = 0 term.
  const fixed = (1n << fractionBits) + (p << fractionBits) / q;
  return leadingBits(fixed, nBits);
}

/** The first nBits binary digits of π (data.pi), Chudnovsky series by binary splitting. */
export function piBits(nBits: number): Uint8Array {
  const fractionBits = BigInt(nBits + GUARD_BITS);
  const terms = Math.ceil((nBits + 2 * GUARD_BITS) / 47.11) + 2;
  const C3_OVER_24 = 10939058860032000n;
  const split = (a: number, b: number): [bigint, bigint, bigint] => {
    if (b - a === 1) {
      if (a === 0) return [1n, 1n, 13591409n];
      const A = BigInt(a);
      const P = (6n * A - 5n) * (2n * A - 1n) * (6n * A - 1n);
      const Q = A * A * A * C3_OVER_24;
      const T = P * (13591409n + 545140134n * A);
      return [P, Q, a % 2 === 1 ? -T : T];
    }
    const m = (a + b) >>> 1;
    const [p1, q1, t1] = split(a, m);
    const [p2, q2, t2] = split(m, b);
    return [p1 * p2, q1 * q2, t1 * q2 + p1 * t2];
  };
  const [, Q, T] = split(0, terms);
  const sqrt10005 = isqrt(10005n << (2n * fractionBits));
  const fixed = (426880n * sqrt10005 * Q) / T;
  return leadingBits(fixed, nBits);
}

/** The first nBits binary digits of √k (data.sqrt2 for k = 2, data.sqrt3 for k = 3). */
export function sqrtBits(k: number, nBits: number): Uint8Array {
  const fractionBits = BigInt(nBits + GUARD_BITS);
  return leadingBits(isqrt(BigInt(k) << (2n * fractionBits)), nBits);
}
