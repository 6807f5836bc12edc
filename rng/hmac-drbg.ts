/**
 * HMAC_DRBG with SHA-256, NIST SP 800-90A Rev. 1 §10.1.2, security strength 256 bits.
 *
 * This file also holds what both DRBG mechanisms share (the `DrbgMechanism` contract, `DrbgError`
 * and the length checks), so that `ctr-drbg.ts` depends on this file and nothing else of ours.
 *
 * A mechanism is the bare algorithm of SP 800-90A §10: the caller supplies entropy input and nonce.
 * Obtaining entropy, automatic reseeding and prediction resistance (the §9 "function envelope")
 * live in `DrbgInstance` (drbg-source.ts). Here:
 * - every input length is checked against Table 2 before any state changes (bad input changes
 *   nothing);
 * - `generate` refuses once reseed_counter > reseed_interval (§10.1.2.5 step 1) with
 *   `DrbgError('RESEED_REQUIRED')`;
 * - `uninstantiate` zeroizes Key and V (§9.4). Node's HMAC keeps its own copy of the key in OpenSSL
 *   for the life of each short-lived HMAC object; those are not reachable from JavaScript.
 *
 * An empty additional input or personalization string is the standard's Null (CAVP writes both as
 * an empty value).
 */
import { createHmac } from 'node:crypto';

// ---------------------------------------------------------------------------------------------
// Shared by both mechanisms
// ---------------------------------------------------------------------------------------------

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

/** True when the two views overlap in one underlying buffer. */
function sharesMemory(a: Uint8Array, b: Uint8Array): boolean {
  return (
    a.length > 0 &&
    b.length > 0 &&
    a.buffer === b.buffer &&
    a.byteOffset < b.byteOffset + b.byteLength &&
    b.byteOffset < a.byteOffset + a.byteLength
  );
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

export interface DrbgMechanismOptions {
  /** reseed_interval in generate requests; default and maximum 2^48 (Tables 2 and 3). */
  readonly reseedIntervalRequests?: number;
}

// ---------------------------------------------------------------------------------------------
// HMAC_DRBG (SHA-256)
// ---------------------------------------------------------------------------------------------

/** outlen of SHA-256, in bytes (Table 2). */
const OUTLEN_BYTES = 32;
const BYTE_00 = new Uint8Array([0x00]);
const BYTE_01 = new Uint8Array([0x01]);

/** HMAC_DRBG with SHA-256 (SP 800-90A Rev. 1 §10.1.2). */
export class HmacDrbg implements DrbgMechanism {
  /** Table 2: the entropy input carries at least security_strength bits. */
  readonly minEntropyInputBytes = DRBG_SECURITY_STRENGTH_BITS / 8;
  readonly maxEntropyInputBytes = DRBG_MAX_INPUT_BYTES;
  readonly usesNonce = true;
  readonly requiresFullEntropy = false;
  readonly reseedIntervalRequests: number;

  /** Working state (§10.1.2.1): Key and V are updated in place, never reallocated, so zeroize reaches them. */
  private readonly key = new Uint8Array(OUTLEN_BYTES);
  private readonly v = new Uint8Array(OUTLEN_BYTES);
  private counter = 0; // reseed_counter; 0 = no working state

  constructor(options: DrbgMechanismOptions = {}) {
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

  /** SP 800-90A §10.1.2.3 HMAC_DRBG_Instantiate_algorithm. */
  instantiate(entropyInput: Uint8Array, nonce: Uint8Array, personalization: Uint8Array = EMPTY_BYTES): void {
    if (this.isInstantiated) throw new DrbgError('ALREADY_INSTANTIATED', 'HMAC_DRBG is already instantiated');
    checkInputLength('entropy input', entropyInput, this.minEntropyInputBytes, this.maxEntropyInputBytes);
    // §8.6.7: the nonce carries at least security_strength / 2 bits.
    checkInputLength('nonce', nonce, DRBG_SECURITY_STRENGTH_BITS / 16, DRBG_MAX_INPUT_BYTES);
    checkInputLength('personalization string', personalization, 0, DRBG_MAX_INPUT_BYTES);
    // 1. seed_material = entropy_input || nonce || personalization_string.
    // 2. Key = 0x00 00...00.  3. V = 0x01 01...01.
    this.key.fill(0x00);
    this.v.fill(0x01);
    // 4. (Key, V) = HMAC_DRBG_Update(seed_material, Key, V).
    this.update([entropyInput, nonce, personalization]);
    // 5. reseed_counter = 1.
    this.counter = 1;
  }

  /** SP 800-90A §10.1.2.4 HMAC_DRBG_Reseed_algorithm. */
  reseed(entropyInput: Uint8Array, additionalInput: Uint8Array = EMPTY_BYTES): void {
    this.assertInstantiated();
    checkInputLength('entropy input', entropyInput, this.minEntropyInputBytes, this.maxEntropyInputBytes);
    checkInputLength('additional input', additionalInput, 0, DRBG_MAX_INPUT_BYTES);
    // 1. seed_material = entropy_input || additional_input.
    // 2. (Key, V) = HMAC_DRBG_Update(seed_material, Key, V).
    this.update([entropyInput, additionalInput]);
    // 3. reseed_counter = 1.
    this.counter = 1;
  }

  /** SP 800-90A §10.1.2.5 HMAC_DRBG_Generate_algorithm; fills `output`. */
  generate(output: Uint8Array, additionalInput: Uint8Array = EMPTY_BYTES): void {
    this.assertInstantiated();
    checkRequestLength(output);
    checkInputLength('additional input', additionalInput, 0, DRBG_MAX_INPUT_BYTES);
    // 1. If reseed_counter > reseed_interval, return "reseed required".
    if (this.reseedRequired) {
      throw new DrbgError(
        'RESEED_REQUIRED',
        `HMAC_DRBG reseed required after ${this.reseedIntervalRequests} requests`,
      );
    }
    // Step 6 reads additional_input after output is written: detach it if it shares output's memory.
    const ai = sharesMemory(additionalInput, output) ? additionalInput.slice() : additionalInput;
    // 2. If additional_input != Null, (Key, V) = HMAC_DRBG_Update(additional_input, Key, V).
    if (ai.length > 0) this.update([ai]);
    // 3-4. While len(temp) < requested_number_of_bits: V = HMAC(Key, V); temp = temp || V.
    // 5. returned_bits = leftmost(temp, requested_number_of_bits): write V straight into output.
    for (let offset = 0; offset < output.length; offset += OUTLEN_BYTES) {
      this.hmacInto(this.v, [this.v]);
      const take = Math.min(OUTLEN_BYTES, output.length - offset);
      output.set(take === OUTLEN_BYTES ? this.v : this.v.subarray(0, take), offset);
    }
    // 6. (Key, V) = HMAC_DRBG_Update(additional_input, Key, V).
    this.update(ai.length > 0 ? [ai] : []);
    // 7. reseed_counter = reseed_counter + 1.
    this.counter++;
  }

  /** SP 800-90A §9.4 Uninstantiate: zeroize the working state. */
  uninstantiate(): void {
    this.key.fill(0);
    this.v.fill(0);
    this.counter = 0;
  }

  describe(): DrbgMechanismDescription {
    return {
      mechanism: 'HMAC_DRBG',
      primitive: 'SHA-256',
      derivationFunction: null,
      securityStrengthBits: DRBG_SECURITY_STRENGTH_BITS,
      reseedIntervalRequests: this.reseedIntervalRequests,
      maxBytesPerRequest: DRBG_MAX_BYTES_PER_REQUEST,
    };
  }

  /** Copies of Key and V, for comparing with NIST's intermediate values while debugging. */
  workingState(): { key: Uint8Array; v: Uint8Array; reseedCounter: number } {
    this.assertInstantiated();
    return { key: this.key.slice(), v: this.v.slice(), reseedCounter: this.counter };
  }

  /**
   * SP 800-90A §10.1.2.2 HMAC_DRBG_Update. `providedData` is the concatenation of its parts; no
   * parts (or only empty ones) is Null.
   */
  private update(providedData: readonly Uint8Array[]): void {
    const isNull = providedData.every((part) => part.length === 0);
    // 1. Key = HMAC(Key, V || 0x00 || provided_data).  2. V = HMAC(Key, V).
    this.hmacInto(this.key, [this.v, BYTE_00, ...providedData]);
    this.hmacInto(this.v, [this.v]);
    // 3. If provided_data = Null, return.
    if (isNull) return;
    // 4. Key = HMAC(Key, V || 0x01 || provided_data).  5. V = HMAC(Key, V).
    this.hmacInto(this.key, [this.v, BYTE_01, ...providedData]);
    this.hmacInto(this.v, [this.v]);
  }

  /** target = HMAC-SHA-256(Key, parts concatenated); the digest buffer is wiped after the copy. */
  private hmacInto(target: Uint8Array, parts: readonly Uint8Array[]): void {
    const mac = createHmac('sha256', this.key);
    for (const part of parts) mac.update(part);
    const digest = mac.digest();
    target.set(digest);
    digest.fill(0);
  }

  private assertInstantiated(): void {
    if (!this.isInstantiated) throw new DrbgError('NOT_INSTANTIATED', 'HMAC_DRBG is not instantiated');
  }
}
