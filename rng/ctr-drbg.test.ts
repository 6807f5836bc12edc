import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type CavpRecord,
  checkDrbgVectors,
  DRBG_VECTOR_FOLDERS,
  drbgVectorPath,
  expectDrbgError,
  filled,
  hex,
  internals,
  readRsp,
} from '../test/support/cavp.ts';
import { blockCipherDf, CtrDrbg } from './ctr-drbg.ts';
import { DrbgInstance } from './drbg-source.ts';
import { KnownAnswerEntropySource } from './entropy.ts';

function aesEcb(key: Uint8Array, block: Uint8Array): Uint8Array {
  const cipher = createCipheriv('aes-256-ecb', key, null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(block), cipher.final()]);
}

describe('CTR_DRBG AES-256 against the NIST CAVP vectors (every [AES-256 use df] and [AES-256 no df] record)', () => {
  for (const folder of DRBG_VECTOR_FOLDERS) {
    it(`${folder}: all 480 records, via the §10 algorithms and via the §9 envelope`, () => {
      const all = readRsp(drbgVectorPath(folder, 'CTR_DRBG.rsp'));
      // The whole file: 8 variants x 16 blocks x 15 records (SOURCE.md), so a parser slip shows here.
      expect(all).toHaveLength(1920);
      const records = all.filter((r) => r.algorithm === 'AES-256 use df' || r.algorithm === 'AES-256 no df');
      expect(records).toHaveLength(480);
      expect(records.filter((r) => r.algorithm === 'AES-256 no df')).toHaveLength(240);

      const usesDf = (record: CavpRecord): boolean => record.algorithm === 'AES-256 use df';
      const { mismatches, checked } = checkDrbgVectors(
        records,
        folder,
        (record) => new CtrDrbg({ derivationFunction: usesDf(record) }),
        (inputs, record) => {
          expect(inputs.returnedBits).toHaveLength(64); // ReturnedBitsLen = 512
          expect(inputs.entropyInput).toHaveLength(usesDf(record) ? 32 : 48);
        },
      );
      expect(mismatches).toEqual([]);
      expect(checked).toBe(480);
    });
  }
});

describe('CtrDrbg', () => {
  it('wraps V from 2^128 - 1 to 0 (ctr_len = blocklen = 128)', () => {
    const drbg = new CtrDrbg({ derivationFunction: false });
    drbg.instantiate(filled(48, 0x5c), new Uint8Array(0));
    const key = drbg.workingState().key;
    internals(drbg).v.fill(0xff); // reach into the state to put V at its maximum
    const out = new Uint8Array(32);
    drbg.generate(out);
    expect(hex(out.subarray(0, 16))).toBe(hex(aesEcb(key, new Uint8Array(16))));
    const one = new Uint8Array(16);
    one[15] = 1;
    expect(hex(out.subarray(16, 32))).toBe(hex(aesEcb(key, one)));
  });

  it('without the df: exact seedlen entropy, no nonce, at most seedlen personalization/additional input', () => {
    const drbg = new CtrDrbg({ derivationFunction: false });
    expect(drbg.requiresFullEntropy).toBe(true);
    expect(drbg.usesNonce).toBe(false);
    expectDrbgError(() => drbg.instantiate(filled(47, 1), new Uint8Array(0)), 'BAD_INPUT_LENGTH');
    expectDrbgError(() => drbg.instantiate(filled(49, 1), new Uint8Array(0)), 'BAD_INPUT_LENGTH');
    expectDrbgError(() => drbg.instantiate(filled(48, 1), filled(16, 2)), 'BAD_INPUT_LENGTH');
    expectDrbgError(
      () => drbg.instantiate(filled(48, 1), new Uint8Array(0), filled(49, 3)),
      'BAD_INPUT_LENGTH',
    );
    expect(drbg.isInstantiated).toBe(false);
    drbg.instantiate(filled(48, 1), new Uint8Array(0), filled(48, 3));
    expectDrbgError(() => drbg.generate(new Uint8Array(16), filled(49, 4)), 'BAD_INPUT_LENGTH');
    expectDrbgError(() => drbg.reseed(filled(32, 1)), 'BAD_INPUT_LENGTH');
    drbg.generate(new Uint8Array(16), filled(48, 4));
  });

  it('with the df: entropy input >= 256 bits, nonce >= 128 bits, longer inputs accepted', () => {
    const drbg = new CtrDrbg();
    expect(drbg.derivationFunction).toBe(true);
    expectDrbgError(() => drbg.instantiate(filled(31, 1), filled(16, 2)), 'BAD_INPUT_LENGTH');
    expectDrbgError(() => drbg.instantiate(filled(32, 1), filled(15, 2)), 'BAD_INPUT_LENGTH');
    drbg.instantiate(filled(100, 1), filled(16, 2), filled(1000, 3));
    drbg.generate(new Uint8Array(16), filled(500, 4));
    drbg.reseed(filled(64, 5), filled(70, 6));
  });

  it('enforces the reseed interval (§10.2.1.5 step 1) and the 2^19-bit request limit', () => {
    const drbg = new CtrDrbg({ reseedIntervalRequests: 1 });
    drbg.instantiate(filled(32, 1), filled(16, 2));
    drbg.generate(new Uint8Array(65_536));
    expectDrbgError(() => drbg.generate(new Uint8Array(16)), 'RESEED_REQUIRED');
    drbg.reseed(filled(32, 3));
    expectDrbgError(() => drbg.generate(new Uint8Array(65_537)), 'BAD_REQUEST_LENGTH');
    drbg.generate(new Uint8Array(1));
  });

  it('returns the leftmost bits of the counter-mode stream for odd request lengths', () => {
    const a = new CtrDrbg();
    const b = new CtrDrbg();
    a.instantiate(filled(32, 9), filled(16, 8));
    b.instantiate(filled(32, 9), filled(16, 8));
    const short = new Uint8Array(33);
    const long = new Uint8Array(48);
    a.generate(short);
    b.generate(long);
    expect(hex(short)).toBe(hex(long.subarray(0, 33)));
  });

  it('uninstantiate zeroizes Key, V and the counter-block scratch (§9.4)', () => {
    const drbg = new CtrDrbg();
    drbg.instantiate(filled(32, 1), filled(16, 2));
    drbg.generate(new Uint8Array(1024));
    drbg.uninstantiate();
    expect(internals(drbg).key.every((b) => b === 0)).toBe(true);
    expect(internals(drbg).v.every((b) => b === 0)).toBe(true);
    expect(internals(drbg).scratch.every((b) => b === 0)).toBe(true);
    expectDrbgError(() => drbg.generate(new Uint8Array(4)), 'NOT_INSTANTIATED');
  });

  it('Block_Cipher_df returns at most 512 bits and depends on every input byte', () => {
    expect(() => blockCipherDf([filled(10, 1)], 65)).toThrow(RangeError);
    expect(() => blockCipherDf([filled(10, 1)], 0)).toThrow(RangeError);
    const a = blockCipherDf([filled(10, 1)], 48);
    const b = blockCipherDf([filled(9, 1), Uint8Array.of(2)], 48);
    const split = blockCipherDf([filled(4, 1), filled(6, 1)], 48);
    expect(a).toHaveLength(48);
    expect(hex(a)).not.toBe(hex(b));
    expect(hex(a)).toBe(hex(split)); // input_string is the concatenation of the parts
  });

  it('refuses a no-df instance over a source that does not claim full entropy', () => {
    const halfEntropy = {
      name: 'half',
      minEntropyBitsPerByte: 4,
      getEntropy: (n: number) => new Uint8Array(n),
    };
    expectDrbgError(
      () => new DrbgInstance(new CtrDrbg({ derivationFunction: false }), halfEntropy),
      'BAD_PARAMETER',
    );
    const fullEntropy = new KnownAnswerEntropySource([filled(48, 7)]);
    const instance = new DrbgInstance(new CtrDrbg({ derivationFunction: false }), fullEntropy);
    expect(instance.entropyInputBytes).toBe(48);
    expect(instance.nonceBytes).toBe(0);
    instance.instantiate();
    expect(fullEntropy.remaining).toBe(0);
  });
});
