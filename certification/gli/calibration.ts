/**
 * The size (false-alarm rate) of the GLI-style battery on a sound generator, measured by
 * simulation: chacha20 (RFC 8439 keystream, the kernel's `chacha20` generator) scaled by the
 * kernel's unbiased `uniformInt`, one seed per sequence exactly as `croupier rng test --generator
 * chacha20 --seed <hex>` derives them (`sequenceSeed`), so any cell can be replayed by the CLI.
 * Used by the calibration job (`npm run calibrate`, bench/calibrate.ts) and by the reduced CI
 * version (calibration.test.ts).
 */
import { createGenerator, uniformInt } from '../../rng/index.ts';
import { sequenceSeed } from '../inputs.ts';
import { ALPHA } from './types.ts';

/** Draws of sequence `sequence` of chacha20 under `seedHex`, scaled to [0, range). */
export function soundDraws(seedHex: string, sequence: number, range: number, draws: number): Float64Array {
  const seed = Uint8Array.from(Buffer.from(seedHex, 'hex'));
  const source = createGenerator('chacha20', sequenceSeed(seed, sequence));
  const out = new Float64Array(draws);
  for (let i = 0; i < draws; i++) out[i] = uniformInt(source, range);
  return out;
}

/** P(X = k) for X ~ Binomial(n, p) by the log-gamma-free product (n up to a few 10^6). */
function binomialCdfAt(n: number, p: number, k: number): number {
  // Sum of pmf by the recurrence from the mode would be faster; n here is at most ~10^6 and k small.
  let logPmf = n * Math.log1p(-p);
  let cdf = 0;
  for (let i = 0; i <= k; i++) {
    cdf += Math.exp(logPmf);
    logPmf += Math.log((n - i) / (i + 1)) + Math.log(p / (1 - p));
  }
  return Math.min(1, cdf);
}

/**
 * Clopper–Pearson interval at confidence `confidence` for `k` events in `n` trials (Clopper &
 * Pearson, Biometrika 26 (1934)): the p where the binomial tails equal (1 - confidence)/2, found by
 * bisection on the exact binomial CDF.
 */
export function clopperPearson(k: number, n: number, confidence = 0.99): { low: number; high: number } {
  if (!(Number.isInteger(n) && n >= 1 && Number.isInteger(k) && k >= 0 && k <= n)) {
    throw new RangeError('need integers 0 <= k <= n, n >= 1');
  }
  const tail = (1 - confidence) / 2;
  const solve = (f: (p: number) => number): number => {
    let lo = 0;
    let hi = 1;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (f(mid) > 0) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  };
  // low: P(X >= k | p) = tail; high: P(X <= k | p) = tail.
  const low = k === 0 ? 0 : solve((p) => (1 - binomialCdfAt(n, p, k - 1) - tail < 0 ? 1 : -1));
  const high = k === n ? 1 : solve((p) => (binomialCdfAt(n, p, k) - tail > 0 ? 1 : -1));
  return { low, high };
}

/** The nominal level every row and the family verdict are held to. */
export const NOMINAL_LEVEL = ALPHA;
