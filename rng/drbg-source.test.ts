import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  drbgVectorPath,
  expectDrbgError,
  fieldValue,
  fieldValues,
  hex,
  internals,
  readRsp,
} from '../test/support/cavp.ts';
import { CtrDrbg } from './ctr-drbg.ts';
import { DRBG_KNOWN_ANSWERS, drbgSelfTest, runKnownAnswer } from './drbg-selftest.ts';
import { createDrbgSource, DrbgInstance, type DrbgKind, REPLAY_ENTROPY_LABEL } from './drbg-source.ts';
import { EntropyHealthError, type EntropySource, HealthTestedEntropySource } from './entropy.ts';
import { HmacDrbg } from './hmac-drbg.ts';

const KINDS: readonly DrbgKind[] = ['hmac-drbg', 'ctr-drbg'];

function seedOf(text: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(text).digest());
}

function bytesFrom(source: { fillBytes(t: Uint8Array): void }, length: number): Uint8Array {
  const out = new Uint8Array(length);
  source.fillBytes(out);
  return out;
}

/** A deterministic good source that records the size of every request. */
function countingSource(label: string): EntropySource & { calls: number[]; stuck: boolean } {
  let counter = 0;
  const source = {
    name: `test-counting:${label}`,
    minEntropyBitsPerByte: 8,
    calls: [] as number[],
    stuck: false,
    getEntropy(bytes: number): Uint8Array {
      source.calls.push(bytes);
      const out = new Uint8Array(bytes);
      if (source.stuck) return out;
      for (let offset = 0; offset < bytes; offset += 32) {
        const block = createHash('sha256').update(`${label}:${counter++}`).digest();
        out.set(block.subarray(0, Math.min(32, bytes - offset)), offset);
      }
      return out;
    },
  };
  return source;
}

describe('createDrbgSource in replay mode (seed)', () => {
  for (const kind of KINDS) {
    it(`${kind}: the same seed gives identical bytes; different seeds differ`, () => {
      const a = createDrbgSource(kind, { seed: seedOf('one') });
      const b = createDrbgSource(kind, { seed: seedOf('one') });
      const c = createDrbgSource(kind, { seed: seedOf('two') });
      const bytesA = bytesFrom(a, 200_000);
      expect(hex(bytesFrom(b, 200_000))).toBe(hex(bytesA));
      expect(hex(bytesFrom(c, 200_000))).not.toBe(hex(bytesA));
      expect(a.id).toBe(kind);
    });

    it(`${kind}: nextUint32 and fillBytes read one big-endian stream`, () => {
      const words = createDrbgSource(kind, { seed: seedOf('stream') });
      const bytes = bytesFrom(createDrbgSource(kind, { seed: seedOf('stream') }), 4 * 40_000);
      const view = new DataView(bytes.buffer);
      for (let i = 0; i < 40_000; i++) {
        const w = words.nextUint32();
        if (w !== view.getUint32(4 * i)) throw new Error(`word ${i} differs`);
      }
    });

    it(`${kind}: personalization changes the stream`, () => {
      const plain = createDrbgSource(kind, { seed: seedOf('p') });
      const personal = createDrbgSource(kind, { seed: seedOf('p'), personalization: Uint8Array.of(1, 2, 3) });
      expect(hex(bytesFrom(personal, 64))).not.toBe(hex(bytesFrom(plain, 64)));
    });
  }

  it('derives entropy input and nonce exactly as documented (HMAC stream over the seed)', () => {
    const seed = seedOf('documented');
    const block = (k: number): Buffer => {
      const counter = Buffer.alloc(8);
      counter.writeBigUInt64BE(BigInt(k));
      return createHmac('sha256', seed).update(REPLAY_ENTROPY_LABEL, 'ascii').update(counter).digest();
    };
    const stream = Buffer.concat([block(0), block(1), block(2)]);
    for (const kind of KINDS) {
      const mechanism = kind === 'hmac-drbg' ? new HmacDrbg() : new CtrDrbg();
      mechanism.instantiate(stream.subarray(0, 32), stream.subarray(32, 48), Uint8Array.of(9));
      const expected = new Uint8Array(65_536);
      mechanism.generate(expected);
      const source = createDrbgSource(kind, { seed, personalization: Uint8Array.of(9) });
      expect(hex(bytesFrom(source, 65_536))).toBe(hex(expected));
      // First reseed: entropy input = the next 32 bytes of the stream, stream[48, 80).
      const reseeded = kind === 'hmac-drbg' ? new HmacDrbg() : new CtrDrbg();
      reseeded.instantiate(stream.subarray(0, 32), stream.subarray(32, 48), Uint8Array.of(9));
      reseeded.generate(new Uint8Array(65_536));
      reseeded.reseed(stream.subarray(48, 80));
      reseeded.generate(expected);
      source.reseed();
      expect(hex(bytesFrom(source, 65_536))).toBe(hex(expected));
    }
  });

  it('auto-reseeds deterministically: the reseed interval is part of the recorded parameters', () => {
    const options = { seed: seedOf('interval'), reseedIntervalRequests: 2, bufferBytes: 1024 };
    const a = createDrbgSource('hmac-drbg', options);
    const b = createDrbgSource('hmac-drbg', options);
    const wider = createDrbgSource('hmac-drbg', { ...options, reseedIntervalRequests: 3 });
    const bytesA = bytesFrom(a, 10 * 1024);
    expect(hex(bytesFrom(b, 10 * 1024))).toBe(hex(bytesA));
    const bytesWider = bytesFrom(wider, 10 * 1024);
    // Identical for the first two requests, different from the first reseed on.
    expect(hex(bytesWider.subarray(0, 2048))).toBe(hex(bytesA.subarray(0, 2048)));
    expect(hex(bytesWider.subarray(2048, 3072))).not.toBe(hex(bytesA.subarray(2048, 3072)));
    expect(a.describe().reseedsPerformed).toBe(4); // requests 3, 5, 7, 9
  });

  it('describes itself as replay, not for production, with the parameters a report needs', () => {
    const source = createDrbgSource('ctr-drbg', { seed: seedOf('d'), bufferBytes: 4096 });
    source.nextUint32();
    expect(source.describe()).toMatchObject({
      id: 'ctr-drbg',
      standard: 'NIST SP 800-90A Rev. 1',
      mechanism: 'CTR_DRBG',
      primitive: 'AES-256',
      derivationFunction: true,
      securityStrengthBits: 256,
      mode: 'replay',
      productionUse: false,
      entropyInputBytes: 32,
      nonceBytes: 16,
      bytesPerRequest: 4096,
      reseedIntervalRequests: 4096,
      predictionResistance: false,
      healthTests: null,
      requestsGenerated: 1,
      reseedsPerformed: 0,
    });
  });
});

describe('createDrbgSource in entropy mode', () => {
  for (const kind of KINDS) {
    it(`${kind}: seeds from the health-tested OS source (64-byte entropy input, 32-byte nonce at H = 4)`, () => {
      const a = createDrbgSource(kind);
      const b = createDrbgSource(kind);
      expect(hex(bytesFrom(a, 4096))).not.toBe(hex(bytesFrom(b, 4096)));
      const d = a.describe();
      expect(d).toMatchObject({
        mode: 'entropy',
        productionUse: true,
        entropyInputBytes: 64,
        nonceBytes: 32,
        bytesPerRequest: 65_536,
        healthTests: {
          standard: 'NIST SP 800-90B §4.4',
          minEntropyBitsPerByte: 4,
          repetitionCountCutoff: 6,
          adaptiveProportionCutoff: 62,
          adaptiveProportionWindow: 512,
        },
      });
      expect(d.entropySource).toContain('os:crypto.randomBytes');
    });
  }

  it('reseeds automatically when the interval is reached (counted at the entropy source)', () => {
    const raw = countingSource('auto');
    const source = createDrbgSource('hmac-drbg', {
      entropy: raw,
      reseedIntervalRequests: 3,
      bufferBytes: 64,
    });
    // Start-up test (1024 samples), entropy input (64 bytes at H = 4), nonce (32 bytes).
    expect(raw.calls).toEqual([1024, 64, 32]);
    bytesFrom(source, 64 * 3);
    expect(raw.calls).toHaveLength(3); // requests 1..3 need no reseed
    bytesFrom(source, 64);
    expect(raw.calls).toEqual([1024, 64, 32, 64]); // request 4: reseed_counter = 4 > 3
    bytesFrom(source, 64 * 3);
    expect(raw.calls).toEqual([1024, 64, 32, 64, 64]); // request 7
    expect(source.describe()).toMatchObject({ requestsGenerated: 7, reseedsPerformed: 2 });
  });

  it('reseeds on demand, with additional input, and discards output buffered before the reseed', () => {
    const raw = countingSource('demand');
    const source = createDrbgSource('ctr-drbg', { entropy: raw, bufferBytes: 256 });
    source.nextUint32(); // one request buffered, 252 bytes unread
    source.reseed(Uint8Array.of(1, 2, 3));
    expect(raw.calls).toEqual([1024, 64, 32, 64]);
    source.nextUint32();
    expect(source.describe()).toMatchObject({ requestsGenerated: 2, reseedsPerformed: 1 });
  });

  it('with prediction resistance, reseeds before every request', () => {
    const raw = countingSource('pr');
    const source = createDrbgSource('hmac-drbg', {
      entropy: raw,
      predictionResistance: true,
      bufferBytes: 128,
    });
    bytesFrom(source, 128 * 5);
    expect(source.describe()).toMatchObject({
      requestsGenerated: 5,
      reseedsPerformed: 5,
      predictionResistance: true,
    });
    expect(raw.calls).toHaveLength(3 + 5);
  });

  it('stops with a clear error when the entropy source fails its health test, and stays stopped', () => {
    const raw = countingSource('fails');
    const source = createDrbgSource('hmac-drbg', {
      entropy: raw,
      reseedIntervalRequests: 2,
      bufferBytes: 64,
    });
    const before = bytesFrom(source, 128); // two requests, no reseed yet
    expect(before).toHaveLength(128);
    raw.stuck = true;
    let failure: unknown;
    try {
      source.nextUint32(); // request 3 needs a reseed: the stuck input fails the RCT
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(EntropyHealthError);
    expect((failure as EntropyHealthError).code).toBe('ENTROPY_RCT_FAILURE');
    raw.stuck = false;
    expectDrbgError(() => source.nextUint32(), 'ERROR_STATE');
    expectDrbgError(() => source.fillBytes(new Uint8Array(8)), 'ERROR_STATE');
    expectDrbgError(() => source.reseed(), 'ERROR_STATE');
    expect(source.describe().requestsGenerated).toBe(2); // nothing was generated after the failure
  });

  it('zeroizes the mechanism when it enters the error state', () => {
    const raw = countingSource('zeroize');
    const mechanism = new HmacDrbg({ reseedIntervalRequests: 1 });
    const instance = new DrbgInstance(mechanism, new HealthTestedEntropySource(raw));
    instance.instantiate();
    instance.generate(new Uint8Array(32));
    raw.stuck = true;
    expect(() => instance.generate(new Uint8Array(32))).toThrow(EntropyHealthError);
    expect(instance.failed).toBe(true);
    expect(mechanism.isInstantiated).toBe(false);
    expect(internals(mechanism).key.every((b) => b === 0)).toBe(true);
  });

  it('health-tests an injected raw source from the start', () => {
    const stuck: EntropySource = {
      name: 'stuck',
      minEntropyBitsPerByte: 8,
      getEntropy: (n) => new Uint8Array(n),
    };
    expect(() => createDrbgSource('ctr-drbg', { entropy: stuck })).toThrow(EntropyHealthError);
  });
});

describe('createDrbgSource input validation', () => {
  it('rejects bad options with DrbgError BAD_PARAMETER', () => {
    expectDrbgError(() => createDrbgSource('xoshiro' as DrbgKind), 'BAD_PARAMETER');
    expectDrbgError(
      () => createDrbgSource('hmac-drbg', { seed: seedOf('x'), entropy: countingSource('x') }),
      'BAD_PARAMETER',
    );
    expectDrbgError(() => createDrbgSource('hmac-drbg', { seed: new Uint8Array(15) }), 'BAD_PARAMETER');
    expectDrbgError(() => createDrbgSource('hmac-drbg', { seed: new Uint8Array(1025) }), 'BAD_PARAMETER');
    for (const bufferBytes of [0, 6, 65_540, 1.5]) {
      expectDrbgError(
        () => createDrbgSource('hmac-drbg', { seed: seedOf('b'), bufferBytes }),
        'BAD_PARAMETER',
      );
    }
    expectDrbgError(
      () => createDrbgSource('hmac-drbg', { seed: seedOf('r'), reseedIntervalRequests: 0 }),
      'BAD_PARAMETER',
    );
  });
});

describe('drbgSelfTest (SP 800-90A §11.3 start-up tests)', () => {
  it('passes every known answer and health check', () => {
    const results = drbgSelfTest();
    expect(results).toHaveLength(DRBG_KNOWN_ANSWERS.length + 3);
    const failed = results.filter((r) => !r.passed);
    expect(failed).toEqual([]);
    expect(results.map((r) => r.name).join('\n')).toMatch(/§4\.4\.1[\s\S]*§4\.4\.2[\s\S]*§11\.3/);
  });

  it('covers HMAC SHA-256, CTR AES-256 with and without df, and prediction resistance', () => {
    const variants = new Set(DRBG_KNOWN_ANSWERS.map((k) => k.variant));
    expect(variants).toEqual(
      new Set(['HMAC_DRBG SHA-256', 'CTR_DRBG AES-256 use df', 'CTR_DRBG AES-256 no df']),
    );
    expect(DRBG_KNOWN_ANSWERS.some((k) => k.folder === 'drbgvectors_pr_true')).toBe(true);
  });

  it('fails (without throwing) on a known answer that does not match', () => {
    const kat = DRBG_KNOWN_ANSWERS[0]!;
    const flipped = (kat.returnedBits[0] === '0' ? '1' : '0') + kat.returnedBits.slice(1);
    const result = runKnownAnswer({ ...kat, returnedBits: flipped });
    expect(result.passed).toBe(false);
    const broken = runKnownAnswer({ ...kat, entropyInput: kat.entropyInput.slice(2) });
    expect(broken.passed).toBe(false);
    expect(broken.detail).toContain('threw');
  });

  it('embeds each known answer exactly as the cited CAVP record', () => {
    for (const kat of DRBG_KNOWN_ANSWERS) {
      const path = drbgVectorPath(kat.folder, kat.file);
      const section = readRsp(path).filter((r) => r.algorithm === kat.section);
      const blocks = [...new Set(section.map((r) => r.blockIndex))];
      const record = section.find((r) => r.blockIndex === blocks[kat.block - 1] && r.count === kat.count);
      expect(record, `${kat.folder}/${kat.file} ${kat.section} block ${kat.block}`).toBeDefined();
      const r = record!;
      expect(fieldValue(r, 'EntropyInput')).toBe(kat.entropyInput);
      expect(fieldValue(r, 'Nonce')).toBe(kat.nonce);
      expect(fieldValue(r, 'PersonalizationString')).toBe(kat.personalizationString);
      expect(fieldValues(r, 'AdditionalInput')).toEqual([...kat.additionalInput]);
      expect(fieldValues(r, 'EntropyInputReseed')).toEqual(
        kat.entropyInputReseed ? [kat.entropyInputReseed] : [],
      );
      expect(fieldValues(r, 'AdditionalInputReseed')).toEqual(
        kat.additionalInputReseed !== undefined ? [kat.additionalInputReseed] : [],
      );
      expect(fieldValues(r, 'EntropyInputPR')).toEqual(kat.entropyInputPR ? [...kat.entropyInputPR] : []);
      expect(fieldValue(r, 'ReturnedBits')).toBe(kat.returnedBits);
      // The cited line holds this record's COUNT.
      const lines = readFileSync(path, 'latin1').split(/\r?\n/);
      expect(lines[kat.line - 1]).toBe(`COUNT = ${kat.count}`);
      expect(lines[kat.line]).toBe(`EntropyInput = ${kat.entropyInput}`);
    }
  });
});
