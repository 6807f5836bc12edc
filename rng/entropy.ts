/**
 * Entropy inputs for the SP 800-90A DRBGs, and the SP 800-90B continuous health tests that guard
 * them.
 *
 * - `EntropySource`: what a DRBG draws entropy input and nonces from (SP 800-90A §8.6.5, §8.6.7).
 * - `rawOsEntropySource`: the operating system's CSPRNG (`crypto.randomBytes`, i.e. getrandom(2)
 *   on Linux), NOT health tested. Use `createOsEntropySource()` instead.
 * - `HealthTestedEntropySource`: wraps any source with the SP 800-90B §4.3 start-up test and the
 *   §4.4 continuous tests (Repetition Count Test §4.4.1, Adaptive Proportion Test §4.4.2). A failure
 *   throws `EntropyHealthError`, zeroizes the failing bytes (they are never returned) and latches:
 *   the source refuses every later request. Create a new source to recover (it re-runs start-up).
 *
 * Samples are bytes: every output byte of the raw source is one sample, so the sample alphabet is
 * non-binary (256 values) and the APT window is W = 512 (§4.4.2).
 *
 * Why H = 4 bits per byte for the OS source (`OS_ENTROPY_MIN_ENTROPY_BITS_PER_BYTE`): the kernel
 * CSPRNG output is conditioned and nominally carries 8 bits per byte, but the §4.4 cutoffs are
 * computed from the claimed H. With H = 8 and alpha = 2^-20 the RCT cutoff is 4, so a healthy source
 * would raise a false alarm about once per 16,000 start-ups (1,024 samples, each run of 4 equal
 * bytes having probability 2^-24). Claiming the conservative H = 4 keeps false alarms negligible
 * (RCT cutoff 6, APT cutoff 62 of 512) while still catching a stuck source and any byte value
 * taking more than about 12% of a window. The DRBG
 * credits the same H: it sizes its entropy input as ceil(256 / H) = 64 bytes and its nonce as
 * ceil(128 / H) = 32 bytes (see `DrbgInstance`), so 256 bits of entropy are obtained under the claim.
 */
import { randomBytes } from 'node:crypto';

/** A source of entropy input (SP 800-90A §8.6.5) and nonces (§8.6.7). */
export interface EntropySource {
  /** Short description for reports, e.g. "os:crypto.randomBytes". */
  readonly name: string;
  /**
   * Claimed min-entropy per output byte, in bits, in (0, 8]. A DRBG sizes its entropy input from it
   * (ceil(securityStrength / H) bytes); 8 means full entropy.
   */
  readonly minEntropyBitsPerByte: number;
  /** Returns exactly `bytes` fresh bytes, or throws. */
  getEntropy(bytes: number): Uint8Array;
}

/** Largest single request any source in this module serves (bounds every loop and allocation). */
export const MAX_ENTROPY_REQUEST_BYTES = 65_536;

/** False-positive probability of each health test: alpha = 2^-20 (SP 800-90B §4.4). */
export const HEALTH_TEST_ALPHA_EXPONENT = 20;

/** APT window for non-binary samples (SP 800-90B §4.4.2: W = 512; 1024 is for binary sources). */
export const APT_WINDOW_NON_BINARY = 512;

/** Start-up testing covers at least 1,024 consecutive samples (SP 800-90B §4.3). */
export const STARTUP_TEST_SAMPLES = 1024;

/** The min-entropy claimed for the OS source when health testing it (see the file comment). */
export const OS_ENTROPY_MIN_ENTROPY_BITS_PER_BYTE = 4;

function assertRequestBytes(bytes: number): void {
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > MAX_ENTROPY_REQUEST_BYTES) {
    throw new RangeError(`entropy request must be 1..${MAX_ENTROPY_REQUEST_BYTES} bytes, got ${bytes}`);
  }
}

function assertMinEntropy(bitsPerSample: number): void {
  if (!(bitsPerSample > 0 && bitsPerSample <= 8)) {
    throw new RangeError(`min-entropy per byte sample must be in (0, 8] bits, got ${bitsPerSample}`);
  }
}

function assertAlphaExponent(alphaExponent: number): void {
  // SP 800-90B §4.4 recommends 2^-40 <= alpha <= 2^-20.
  if (!Number.isInteger(alphaExponent) || alphaExponent < 20 || alphaExponent > 40) {
    throw new RangeError(`alpha must be 2^-20 .. 2^-40 (exponent 20..40), got exponent ${alphaExponent}`);
  }
}

/**
 * The operating system's CSPRNG via `crypto.randomBytes`, with no health testing. Exposed for
 * composition and tests; production code takes `createOsEntropySource()`.
 */
export const rawOsEntropySource: EntropySource = Object.freeze({
  name: 'os:crypto.randomBytes',
  minEntropyBitsPerByte: 8,
  getEntropy(bytes: number): Uint8Array {
    assertRequestBytes(bytes);
    const buf = randomBytes(bytes);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
  },
});

// ---------------------------------------------------------------------------------------------
// Cutoffs (SP 800-90B §4.4)
// ---------------------------------------------------------------------------------------------

/**
 * Repetition Count Test cutoff, SP 800-90B §4.4.1: C = 1 + ceil(-log2(alpha) / H).
 * A run of C identical consecutive samples has probability at most 2^(-H (C-1)) <= alpha.
 */
export function repetitionCountCutoff(
  minEntropyBitsPerSample: number,
  alphaExponent = HEALTH_TEST_ALPHA_EXPONENT,
): number {
  assertMinEntropy(minEntropyBitsPerSample);
  assertAlphaExponent(alphaExponent);
  return 1 + Math.ceil(alphaExponent / minEntropyBitsPerSample);
}

/**
 * Adaptive Proportion Test cutoff, SP 800-90B §4.4.2: C = 1 + CRITBINOM(W, 2^-H, 1 - alpha), where
 * CRITBINOM(n, p, q) is the smallest k with P(X <= k) >= q for X ~ Binomial(n, p) (the Excel
 * function the standard names).
 */
export function adaptiveProportionCutoff(
  minEntropyBitsPerSample: number,
  windowSize = APT_WINDOW_NON_BINARY,
  alphaExponent = HEALTH_TEST_ALPHA_EXPONENT,
): number {
  assertMinEntropy(minEntropyBitsPerSample);
  assertAlphaExponent(alphaExponent);
  return 1 + criticalBinomial(windowSize, 2 ** -minEntropyBitsPerSample, 2 ** -alphaExponent);
}

/**
 * CRITBINOM(n, p, 1 - alpha): the smallest k with P(X > k) <= alpha, X ~ Binomial(n, p).
 * The upper tail is summed from k = n downwards in log space (pmf terms like 0.5^1024 underflow a
 * double), which also keeps the small tail probabilities accurate instead of computing 1 - CDF.
 */
export function criticalBinomial(trials: number, p: number, alpha: number): number {
  if (!Number.isInteger(trials) || trials < 1 || trials > 1 << 20) {
    throw new RangeError(`trials must be an integer in 1..2^20, got ${trials}`);
  }
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1), got ${p}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);

  // logChoose[k] = ln C(n, k), built by C(n, k) = C(n, k-1) (n - k + 1) / k.
  const logChoose = new Float64Array(trials + 1);
  for (let k = 1; k <= trials; k++) {
    logChoose[k] = logChoose[k - 1]! + Math.log((trials - k + 1) / k);
  }
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  const pmf = (k: number): number => Math.exp(logChoose[k]! + k * logP + (trials - k) * logQ);

  let k = trials;
  let upperTail = 0; // P(X > k)
  while (k > 0) {
    const withK = upperTail + pmf(k); // P(X > k - 1)
    if (withK > alpha) break;
    upperTail = withK;
    k--;
  }
  return k;
}

// ---------------------------------------------------------------------------------------------
// The two continuous tests (SP 800-90B §4.4.1, §4.4.2)
// ---------------------------------------------------------------------------------------------

export type HealthTestName = 'repetition-count' | 'adaptive-proportion';

/** Where and how a health test failed. */
export interface HealthTestFailure {
  readonly test: HealthTestName;
  readonly cutoff: number;
  /** The repeated (RCT) or over-represented (APT) sample value. */
  readonly sampleValue: number;
  /** Number of samples processed by the test, including the failing one. */
  readonly samplesTested: number;
}

/**
 * Repetition Count Test, SP 800-90B §4.4.1: A = the current sample, B = 1; for each next sample,
 * if it equals A then B = B + 1 and B >= C is a failure; otherwise A = the sample and B = 1.
 * The state carries over between calls (the test is continuous).
 */
export class RepetitionCountTest {
  readonly cutoff: number;
  private lastSample = -1; // -1: no sample seen yet
  private runLength = 0;
  private samplesTested = 0;

  constructor(cutoff: number) {
    if (!Number.isInteger(cutoff) || cutoff < 2)
      throw new RangeError(`RCT cutoff must be >= 2, got ${cutoff}`);
    this.cutoff = cutoff;
  }

  /** Tests `samples` in order; returns the first failure, or null if all pass. */
  process(samples: Uint8Array): HealthTestFailure | null {
    for (let i = 0; i < samples.length; i++) {
      const sample = samples[i]!;
      this.samplesTested++;
      if (sample === this.lastSample) {
        this.runLength++;
        if (this.runLength >= this.cutoff) {
          return {
            test: 'repetition-count',
            cutoff: this.cutoff,
            sampleValue: sample,
            samplesTested: this.samplesTested,
          };
        }
      } else {
        this.lastSample = sample;
        this.runLength = 1;
      }
    }
    return null;
  }
}

/**
 * Adaptive Proportion Test, SP 800-90B §4.4.2: the first sample of each window of W samples is A and
 * B = 1; each of the next W - 1 samples equal to A increments B, and B >= C is a failure. Windows
 * are consecutive and the state carries over between calls.
 */
export class AdaptiveProportionTest {
  readonly cutoff: number;
  readonly windowSize: number;
  private windowSample = 0;
  private positionInWindow = 0; // 0: the next sample opens a new window
  private matches = 0;
  private samplesTested = 0;

  constructor(cutoff: number, windowSize = APT_WINDOW_NON_BINARY) {
    if (!Number.isInteger(windowSize) || windowSize < 2 || windowSize > 1 << 16) {
      throw new RangeError(`APT window must be 2..65536 samples, got ${windowSize}`);
    }
    if (!Number.isInteger(cutoff) || cutoff < 2 || cutoff > windowSize) {
      throw new RangeError(`APT cutoff must be 2..${windowSize}, got ${cutoff}`);
    }
    this.cutoff = cutoff;
    this.windowSize = windowSize;
  }

  /** Tests `samples` in order; returns the first failure, or null if all pass. */
  process(samples: Uint8Array): HealthTestFailure | null {
    for (let i = 0; i < samples.length; i++) {
      const sample = samples[i]!;
      this.samplesTested++;
      if (this.positionInWindow === 0) {
        this.windowSample = sample;
        this.matches = 1;
      } else if (sample === this.windowSample) {
        this.matches++;
        if (this.matches >= this.cutoff) {
          return {
            test: 'adaptive-proportion',
            cutoff: this.cutoff,
            sampleValue: sample,
            samplesTested: this.samplesTested,
          };
        }
      }
      this.positionInWindow = this.positionInWindow + 1 === this.windowSize ? 0 : this.positionInWindow + 1;
    }
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// The health-tested source
// ---------------------------------------------------------------------------------------------

export type EntropyHealthErrorCode =
  /** The Repetition Count Test (SP 800-90B §4.4.1) failed: the source looks stuck. */
  | 'ENTROPY_RCT_FAILURE'
  /** The Adaptive Proportion Test (SP 800-90B §4.4.2) failed: one value is far too frequent. */
  | 'ENTROPY_APT_FAILURE'
  /** A test failed earlier; the source refuses all output until replaced. */
  | 'ENTROPY_SOURCE_FAILED'
  /** The raw source returned the wrong number of bytes or threw. */
  | 'ENTROPY_SOURCE_ERROR';

/** A health-test failure (or a source malfunction) detected on entropy input. */
export class EntropyHealthError extends Error {
  readonly code: EntropyHealthErrorCode;
  readonly failure: HealthTestFailure | null;

  constructor(
    code: EntropyHealthErrorCode,
    message: string,
    failure: HealthTestFailure | null = null,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'EntropyHealthError';
    this.code = code;
    this.failure = failure;
  }
}

export interface HealthTestOptions {
  /**
   * Claimed min-entropy H per byte sample, used for both cutoffs and credited to the DRBG; at most
   * the raw source's own claim. Default: min(raw claim, OS_ENTROPY_MIN_ENTROPY_BITS_PER_BYTE = 4).
   */
  readonly minEntropyBitsPerByte?: number;
  /** alpha = 2^-alphaExponent; default 20. */
  readonly alphaExponent?: number;
}

/**
 * Any entropy source behind the SP 800-90B health tests. The constructor runs the start-up test
 * (§4.3) over `STARTUP_TEST_SAMPLES` samples, which are discarded; every later request is tested
 * continuously (§4.4) before it is returned.
 */
export class HealthTestedEntropySource implements EntropySource {
  readonly name: string;
  readonly minEntropyBitsPerByte: number;
  readonly repetitionCount: RepetitionCountTest;
  readonly adaptiveProportion: AdaptiveProportionTest;
  private readonly raw: EntropySource;
  private latchedFailure: EntropyHealthError | null = null;

  constructor(raw: EntropySource, options: HealthTestOptions = {}) {
    const h =
      options.minEntropyBitsPerByte ??
      Math.min(raw.minEntropyBitsPerByte, OS_ENTROPY_MIN_ENTROPY_BITS_PER_BYTE);
    assertMinEntropy(h);
    if (h > raw.minEntropyBitsPerByte) {
      throw new RangeError(
        `claimed H = ${h} exceeds the raw source's claim of ${raw.minEntropyBitsPerByte} bits/byte`,
      );
    }
    const alphaExponent = options.alphaExponent ?? HEALTH_TEST_ALPHA_EXPONENT;
    this.raw = raw;
    this.minEntropyBitsPerByte = h;
    this.repetitionCount = new RepetitionCountTest(repetitionCountCutoff(h, alphaExponent));
    this.adaptiveProportion = new AdaptiveProportionTest(
      adaptiveProportionCutoff(h, APT_WINDOW_NON_BINARY, alphaExponent),
    );
    this.name = `${raw.name}+sp800-90b-health(H=${h},alpha=2^-${alphaExponent})`;

    // Start-up test (§4.3): the samples only feed the tests and are zeroized.
    const startup = this.drawAndTest(STARTUP_TEST_SAMPLES);
    startup.fill(0);
  }

  /** True once a health test has failed; the source then refuses every request. */
  get failed(): boolean {
    return this.latchedFailure !== null;
  }

  getEntropy(bytes: number): Uint8Array {
    assertRequestBytes(bytes);
    return this.drawAndTest(bytes);
  }

  private drawAndTest(bytes: number): Uint8Array {
    if (this.latchedFailure !== null) {
      throw new EntropyHealthError(
        'ENTROPY_SOURCE_FAILED',
        `entropy source ${this.name} failed a health test earlier and is disabled`,
        this.latchedFailure.failure,
        this.latchedFailure,
      );
    }
    let samples: Uint8Array;
    try {
      samples = this.raw.getEntropy(bytes);
    } catch (cause) {
      throw this.latch(
        new EntropyHealthError('ENTROPY_SOURCE_ERROR', `entropy source ${this.raw.name} threw`, null, cause),
      );
    }
    if (!(samples instanceof Uint8Array) || samples.length !== bytes) {
      throw this.latch(
        new EntropyHealthError(
          'ENTROPY_SOURCE_ERROR',
          `entropy source ${this.raw.name} returned ${samples?.length} bytes, ${bytes} requested`,
        ),
      );
    }
    const failure = this.repetitionCount.process(samples) ?? this.adaptiveProportion.process(samples);
    if (failure !== null) {
      samples.fill(0); // never hand out (or keep) bytes that failed
      const code = failure.test === 'repetition-count' ? 'ENTROPY_RCT_FAILURE' : 'ENTROPY_APT_FAILURE';
      const section = failure.test === 'repetition-count' ? '§4.4.1' : '§4.4.2';
      throw this.latch(
        new EntropyHealthError(
          code,
          `SP 800-90B ${section} ${failure.test} test failed on ${this.raw.name}: value 0x${failure.sampleValue
            .toString(16)
            .padStart(2, '0')} reached the cutoff ${failure.cutoff}`,
          failure,
        ),
      );
    }
    return samples;
  }

  private latch(error: EntropyHealthError): EntropyHealthError {
    this.latchedFailure = error;
    return error;
  }
}

/** The production entropy source: the OS CSPRNG behind the SP 800-90B health tests (H = 4 bits/byte). */
export function createOsEntropySource(): HealthTestedEntropySource {
  return new HealthTestedEntropySource(rawOsEntropySource, {
    minEntropyBitsPerByte: OS_ENTROPY_MIN_ENTROPY_BITS_PER_BYTE,
  });
}

/**
 * Replays fixed byte strings in order: for known-answer tests only (CAVP vectors, start-up self
 * test), where the "entropy" is part of the test vector. Each request must ask for exactly the
 * length of the next queued string; anything else is a test bug and throws.
 */
export class KnownAnswerEntropySource implements EntropySource {
  readonly name = 'known-answer (test vectors only)';
  readonly minEntropyBitsPerByte = 8;
  private readonly queue: readonly Uint8Array[];
  private next = 0;

  constructor(queue: readonly Uint8Array[]) {
    this.queue = queue;
  }

  /** Number of queued strings not yet requested. */
  get remaining(): number {
    return this.queue.length - this.next;
  }

  getEntropy(bytes: number): Uint8Array {
    const value = this.queue[this.next];
    if (value === undefined) throw new Error(`known-answer entropy exhausted (request of ${bytes} bytes)`);
    if (value.length !== bytes) {
      throw new Error(`known-answer entropy #${this.next} has ${value.length} bytes, ${bytes} requested`);
    }
    this.next++;
    return value.slice();
  }
}
