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
import { gliSecondLevel, runGliSequence } from './battery.ts';
import { gliFamilyVerdict } from './family.ts';
import { ALPHA, type GliTestResult } from './types.ts';

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

/** What the second level needs of one result (the calibration keeps thousands of sequences). */
function slim(result: GliTestResult): GliTestResult {
  return {
    name: result.name,
    reference: '',
    pValues: result.pValues,
    statistic: null,
    degreesOfFreedom: null,
    sampleSize: result.sampleSize,
    parameters: {},
    applicable: result.applicable,
    ...(result.reason ? { reason: result.reason } : {}),
    ...(result.largestAtom !== undefined ? { largestAtom: result.largestAtom } : {}),
  };
}

/** Runs `tests` (default: all) on `sequences` sound sequences; stops early past `deadlineMs`. */
export function simulateSequences(options: {
  readonly seedHex: string;
  readonly range: number;
  readonly draws: number;
  readonly sequences: number;
  readonly tests?: readonly string[];
  readonly deadlineMs?: number;
}): GliTestResult[][] {
  const description = { label: `uniformInt(chacha20, ${options.range})`, range: options.range };
  const out: GliTestResult[][] = [];
  for (let s = 0; s < options.sequences; s++) {
    if (options.deadlineMs !== undefined && performance.now() > options.deadlineMs) break;
    const draws = soundDraws(options.seedHex, s, options.range, options.draws);
    out.push(runGliSequence(draws, description, options.tests).map(slim));
  }
  return out;
}

export interface RateEstimate {
  readonly repetitions: number;
  readonly alarms: number;
  readonly rate: number;
  /** 99% Clopper–Pearson interval of the rate. */
  readonly low: number;
  readonly high: number;
}

function estimate(alarms: number, repetitions: number): RateEstimate {
  const { low, high } = clopperPearson(alarms, repetitions);
  return { repetitions, alarms, rate: alarms / repetitions, low, high };
}

export interface SizeEstimates {
  /** Per test: rate at which its second-level row fails; null where never applicable. */
  readonly tests: Map<string, RateEstimate | null>;
  /** Rate at which the battery's family verdict fails (gliFamilyVerdict over the rows). */
  readonly family: RateEstimate | null;
}

/**
 * False-alarm rates with `s` sequences per run: the pool of simulated sequences is cut into
 * floor(pool / s) disjoint runs (independent: separate seeds), each judged exactly as `croupier rng
 * test` judges one (gliSecondLevel, then gliFamilyVerdict).
 */
export function falseAlarmRates(pool: readonly (readonly GliTestResult[])[], s: number): SizeEstimates {
  const runs = Math.floor(pool.length / s);
  const alarms = new Map<string, { alarms: number; runs: number }>();
  let familyAlarms = 0;
  let familyRuns = 0;
  for (let r = 0; r < runs; r++) {
    const rows = gliSecondLevel(pool.slice(r * s, (r + 1) * s));
    for (const row of rows) {
      const entry = alarms.get(row.name) ?? { alarms: 0, runs: 0 };
      if (row.verdict !== 'not applicable') {
        entry.runs++;
        if (row.verdict === 'fail') entry.alarms++;
      }
      alarms.set(row.name, entry);
    }
    if (rows.some((row) => row.verdict !== 'not applicable')) {
      familyRuns++;
      if (gliFamilyVerdict([{ channel: 'chacha20', secondLevel: rows }]).verdict === 'fail') familyAlarms++;
    }
  }
  const tests = new Map<string, RateEstimate | null>();
  for (const [name, e] of alarms) tests.set(name, e.runs === 0 ? null : estimate(e.alarms, e.runs));
  return { tests, family: familyRuns === 0 ? null : estimate(familyAlarms, familyRuns) };
}
