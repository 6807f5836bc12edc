/**
 * Test-only stand-ins used by the unit tests of the GLI-style tests, so they exercise the
 * statistics without depending on the RNG kernel: AES-128-CTR keystream words (a good source)
 * and an unbiased rejection mapping onto [0, n). The certification controls use the kernel's
 * real generators and `uniformInt`.
 */
import { createCipheriv } from 'node:crypto';
import type { ScaledSource } from './types.ts';

/** Deterministic good 32-bit words: AES-128-CTR keystream under a key derived from `seed`. */
export function aesWords(seed: number): () => number {
  const key = Buffer.alloc(16);
  key.writeUInt32BE(seed >>> 0, 0);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(1 << 16);
  let block = new Uint8Array(0);
  let offset = 0;
  return () => {
    if (offset + 4 > block.length) {
      block = new Uint8Array(cipher.update(zeros));
      offset = 0;
    }
    const w =
      ((block[offset]! << 24) |
        (block[offset + 1]! << 16) |
        (block[offset + 2]! << 8) |
        block[offset + 3]!) >>>
      0;
    offset += 4;
    return w;
  };
}

/** Unbiased integer in [0, n), n <= 2^32, by rejection of the top partial block of 2^32. */
export function unbiasedBelow(word: () => number, n: number): number {
  const limit = Math.floor(4294967296 / n) * n;
  for (let i = 0; i < 1000; i++) {
    const w = word();
    if (w < limit) return w % n;
  }
  throw new Error('unbiasedBelow: 1000 rejections in a row');
}

export function goodSource(seed: number, range: number, probabilities?: readonly number[]): ScaledSource {
  const word = aesWords(seed);
  if (!probabilities) {
    return {
      describe: () => ({ label: `aes-ctr(${seed}) below ${range}`, range }),
      next: () => unbiasedBelow(word, range),
    };
  }
  const cumulative: number[] = [];
  let total = 0;
  for (const p of probabilities) cumulative.push((total += p));
  return {
    describe: () => ({ label: `aes-ctr(${seed}) weighted`, range, probabilities }),
    next: () => {
      const u = (word() * 4294967296 + word()) / 2 ** 64;
      const i = cumulative.findIndex((c) => u < c);
      return i < 0 ? range - 1 : i;
    },
  };
}

/** Wraps a function of the draw index as a source (patterned, deliberately non-random inputs). */
export function patternSource(range: number, f: (i: number) => number): ScaledSource {
  let i = 0;
  return { describe: () => ({ label: 'pattern', range }), next: () => f(i++) };
}
