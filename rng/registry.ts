/**
 * The generator registry: every generator the kernel offers, by a short, stable name that reports,
 * the CLI (`croupier rng list|sample`) and the batteries record. Names never change meaning; a new
 * algorithm or a changed derivation gets a new name.
 *
 * Seeds: `create(seed)` takes a recorded seed of MIN_SEED_BYTES..MAX_SEED_BYTES bytes and is then
 * fully reproducible. The same bytes mean, per generator:
 * - 'hmac-drbg', 'ctr-drbg': the DRBG's replay-mode seed (see drbg-source.ts); NOT for production
 *   play, which uses entropy mode (`create()` without a seed).
 * - 'chacha20': the first key if exactly 32 bytes, else SHA-256(seed).
 * - 'xoshiro128ss', 'philox4x32': stream 0 of the 64-bit seed SHA-256(seed)[0..8) (see streams.ts;
 *   simulations call `createStream` directly for the other streams).
 * Without a seed, each generator is seeded from the OS CSPRNG (not reproducible).
 */
import { randomBytes } from 'node:crypto';
import { CHACHA_SOURCE_BLOCKS_PER_REFILL, ChaCha20Source, chachaKeyFromSeed } from './chacha20.ts';
import {
  createDrbgSource,
  DEFAULT_DRBG_RESEED_INTERVAL_REQUESTS,
  MAX_SEED_BYTES,
  MIN_SEED_BYTES,
} from './drbg-source.ts';
import type { RandomSource } from './random-source.ts';
import { createStream } from './streams.ts';

export type GeneratorName = 'hmac-drbg' | 'ctr-drbg' | 'chacha20' | 'xoshiro128ss' | 'philox4x32';

export interface GeneratorInfo {
  readonly name: GeneratorName;
  /** The standard or paper, with section, that the implementation follows. */
  readonly standard: string;
  /** Human-readable parameters: primitive, state, seeding, period or limits. */
  readonly parameters: string;
  /** True only for generators fit to serve real-money outcomes (unpredictable given their output). */
  readonly cryptographic: boolean;
  /** A new, independent instance; reproducible when `seed` is given. */
  create(seed?: Uint8Array): RandomSource;
}

function checkSeed(name: string, seed: Uint8Array | undefined): void {
  if (seed === undefined) return;
  if (!(seed instanceof Uint8Array) || seed.length < MIN_SEED_BYTES || seed.length > MAX_SEED_BYTES) {
    throw new RangeError(`${name}: seed must be ${MIN_SEED_BYTES}..${MAX_SEED_BYTES} bytes`);
  }
}

const STREAM_SEED_NOTE = 'seed = first 8 bytes of SHA-256(seed bytes)';

export const GENERATORS: readonly GeneratorInfo[] = [
  {
    name: 'hmac-drbg',
    standard: 'NIST SP 800-90A Rev. 1 §10.1.2 (HMAC_DRBG)',
    parameters: `SHA-256, security strength 256 bits, 64 KiB per generate request, reseed every ${DEFAULT_DRBG_RESEED_INTERVAL_REQUESTS} requests; entropy from the OS behind SP 800-90B health tests (replay mode when seeded)`,
    cryptographic: true,
    create: (seed) => {
      checkSeed('hmac-drbg', seed);
      return createDrbgSource('hmac-drbg', seed ? { seed } : {});
    },
  },
  {
    name: 'ctr-drbg',
    standard: 'NIST SP 800-90A Rev. 1 §10.2.1 (CTR_DRBG)',
    parameters: `AES-256 with derivation function, security strength 256 bits, 64 KiB per generate request, reseed every ${DEFAULT_DRBG_RESEED_INTERVAL_REQUESTS} requests; entropy from the OS behind SP 800-90B health tests (replay mode when seeded)`,
    cryptographic: true,
    create: (seed) => {
      checkSeed('ctr-drbg', seed);
      return createDrbgSource('ctr-drbg', seed ? { seed } : {});
    },
  },
  {
    name: 'chacha20',
    standard: 'RFC 8439 §2.3 ChaCha20 block function; fast-key-erasure RNG (Bernstein, 2017)',
    parameters: `256-bit key, all-zero nonce, ${CHACHA_SOURCE_BLOCKS_PER_REFILL} blocks per refill; the first 32 bytes of each refill become the next key and are never output; key = 32-byte seed, else SHA-256(seed)`,
    cryptographic: true,
    create: (seed) => {
      checkSeed('chacha20', seed);
      return new ChaCha20Source(seed ? { seed: chachaKeyFromSeed(seed) } : {});
    },
  },
  {
    name: 'xoshiro128ss',
    standard: 'Blackman & Vigna, xoshiro128** 1.1 (ACM TOMS 47(4), 2021)',
    parameters: `128-bit state from SplitMix64(seed); period 2^128 - 1; stream k starts k x 2^64 steps in (jump); ${STREAM_SEED_NOTE}`,
    cryptographic: false,
    create: (seed) => {
      checkSeed('xoshiro128ss', seed);
      return createStream('xoshiro128ss', seed ?? randomBytes(32), 0);
    },
  },
  {
    name: 'philox4x32',
    standard: 'Salmon et al., Philox4x32-10 (SC11, "Parallel random numbers: as easy as 1, 2, 3"; Random123)',
    parameters: `64-bit key = seed, 128-bit counter = (64-bit block index, 64-bit stream index), 10 rounds; 2^66 words per stream; ${STREAM_SEED_NOTE}`,
    cryptographic: false,
    create: (seed) => {
      checkSeed('philox4x32', seed);
      return createStream('philox4x32', seed ?? randomBytes(32), 0);
    },
  },
];

export const GENERATOR_NAMES: readonly GeneratorName[] = GENERATORS.map((g) => g.name);

/** The registry entry for `name`, or undefined. */
export function findGenerator(name: string): GeneratorInfo | undefined {
  return GENERATORS.find((g) => g.name === name);
}

/** A new generator by name; throws a RangeError naming the valid generators for an unknown name. */
export function createGenerator(name: string, seed?: Uint8Array): RandomSource {
  const info = findGenerator(name);
  if (!info) {
    throw new RangeError(`unknown generator '${name}'; valid generators: ${GENERATOR_NAMES.join(', ')}`);
  }
  return info.create(seed);
}
