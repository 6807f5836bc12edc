/**
 * Runs the RNG batteries over many sequences, spread over worker threads. A task is one
 * (battery, sequence) pair; every sequence is produced from the input spec alone (see
 * inputs.ts), and results are stored by sequence index, so the report is the same whatever the
 * number of workers (only timings differ).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  binomialCdf,
  binomialUpperTail,
  type FamilyVerdict,
  familyVerdict,
  type RowEvidence,
} from './family-verdict.ts';
import { type GliSecondLevelRow, gliSecondLevel, runGliSequence, selectGliTests } from './gli/battery.ts';
import { gliFamilyVerdict } from './gli/family.ts';
import { ALPHA, type GliTestResult, type ScaledSourceDescription } from './gli/types.ts';
import { type BatteryInput, InputError, type InputIdentity, type InputSpec, openInput } from './inputs.ts';
import {
  NIST_TESTS,
  type NistSecondLevelRow,
  type NistTestResult,
  nistSecondLevel,
  runNistSequence,
} from './nist/index.ts';
import type { RngWorkerPool } from './runner-pool.ts';

export type BatteryChoice = 'nist' | 'gli' | 'all';

export interface RngTestPlan {
  readonly battery: BatteryChoice;
  readonly sequences: number;
  /** NIST: bits per sequence; file input: the block size of a sequence for both batteries. */
  readonly bitsPerSequence: number;
  /** GLI: scaled draws per sequence (spins for a game); derived from the block for a file. */
  readonly drawsPerSequence: number;
  readonly input: InputSpec;
  /** Whether the seed was drawn fresh (recorded only). */
  readonly seedGenerated?: boolean;
  /** Worker threads; 0 runs every task in this thread. */
  readonly workers: number;
  readonly nistOnly?: readonly string[];
  readonly gliOnly?: readonly string[];
}

export type RngTask = { readonly battery: 'nist' | 'gli'; readonly sequence: number };

export interface GliChannelOutcome {
  readonly channel: string;
  readonly description: ScaledSourceDescription;
  readonly draws: number;
  readonly results: GliTestResult[];
}

export type RngTaskResult =
  | { readonly battery: 'nist'; readonly sequence: number; readonly results: NistTestResult[] }
  | { readonly battery: 'gli'; readonly sequence: number; readonly channels: GliChannelOutcome[] };

export interface GliChannelReport {
  readonly channel: string;
  readonly description: ScaledSourceDescription;
  /** Draws per sequence (varies per sequence only for file input). */
  readonly drawsPerSequence: number[];
  readonly perSequence: GliTestResult[][];
  readonly secondLevel: GliSecondLevelRow[];
}

export interface RngTestReport {
  readonly kind: 'croupier-rng-test';
  readonly input: InputIdentity;
  readonly plan: {
    readonly battery: BatteryChoice;
    readonly sequences: number;
    readonly bitsPerSequence: number;
    readonly drawsPerSequence: number;
    readonly alpha: number;
    readonly nistTests: string[];
    readonly gliTests: string[];
  };
  readonly nist: {
    readonly perSequence: NistTestResult[][];
    readonly secondLevel: NistSecondLevelRow[];
    /** How the rows combine into the battery verdict (family-verdict.ts). */
    readonly family: FamilyVerdict;
    readonly verdict: 'pass' | 'fail';
  } | null;
  readonly gli: {
    readonly channels: GliChannelReport[];
    readonly family: FamilyVerdict;
    readonly verdict: 'pass' | 'fail';
  } | null;
  readonly verdict: 'pass' | 'fail';
  /** Wall time; the only field that depends on the machine and the worker count. */
  readonly elapsedMs: number;
  readonly workers: number;
}

/** Upper bound on sequences: keeps memory and run time bounded (TIGER_STYLE). */
export const MAX_SEQUENCES = 100_000;

/** Checks a plan and opens its input; throws InputError on anything the user must fix. */
export function preparePlan(plan: RngTestPlan): BatteryInput {
  if (!Number.isSafeInteger(plan.sequences) || plan.sequences < 1 || plan.sequences > MAX_SEQUENCES) {
    throw new InputError(`--sequences must be an integer in [1, ${MAX_SEQUENCES}]`);
  }
  if (!Number.isSafeInteger(plan.bitsPerSequence) || plan.bitsPerSequence < 32) {
    throw new InputError('--bits must be an integer >= 32');
  }
  if (!Number.isSafeInteger(plan.drawsPerSequence) || plan.drawsPerSequence < 1) {
    throw new InputError('--draws must be a positive integer');
  }
  if (!Number.isSafeInteger(plan.workers) || plan.workers < 0 || plan.workers > 256) {
    throw new InputError('--workers must be an integer in [0, 256]');
  }
  try {
    selectGliTests(plan.gliOnly);
    const unknownNist = (plan.nistOnly ?? []).filter((n) => !NIST_TESTS.some((t) => t.name === n));
    if (unknownNist.length > 0) throw new RangeError(`unknown NIST test(s): ${unknownNist.join(', ')}`);
  } catch (error) {
    throw new InputError((error as Error).message);
  }
  const input = openInput(plan.input, plan.seedGenerated ?? false);
  const available = input.sequencesAvailable(plan.bitsPerSequence);
  if (available < plan.sequences) {
    throw new InputError(
      `the input holds ${available} sequence(s) of ${plan.bitsPerSequence} bits, ${plan.sequences} requested`,
    );
  }
  return input;
}

/** Runs one task: the unit of work of a worker. */
export function runTask(input: BatteryInput, plan: RngTestPlan, task: RngTask): RngTaskResult {
  if (task.battery === 'nist') {
    const bits = input.bits(task.sequence, plan.bitsPerSequence);
    return { battery: 'nist', sequence: task.sequence, results: runNistSequence(bits, {}, plan.nistOnly) };
  }
  const channels = input.scaledSequence(task.sequence, plan.drawsPerSequence, plan.bitsPerSequence);
  return {
    battery: 'gli',
    sequence: task.sequence,
    channels: channels.map((c) => ({
      channel: c.channel,
      description: c.description,
      draws: c.draws.length,
      results: runGliSequence(c.draws, c.description, plan.gliOnly),
    })),
  };
}

export function planTasks(plan: RngTestPlan): RngTask[] {
  const tasks: RngTask[] = [];
  for (let sequence = 0; sequence < plan.sequences; sequence++) {
    if (plan.battery !== 'gli') tasks.push({ battery: 'nist', sequence });
    if (plan.battery !== 'nist') tasks.push({ battery: 'gli', sequence });
  }
  return tasks;
}

export interface RunOptions {
  /** Called after each finished task. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Workers kept across runs (runner-pool.ts); used instead of starting plan.workers threads. */
  readonly pool?: RngWorkerPool;
}

/** Runs the whole plan and assembles the report. */
export async function runRngTests(plan: RngTestPlan, options: RunOptions = {}): Promise<RngTestReport> {
  const startedMs = performance.now();
  const input = preparePlan(plan);
  const tasks = planTasks(plan);
  const workers = Math.min(plan.workers, tasks.length);
  const results =
    workers === 0
      ? runInline(input, plan, tasks, options)
      : options.pool
        ? await options.pool.run({ ...plan, input: input.spec }, tasks, options.onProgress)
        : await runOnWorkers({ ...plan, input: input.spec }, tasks, workers, options);
  return assembleReport(input.identity, plan, results, performance.now() - startedMs, workers);
}

function runInline(
  input: BatteryInput,
  plan: RngTestPlan,
  tasks: RngTask[],
  options: RunOptions,
): RngTaskResult[] {
  return tasks.map((task, i) => {
    const result = runTask(input, plan, task);
    options.onProgress?.(i + 1, tasks.length);
    return result;
  });
}

/** Default worker count: the machine's parallelism. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

const WORKER_BOOTSTRAP = new URL('./runner-worker.js', import.meta.url);

type WorkerReply =
  | { ok: true; index: number; result: RngTaskResult }
  | { ok: false; index: number; error: string };

function runOnWorkers(
  plan: RngTestPlan,
  tasks: RngTask[],
  workerCount: number,
  options: RunOptions,
): Promise<RngTaskResult[]> {
  return new Promise((resolve, reject) => {
    const results: (RngTaskResult | undefined)[] = new Array(tasks.length);
    const pool: Worker[] = [];
    let next = 0;
    let done = 0;
    let failed = false;
    const finish = (error?: Error) => {
      if (failed) return;
      if (error) failed = true;
      for (const w of pool) void w.terminate();
      if (error) reject(error);
      else resolve(results as RngTaskResult[]);
    };
    const dispatch = (worker: Worker) => {
      if (next >= tasks.length) return;
      const index = next++;
      worker.postMessage({ index, task: tasks[index] });
    };
    for (let i = 0; i < workerCount; i++) {
      const worker = new Worker(WORKER_BOOTSTRAP, { workerData: { plan } });
      pool.push(worker);
      worker.on('message', (reply: WorkerReply) => {
        if (failed) return;
        if (!reply.ok) {
          finish(
            reply.error.startsWith('InputError: ')
              ? new InputError(reply.error.slice(12))
              : new Error(reply.error),
          );
          return;
        }
        results[reply.index] = reply.result;
        done++;
        options.onProgress?.(done, tasks.length);
        if (done === tasks.length) finish();
        else dispatch(worker);
      });
      worker.on('error', (error) => finish(error));
      worker.on('exit', (code) => {
        if (!failed && done < tasks.length && code !== 0)
          finish(new Error(`worker exited with code ${code}`));
      });
      dispatch(worker);
    }
  });
}

/** Uniformity P-values below this fail a row (SP 800-22 §4.2.2; the same threshold in both batteries). */
const UNIFORMITY_FAILURE_PROBABILITY = 0.0001;
/**
 * SP 800-22 §4.2.2: "at least 55 sequences must be processed to derive statistically meaningful
 * results for the uniformity of P-values". With fewer, the rows still report their uniformity test
 * (as the reference does), but the battery verdict does not rest on it: with 20 sequences a P-value_T
 * below 0.0001 is far more likely than 0.0001 (measured: it doubled the family's false alarms).
 */
const MIN_SEQUENCES_FOR_UNIFORMITY = 55;

/** SP 800-22 rows as family evidence: exact binomial tails of the pass count (two-sided). */
export function nistRowEvidence(rows: readonly NistSecondLevelRow[], alpha: number): RowEvidence[] {
  return rows
    .filter((row) => row.verdict !== 'no-data')
    .map((row) => {
      const m = row.sampleSize;
      const pass = 1 - alpha;
      const low = binomialCdf(m, pass, row.passCount);
      const high = binomialUpperTail(m, pass, row.passCount);
      const [lower, upper] = row.passCountBounds;
      const uniformity = m >= MIN_SEQUENCES_FOR_UNIFORMITY ? row.uniformityPValue : null;
      return {
        failed: !row.proportionPassed || (uniformity !== null && row.uniformityPassed === false),
        proportionPValue: Math.min(1, 2 * Math.min(low, high)),
        uniformityPValue: uniformity,
        failureProbability:
          binomialCdf(m, pass, lower - 1) +
          binomialUpperTail(m, pass, upper + 1) +
          (uniformity === null ? 0 : UNIFORMITY_FAILURE_PROBABILITY),
      };
    });
}

/** GLI-style rows as family evidence: the binomial tail of the failing sequences. */
export function gliRowEvidence(rows: readonly GliSecondLevelRow[], alpha: number): RowEvidence[] {
  return rows
    .filter((row) => row.verdict !== 'not applicable')
    .map((row) => {
      const failures = row.applicable - row.passed;
      const uniformity = row.applicable >= MIN_SEQUENCES_FOR_UNIFORMITY ? row.ksPValue : null;
      return {
        failed:
          failures > row.maximumFailures ||
          (uniformity !== null && uniformity < UNIFORMITY_FAILURE_PROBABILITY),
        proportionPValue: binomialUpperTail(row.applicable, alpha, failures),
        uniformityPValue: uniformity,
        failureProbability:
          binomialUpperTail(row.applicable, alpha, row.maximumFailures + 1) +
          (uniformity === null ? 0 : UNIFORMITY_FAILURE_PROBABILITY),
      };
    });
}

export function assembleReport(
  identity: InputIdentity,
  plan: RngTestPlan,
  results: readonly RngTaskResult[],
  elapsedMs: number,
  workers: number,
): RngTestReport {
  const nistPerSequence: NistTestResult[][] = [];
  const gliBySequence: GliChannelOutcome[][] = [];
  for (const r of results) {
    if (r.battery === 'nist') nistPerSequence[r.sequence] = r.results;
    else gliBySequence[r.sequence] = r.channels;
  }
  let nist: RngTestReport['nist'] = null;
  if (plan.battery !== 'gli') {
    const secondLevel = nistSecondLevel(nistPerSequence, ALPHA);
    const family = familyVerdict(nistRowEvidence(secondLevel, ALPHA));
    nist = { perSequence: nistPerSequence, secondLevel, family, verdict: family.verdict };
  }
  let gli: RngTestReport['gli'] = null;
  if (plan.battery !== 'nist') {
    const channelCount = gliBySequence[0]?.length ?? 0;
    const channels: GliChannelReport[] = [];
    for (let c = 0; c < channelCount; c++) {
      const perSequence = gliBySequence.map((s) => s[c]!.results);
      channels.push({
        channel: gliBySequence[0]![c]!.channel,
        description: gliBySequence[0]![c]!.description,
        drawsPerSequence: gliBySequence.map((s) => s[c]!.draws),
        perSequence,
        secondLevel: gliSecondLevel(perSequence, ALPHA),
      });
    }
    // Rows grouped by channel (dependent rows): certification/gli/family.ts.
    const family = gliFamilyVerdict(channels, ALPHA);
    gli = { channels, family, verdict: family.verdict };
  }
  return {
    kind: 'croupier-rng-test',
    input: identity,
    plan: {
      battery: plan.battery,
      sequences: plan.sequences,
      bitsPerSequence: plan.bitsPerSequence,
      drawsPerSequence: plan.drawsPerSequence,
      alpha: ALPHA,
      nistTests:
        plan.battery === 'gli'
          ? []
          : plan.nistOnly?.length
            ? [...plan.nistOnly]
            : NIST_TESTS.map((t) => t.name),
      gliTests: plan.battery === 'nist' ? [] : selectGliTests(plan.gliOnly).map((t) => t.name),
    },
    nist,
    gli,
    verdict: nist?.verdict === 'fail' || gli?.verdict === 'fail' ? 'fail' : 'pass',
    elapsedMs,
    workers,
  };
}
