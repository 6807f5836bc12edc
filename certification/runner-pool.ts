/**
 * A pool of battery workers that outlives one run. Why: starting a worker thread costs seconds
 * (each registers tsx and compiles the battery), and the evidence pack runs a dozen batteries in a
 * row (one per stream and per mapping); one pool for all of them pays that once. Results are the
 * same as with per-run workers or none: tasks are independent and stored by index.
 *
 * One run at a time (asserted). A failed task fails the run and breaks the pool (in-flight replies
 * of that run are dropped by run id); the caller closes it.
 */
import { Worker } from 'node:worker_threads';
import { InputError } from './inputs.ts';
import type { RngTask, RngTaskResult, RngTestPlan } from './runner.ts';

const POOL_WORKER = new URL('./runner-pool-worker.js', import.meta.url);
/** Upper bound on pool size (TIGER_STYLE), the runner's own bound on --workers. */
export const MAX_POOL_WORKERS = 256;

type Reply =
  | { ok: true; run: number; index: number; result: RngTaskResult }
  | { ok: false; run: number; index: number; error: string };

export interface RngWorkerPool {
  readonly size: number;
  /** Runs `tasks` of `plan` (its input as a reopenable spec) on the pool's workers. */
  run(
    plan: RngTestPlan,
    tasks: readonly RngTask[],
    onProgress?: (done: number, total: number) => void,
  ): Promise<RngTaskResult[]>;
  close(): Promise<void>;
}

export function createRngWorkerPool(size: number): RngWorkerPool {
  if (!Number.isSafeInteger(size) || size < 1 || size > MAX_POOL_WORKERS) {
    throw new RangeError(`pool size must be an integer in [1, ${MAX_POOL_WORKERS}], got ${size}`);
  }
  const workers = Array.from({ length: size }, () => new Worker(POOL_WORKER));
  let runId = 0;
  let busy = false;
  let broken: Error | null = null;
  let current: ((worker: Worker, reply: Reply) => void) | null = null;
  for (const worker of workers) {
    worker.on('message', (reply: Reply) => current?.(worker, reply));
    worker.on('error', (error) => {
      broken ??= error;
      current?.(worker, { ok: false, run: runId, index: -1, error: String(error) });
    });
  }
  const run: RngWorkerPool['run'] = (plan, tasks, onProgress) => {
    if (busy) throw new Error('invariant: a worker pool runs one plan at a time');
    if (broken) return Promise.reject(new Error(`the worker pool is broken: ${broken.message}`));
    busy = true;
    const id = ++runId;
    return new Promise<RngTaskResult[]>((resolve, reject) => {
      const results: (RngTaskResult | undefined)[] = new Array(tasks.length);
      let next = 0;
      let done = 0;
      const dispatch = (worker: Worker) => {
        if (next >= tasks.length) return;
        const index = next++;
        worker.postMessage({ run: id, index, plan, task: tasks[index] });
      };
      const finish = (error?: Error) => {
        current = null;
        busy = false;
        if (error) {
          broken ??= error;
          reject(error);
        } else resolve(results as RngTaskResult[]);
      };
      current = (worker, reply) => {
        if (reply.run !== id) return;
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
        onProgress?.(done, tasks.length);
        if (done === tasks.length) finish();
        else dispatch(worker);
      };
      if (tasks.length === 0) finish();
      else for (const worker of workers) dispatch(worker);
    });
  };
  return {
    size,
    run,
    close: async () => {
      current = null;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
