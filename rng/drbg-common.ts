/**
 * What both SP 800-90A Rev. 1 DRBG mechanisms share: the `DrbgMechanism` contract, `DrbgError`,
 * the Table 2 / Table 3 limits, the input-length checks and `DrbgMechanismBase`, which holds the
 * reseed_counter and does the state and length checks that open every §10 algorithm. The
 * algorithms themselves live in `hmac-drbg.ts` (§10.1.2) and `ctr-drbg.ts` (§10.2.1).
 *
 * A mechanism is the bare algorithm of SP 800-90A §10: the caller supplies entropy input and nonce.
 * Obtaining entropy, automatic reseeding and prediction resistance (the §9 "function envelope")
 * live in `DrbgInstance` (drbg-source.ts). Here:
 * - every input length is checked against Tables 2 and 3 before any state changes (bad input
 *   changes nothing);
 * - `generate` refuses once reseed_counter > reseed_interval (§10.1.2.5 / §10.2.1.5.x step 1) with
 *   `DrbgError('RESEED_REQUIRED')`;
 * - `uninstantiate` zeroizes the working state (§9.4).
 *
 * An empty additional input or personalization string is the standard's Null (CAVP writes both as
 * an empty value).
 */

/** Security strength of both mechanisms here, in bits (SHA-256 and AES-256 both support 256). */
export const DRBG_SECURITY_STRENGTH_BITS = 256;

/** max_number_of_bits_per_request = 2^19 bits (Tables 2 and 3), as bytes. */
export const DRBG_MAX_BYTES_PER_REQUEST = 65_536;

/** Largest reseed_interval Tables 2 and 3 allow: 2^48 requests. */
export const DRBG_MAX_RESEED_INTERVAL = 2 ** 48;

/** max_length / max_personalization_string_length / max_additional_input_length = 2^35 bits. */
export const DRBG_MAX_INPUT_BYTES = 2 ** 32;

export type DrbgErrorCode =
  /** A call other than instantiate on a mechanism that is not instantiated (or was uninstantiated). */
  | 'NOT_INSTANTIATED'
  /** instantiate on a mechanism that already holds a state; uninstantiate first. */
  | 'ALREADY_INSTANTIATED'
  /** An input is shorter or longer than the standard allows. */
  | 'BAD_INPUT_LENGTH'
  /** A generate request of 0 bytes or more than 2^19 bits. */
  | 'BAD_REQUEST_LENGTH'
  /** reseed_counter > reseed_interval: reseed first (§10.1.2.5 / §10.2.1.5.x step 1; §9.3.1). */
  | 'RESEED_REQUIRED'
  /** A constructor parameter is out of range (reseed interval, buffer size, entropy claim, seed). */
  | 'BAD_PARAMETER'
  /** The instance met a failure (entropy) and is in the error state of §11.3; create a new one. */
  | 'ERROR_STATE';

/** An error from a DRBG, with a stable `code`. */
export class DrbgError extends Error {
  readonly code: DrbgErrorCode;

  constructor(code: DrbgErrorCode, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'DrbgError';
    this.code = code;
  }
}

/** What a mechanism reports about itself (for `describe()` and reports). */
export interface DrbgMechanismDescription {
  readonly mechanism: 'HMAC_DRBG' | 'CTR_DRBG';
  readonly primitive: 'SHA-256' | 'AES-256';
  /** CTR_DRBG only: whether Block_Cipher_df (§10.3.2) is used; null for HMAC_DRBG. */
  readonly derivationFunction: boolean | null;
  readonly securityStrengthBits: number;
  readonly reseedIntervalRequests: number;
  readonly maxBytesPerRequest: number;
}

/** The SP 800-90A §10 algorithm of one DRBG, with the caller supplying entropy input and nonce. */
export interface DrbgMechanism {
  /** Shortest acceptable entropy input in bytes (at full entropy). */
  readonly minEntropyInputBytes: number;
  /** Longest acceptable entropy input in bytes. */
  readonly maxEntropyInputBytes: number;
  /** Whether a nonce is used (HMAC_DRBG and CTR_DRBG with df: yes; CTR_DRBG without df: no). */
  readonly usesNonce: boolean;
  /** Whether the entropy input must be full entropy (CTR_DRBG without df, §10.2.1). */
  readonly requiresFullEntropy: boolean;
  readonly reseedIntervalRequests: number;
  /** reseed_counter of the working state; 0 when not instantiated. */
  readonly reseedCounter: number;
  readonly isInstantiated: boolean;
  /** True when the next generate would fail with RESEED_REQUIRED. */
  readonly reseedRequired: boolean;
  instantiate(entropyInput: Uint8Array, nonce: Uint8Array, personalization?: Uint8Array): void;
  reseed(entropyInput: Uint8Array, additionalInput?: Uint8Array): void;
  /** Fills `output` (1..65536 bytes) with one generate request. */
  generate(output: Uint8Array, additionalInput?: Uint8Array): void;
  uninstantiate(): void;
  describe(): DrbgMechanismDescription;
}

export interface DrbgMechanismOptions {
  /** reseed_interval in generate requests; default and maximum 2^48 (Tables 2 and 3). */
  readonly reseedIntervalRequests?: number;
}

export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);

/** Throws BAD_INPUT_LENGTH unless `minBytes <= input.length <= maxBytes`. */
export function checkInputLength(name: string, input: Uint8Array, minBytes: number, maxBytes: number): void {
  if (!(input instanceof Uint8Array)) throw new DrbgError('BAD_INPUT_LENGTH', `${name} must be a Uint8Array`);
  if (input.length < minBytes || input.length > maxBytes) {
    const range = minBytes === maxBytes ? `exactly ${minBytes}` : `${minBytes}..${maxBytes}`;
    throw new DrbgError('BAD_INPUT_LENGTH', `${name} must be ${range} bytes, got ${input.length}`);
  }
}

/** Throws BAD_REQUEST_LENGTH unless the output is 1..2^19 bits (whole bytes). */
export function checkRequestLength(output: Uint8Array): void {
  if (!(output instanceof Uint8Array) || output.length < 1 || output.length > DRBG_MAX_BYTES_PER_REQUEST) {
    throw new DrbgError(
      'BAD_REQUEST_LENGTH',
      `a generate request must be 1..${DRBG_MAX_BYTES_PER_REQUEST} bytes (2^19 bits), got ${output?.length}`,
    );
  }
}

/** Validates a reseed interval option (1..2^48 requests). */
export function checkReseedInterval(requests: number): number {
  if (!Number.isInteger(requests) || requests < 1 || requests > DRBG_MAX_RESEED_INTERVAL) {
    throw new DrbgError(
      'BAD_PARAMETER',
      `reseed interval must be an integer in 1..2^48 requests, got ${requests}`,
    );
  }
  return requests;
}

/**
 * The reseed_counter and the checks that open each §10 algorithm, for both mechanisms. Every check
 * runs before the subclass touches its working state, so bad input changes nothing.
 */
export abstract class DrbgMechanismBase implements DrbgMechanism {
  abstract readonly minEntropyInputBytes: number;
  abstract readonly maxEntropyInputBytes: number;
  abstract readonly usesNonce: boolean;
  abstract readonly requiresFullEntropy: boolean;
  readonly reseedIntervalRequests: number;
  /** "HMAC_DRBG" or "CTR_DRBG", for error messages. */
  protected readonly mechanismName: DrbgMechanismDescription['mechanism'];
  /** Longest personalization string / additional input the mechanism accepts, in bytes. */
  protected abstract readonly maxAdditionalInputBytes: number;
  /** reseed_counter of the working state; 0 = no working state. */
  protected counter = 0;

  constructor(mechanismName: DrbgMechanismDescription['mechanism'], options: DrbgMechanismOptions) {
    this.mechanismName = mechanismName;
    this.reseedIntervalRequests = checkReseedInterval(
      options.reseedIntervalRequests ?? DRBG_MAX_RESEED_INTERVAL,
    );
  }

  get reseedCounter(): number {
    return this.counter;
  }

  get isInstantiated(): boolean {
    return this.counter > 0;
  }

  get reseedRequired(): boolean {
    return this.counter > this.reseedIntervalRequests;
  }

  abstract instantiate(entropyInput: Uint8Array, nonce: Uint8Array, personalization?: Uint8Array): void;
  abstract reseed(entropyInput: Uint8Array, additionalInput?: Uint8Array): void;
  abstract generate(output: Uint8Array, additionalInput?: Uint8Array): void;
  abstract uninstantiate(): void;
  abstract describe(): DrbgMechanismDescription;

  /** Before instantiate: no working state yet; entropy input, nonce and personalization string in range. */
  protected checkInstantiate(entropyInput: Uint8Array, nonce: Uint8Array, personalization: Uint8Array): void {
    if (this.isInstantiated) {
      throw new DrbgError('ALREADY_INSTANTIATED', `${this.mechanismName} is already instantiated`);
    }
    checkInputLength('entropy input', entropyInput, this.minEntropyInputBytes, this.maxEntropyInputBytes);
    this.checkNonce(nonce);
    checkInputLength('personalization string', personalization, 0, this.maxAdditionalInputBytes);
  }

  /** §8.6.7: the nonce carries at least security_strength / 2 bits. */
  protected checkNonce(nonce: Uint8Array): void {
    checkInputLength('nonce', nonce, DRBG_SECURITY_STRENGTH_BITS / 16, DRBG_MAX_INPUT_BYTES);
  }

  /** Before reseed: instantiated; entropy input and additional input in range. */
  protected checkReseed(entropyInput: Uint8Array, additionalInput: Uint8Array): void {
    this.assertInstantiated();
    checkInputLength('entropy input', entropyInput, this.minEntropyInputBytes, this.maxEntropyInputBytes);
    checkInputLength('additional input', additionalInput, 0, this.maxAdditionalInputBytes);
  }

  /**
   * Before generate: instantiated, request and additional input in range, then step 1 of
   * §10.1.2.5 / §10.2.1.5.x: if reseed_counter > reseed_interval, return "reseed required".
   */
  protected checkGenerate(output: Uint8Array, additionalInput: Uint8Array): void {
    this.assertInstantiated();
    checkRequestLength(output);
    checkInputLength('additional input', additionalInput, 0, this.maxAdditionalInputBytes);
    if (this.reseedRequired) {
      throw new DrbgError(
        'RESEED_REQUIRED',
        `${this.mechanismName} reseed required after ${this.reseedIntervalRequests} requests`,
      );
    }
  }

  protected assertInstantiated(): void {
    if (!this.isInstantiated) {
      throw new DrbgError('NOT_INSTANTIATED', `${this.mechanismName} is not instantiated`);
    }
  }
}
