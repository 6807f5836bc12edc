import FFT from 'fft.js';
import { erfc } from './special-functions.ts';
import { assertBits, type NistTestResult, notApplicable } from './types.ts';

/*
 * FFT of any length. The reference uses FFTPACK's real transform (mixed radix 2/3/4/5 + generic).
 * No well-kept npm library does a double-precision FFT of arbitrary length: fft.js (indutny,
 * ~1.5M downloads/month) is radix-4 and power-of-two only; kissfft-wasm / pffft-wasm are float32
 * (too coarse: the modulus count around the threshold would flip); @stdlib/fft has only FFTPACK's
 * `rffti` so far. So we use fft.js for the power-of-two work and Bluestein's chirp-z algorithm on
 * top of it for other lengths (a real length-n FFT is packed as a complex length-n/2 FFT first).
 * Double precision throughout: the error on a modulus is ~1e-9 absolute for n = 10^6, far below
 * the spacing that would change which moduli fall under T (checked against a naive DFT in tests).
 */

interface ComplexPlan {
  readonly n: number;
  /** Power-of-two transform of length `size` (n itself when n is a power of two). */
  readonly fft: FFT;
  readonly size: number;
  /** Bluestein only: e^{−iπk²/n} for k < n (interleaved re, im). */
  readonly chirp: Float64Array | null;
  /** Bluestein only: FFT of the conjugate chirp, wrapped to length `size`. */
  readonly chirpSpectrum: Float64Array | null;
  readonly work: Float64Array;
  readonly workOut: Float64Array;
}

function isPowerOfTwo(n: number): boolean {
  return n >= 2 && (n & (n - 1)) === 0;
}

function createComplexPlan(n: number): ComplexPlan {
  if (isPowerOfTwo(n)) {
    return {
      n,
      fft: new FFT(n),
      size: n,
      chirp: null,
      chirpSpectrum: null,
      work: new Float64Array(2 * n),
      workOut: new Float64Array(2 * n),
    };
  }
  let size = 2;
  while (size < 2 * n - 1) size *= 2;
  const fft = new FFT(size);
  const chirp = new Float64Array(2 * n);
  const twoN = 2 * n;
  for (let k = 0; k < n; k++) {
    // k² mod 2n keeps the angle argument small and exact (k² < 2^53 for any n we accept).
    const angle = (Math.PI * ((k * k) % twoN)) / n;
    chirp[2 * k] = Math.cos(angle);
    chirp[2 * k + 1] = -Math.sin(angle);
  }
  const b = new Float64Array(2 * size);
  b[0] = 1;
  for (let k = 1; k < n; k++) {
    const re = chirp[2 * k]!;
    const im = -chirp[2 * k + 1]!;
    b[2 * k] = re;
    b[2 * k + 1] = im;
    b[2 * (size - k)] = re;
    b[2 * (size - k) + 1] = im;
  }
  const chirpSpectrum = new Float64Array(2 * size);
  fft.transform(chirpSpectrum, b);
  return {
    n,
    fft,
    size,
    chirp,
    chirpSpectrum,
    work: new Float64Array(2 * size),
    workOut: new Float64Array(2 * size),
  };
}

/** out[k] = a[k] · b[k] for the first `count` interleaved complex values (out may alias a or b). */
function multiplyComplex(out: Float64Array, a: Float64Array, b: Float64Array, count: number): void {
  for (let k = 0; k < count; k++) {
    const ar = a[2 * k]!;
    const ai = a[2 * k + 1]!;
    const br = b[2 * k]!;
    const bi = b[2 * k + 1]!;
    out[2 * k] = ar * br - ai * bi;
    out[2 * k + 1] = ar * bi + ai * br;
  }
}

/** Forward DFT X_k = Σ x_j e^{−2πijk/n} of interleaved complex `input` (length 2n) into `output`. */
function complexDft(plan: ComplexPlan, input: Float64Array, output: Float64Array): void {
  const { n, fft, size, chirp, chirpSpectrum, work, workOut } = plan;
  if (chirp === null || chirpSpectrum === null) {
    fft.transform(output, input);
    return;
  }
  // Bluestein: X = chirp · ((input · chirp), zero-padded to `size`) ⊛ conj(chirp), the circular
  // convolution done as a product of spectra.
  work.fill(0);
  multiplyComplex(work, input, chirp, n);
  fft.transform(workOut, work);
  multiplyComplex(work, workOut, chirpSpectrum, size);
  fft.inverseTransform(workOut, work);
  multiplyComplex(output, workOut, chirp, n);
}

interface RealPlan {
  readonly n: number;
  readonly half: ComplexPlan | null;
  readonly full: ComplexPlan | null;
  /** e^{−2πik/n} for k < n/2 (interleaved), even n only. */
  readonly twiddle: Float64Array | null;
  readonly packed: Float64Array;
  readonly spectrum: Float64Array;
}

function createRealPlan(n: number): RealPlan {
  if (n % 2 === 0 && n >= 4) {
    const h = n / 2;
    const twiddle = new Float64Array(2 * h);
    for (let k = 0; k < h; k++) {
      const angle = (2 * Math.PI * k) / n;
      twiddle[2 * k] = Math.cos(angle);
      twiddle[2 * k + 1] = -Math.sin(angle);
    }
    return {
      n,
      half: createComplexPlan(h),
      full: null,
      twiddle,
      packed: new Float64Array(2 * h),
      spectrum: new Float64Array(2 * h),
    };
  }
  return {
    n,
    half: null,
    full: createComplexPlan(n),
    twiddle: null,
    packed: new Float64Array(2 * n),
    spectrum: new Float64Array(2 * n),
  };
}

/*
 * Plans (chirps and the chirp's spectrum) depend only on n and cost about as much as one
 * transform, so the last few are memoised. Results never depend on this cache.
 */
const PLAN_CACHE_LIMIT = 2;
const planCache = new Map<number, RealPlan>();

function realPlan(n: number): RealPlan {
  const cached = planCache.get(n);
  if (cached) return cached;
  const plan = createRealPlan(n);
  if (planCache.size >= PLAN_CACHE_LIMIT) planCache.delete(planCache.keys().next().value!);
  planCache.set(n, plan);
  return plan;
}

/**
 * |X_k| for k = 0 .. ⌊n/2⌋ − 1 of the real sequence x (length n ≥ 2): exactly the moduli the
 * reference's DFT test counts (item 7: the DC term included, the Nyquist term excluded).
 */
export function realDftModuli(x: Float64Array): Float64Array {
  const n = x.length;
  if (n < 2) throw new RangeError('realDftModuli needs n >= 2');
  const count = Math.floor(n / 2);
  const moduli = new Float64Array(count);
  if (n === 2) {
    moduli[0] = Math.abs(x[0]! + x[1]!);
    return moduli;
  }
  const plan = realPlan(n);
  const { packed, spectrum } = plan;
  if (plan.half && plan.twiddle) {
    const h = n / 2;
    for (let k = 0; k < h; k++) {
      packed[2 * k] = x[2 * k]!;
      packed[2 * k + 1] = x[2 * k + 1]!;
    }
    complexDft(plan.half, packed, spectrum);
    const tw = plan.twiddle;
    for (let k = 0; k < h; k++) {
      const j = k === 0 ? 0 : h - k;
      const zr = spectrum[2 * k]!;
      const zi = spectrum[2 * k + 1]!;
      const cr = spectrum[2 * j]!;
      const ci = -spectrum[2 * j + 1]!;
      // Even part (Z_k + conj Z_{h−k})/2, odd part (Z_k − conj Z_{h−k})/(2i).
      const er = 0.5 * (zr + cr);
      const ei = 0.5 * (zi + ci);
      const or = 0.5 * (zi - ci);
      const oi = -0.5 * (zr - cr);
      const wr = tw[2 * k]!;
      const wi = tw[2 * k + 1]!;
      const xr = er + wr * or - wi * oi;
      const xi = ei + wr * oi + wi * or;
      moduli[k] = Math.sqrt(xr * xr + xi * xi);
    }
    return moduli;
  }
  const full = plan.full!;
  for (let k = 0; k < n; k++) {
    packed[2 * k] = x[k]!;
    packed[2 * k + 1] = 0;
  }
  complexDft(full, packed, spectrum);
  for (let k = 0; k < count; k++) {
    const re = spectrum[2 * k]!;
    const im = spectrum[2 * k + 1]!;
    moduli[k] = Math.sqrt(re * re + im * im);
  }
  return moduli;
}

/**
 * Discrete Fourier transform (spectral) test, SP 800-22 §2.6 (description §3.6), as the reference
 * computes it (item 7): T = √(ln(1/0.05)·n) = √(2.995732274·n), N₁ = #{k < n/2 : |X_k| < T} with
 * the DC term X₀ counted, N₀ = 0.95·n/2, d = (N₁ − N₀)/√(n·0.95·0.05/4), P = erfc(|d|/√2).
 * The worked examples §2.6.4 and §2.6.8 print N₁ = 4 and 46; the reference (and any DFT) gives
 * 5 and 48 on the same inputs; we follow the reference.
 */
export function dftTest(bits: Uint8Array): NistTestResult {
  assertBits(bits);
  const n = bits.length;
  const parameters = { n };
  if (n < 2) return notApplicable('FFT', `n = ${n} < 2`, parameters);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = 2 * bits[i]! - 1;
  const moduli = realDftModuli(x);
  const threshold = Math.sqrt(2.995732274 * n);
  let count = 0;
  for (let k = 0; k < moduli.length; k++) if (moduli[k]! < threshold) count++;
  const n0 = (0.95 * n) / 2;
  const d = (count - n0) / Math.sqrt((n / 4) * 0.95 * 0.05);
  return {
    name: 'FFT',
    pValues: [erfc(Math.abs(d) / Math.sqrt(2))],
    statistics: { T: threshold, N0: n0, N1: count, d, percentile: (count / Math.floor(n / 2)) * 100 },
    parameters,
    applicable: true,
  };
}
