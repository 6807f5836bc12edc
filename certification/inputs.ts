/**
 * Where a battery's data comes from. Every input kind is ONE adapter behind one interface,
 * `BatteryInput`, giving for sequence k either bits (the SP 800-22 battery) or scaled draws (the
 * GLI-style battery):
 *
 * - `generator`: a registered generator by name and seed (a random seed from node:crypto when none
 *   is given; it is recorded). Sequence k uses an independent instance seeded with
 *   SHA-256(SEQUENCE_SEED_DOMAIN || seed || uint32be(k)), so each sequence can be produced on any
 *   worker without generating the ones before it: results do not depend on the worker count, and
 *   anyone can rerun sequence k alone.
 * - `file`: raw binary (bits MSB-first per byte) or ASCII '0'/'1' (whitespace skipped). Sequence k
 *   is bits [k*n, (k+1)*n); its SHA-256 is recorded. For the GLI battery the block's bits are read
 *   as big-endian 32-bit words and scaled with the kernel's `uniformInt` until the block runs out.
 * - `game`: the production stop selection. Each spin draws every reel's stop with the game's own
 *   `drawStops` (the evaluator's draw: `uniformInt`, or the exact weighted draw of a virtual reel),
 *   left to right, from the named generator; channel r is the stops of reel r. Weighted reels are
 *   tested against their weights.
 * - `rgs`: a live RGS. Rounds are first played through its HTTP API and recorded to a sample file
 *   (`sampleRgsStops` in inputs-rgs.ts: the reel stops each served round revealed, with its math
 *   hash and provably-fair data); workers re-read that file, since they open inputs synchronously.
 *   Sequence k is rounds [k*draws, (k+1)*draws) of the sample, one channel per reel, tested against
 *   the certified game definition (its math hash must be the one the RGS served). GLI only.
 *
 * Inputs travel to worker threads as `InputSpec` (plain JSON) and are reopened there with
 * `openInput`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { drawStops, type Game, loadGameFile, type PreparedReel } from '../games/index.ts';
import { createGenerator, GENERATORS, type RandomSource, uniformInt } from '../rng/index.ts';
import type { ScaledSourceDescription } from './gli/types.ts';
import { type LiveRgsSample, rgsStopChannels } from './inputs-rgs.ts';
import { type ServedInputIdentity, type ServedInputSpec, servedInput } from './inputs-served.ts';
import { asciiToBits, bytesToBits } from './nist/index.ts';

export const SEQUENCE_SEED_DOMAIN = 'croupier/rng-test/v1/sequence';

/** Largest scaled range accepted (uniformInt's domain is at most 2^32 values). */
export const MAX_RANGE = 2 ** 32;

export type InputSpec =
  | {
      readonly kind: 'generator';
      readonly generator: string;
      readonly seedHex: string;
      readonly range: number;
    }
  | {
      readonly kind: 'file';
      readonly path: string;
      readonly format: 'binary' | 'ascii';
      readonly range: number;
      /** Expected SHA-256 of the file: a worker refuses a file that changed under it. */
      readonly sha256?: string;
    }
  | {
      readonly kind: 'game';
      readonly path: string;
      readonly reelSet?: string;
      readonly generator: string;
      readonly seedHex: string;
    }
  | {
      readonly kind: 'rgs';
      /** A recorded `LiveRgsSample` (JSON). */
      readonly path: string;
      /** The certified game definition the served rounds must match. */
      readonly gamePath: string;
      readonly reelSet?: string;
      readonly sha256?: string;
    }
  | ServedInputSpec;

/** What the report records about the input: enough to rerun it. */
export type InputIdentity =
  | {
      readonly kind: 'generator';
      readonly generator: string;
      readonly seedHex: string;
      readonly seedGenerated: boolean;
      readonly sequenceSeeds: string;
      readonly range: number;
      readonly scaling: string;
    }
  | {
      readonly kind: 'file';
      readonly path: string;
      readonly format: 'binary' | 'ascii';
      readonly sha256: string;
      readonly totalBits: number;
      readonly range: number;
      readonly scaling: string;
    }
  | {
      readonly kind: 'game';
      readonly path: string;
      readonly gameId: string;
      readonly mathHash: string;
      readonly reelSet: string;
      readonly reels: { readonly stopCount: number; readonly weighted: boolean }[];
      readonly generator: string;
      readonly seedHex: string;
      readonly seedGenerated: boolean;
      readonly sequenceSeeds: string;
      readonly stopSelection: string;
    }
  | (LiveRgsSample['identity'] & {
      readonly samplePath: string;
      readonly sampleSha256: string;
      readonly gamePath: string;
      readonly reelSet: string;
    })
  | ServedInputIdentity;

/** One stream of scaled draws of one sequence (a game has one channel per reel). */
export interface ScaledChannel {
  readonly channel: string;
  readonly description: ScaledSourceDescription;
  readonly draws: Float64Array;
}

export interface BatteryInput {
  readonly spec: InputSpec;
  readonly identity: InputIdentity;
  /** Bits of sequence k, one 0|1 per element. */
  bits(sequence: number, nBits: number): Uint8Array;
  /**
   * Scaled draws of sequence k: `draws` values per channel for generators and games; for a file,
   * as many as block k of `blockBits` bits yields.
   */
  scaledSequence(sequence: number, draws: number, blockBits: number): ScaledChannel[];
  /** How many sequences of `nBits` the input holds (Infinity for generators). */
  sequencesAvailable(nBits: number): number;
}

/** An input error the user can fix (bad name, unreadable file, ...): the CLI maps it to exit code 2. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** The seed of sequence k: SHA-256(domain || seed || uint32be(k)). */
export function sequenceSeed(seed: Uint8Array, sequence: number): Uint8Array {
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 0xffffffff) {
    throw new RangeError(`sequence index out of range: ${sequence}`);
  }
  const index = Buffer.alloc(4);
  index.writeUInt32BE(sequence, 0);
  return Uint8Array.from(
    createHash('sha256').update(SEQUENCE_SEED_DOMAIN).update(seed).update(index).digest(),
  );
}

/** A fresh 32-byte seed from the OS CSPRNG, as hex. */
export function freshSeedHex(): string {
  return randomBytes(32).toString('hex');
}

function assertGenerator(name: string): void {
  if (!GENERATORS.some((g) => g.name === name)) {
    throw new InputError(`unknown generator '${name}'; known: ${GENERATORS.map((g) => g.name).join(', ')}`);
  }
}

function assertRange(range: number): void {
  if (!Number.isSafeInteger(range) || range < 2 || range > MAX_RANGE) {
    throw new InputError(`range must be an integer in [2, 2^32], got ${range}`);
  }
}

const SEQUENCE_SEEDS_RULE = `seed of sequence k = SHA-256(utf8("${SEQUENCE_SEED_DOMAIN}") || seed || uint32be(k))`;

/** Opens an input from its spec (also in worker threads). `seedGenerated` is only for the record. */
export function openInput(spec: InputSpec, seedGenerated = false): BatteryInput {
  switch (spec.kind) {
    case 'generator':
      return generatorInput(spec, seedGenerated);
    case 'file':
      return fileInput(spec);
    case 'game':
      return gameInput(spec, seedGenerated);
    case 'rgs':
      return rgsInput(spec);
    case 'served':
      return servedInput(spec, seedGenerated);
  }
}

export function parseSeed(seedHex: string): Uint8Array {
  if (seedHex.length === 0 || seedHex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(seedHex)) {
    throw new InputError(`seed must be an even-length hex string, got '${seedHex}'`);
  }
  return Uint8Array.from(Buffer.from(seedHex, 'hex'));
}

function generatorBits(generator: string, seed: Uint8Array, sequence: number, nBits: number): Uint8Array {
  const source = createGenerator(generator, sequenceSeed(seed, sequence));
  const bytes = new Uint8Array(Math.ceil(nBits / 8));
  source.fillBytes(bytes);
  return bytesToBits(bytes, nBits);
}

function generatorInput(
  spec: Extract<InputSpec, { kind: 'generator' }>,
  seedGenerated: boolean,
): BatteryInput {
  assertGenerator(spec.generator);
  assertRange(spec.range);
  const seed = parseSeed(spec.seedHex);
  return {
    spec,
    identity: {
      kind: 'generator',
      generator: spec.generator,
      seedHex: spec.seedHex,
      seedGenerated,
      sequenceSeeds: SEQUENCE_SEEDS_RULE,
      range: spec.range,
      scaling: 'rng uniformInt(source, range) (unbiased)',
    },
    bits: (sequence, nBits) => generatorBits(spec.generator, seed, sequence, nBits),
    scaledSequence(sequence, draws) {
      const source = createGenerator(spec.generator, sequenceSeed(seed, sequence));
      const out = new Float64Array(draws);
      for (let i = 0; i < draws; i++) out[i] = uniformInt(source, spec.range);
      return [
        {
          channel: `uniformInt(${spec.generator}, ${spec.range})`,
          description: { label: `uniformInt(${spec.generator}, ${spec.range})`, range: spec.range },
          draws: out,
        },
      ];
    },
    sequencesAvailable: () => Number.POSITIVE_INFINITY,
  };
}

/** Thrown by `BlockSource` when its block is used up: ends a file sequence's draws. */
class BlockExhausted extends Error {}

/** A RandomSource reading the bytes of one block (big-endian words), throwing when exhausted. */
class BlockSource implements RandomSource {
  readonly id = 'file-block';
  private offset = 0;
  constructor(private readonly bytes: Uint8Array) {}
  nextUint32(): number {
    const b = this.bytes;
    const i = this.offset;
    if (i + 4 > b.length) throw new BlockExhausted();
    this.offset = i + 4;
    return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
  }
  fillBytes(target: Uint8Array): void {
    if (this.offset + target.length > this.bytes.length) throw new BlockExhausted();
    target.set(this.bytes.subarray(this.offset, this.offset + target.length));
    this.offset += target.length;
  }
}

/** Packs bits (0|1 per element) MSB-first into bytes; a trailing partial byte is dropped. */
function packBits(bits: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(bits.length >>> 3);
  for (let i = 0; i < bytes.length; i++) {
    let b = 0;
    for (let j = 0; j < 8; j++) b = (b << 1) | bits[(i << 3) + j]!;
    bytes[i] = b;
  }
  return bytes;
}

function fileInput(spec: Extract<InputSpec, { kind: 'file' }>): BatteryInput {
  assertRange(spec.range);
  let data: Buffer;
  try {
    data = readFileSync(spec.path);
  } catch (error) {
    throw new InputError(
      `cannot read ${spec.path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const sha256 = createHash('sha256').update(data).digest('hex');
  if (spec.sha256 && spec.sha256 !== sha256) {
    throw new InputError(`${spec.path} changed while being tested (SHA-256 differs)`);
  }
  let allBits: Uint8Array | null = null;
  const bitsOfFile = (): Uint8Array => {
    if (allBits) return allBits;
    if (spec.format === 'binary') allBits = bytesToBits(data);
    else {
      try {
        allBits = asciiToBits(data.toString('latin1'));
      } catch (error) {
        throw new InputError(`${spec.path} is not an ASCII '0'/'1' file: ${(error as Error).message}`);
      }
    }
    return allBits;
  };
  const totalBits = spec.format === 'binary' ? data.length * 8 : bitsOfFile().length;
  const block = (sequence: number, nBits: number): Uint8Array => {
    const start = sequence * nBits;
    if (start + nBits > totalBits) {
      throw new InputError(
        `${spec.path} holds ${totalBits} bits: too short for sequence ${sequence + 1} of ${nBits} bits`,
      );
    }
    if (spec.format === 'binary' && start % 8 === 0) {
      return bytesToBits(data.subarray(start / 8, Math.ceil((start + nBits) / 8)), nBits);
    }
    return bitsOfFile().slice(start, start + nBits);
  };
  return {
    spec: { ...spec, sha256 },
    identity: {
      kind: 'file',
      path: spec.path,
      format: spec.format,
      sha256,
      totalBits,
      range: spec.range,
      scaling:
        'block bits read as big-endian 32-bit words, rng uniformInt(words, range) until the block runs out',
    },
    bits: block,
    scaledSequence(sequence, _draws, blockBits) {
      const source = new BlockSource(packBits(block(sequence, blockBits)));
      // At most one draw per word (a rejection consumes more): the block's word count bounds the loop.
      const out = new Float64Array(Math.floor(blockBits / 32));
      let count = 0;
      try {
        while (count < out.length) {
          out[count] = uniformInt(source, spec.range);
          count++;
        }
      } catch (error) {
        if (!(error instanceof BlockExhausted)) throw error;
      }
      const label = `uniformInt(file block ${sequence}, ${spec.range})`;
      return [{ channel: label, description: { label, range: spec.range }, draws: out.slice(0, count) }];
    },
    sequencesAvailable: (nBits) => Math.floor(totalBits / nBits),
  };
}

/** The minimal view of a game the stop-selection adapter needs. */
export interface ReelsView {
  readonly reels: readonly { readonly stopCount: number; readonly weights?: readonly number[] }[];
}

/**
 * The reels of a loaded game as the evaluator prepares them: a reel set of a reel game, or, for a
 * table game, its outcome table as one weighted "reel" (the evaluator draws a table outcome with
 * the same `createIndexDraw` a weighted reel uses).
 */
export function gameReels(game: Game, reelSet?: string): { reelSet: string; reels: readonly PreparedReel[] } {
  const model = game.model;
  if (model.type === 'table') {
    const weights = [...model.weights];
    const total = weights.reduce((a, b) => a + b, 0);
    return {
      reelSet: 'outcome-table',
      reels: [{ stops: new Int32Array(weights.length), weights, totalWeight: total }],
    };
  }
  const names = [...model.reelSets.keys()];
  const name = reelSet ?? (model.reelSets.has('base') ? 'base' : names[0]!);
  const reels = model.reelSets.get(name);
  if (!reels) throw new InputError(`game has no reel set '${name}'; it has: ${names.join(', ')}`);
  return { reelSet: name, reels };
}

/** Prepared reels from the minimal view (for callers holding only stop counts and weights). */
export function preparedReels(view: ReelsView): PreparedReel[] {
  return view.reels.map((reel) => {
    if (!Number.isSafeInteger(reel.stopCount) || reel.stopCount < 1) {
      throw new InputError(`a reel needs a positive stop count, got ${reel.stopCount}`);
    }
    if (reel.weights && reel.weights.length !== reel.stopCount) {
      throw new InputError('a reel needs one weight per stop');
    }
    const weights = reel.weights ? [...reel.weights] : null;
    return {
      stops: new Int32Array(reel.stopCount),
      weights,
      totalWeight: weights ? weights.reduce((a, b) => a + b, 0) : reel.stopCount,
    };
  });
}

/**
 * Scaled channels of the production stop selection: `spins` spins drawn with the game's
 * `drawStops` from `source`; channel r holds reel r's stops. Weighted reels carry their law.
 */
export function stopSelectionChannels(
  reels: readonly PreparedReel[],
  source: RandomSource,
  spins: number,
): ScaledChannel[] {
  const columns = reels.map(() => new Float64Array(spins));
  for (let s = 0; s < spins; s++) {
    const stops = drawStops(reels, source);
    for (let r = 0; r < stops.length; r++) columns[r]![s] = stops[r]!;
  }
  return reels.map((reel, r) => {
    const range = reel.stops.length;
    const label = `reel ${r + 1} (${range} stops${reel.weights ? ', weighted' : ''})`;
    const description: ScaledSourceDescription = reel.weights
      ? { label, range, probabilities: reel.weights.map((w) => w / reel.totalWeight), weights: reel.weights }
      : { label, range };
    return { channel: label, description, draws: columns[r]! };
  });
}

function gameInput(spec: Extract<InputSpec, { kind: 'game' }>, seedGenerated: boolean): BatteryInput {
  assertGenerator(spec.generator);
  const seed = parseSeed(spec.seedHex);
  let game: Game;
  try {
    game = loadGameFile(spec.path);
  } catch (error) {
    throw new InputError((error as Error).message);
  }
  const { reelSet, reels } = gameReels(game, spec.reelSet);
  return {
    spec: { ...spec, reelSet },
    identity: {
      kind: 'game',
      path: spec.path,
      gameId: game.definition.id,
      mathHash: game.mathHash,
      reelSet,
      reels: reels.map((r) => ({ stopCount: r.stops.length, weighted: r.weights !== null })),
      generator: spec.generator,
      seedHex: spec.seedHex,
      seedGenerated,
      sequenceSeeds: SEQUENCE_SEEDS_RULE,
      stopSelection:
        'games drawStops (production draw: uniformInt per reel, exact weighted draw for virtual reels)',
    },
    bits: (sequence, nBits) => generatorBits(spec.generator, seed, sequence, nBits),
    scaledSequence(sequence, draws) {
      const source = createGenerator(spec.generator, sequenceSeed(seed, sequence));
      return stopSelectionChannels(reels, source, draws);
    },
    sequencesAvailable: () => Number.POSITIVE_INFINITY,
  };
}

function rgsInput(spec: Extract<InputSpec, { kind: 'rgs' }>): BatteryInput {
  let bytes: Buffer;
  try {
    bytes = readFileSync(spec.path);
  } catch (error) {
    throw new InputError(
      `cannot read RGS sample ${spec.path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (spec.sha256 !== undefined && spec.sha256 !== sha256) {
    throw new InputError(`RGS sample ${spec.path} changed while the run was going (sha256 ${sha256})`);
  }
  let sample: LiveRgsSample;
  try {
    sample = JSON.parse(bytes.toString('utf8')) as LiveRgsSample;
  } catch {
    throw new InputError(`RGS sample ${spec.path} is not JSON`);
  }
  if (sample?.identity?.kind !== 'rgs' || !Array.isArray(sample.rounds)) {
    throw new InputError(
      `${spec.path} is not a recorded RGS sample (croupier rng test --rgs-url … --sample-out)`,
    );
  }
  let game: Game;
  try {
    game = loadGameFile(spec.gamePath);
  } catch (error) {
    throw new InputError((error as Error).message);
  }
  const { reelSet } = gameReels(game, spec.reelSet);
  const channels = rgsStopChannels(sample, game, reelSet);
  const rounds = channels[0]?.draws.length ?? 0;
  return {
    spec: { ...spec, reelSet, sha256 },
    identity: {
      ...sample.identity,
      samplePath: spec.path,
      sampleSha256: sha256,
      gamePath: spec.gamePath,
      reelSet,
    },
    bits() {
      throw new InputError('a live RGS input feeds the GLI battery only (use --battery gli)');
    },
    scaledSequence(sequence, draws) {
      const end = (sequence + 1) * draws;
      if (end > rounds) {
        throw new InputError(
          `the RGS sample holds ${rounds} rounds on reel set ${reelSet}; sequence ${sequence} needs ${end}`,
        );
      }
      return channels.map((c) => ({ ...c, draws: c.draws.slice(sequence * draws, end) }));
    },
    // Sequences are counted in rounds (draws), which the runner does not pass here; scaledSequence
    // refuses a sequence the sample cannot fill, and the CLI sizes --draws from the sample.
    sequencesAvailable: () => Number.POSITIVE_INFINITY,
  };
}
