/**
 * CTR_DRBG with AES-256, NIST SP 800-90A Rev. 1 §10.2.1, security strength 256 bits, with or
 * without the derivation function Block_Cipher_df (§10.3.2, built on BCC §10.3.3).
 *
 * Parameters (Table 3, AES-256): keylen = 256, blocklen = outlen = 128, seedlen = 384 bits.
 * ctr_len = blocklen = 128: V is incremented as a whole 128-bit big-endian integer, so
 * max_number_of_bits_per_request = min((2^128 - 4) * 128, 2^19) = 2^19 bits.
 *
 * With the df, the entropy input is any length from 256 bits up and a nonce is used. Without it,
 * the entropy input is exactly seedlen = 384 bits of FULL entropy, no nonce is used, and the
 * personalization string and additional input are at most seedlen bits.
 *
 * AES is node:crypto's AES-256-ECB with padding off, used only as Block_Encrypt on whole blocks.
 * `uninstantiate` zeroizes Key, V and the counter-block scratch; the short-lived OpenSSL cipher
 * contexts hold their own key copies, which JavaScript cannot reach.
 */
import { createCipheriv } from 'node:crypto';
import {
  checkInputLength,
  DRBG_MAX_BYTES_PER_REQUEST,
  DRBG_MAX_INPUT_BYTES,
  DRBG_SECURITY_STRENGTH_BITS,
  DrbgMechanismBase,
  type DrbgMechanismDescription,
  type DrbgMechanismOptions,
  EMPTY_BYTES,
} from './drbg-common.ts';

/** Table 3, AES-256, in bytes. */
const KEYLEN_BYTES = 32;
const BLOCKLEN_BYTES = 16;
const SEEDLEN_BYTES = KEYLEN_BYTES + BLOCKLEN_BYTES; // 48
/** §10.3.2: max_number_of_bits = 512 for Block_Cipher_df, in bytes. */
const DF_MAX_OUTPUT_BYTES = 64;
/** §10.3.2 step 8: K = leftmost(0x00010203...1D1E1F, keylen). */
const DF_KEY = Uint8Array.from({ length: KEYLEN_BYTES }, (_, i) => i);

export interface CtrDrbgOptions extends DrbgMechanismOptions {
  /** Use Block_Cipher_df (§10.3.2); default true. Without it the entropy input must be full entropy. */
  readonly derivationFunction?: boolean;
}

/** Block_Encrypt(Key, blocks) for a whole number of blocks (AES-256 in ECB, no padding). */
function blockEncrypt(key: Uint8Array, blocks: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-256-ecb', key, null);
  cipher.setAutoPadding(false);
  const out = cipher.update(blocks);
  const tail = cipher.final();
  if (out.length !== blocks.length || tail.length !== 0) {
    throw new Error(`AES-ECB returned ${out.length}+${tail.length} bytes for ${blocks.length}`);
  }
  return out;
}

/** V = (V + 1) mod 2^128, big-endian (ctr_len = blocklen). */
function incrementBlock(v: Uint8Array): void {
  for (let i = BLOCKLEN_BYTES - 1; i >= 0; i--) {
    v[i] = (v[i]! + 1) & 0xff;
    if (v[i] !== 0) return;
  }
}

/** SP 800-90A §10.3.3 BCC(Key, data): CBC-MAC with a zero IV over whole blocks. */
function bcc(key: Uint8Array, data: Uint8Array): Uint8Array {
  if (data.length === 0 || data.length % BLOCKLEN_BYTES !== 0)
    throw new Error('BCC data must be whole blocks');
  const cipher = createCipheriv('aes-256-ecb', key, null);
  cipher.setAutoPadding(false);
  // 1. chaining_value = 0^outlen.
  const chainingValue = new Uint8Array(BLOCKLEN_BYTES);
  // 2-4. For each block: input_block = chaining_value XOR block_i; chaining_value = Block_Encrypt(Key, input_block).
  for (let offset = 0; offset < data.length; offset += BLOCKLEN_BYTES) {
    for (let j = 0; j < BLOCKLEN_BYTES; j++) chainingValue[j]! ^= data[offset + j]!;
    const encrypted = cipher.update(chainingValue);
    if (encrypted.length !== BLOCKLEN_BYTES) throw new Error('AES-ECB did not return one block');
    chainingValue.set(encrypted);
  }
  cipher.final();
  // 5. output_block = chaining_value.
  return chainingValue;
}

/**
 * SP 800-90A §10.3.2 Block_Cipher_df(input_string, number_of_bits_to_return), with input_string
 * given as the concatenation of `inputParts`.
 */
export function blockCipherDf(inputParts: readonly Uint8Array[], outputBytes: number): Uint8Array {
  // 1. If number_of_bits_to_return > max_number_of_bits, return an error.
  if (!Number.isInteger(outputBytes) || outputBytes < 1 || outputBytes > DF_MAX_OUTPUT_BYTES) {
    throw new RangeError(`Block_Cipher_df returns 1..${DF_MAX_OUTPUT_BYTES} bytes, ${outputBytes} requested`);
  }
  // 2. L = len(input_string) / 8, a 32-bit integer.  3. N = number_of_bits_to_return / 8.
  const inputBytes = inputParts.reduce((sum, part) => sum + part.length, 0);
  if (inputBytes > 0xffffffff) throw new RangeError('Block_Cipher_df input longer than 2^32 - 1 bytes');
  // 4. S = L || N || input_string || 0x80.  5. Pad S with 0x00 to a multiple of outlen.
  // The buffer is IV || S, so step 9.2 can rewrite IV in place and pass the whole buffer to BCC.
  const sBytes = Math.ceil((8 + inputBytes + 1) / BLOCKLEN_BYTES) * BLOCKLEN_BYTES;
  const ivAndS = new Uint8Array(BLOCKLEN_BYTES + sBytes);
  const view = new DataView(ivAndS.buffer);
  view.setUint32(BLOCKLEN_BYTES, inputBytes);
  view.setUint32(BLOCKLEN_BYTES + 4, outputBytes);
  let offset = BLOCKLEN_BYTES + 8;
  for (const part of inputParts) {
    ivAndS.set(part, offset);
    offset += part.length;
  }
  ivAndS[offset] = 0x80;
  // 6-9. temp = BCC(K, IV_0 || S) || BCC(K, IV_1 || S) || ... until keylen + outlen bits, where
  //      IV_i = i (32 bits) || 0^(outlen - 32) and K = DF_KEY (step 8).
  const temp = new Uint8Array(SEEDLEN_BYTES);
  for (let i = 0; i * BLOCKLEN_BYTES < SEEDLEN_BYTES; i++) {
    view.setUint32(0, i);
    temp.set(bcc(DF_KEY, ivAndS), i * BLOCKLEN_BYTES);
  }
  ivAndS.fill(0);
  // 10. K = leftmost(temp, keylen).  11. X = select(temp, keylen + 1, keylen + outlen).
  const k = temp.subarray(0, KEYLEN_BYTES);
  const x = temp.slice(KEYLEN_BYTES, SEEDLEN_BYTES);
  // 12-13. temp = Null; while len(temp) < number_of_bits_to_return: X = Block_Encrypt(K, X); temp = temp || X.
  const cipher = createCipheriv('aes-256-ecb', k, null);
  cipher.setAutoPadding(false);
  const blocks = Math.ceil(outputBytes / BLOCKLEN_BYTES);
  const result = new Uint8Array(blocks * BLOCKLEN_BYTES);
  for (let b = 0; b < blocks; b++) {
    x.set(cipher.update(x));
    result.set(x, b * BLOCKLEN_BYTES);
  }
  cipher.final();
  temp.fill(0);
  x.fill(0);
  // 14. requested_bits = leftmost(temp, number_of_bits_to_return).
  return result.subarray(0, outputBytes);
}

/** CTR_DRBG with AES-256 (SP 800-90A Rev. 1 §10.2.1). */
export class CtrDrbg extends DrbgMechanismBase {
  readonly derivationFunction: boolean;
  readonly minEntropyInputBytes: number;
  readonly maxEntropyInputBytes: number;
  readonly usesNonce: boolean;
  readonly requiresFullEntropy: boolean;
  /** Longest personalization string / additional input: 2^35 bits with the df, seedlen without. */
  protected readonly maxAdditionalInputBytes: number;

  /**
   * Working state (§10.2.1.1): Key and V are updated in place so that zeroize reaches them;
   * reseed_counter is the base class's `counter`.
   */
  private readonly key = new Uint8Array(KEYLEN_BYTES);
  private readonly v = new Uint8Array(BLOCKLEN_BYTES);
  /** Counter blocks V+1, V+2, ... for one request (holds secret state; zeroized after use). */
  private scratch = new Uint8Array(0);

  constructor(options: CtrDrbgOptions = {}) {
    super('CTR_DRBG', options);
    this.derivationFunction = options.derivationFunction ?? true;
    // Table 3: with the df, entropy input of security_strength .. 2^35 bits; without, exactly seedlen.
    this.minEntropyInputBytes = this.derivationFunction ? DRBG_SECURITY_STRENGTH_BITS / 8 : SEEDLEN_BYTES;
    this.maxEntropyInputBytes = this.derivationFunction ? DRBG_MAX_INPUT_BYTES : SEEDLEN_BYTES;
    this.maxAdditionalInputBytes = this.derivationFunction ? DRBG_MAX_INPUT_BYTES : SEEDLEN_BYTES;
    this.usesNonce = this.derivationFunction;
    this.requiresFullEntropy = !this.derivationFunction;
  }

  /** §10.2.1.3.1 (no df) / §10.2.1.3.2 (df) CTR_DRBG_Instantiate_algorithm. */
  override instantiate(
    entropyInput: Uint8Array,
    nonce: Uint8Array,
    personalization: Uint8Array = EMPTY_BYTES,
  ): void {
    this.checkInstantiate(entropyInput, nonce, personalization);

    // df:    1. seed_material = entropy_input || nonce || personalization_string;
    //        2. seed_material = Block_Cipher_df(seed_material, seedlen).
    // no df: 1-2. pad personalization_string to seedlen;  3. seed_material = entropy_input XOR it.
    const seedMaterial = this.derivationFunction
      ? blockCipherDf([entropyInput, nonce, personalization], SEEDLEN_BYTES)
      : xorPadded(entropyInput, personalization);
    // Key = 0^keylen, V = 0^blocklen; (Key, V) = CTR_DRBG_Update(seed_material, Key, V); reseed_counter = 1.
    this.key.fill(0);
    this.v.fill(0);
    this.update(seedMaterial);
    seedMaterial.fill(0);
    this.counter = 1;
  }

  /** Without the df no nonce is used (§10.2.1.3.1); with it, §8.6.7 applies as for HMAC_DRBG. */
  protected override checkNonce(nonce: Uint8Array): void {
    if (this.derivationFunction) super.checkNonce(nonce);
    else checkInputLength('nonce (unused without the df)', nonce, 0, 0);
  }

  /** §10.2.1.4.1 (no df) / §10.2.1.4.2 (df) CTR_DRBG_Reseed_algorithm. */
  override reseed(entropyInput: Uint8Array, additionalInput: Uint8Array = EMPTY_BYTES): void {
    this.checkReseed(entropyInput, additionalInput);
    // df:    seed_material = Block_Cipher_df(entropy_input || additional_input, seedlen).
    // no df: seed_material = entropy_input XOR (additional_input padded to seedlen).
    const seedMaterial = this.derivationFunction
      ? blockCipherDf([entropyInput, additionalInput], SEEDLEN_BYTES)
      : xorPadded(entropyInput, additionalInput);
    // (Key, V) = CTR_DRBG_Update(seed_material, Key, V); reseed_counter = 1.
    this.update(seedMaterial);
    seedMaterial.fill(0);
    this.counter = 1;
  }

  /** §10.2.1.5.1 (no df) / §10.2.1.5.2 (df) CTR_DRBG_Generate_algorithm; fills `output`. */
  override generate(output: Uint8Array, additionalInput: Uint8Array = EMPTY_BYTES): void {
    // Input checks, then 1. If reseed_counter > reseed_interval, return "reseed required".
    this.checkGenerate(output, additionalInput);
    // 2. If additional_input != Null: df: additional_input = Block_Cipher_df(additional_input, seedlen);
    //    no df: pad it to seedlen; then (Key, V) = CTR_DRBG_Update(additional_input, Key, V).
    //    Else additional_input = 0^seedlen (null below).
    let ai: Uint8Array | null = null;
    if (additionalInput.length > 0) {
      ai = this.derivationFunction
        ? blockCipherDf([additionalInput], SEEDLEN_BYTES)
        : xorPadded(new Uint8Array(SEEDLEN_BYTES), additionalInput);
      this.update(ai);
    }
    // 3-4. While len(temp) < requested_number_of_bits: V = (V + 1) mod 2^128;
    //      temp = temp || Block_Encrypt(Key, V). All counter blocks are encrypted in one AES call.
    const blocks = Math.ceil(output.length / BLOCKLEN_BYTES);
    const counterBlocks = this.counterBlocks(blocks);
    const keystream = blockEncrypt(this.key, counterBlocks);
    counterBlocks.fill(0);
    // 5. returned_bits = leftmost(temp, requested_number_of_bits).
    output.set(keystream.subarray(0, output.length));
    keystream.fill(0);
    // 6. (Key, V) = CTR_DRBG_Update(additional_input, Key, V).
    this.update(ai);
    ai?.fill(0);
    // 7. reseed_counter = reseed_counter + 1.
    this.counter++;
  }

  /** SP 800-90A §9.4 Uninstantiate: zeroize the working state. */
  override uninstantiate(): void {
    this.key.fill(0);
    this.v.fill(0);
    this.scratch.fill(0);
    this.counter = 0;
  }

  override describe(): DrbgMechanismDescription {
    return {
      mechanism: 'CTR_DRBG',
      primitive: 'AES-256',
      derivationFunction: this.derivationFunction,
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
   * SP 800-90A §10.2.1.2 CTR_DRBG_Update(provided_data, Key, V); null provided_data is 0^seedlen.
   * Note `providedData` may not alias the working state.
   */
  private update(providedData: Uint8Array | null): void {
    if (providedData !== null && providedData.length !== SEEDLEN_BYTES) {
      throw new Error(`CTR_DRBG_Update needs seedlen = ${SEEDLEN_BYTES} bytes, got ${providedData.length}`);
    }
    // 1-2. temp = Block_Encrypt(Key, V+1) || Block_Encrypt(Key, V+2) || Block_Encrypt(Key, V+3).
    const counterBlocks = this.counterBlocks(SEEDLEN_BYTES / BLOCKLEN_BYTES);
    const temp = blockEncrypt(this.key, counterBlocks);
    counterBlocks.fill(0);
    // 3. temp = leftmost(temp, seedlen) (already exact).  4. temp = temp XOR provided_data.
    if (providedData !== null) {
      for (let i = 0; i < SEEDLEN_BYTES; i++) temp[i]! ^= providedData[i]!;
    }
    // 5. Key = leftmost(temp, keylen).  6. V = rightmost(temp, blocklen).
    this.key.set(temp.subarray(0, KEYLEN_BYTES));
    this.v.set(temp.subarray(KEYLEN_BYTES, SEEDLEN_BYTES));
    temp.fill(0);
  }

  /** Writes V+1 .. V+n into the scratch (advancing V to V+n) and returns that view. */
  private counterBlocks(n: number): Uint8Array {
    const bytes = n * BLOCKLEN_BYTES;
    if (this.scratch.length < bytes) this.scratch = new Uint8Array(bytes);
    const blocks = this.scratch.subarray(0, bytes);
    for (let offset = 0; offset < bytes; offset += BLOCKLEN_BYTES) {
      incrementBlock(this.v);
      blocks.set(this.v, offset);
    }
    return blocks;
  }
}

/**
 * Without the df (§10.2.1.3.1 steps 1-3, §10.2.1.4.1 steps 1-3): `seedlen`-byte `base` XOR `input`
 * padded with zeros to seedlen. Returns a new array.
 */
function xorPadded(base: Uint8Array, input: Uint8Array): Uint8Array {
  if (base.length !== SEEDLEN_BYTES || input.length > SEEDLEN_BYTES)
    throw new Error('xorPadded: bad lengths');
  const out = base.slice();
  for (let i = 0; i < input.length; i++) out[i]! ^= input[i]!;
  return out;
}
