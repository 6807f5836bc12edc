import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AdaptiveProportionTest,
  adaptiveProportionCutoff,
  createOsEntropySource,
  criticalBinomial,
  EntropyHealthError,
  type EntropySource,
  HealthTestedEntropySource,
  KnownAnswerEntropySource,
  RepetitionCountTest,
  rawOsEntropySource,
  repetitionCountCutoff,
  STARTUP_TEST_SAMPLES,
} from './entropy.ts';

/** A deterministic, statistically good byte source: SHA-256 in counter mode over a label. */
function goodSource(label: string): EntropySource & { calls: number[] } {
  let counter = 0;
  const calls: number[] = [];
  return {
    name: `test-good:${label}`,
    minEntropyBitsPerByte: 8,
    calls,
    getEntropy(bytes: number): Uint8Array {
      calls.push(bytes);
      const out = new Uint8Array(bytes);
      for (let offset = 0; offset < bytes; offset += 32) {
        const block = createHash('sha256').update(`${label}:${counter++}`).digest();
        out.set(block.subarray(0, Math.min(32, bytes - offset)), offset);
      }
      return out;
    },
  };
}

/** Negative control for the RCT: a source stuck on one value. */
const stuckSource: EntropySource = {
  name: 'test-stuck',
  minEntropyBitsPerByte: 8,
  getEntropy: (bytes) => new Uint8Array(bytes).fill(0x42),
};

/**
 * Negative control for the APT: each byte is one of only 4 values and never equals the previous
 * byte, so runs never exceed 1 (the RCT cannot see it) while every value fills ~25% of a window.
 */
function biasedSource(): EntropySource {
  let state = 0x9e3779b9;
  let previous = -1;
  return {
    name: 'test-biased',
    minEntropyBitsPerByte: 8,
    getEntropy(bytes: number): Uint8Array {
      const out = new Uint8Array(bytes);
      for (let i = 0; i < bytes; i++) {
        let value: number;
        do {
          state = (Math.imul(state, 1664525) + 1013904223) >>> 0; // LCG, fixed seed
          value = 0x30 + (state >>> 30);
        } while (value === previous);
        out[i] = value;
        previous = value;
      }
      return out;
    },
  };
}

function caught(fn: () => unknown): EntropyHealthError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EntropyHealthError);
    return error as EntropyHealthError;
  }
  throw new Error('expected an EntropyHealthError, nothing was thrown');
}

describe('SP 800-90B §4.4 cutoffs', () => {
  it('match published values for H = 0.5, alpha = 2^-20 (RCT 41, APT 410 with W = 512)', () => {
    // Published in the Go standard library's crypto/internal/entropy documentation, which derives
    // them with the same §4.4.1 / §4.4.2 formulas (checked there with scipy's binom.ppf).
    expect(repetitionCountCutoff(0.5)).toBe(41);
    expect(adaptiveProportionCutoff(0.5, 512)).toBe(410);
  });

  it('follow C = 1 + ceil(20 / H) for the RCT', () => {
    expect([1, 2, 4, 8].map((h) => repetitionCountCutoff(h))).toEqual([21, 11, 6, 4]);
    expect(repetitionCountCutoff(4, 40)).toBe(11);
  });

  it('use the critical binomial value (CRITBINOM) exactly', () => {
    // X ~ Binomial(10, 1/2): P(X > 8) = 11/1024 <= 0.05 < P(X > 7) = 56/1024.
    expect(criticalBinomial(10, 0.5, 0.05)).toBe(8);
    // P(X > 9) = 1/1024 <= 0.001 < P(X > 8).
    expect(criticalBinomial(10, 0.5, 0.001)).toBe(9);
    // Window 1024 at p = 1/2 must not underflow (0.5^1024 is below the double range's normals).
    const binary = adaptiveProportionCutoff(1, 1024);
    expect(binary).toBeGreaterThan(512);
    expect(binary).toBeLessThan(1024);
  });

  it('grow monotonically as the claimed entropy falls', () => {
    const hs = [8, 6, 4, 2, 1, 0.5];
    const apt = hs.map((h) => adaptiveProportionCutoff(h));
    for (let i = 1; i < apt.length; i++) expect(apt[i]!).toBeGreaterThan(apt[i - 1]!);
  });

  it('reject H outside (0, 8] and alpha outside 2^-20..2^-40', () => {
    expect(() => repetitionCountCutoff(0)).toThrow(RangeError);
    expect(() => repetitionCountCutoff(8.5)).toThrow(RangeError);
    expect(() => adaptiveProportionCutoff(4, 512, 10)).toThrow(RangeError);
  });
});

describe('RepetitionCountTest (§4.4.1) and AdaptiveProportionTest (§4.4.2)', () => {
  it('RCT fails on the C-th identical sample in a row, across calls', () => {
    const rct = new RepetitionCountTest(3);
    expect(rct.process(Uint8Array.of(7, 1, 1))).toBeNull();
    const failure = rct.process(Uint8Array.of(1));
    expect(failure).toEqual({ test: 'repetition-count', cutoff: 3, sampleValue: 1, samplesTested: 4 });
  });

  it('RCT resets the run on a different sample', () => {
    const rct = new RepetitionCountTest(3);
    expect(rct.process(Uint8Array.of(1, 1, 2, 2, 1, 1, 2, 2))).toBeNull();
  });

  it('APT counts matches of the first sample of each window, across calls', () => {
    const apt = new AdaptiveProportionTest(3, 4);
    // Window 1: A = 5, matches 2 of 4 -> pass. Window 2: A = 9; third 9 at sample 8 -> fail.
    expect(apt.process(Uint8Array.of(5, 5, 1, 2))).toBeNull();
    expect(apt.process(Uint8Array.of(9, 0, 9))).toBeNull();
    expect(apt.process(Uint8Array.of(9))).toEqual({
      test: 'adaptive-proportion',
      cutoff: 3,
      sampleValue: 9,
      samplesTested: 8,
    });
  });

  it('APT only counts the window-opening value', () => {
    const apt = new AdaptiveProportionTest(3, 8);
    // 7 appears 4 times but the window opened with 1.
    expect(apt.process(Uint8Array.of(1, 7, 2, 7, 3, 7, 4, 7))).toBeNull();
  });
});

describe('HealthTestedEntropySource', () => {
  it('rejects a stuck source at start-up with the RCT (negative control)', () => {
    const error = caught(() => new HealthTestedEntropySource(stuckSource));
    expect(error.code).toBe('ENTROPY_RCT_FAILURE');
    expect(error.failure?.test).toBe('repetition-count');
    expect(error.failure?.samplesTested).toBe(6); // cutoff 6 at H = 4
    expect(error.message).toContain('§4.4.1');
  });

  it('rejects a heavily biased source at start-up with the APT (negative control)', () => {
    const error = caught(() => new HealthTestedEntropySource(biasedSource()));
    expect(error.code).toBe('ENTROPY_APT_FAILURE');
    expect(error.failure?.cutoff).toBe(62);
    expect(error.failure!.samplesTested).toBeLessThanOrEqual(512);
  });

  it('passes a good deterministic source over 1 MiB, returning exactly its bytes', () => {
    const raw = goodSource('pass');
    const tested = new HealthTestedEntropySource(raw);
    expect(raw.calls).toEqual([STARTUP_TEST_SAMPLES]);
    const twin = goodSource('pass');
    twin.getEntropy(STARTUP_TEST_SAMPLES);
    for (let i = 0; i < 256; i++) {
      const bytes = tested.getEntropy(4096);
      expect(Buffer.from(bytes).equals(Buffer.from(twin.getEntropy(4096)))).toBe(true);
    }
    expect(tested.failed).toBe(false);
  });

  it('passes the OS source (H = 4: RCT cutoff 6, APT cutoff 62 of 512)', () => {
    const os = createOsEntropySource();
    expect(os.minEntropyBitsPerByte).toBe(4);
    expect(os.repetitionCount.cutoff).toBe(6);
    expect(os.adaptiveProportion.cutoff).toBe(62);
    expect(os.adaptiveProportion.windowSize).toBe(512);
    const seen = new Set<string>();
    for (let i = 0; i < 64; i++) seen.add(Buffer.from(os.getEntropy(4096)).toString('hex'));
    expect(seen.size).toBe(64);
    expect(os.name).toContain('os:crypto.randomBytes');
  });

  it('fails when a source gets stuck after start-up, never returns those bytes, and stays failed', () => {
    const good = goodSource('then-stuck');
    let stuck = false;
    const flaky: EntropySource = {
      name: 'test-flaky',
      minEntropyBitsPerByte: 8,
      getEntropy: (bytes) => (stuck ? new Uint8Array(bytes).fill(0) : good.getEntropy(bytes)),
    };
    const tested = new HealthTestedEntropySource(flaky);
    expect(tested.getEntropy(64)).toHaveLength(64);
    stuck = true;
    expect(caught(() => tested.getEntropy(64)).code).toBe('ENTROPY_RCT_FAILURE');
    stuck = false;
    const later = caught(() => tested.getEntropy(64));
    expect(later.code).toBe('ENTROPY_SOURCE_FAILED');
    expect(later.cause).toBeInstanceOf(EntropyHealthError);
    expect(tested.failed).toBe(true);
  });

  it('zeroizes the failing bytes in place', () => {
    let handedOut: Uint8Array | null = null;
    let calls = 0;
    const good = goodSource('zeroize');
    const source: EntropySource = {
      name: 'test-zeroize',
      minEntropyBitsPerByte: 8,
      getEntropy(bytes) {
        calls++;
        if (calls === 1) return good.getEntropy(bytes);
        // Good bytes, then a run of 0xee long enough to trip the RCT.
        handedOut = good.getEntropy(bytes);
        handedOut.fill(0xee, bytes - 10);
        return handedOut;
      },
    };
    const tested = new HealthTestedEntropySource(source);
    caught(() => tested.getEntropy(64));
    expect(handedOut!.every((b) => b === 0)).toBe(true);
  });

  it('reports a source that returns the wrong length or throws', () => {
    const short: EntropySource = {
      name: 'short',
      minEntropyBitsPerByte: 8,
      getEntropy: () => new Uint8Array(3),
    };
    expect(caught(() => new HealthTestedEntropySource(short)).code).toBe('ENTROPY_SOURCE_ERROR');
    const throwing: EntropySource = {
      name: 'throwing',
      minEntropyBitsPerByte: 8,
      getEntropy: () => {
        throw new Error('device gone');
      },
    };
    const error = caught(() => new HealthTestedEntropySource(throwing));
    expect(error.code).toBe('ENTROPY_SOURCE_ERROR');
    expect((error.cause as Error).message).toBe('device gone');
  });

  it('refuses a claimed H above the raw source claim, and out-of-range requests', () => {
    const low: EntropySource = { ...goodSource('low'), minEntropyBitsPerByte: 2 };
    expect(() => new HealthTestedEntropySource(low, { minEntropyBitsPerByte: 4 })).toThrow(RangeError);
    expect(new HealthTestedEntropySource(low).minEntropyBitsPerByte).toBe(2);
    const tested = new HealthTestedEntropySource(goodSource('range'));
    expect(() => tested.getEntropy(0)).toThrow(RangeError);
    expect(() => tested.getEntropy(65_537)).toThrow(RangeError);
    expect(() => rawOsEntropySource.getEntropy(1.5)).toThrow(RangeError);
  });
});

describe('KnownAnswerEntropySource', () => {
  it('replays its queue in order and refuses a mismatched or extra request', () => {
    const kat = new KnownAnswerEntropySource([Uint8Array.of(1, 2), Uint8Array.of(3)]);
    expect(() => kat.getEntropy(1)).toThrow(/2 bytes, 1 requested/);
    expect([...kat.getEntropy(2)]).toEqual([1, 2]);
    expect([...kat.getEntropy(1)]).toEqual([3]);
    expect(kat.remaining).toBe(0);
    expect(() => kat.getEntropy(1)).toThrow(/exhausted/);
  });
});
