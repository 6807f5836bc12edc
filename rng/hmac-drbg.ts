/**
 * HMAC_DRBG with SHA-256, NIST SP 800-90A Rev. 1 §10.1.2, security strength 256 bits.
 *
 * The state and length checks shared with CTR_DRBG (and the `DrbgMechanism` contract, `DrbgError`)
 * are in `drbg-common.ts`; this file holds the HMAC_DRBG algorithms only. `uninstantiate` zeroizes
 * Key and V (§9.4). Node's HMAC keeps its own copy of the key in OpenSSL for the life of each
 * short-lived HMAC object; those are not reachable from JavaScript.
 */
import { createHmac } from 'node:crypto';
import {
  DRBG_MAX_BYTES_PER_REQUEST,
  DRBG_MAX_INPUT_BYTES,
  DRBG_SECURITY_STRENGTH_BITS,
  DrbgMechanismBase,
  type DrbgMechanismDescription,
  type DrbgMechanismOptions,
  EMPTY_BYTES,
} from './drbg-common.ts';

/** outlen of SHA-256, in bytes (Table 2). */
const OUTLEN_BYTES = 32;
const BYTE_00 = new Uint8Array([0x00]);
const BYTE_01 = new Uint8Array([0x01]);

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

/** HMAC_DRBG with SHA-256 (SP 800-90A Rev. 1 §10.1.2). */
export class HmacDrbg extends DrbgMechanismBase {
  /** Table 2: the entropy input carries at least security_strength bits. */
  readonly minEntropyInputBytes = DRBG_SECURITY_STRENGTH_BITS / 8;
  readonly maxEntropyInputBytes = DRBG_MAX_INPUT_BYTES;
  readonly usesNonce = true;
  readonly requiresFullEntropy = false;
  /** Table 2: personalization string and additional input of at most 2^35 bits. */
  protected readonly maxAdditionalInputBytes = DRBG_MAX_INPUT_BYTES;

  /**
   * Working state (§10.1.2.1): Key and V are updated in place, never reallocated, so zeroize
   * reaches them; reseed_counter is the base class's `counter`.
   */
  private readonly key = new Uint8Array(OUTLEN_BYTES);
  private readonly v = new Uint8Array(OUTLEN_BYTES);

  constructor(options: DrbgMechanismOptions = {}) {
    super('HMAC_DRBG', options);
  }

  /** SP 800-90A §10.1.2.3 HMAC_DRBG_Instantiate_algorithm. */
  override instantiate(
    entropyInput: Uint8Array,
    nonce: Uint8Array,
    personalization: Uint8Array = EMPTY_BYTES,
  ): void {
    this.checkInstantiate(entropyInput, nonce, personalization);
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
  override reseed(entropyInput: Uint8Array, additionalInput: Uint8Array = EMPTY_BYTES): void {
    this.checkReseed(entropyInput, additionalInput);
    // 1. seed_material = entropy_input || additional_input.
    // 2. (Key, V) = HMAC_DRBG_Update(seed_material, Key, V).
    this.update([entropyInput, additionalInput]);
    // 3. reseed_counter = 1.
    this.counter = 1;
  }

  /** SP 800-90A §10.1.2.5 HMAC_DRBG_Generate_algorithm; fills `output`. */
  override generate(output: Uint8Array, additionalInput: Uint8Array = EMPTY_BYTES): void {
    // Input checks, then 1. If reseed_counter > reseed_interval, return "reseed required".
    this.checkGenerate(output, additionalInput);
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
  override uninstantiate(): void {
    this.key.fill(0);
    this.v.fill(0);
    this.counter = 0;
  }

  override describe(): DrbgMechanismDescription {
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
}
