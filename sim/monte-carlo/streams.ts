import type { RandomSource } from '../../rng/index.ts';
import { createStream } from '../../rng/index.ts';
import { STREAM_KINDS } from '../names.ts';

export { STREAM_KINDS };
export type StreamKind = (typeof STREAM_KINDS)[number];
export const DEFAULT_STREAM_KIND: StreamKind = 'xoshiro128ss';

export function isStreamKind(value: string): value is StreamKind {
  return (STREAM_KINDS as readonly string[]).includes(value);
}

/** Largest accepted seed: the streams take 64-bit seeds. */
const MAX_SEED = (1n << 64n) - 1n;

/** Parses a seed given in decimal or 0x-hex into a bigint in [0, 2^64). */
export function parseSeed(text: string): bigint {
  const trimmed = text.trim();
  if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(trimmed)) {
    throw new RangeError(`seed must be a decimal or 0x-hex integer, got '${text}'`);
  }
  const seed = BigInt(trimmed);
  if (seed > MAX_SEED) throw new RangeError('seed must be below 2^64');
  return seed;
}

/** The stream chunk `chunkIndex` of an experiment draws from: stream `chunkIndex` of the seed. */
export function openChunkStream(kind: StreamKind, seed: bigint, chunkIndex: number): RandomSource {
  return createStream(kind, seed, chunkIndex);
}
