/**
 * The SP 800-90A DRBGs as a `RandomSource`.
 *
 * Two layers:
 * - `DrbgInstance`: the §9 function envelope around a mechanism (HmacDrbg, CtrDrbg). It obtains
 *   entropy input and nonce from an `EntropySource` (§9.1), reseeds on demand (§9.2), reseeds
 *   automatically when the reseed interval is reached and, if asked, before every request for
 *   prediction resistance (§9.3.1 steps 7-9). Any failure of the entropy source puts it in the error
 *   state (§11.3): the mechanism is zeroized and every later call throws `DrbgError('ERROR_STATE')`.
 * - `createDrbgSource`: a `DrbgSource` (RandomSource + reseed + describe) built on
 *   `BufferedByteSource`, each refill one generate request of `bufferBytes` (default 64 KiB, the
 *   largest request 2^19 bits allows), so `nextUint32` and `fillBytes` share one stream.
 *
 * Two modes:
 * - Entropy mode (default, for production): entropy from `createOsEntropySource()` (the OS CSPRNG
 *   behind the SP 800-90B health tests) or an injected source, which is also put behind the health
 *   tests unless it already is a `HealthTestedEntropySource`.
 * - Replay mode (`seed`): deterministic and reproducible, so a report can be re-run from its
 *   recorded seed. NOT FOR PRODUCTION PLAY: the output is exactly as secret as the seed. The
 *   entropy source is replaced by the replay stream below, read front to back:
 *
 *     block_k = HMAC-SHA-256(key = seed, message = "croupier/drbg-replay-entropy/v1" || uint64_be(k))
 *     stream  = block_0 || block_1 || block_2 || ...      (k = 0, 1, 2, ...)
 *
 *   The stream is credited 8 bits per byte, so instantiation takes entropy_input = stream[0, 32)
 *   and nonce = stream[32, 48) (HMAC_DRBG and CTR_DRBG with df alike); each later reseed takes
 *   the next 32 bytes as its entropy input. The output is fixed by (kind, seed, personalization,
 *   bufferBytes, reseedIntervalRequests, predictionResistance) and the sequence of on-demand
 *   `reseed` calls: `describe()` returns all but the seed, for the report to record.
 */
import { createHmac } from 'node:crypto';
import { CtrDrbg } from './ctr-drbg.ts';
import {
  checkRequestLength,
  checkReseedInterval,
  DRBG_MAX_BYTES_PER_REQUEST,
  DRBG_SECURITY_STRENGTH_BITS,
  DrbgError,
  type DrbgMechanism,
  type DrbgMechanismDescription,
  EMPTY_BYTES,
} from './drbg-common.ts';
import {
  createOsEntropySource,
  type EntropySource,
  HealthTestedEntropySource,
  MAX_ENTROPY_REQUEST_BYTES,
} from './entropy.ts';
import { HmacDrbg } from './hmac-drbg.ts';
import { BufferedByteSource, type RandomSource } from './random-source.ts';

// ---------------------------------------------------------------------------------------------
// The function envelope (SP 800-90A §9)
// ---------------------------------------------------------------------------------------------

export interface DrbgInstanceOptions {
  /**
   * Request prediction resistance on every generate call (§9.3.1): each request first reseeds with
   * fresh entropy input and the request's additional input. Default false.
   */
  readonly predictionResistance?: boolean;
}

/** A DRBG instantiation: a mechanism, its entropy source and the §9 envelope logic. */
export class DrbgInstance {
  readonly mechanism: DrbgMechanism;
  readonly entropy: EntropySource;
  readonly predictionResistance: boolean;
  /** Entropy input drawn per instantiate / reseed: ceil(security_strength / H) bytes (or seedlen). */
  readonly entropyInputBytes: number;
  /** Nonce drawn at instantiation: ceil(security_strength / 2 / H) bytes (§8.6.7); 0 if unused. */
  readonly nonceBytes: number;
  private errorState: { cause: unknown } | null = null;
  private reseeds = 0;
  private requests = 0;

  constructor(mechanism: DrbgMechanism, entropy: EntropySource, options: DrbgInstanceOptions = {}) {
    const h = entropy.minEntropyBitsPerByte;
    if (!(h > 0 && h <= 8)) {
      throw new DrbgError('BAD_PARAMETER', `entropy source claims ${h} bits/byte; must be in (0, 8]`);
    }
    if (mechanism.requiresFullEntropy) {
      // §10.2.1: without the df the entropy input is seedlen bits of full entropy.
      if (h !== 8) {
        throw new DrbgError(
          'BAD_PARAMETER',
          `CTR_DRBG without df needs a full-entropy source; ${entropy.name} claims ${h}`,
        );
      }
      this.entropyInputBytes = mechanism.minEntropyInputBytes;
    } else {
      this.entropyInputBytes = Math.max(
        mechanism.minEntropyInputBytes,
        Math.ceil(DRBG_SECURITY_STRENGTH_BITS / h),
      );
    }
    this.nonceBytes = mechanism.usesNonce ? Math.ceil(DRBG_SECURITY_STRENGTH_BITS / 2 / h) : 0;
    if (
      this.entropyInputBytes > MAX_ENTROPY_REQUEST_BYTES ||
      this.entropyInputBytes > mechanism.maxEntropyInputBytes
    ) {
      throw new DrbgError(
        'BAD_PARAMETER',
        `entropy input of ${this.entropyInputBytes} bytes is out of range`,
      );
    }
    this.mechanism = mechanism;
    this.entropy = entropy;
    this.predictionResistance = options.predictionResistance ?? false;
  }

  /** Reseeds performed so far (on demand, automatic and for prediction resistance). */
  get reseedCount(): number {
    return this.reseeds;
  }

  /** Generate requests served so far. */
  get requestCount(): number {
    return this.requests;
  }

  /** True once an entropy failure has put the instance in the error state. */
  get failed(): boolean {
    return this.errorState !== null;
  }

  /** §9.1 Instantiate_function: entropy_input and nonce from the source, then the mechanism's algorithm. */
  instantiate(personalization: Uint8Array = EMPTY_BYTES): void {
    this.assertNotFailed();
    if (this.mechanism.isInstantiated)
      throw new DrbgError('ALREADY_INSTANTIATED', 'DRBG is already instantiated');
    const entropyInput = this.drawEntropy(this.entropyInputBytes);
    let nonce = EMPTY_BYTES;
    try {
      if (this.nonceBytes > 0) nonce = this.drawEntropy(this.nonceBytes);
      this.mechanism.instantiate(entropyInput, nonce, personalization);
    } finally {
      entropyInput.fill(0);
      nonce.fill(0);
    }
  }

  /** §9.2 Reseed_function: fresh entropy input from the source plus optional additional input. */
  reseed(additionalInput: Uint8Array = EMPTY_BYTES): void {
    this.assertUsable();
    const entropyInput = this.drawEntropy(this.entropyInputBytes);
    try {
      this.mechanism.reseed(entropyInput, additionalInput);
    } finally {
      entropyInput.fill(0);
    }
    this.reseeds++;
  }

  /** §9.3.1 Generate_function: fills `output` (1..65536 bytes) with one request. */
  generate(output: Uint8Array, additionalInput: Uint8Array = EMPTY_BYTES): void {
    this.assertUsable();
    checkRequestLength(output);
    let ai = additionalInput;
    // Steps 7-9: if prediction resistance is requested or a reseed is required, reseed with the
    // additional input, which is then consumed (additional_input = Null).
    if (this.predictionResistance || this.mechanism.reseedRequired) {
      this.reseed(ai);
      ai = EMPTY_BYTES;
    }
    this.mechanism.generate(output, ai);
    this.requests++;
  }

  /** §9.4 Uninstantiate_function: zeroizes the working state. */
  uninstantiate(): void {
    this.mechanism.uninstantiate();
  }

  private drawEntropy(bytes: number): Uint8Array {
    let input: Uint8Array;
    try {
      input = this.entropy.getEntropy(bytes);
    } catch (cause) {
      this.enterErrorState(cause);
      throw cause; // the entropy source's own error (e.g. EntropyHealthError) is the clearest report
    }
    if (!(input instanceof Uint8Array) || input.length !== bytes) {
      const error = new DrbgError(
        'ERROR_STATE',
        `entropy source ${this.entropy.name} returned a wrong length`,
      );
      this.enterErrorState(error);
      throw error;
    }
    return input;
  }

  private enterErrorState(cause: unknown): void {
    this.errorState = { cause };
    this.mechanism.uninstantiate();
  }

  private assertNotFailed(): void {
    if (this.errorState !== null) {
      throw new DrbgError(
        'ERROR_STATE',
        'DRBG is in the error state after an entropy source failure; create a new one',
        this.errorState.cause,
      );
    }
  }

  private assertUsable(): void {
    this.assertNotFailed();
    if (!this.mechanism.isInstantiated) throw new DrbgError('NOT_INSTANTIATED', 'DRBG is not instantiated');
  }
}

// ---------------------------------------------------------------------------------------------
// Replay entropy (deterministic, from a recorded seed)
// ---------------------------------------------------------------------------------------------

/** Domain-separation label of the replay stream; bump the version if the derivation ever changes. */
export const REPLAY_ENTROPY_LABEL = 'croupier/drbg-replay-entropy/v1';
export const MIN_SEED_BYTES = 16;
export const MAX_SEED_BYTES = 1024;

const REPLAY_BLOCK_BYTES = 32;

/** The replay stream described in the file comment. Deterministic: NOT an entropy source. */
class SeedReplayEntropySource implements EntropySource {
  readonly name =
    `replay:HMAC-SHA-256(seed, "${REPLAY_ENTROPY_LABEL}" || k) - deterministic, not for production`;
  readonly minEntropyBitsPerByte = 8;
  private readonly seed: Uint8Array;
  private readonly label = Buffer.from(REPLAY_ENTROPY_LABEL, 'ascii');
  private readonly counterBytes = new Uint8Array(8);
  private readonly block = new Uint8Array(REPLAY_BLOCK_BYTES);
  private blockIndex = 0;
  private blockOffset = REPLAY_BLOCK_BYTES; // block exhausted: the next byte computes block_0

  constructor(seed: Uint8Array) {
    this.seed = seed.slice();
  }

  getEntropy(bytes: number): Uint8Array {
    if (!Number.isInteger(bytes) || bytes < 1 || bytes > MAX_ENTROPY_REQUEST_BYTES) {
      throw new RangeError(`entropy request must be 1..${MAX_ENTROPY_REQUEST_BYTES} bytes, got ${bytes}`);
    }
    const out = new Uint8Array(bytes);
    let written = 0;
    while (written < bytes) {
      if (this.blockOffset === REPLAY_BLOCK_BYTES) this.nextBlock();
      const take = Math.min(bytes - written, REPLAY_BLOCK_BYTES - this.blockOffset);
      out.set(this.block.subarray(this.blockOffset, this.blockOffset + take), written);
      this.blockOffset += take;
      written += take;
    }
    return out;
  }

  private nextBlock(): void {
    new DataView(this.counterBytes.buffer).setBigUint64(0, BigInt(this.blockIndex));
    const digest = createHmac('sha256', this.seed).update(this.label).update(this.counterBytes).digest();
    this.block.set(digest);
    digest.fill(0);
    this.blockIndex++;
    this.blockOffset = 0;
  }
}

// ---------------------------------------------------------------------------------------------
// The RandomSource
// ---------------------------------------------------------------------------------------------

export type DrbgKind = 'hmac-drbg' | 'ctr-drbg';

/** Reseed interval of `createDrbgSource`: 4,096 requests, i.e. 256 MiB of output per seed at 64 KiB. */
export const DEFAULT_DRBG_RESEED_INTERVAL_REQUESTS = 4096;

/** Bytes per generate request of `createDrbgSource`: the 2^19-bit maximum. */
export const DEFAULT_DRBG_BUFFER_BYTES = DRBG_MAX_BYTES_PER_REQUEST;

export interface DrbgSourceOptions {
  /** Replay mode: a recorded seed of 16..1024 bytes (see the file comment). Not for production play. */
  readonly seed?: Uint8Array;
  /** Personalization string (§8.7.1), e.g. a host or process identifier. */
  readonly personalization?: Uint8Array;
  /** Entropy mode: the entropy source (health tested if it is not already); default the OS source. */
  readonly entropy?: EntropySource;
  /** Generate requests between automatic reseeds; default 4096, at most 2^48. */
  readonly reseedIntervalRequests?: number;
  /** Bytes per generate request: a multiple of 4 in 4..65536; default 65536. */
  readonly bufferBytes?: number;
  /** Reseed before every request (SP 800-90A §9.3.1 prediction resistance); default false. */
  readonly predictionResistance?: boolean;
}

/** Health-test parameters, when the entropy source is health tested. */
export interface DrbgHealthTestDescription {
  readonly standard: 'NIST SP 800-90B §4.4';
  readonly minEntropyBitsPerByte: number;
  readonly repetitionCountCutoff: number;
  readonly adaptiveProportionCutoff: number;
  readonly adaptiveProportionWindow: number;
}

/** What `DrbgSource.describe()` returns: everything a report needs except the seed itself. */
export interface DrbgDescription extends DrbgMechanismDescription {
  readonly id: DrbgKind;
  readonly standard: 'NIST SP 800-90A Rev. 1';
  readonly mode: 'entropy' | 'replay';
  /** False in replay mode: a deterministic stream must never serve real-money play. */
  readonly productionUse: boolean;
  readonly entropySource: string;
  readonly entropyInputBytes: number;
  readonly nonceBytes: number;
  readonly personalizationBytes: number;
  readonly predictionResistance: boolean;
  /** Bytes per generate request (the buffer size). */
  readonly bytesPerRequest: number;
  readonly healthTests: DrbgHealthTestDescription | null;
  readonly requestsGenerated: number;
  readonly reseedsPerformed: number;
}

/** A DRBG as a RandomSource, with on-demand reseeding and a description for reports. */
export interface DrbgSource extends RandomSource {
  readonly id: DrbgKind;
  /**
   * Reseeds now with fresh entropy input (§9.2) and optional additional input. Output buffered
   * before the call is discarded, so every later byte comes from the reseeded state.
   */
  reseed(additionalInput?: Uint8Array): void;
  describe(): DrbgDescription;
}

class DrbgSourceImpl implements DrbgSource {
  readonly id: DrbgKind;
  private readonly instance: DrbgInstance;
  private readonly bufferBytes: number;
  private readonly info: Pick<
    DrbgDescription,
    'mode' | 'productionUse' | 'personalizationBytes' | 'healthTests'
  >;
  private stream: BufferedByteSource;

  constructor(id: DrbgKind, instance: DrbgInstance, bufferBytes: number, info: DrbgSourceImpl['info']) {
    this.id = id;
    this.instance = instance;
    this.bufferBytes = bufferBytes;
    this.info = info;
    this.stream = this.newStream();
  }

  nextUint32(): number {
    return this.stream.nextUint32();
  }

  fillBytes(target: Uint8Array): void {
    this.stream.fillBytes(target);
  }

  reseed(additionalInput: Uint8Array = EMPTY_BYTES): void {
    this.instance.reseed(additionalInput);
    this.stream = this.newStream(); // drop pre-reseed output
  }

  describe(): DrbgDescription {
    return {
      id: this.id,
      standard: 'NIST SP 800-90A Rev. 1',
      ...this.instance.mechanism.describe(),
      ...this.info,
      entropySource: this.instance.entropy.name,
      entropyInputBytes: this.instance.entropyInputBytes,
      nonceBytes: this.instance.nonceBytes,
      predictionResistance: this.instance.predictionResistance,
      bytesPerRequest: this.bufferBytes,
      requestsGenerated: this.instance.requestCount,
      reseedsPerformed: this.instance.reseedCount,
    };
  }

  private newStream(): BufferedByteSource {
    const instance = this.instance;
    return new BufferedByteSource(this.id, (target) => instance.generate(target), this.bufferBytes);
  }
}

/**
 * Creates an instantiated DRBG RandomSource: HMAC_DRBG (SHA-256) or CTR_DRBG (AES-256 with df),
 * security strength 256. See the file comment for entropy mode versus replay mode (`seed`).
 */
export function createDrbgSource(kind: DrbgKind, options: DrbgSourceOptions = {}): DrbgSource {
  if (kind !== 'hmac-drbg' && kind !== 'ctr-drbg') {
    throw new DrbgError('BAD_PARAMETER', `unknown DRBG kind ${String(kind)}; expected hmac-drbg or ctr-drbg`);
  }
  const bufferBytes = options.bufferBytes ?? DEFAULT_DRBG_BUFFER_BYTES;
  if (
    !Number.isInteger(bufferBytes) ||
    bufferBytes < 4 ||
    bufferBytes > DRBG_MAX_BYTES_PER_REQUEST ||
    bufferBytes % 4
  ) {
    throw new DrbgError(
      'BAD_PARAMETER',
      `bufferBytes must be a multiple of 4 in 4..65536, got ${bufferBytes}`,
    );
  }
  const reseedIntervalRequests = checkReseedInterval(
    options.reseedIntervalRequests ?? DEFAULT_DRBG_RESEED_INTERVAL_REQUESTS,
  );
  const personalization = options.personalization ?? EMPTY_BYTES;

  let entropy: EntropySource;
  if (options.seed !== undefined) {
    if (options.entropy !== undefined) {
      throw new DrbgError('BAD_PARAMETER', 'give either seed (replay mode) or entropy, not both');
    }
    const seed = options.seed;
    if (!(seed instanceof Uint8Array) || seed.length < MIN_SEED_BYTES || seed.length > MAX_SEED_BYTES) {
      throw new DrbgError('BAD_PARAMETER', `seed must be ${MIN_SEED_BYTES}..${MAX_SEED_BYTES} bytes`);
    }
    entropy = new SeedReplayEntropySource(seed);
  } else if (options.entropy !== undefined) {
    entropy =
      options.entropy instanceof HealthTestedEntropySource
        ? options.entropy
        : new HealthTestedEntropySource(options.entropy);
  } else {
    entropy = createOsEntropySource();
  }

  const mechanism: DrbgMechanism =
    kind === 'hmac-drbg'
      ? new HmacDrbg({ reseedIntervalRequests })
      : new CtrDrbg({ derivationFunction: true, reseedIntervalRequests });
  const instance = new DrbgInstance(mechanism, entropy, {
    predictionResistance: options.predictionResistance ?? false,
  });
  instance.instantiate(personalization);

  const healthTests: DrbgHealthTestDescription | null =
    entropy instanceof HealthTestedEntropySource
      ? {
          standard: 'NIST SP 800-90B §4.4',
          minEntropyBitsPerByte: entropy.minEntropyBitsPerByte,
          repetitionCountCutoff: entropy.repetitionCount.cutoff,
          adaptiveProportionCutoff: entropy.adaptiveProportion.cutoff,
          adaptiveProportionWindow: entropy.adaptiveProportion.windowSize,
        }
      : null;
  const replay = options.seed !== undefined;
  return new DrbgSourceImpl(kind, instance, bufferBytes, {
    mode: replay ? 'replay' : 'entropy',
    productionUse: !replay,
    personalizationBytes: personalization.length,
    healthTests,
  });
}
