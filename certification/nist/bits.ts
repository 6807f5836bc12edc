/** Conversions into the battery's input form: one bit (0 or 1) per Uint8Array element. */

/**
 * The first `nBits` bits of `bytes`, most significant bit of each byte first (as the reference
 * reads binary files, SP 800-22 §5.5.2 "binary" input mode).
 */
export function bytesToBits(bytes: Uint8Array, nBits: number = bytes.length * 8): Uint8Array {
  if (!Number.isInteger(nBits) || nBits < 0 || nBits > bytes.length * 8) {
    throw new RangeError(`nBits must be an integer in [0, ${bytes.length * 8}], got ${nBits}`);
  }
  const bits = new Uint8Array(nBits);
  const fullBytes = nBits >>> 3;
  for (let i = 0; i < fullBytes; i++) {
    const b = bytes[i]!;
    const o = i << 3;
    bits[o] = b >>> 7;
    bits[o + 1] = (b >>> 6) & 1;
    bits[o + 2] = (b >>> 5) & 1;
    bits[o + 3] = (b >>> 4) & 1;
    bits[o + 4] = (b >>> 3) & 1;
    bits[o + 5] = (b >>> 2) & 1;
    bits[o + 6] = (b >>> 1) & 1;
    bits[o + 7] = b & 1;
  }
  for (let i = fullBytes << 3; i < nBits; i++) bits[i] = (bytes[i >>> 3]! >>> (7 - (i & 7))) & 1;
  return bits;
}

/**
 * An ASCII string of '0' and '1' characters to bits. Whitespace is skipped (the reference's ASCII
 * input mode reads data.e and friends, which are wrapped in lines); any other character throws.
 */
export function asciiToBits(text: string): Uint8Array {
  const bits = new Uint8Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 48 || c === 49) bits[n++] = c - 48;
    else if (c !== 32 && c !== 9 && c !== 10 && c !== 13) {
      throw new RangeError(`asciiToBits: unexpected character ${JSON.stringify(text[i])} at ${i}`);
    }
  }
  return bits.slice(0, n);
}
