/**
 * Start-up self-tests of the DRBGs (SP 800-90A Rev. 1 §11.3): one known-answer test per DRBG
 * variant, run through the same §9 envelope (`DrbgInstance`) that production uses, plus checks
 * that the SP 800-90B health tests catch a stuck and a biased source and that an entropy failure
 * puts a DRBG in the error state.
 *
 * The known answers are single records of NIST's CAVP DRBG vectors (`drbgtestvectors.zip`, CAVS
 * 14.3), embedded here because a self-test on a user's machine cannot read the test-vector folder.
 * Each constant names its folder, file, section, block (1-based among the section's 16 blocks) and
 * the line of its `COUNT = 0`; rng/drbg-source.test.ts checks every value against that record.
 *
 * `drbgSelfTest()` never throws: each check becomes one `SelfTestResult`.
 */
import { createHash } from 'node:crypto';
import { CtrDrbg } from './ctr-drbg.ts';
import { DrbgError, type DrbgMechanism } from './drbg-common.ts';
import { DrbgInstance } from './drbg-source.ts';
import {
  EntropyHealthError,
  type EntropySource,
  HealthTestedEntropySource,
  KnownAnswerEntropySource,
} from './entropy.ts';
import { HmacDrbg } from './hmac-drbg.ts';
import type { SelfTestResult } from './random-source.ts';

export type KnownAnswerVariant = 'HMAC_DRBG SHA-256' | 'CTR_DRBG AES-256 use df' | 'CTR_DRBG AES-256 no df';

/** One DRBGVS record; hex strings exactly as in the `.rsp` file ("" for an empty value). */
export interface DrbgKnownAnswer {
  readonly variant: KnownAnswerVariant;
  /** The folder's call sequence: no reseed, one explicit reseed, or prediction resistance on both generates. */
  readonly folder: 'drbgvectors_no_reseed' | 'drbgvectors_pr_false' | 'drbgvectors_pr_true';
  readonly file: 'HMAC_DRBG.rsp' | 'CTR_DRBG.rsp';
  /** The section's bracket line, e.g. "SHA-256". */
  readonly section: string;
  /** 1-based index of the parameter block within the section. */
  readonly block: number;
  readonly count: number;
  /** 1-based line of `COUNT = ...` in the file. */
  readonly line: number;
  readonly entropyInput: string;
  readonly nonce: string;
  readonly personalizationString: string;
  readonly entropyInputReseed?: string;
  readonly additionalInputReseed?: string;
  readonly additionalInput: readonly [string, string];
  readonly entropyInputPR?: readonly [string, string];
  readonly returnedBits: string;
}

export const DRBG_KNOWN_ANSWERS: readonly DrbgKnownAnswer[] = [
  {
    variant: 'HMAC_DRBG SHA-256',
    folder: 'drbgvectors_no_reseed',
    file: 'HMAC_DRBG.rsp',
    section: 'SHA-256',
    block: 4, // PersonalizationStringLen = 256, AdditionalInputLen = 256
    count: 0,
    line: 4496,
    entropyInput: '5d3286bc53a258a53ba781e2c4dcd79a790e43bbe0e89fb3eed39086be34174b',
    nonce: 'c5422294b7318952ace7055ab7570abf',
    personalizationString: '2dba094d008e150d51c4135bb2f03dcde9cbf3468a12908a1b025c120c985b9d',
    additionalInput: [
      '793a7ef8f6f0482beac542bb785c10f8b7b406a4de92667ab168ecc2cf7573c6',
      '2238cdb4e23d629fe0c2a83dd8d5144ce1a6229ef41dabe2a99ff722e510b530',
    ],
    returnedBits:
      'd04678198ae7e1aeb435b45291458ffde0891560748b43330eaf866b5a6385e74c6fa5a5a44bdb284d436e98d244018d' +
      '6acedcdfa2e9f499d8089e4db86ae89a6ab2d19cb705e2f048f97fb597f04106a1fa6a1416ad3d859118e079a0c319eb' +
      '95686f4cbcce3b5101c7a0b010ef029c4ef6d06cdfac97efb9773891688c37cf',
  },
  {
    variant: 'CTR_DRBG AES-256 use df',
    folder: 'drbgvectors_pr_false',
    file: 'CTR_DRBG.rsp',
    section: 'AES-256 use df',
    block: 4, // PersonalizationStringLen = 256, AdditionalInputLen = 256
    count: 0,
    line: 8074,
    entropyInput: '174b46250051a9e3d80c56ae7163dafe7e54481a56cafd3b8625f99bbb29c442',
    nonce: '98ffd99c466e0e94a45da7e0e82dbc6b',
    personalizationString: '7095268e99938b3e042734b9176c9aa051f00a5f8d2a89ada214b89beef18ebf',
    entropyInputReseed: 'e88be1967c5503f65d23867bbc891bd679db03b4878663f6c877592df25f0d9a',
    additionalInputReseed: 'cdf6ad549e45b6aa5cd67d024931c33cd133d52d5ae500c3015020beb30da063',
    additionalInput: [
      'c7228e90c62f896a09e11684530102f926ec90a3255f6c21b857883c75800143',
      '76a94f224178fe4cbf9e2b8acc53c9dc3e50bb613aac8936601453cda3293b17',
    ],
    returnedBits:
      '1a6d8dbd642076d13916e5e23038b60b26061f13dd4e006277e0268698ffb2c8' +
      '7e453bae1251631ac90c701a9849d933995e8b0221fe9aca1985c546c2079027',
  },
  {
    variant: 'CTR_DRBG AES-256 no df',
    folder: 'drbgvectors_no_reseed',
    file: 'CTR_DRBG.rsp',
    section: 'AES-256 no df',
    block: 4, // PersonalizationStringLen = 384, AdditionalInputLen = 384
    count: 0,
    line: 14736,
    entropyInput:
      '0dd4d80062ecc0f359efbe7723020be9b88b550fe74088094069e74428395856f63eed4f5b0e7d1e006f0eaff74f638c',
    nonce: '',
    personalizationString:
      'd2aa2ccd4bc6537e51f6550ab6d6294547bef3e971a7f128e4436f957de9982c93ee22110b0e40ab33a7d3dfa22f599d',
    additionalInput: [
      '0b081bab6c74d86b4a010e2ded99d14e0c9838f7c3d69afd64f1b66377d95cdcb7f6ec5358e3516034c3339ced7e1638',
      'ca818f938ae0c7f4f507e4cfec10e7baf51fe34b89a502f754d2d2be7395120fe1fb013c67ac2500b3d17b735da09a6e',
    ],
    returnedBits:
      '6808268b13e236f642c06deba2494496e7003c937ebf6f7cb7c92104ea090f18' +
      '484aa075560d7844a06eb559948c93b26ae40f2db98ecb53ad593eb4c78f82b1',
  },
  {
    variant: 'HMAC_DRBG SHA-256',
    folder: 'drbgvectors_pr_true',
    file: 'HMAC_DRBG.rsp',
    section: 'SHA-256',
    block: 4, // PersonalizationStringLen = 256, AdditionalInputLen = 256
    count: 0,
    line: 5546,
    entropyInput: '4294671d493dc085b5184607d7de2ff2b6aceb734a1b026f6cfee7c5a90f03da',
    nonce: 'd071544e599235d5eb38b64b551d2a6e',
    personalizationString: '63bc769ae1d95a98bde870e4db7776297041d37c8a5c688d4e024b78d83f4d78',
    additionalInput: [
      '28848becd3f47696f124f4b14853a456156f69be583a7d4682cff8d44b39e1d3',
      '8bfce0b7132661c3cd78175d83926f643e36f7608eec2c5dac3ddcbacc8c2182',
    ],
    entropyInputPR: [
      'db9b4790b62336fbb9a684b82947065393eeef8f57bd2477141ad17e776dac34',
      '4a9abe80f6f522f29878bedf8245b27940a76471006fb4a4110beb4decb6c341',
    ],
    returnedBits:
      'e580dc969194b2b18a97478aef9d1a72390aff14562747bf080d741527a6655ce7fc135325b457483a9f9c70f91165a8' +
      '11cf4524b50d51199a0df3bd60d12abac27d0bf6618e6b114e05420352e23f3603dfe8a225dc19b3d1fff1dc245dc6b1' +
      'df24c741744bec3f9437dbbf222df84881a457a589e7815ef132f686b760f012',
  },
];

function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

function newMechanism(variant: KnownAnswerVariant): DrbgMechanism {
  switch (variant) {
    case 'HMAC_DRBG SHA-256':
      return new HmacDrbg();
    case 'CTR_DRBG AES-256 use df':
      return new CtrDrbg({ derivationFunction: true });
    case 'CTR_DRBG AES-256 no df':
      return new CtrDrbg({ derivationFunction: false });
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Runs one known answer through `DrbgInstance` (entropy input, nonce and reseed entropy served in
 * order by a known-answer source; prediction resistance on for pr_true) and compares the second
 * Generate's output with ReturnedBits. Never throws.
 */
export function runKnownAnswer(kat: DrbgKnownAnswer): SelfTestResult {
  const name = `SP 800-90A KAT ${kat.variant} (${kat.folder}/${kat.file} [${kat.section}] block ${kat.block} COUNT ${kat.count})`;
  try {
    const queue = [fromHex(kat.entropyInput)];
    if (kat.nonce !== '') queue.push(fromHex(kat.nonce));
    if (kat.folder === 'drbgvectors_pr_false') queue.push(fromHex(kat.entropyInputReseed ?? ''));
    if (kat.folder === 'drbgvectors_pr_true') queue.push(...(kat.entropyInputPR ?? []).map(fromHex));
    const entropy = new KnownAnswerEntropySource(queue);
    const instance = new DrbgInstance(newMechanism(kat.variant), entropy, {
      predictionResistance: kat.folder === 'drbgvectors_pr_true',
    });
    const expected = fromHex(kat.returnedBits);
    const output = new Uint8Array(expected.length);
    instance.instantiate(fromHex(kat.personalizationString));
    if (kat.folder === 'drbgvectors_pr_false') instance.reseed(fromHex(kat.additionalInputReseed ?? ''));
    instance.generate(output, fromHex(kat.additionalInput[0]));
    instance.generate(output, fromHex(kat.additionalInput[1]));
    instance.uninstantiate();
    if (entropy.remaining !== 0) {
      return {
        name,
        passed: false,
        detail: `${entropy.remaining} entropy inputs of the record were not used`,
      };
    }
    const actual = Buffer.from(output).toString('hex');
    return actual === kat.returnedBits
      ? { name, passed: true, detail: `${expected.length * 8} returned bits match` }
      : {
          name,
          passed: false,
          detail: `returned bits ${actual.slice(0, 32)}... differ from ${kat.returnedBits.slice(0, 32)}...`,
        };
  } catch (error) {
    return { name, passed: false, detail: `threw ${describeError(error)}` };
  }
}

/** Expects `fn` to throw an EntropyHealthError with `code`. */
function expectHealthFailure(name: string, code: string, fn: () => unknown): SelfTestResult {
  try {
    fn();
    return { name, passed: false, detail: 'the health tests accepted the bad source' };
  } catch (error) {
    if (error instanceof EntropyHealthError && error.code === code) {
      return { name, passed: true, detail: `detected: ${error.message}` };
    }
    return { name, passed: false, detail: `expected ${code}, got ${describeError(error)}` };
  }
}

const STUCK_SOURCE: EntropySource = {
  name: 'self-test stuck source',
  minEntropyBitsPerByte: 8,
  getEntropy: (bytes) => new Uint8Array(bytes).fill(0xa5),
};

/** Cycles 0, 1, 2, 3: never repeats (invisible to the RCT) yet every value fills 25% of a window. */
const BIASED_SOURCE: EntropySource = {
  name: 'self-test biased source',
  minEntropyBitsPerByte: 8,
  getEntropy: (bytes) => Uint8Array.from({ length: bytes }, (_, i) => i & 3),
};

/** SHA-256 in counter mode: passes the health tests until `failAfterCalls`, then stuck at 0. */
function sourceFailingAfter(failAfterCalls: number): EntropySource {
  let calls = 0;
  let counter = 0;
  return {
    name: 'self-test source that fails later',
    minEntropyBitsPerByte: 8,
    getEntropy(bytes: number): Uint8Array {
      calls++;
      const out = new Uint8Array(bytes);
      if (calls > failAfterCalls) return out;
      for (let offset = 0; offset < bytes; offset += 32) {
        const block = createHash('sha256').update(`croupier-self-test:${counter++}`).digest();
        out.set(block.subarray(0, Math.min(32, bytes - offset)), offset);
      }
      return out;
    },
  };
}

/** An entropy failure during an automatic reseed must stop generation for good (§11.3 error state). */
function errorStateCheck(): SelfTestResult {
  const name = 'SP 800-90A §11.3 DRBG enters the error state when its entropy source fails';
  try {
    // Calls: 1 start-up test, 2 entropy input, 3 nonce; the 4th (the first reseed) is stuck.
    const entropy = new HealthTestedEntropySource(sourceFailingAfter(3));
    const instance = new DrbgInstance(new HmacDrbg({ reseedIntervalRequests: 1 }), entropy);
    instance.instantiate();
    const output = new Uint8Array(32);
    instance.generate(output);
    const first = expectHealthFailure(name, 'ENTROPY_RCT_FAILURE', () => instance.generate(output));
    if (!first.passed) return first;
    try {
      instance.generate(output);
      return { name, passed: false, detail: 'the DRBG generated after its entropy source failed' };
    } catch (error) {
      return error instanceof DrbgError && error.code === 'ERROR_STATE'
        ? { name, passed: true, detail: 'health failure on reseed, then ERROR_STATE on every call' }
        : { name, passed: false, detail: `expected ERROR_STATE, got ${describeError(error)}` };
    }
  } catch (error) {
    return { name, passed: false, detail: `threw ${describeError(error)}` };
  }
}

/** All DRBG start-up self-tests; never throws. */
export function drbgSelfTest(): SelfTestResult[] {
  return [
    ...DRBG_KNOWN_ANSWERS.map(runKnownAnswer),
    expectHealthFailure(
      'SP 800-90B §4.4.1 repetition count test detects a stuck source',
      'ENTROPY_RCT_FAILURE',
      () => new HealthTestedEntropySource(STUCK_SOURCE),
    ),
    expectHealthFailure(
      'SP 800-90B §4.4.2 adaptive proportion test detects a biased source',
      'ENTROPY_APT_FAILURE',
      () => new HealthTestedEntropySource(BIASED_SOURCE),
    ),
    errorStateCheck(),
  ];
}
