/**
 * Worker thread of a reusable battery pool (runner-pool.ts): runs the tasks it is sent, each with
 * its plan, and keeps the last opened input so the tasks of one run open it once.
 */
import { parentPort } from 'node:worker_threads';
import { type BatteryInput, InputError, openInput } from './inputs.ts';
import { type RngTask, type RngTestPlan, runTask } from './runner.ts';

const port = parentPort;
if (!port) throw new Error('runner-pool-worker.ts must run in a worker thread');
let opened: { key: string; input: BatteryInput } | null = null;

port.on('message', (message: { run: number; index: number; plan: RngTestPlan; task: RngTask }) => {
  const { run, index, plan, task } = message;
  try {
    const key = JSON.stringify([plan.input, plan.seedGenerated ?? false]);
    if (opened?.key !== key) opened = { key, input: openInput(plan.input, plan.seedGenerated ?? false) };
    port.postMessage({ ok: true, run, index, result: runTask(opened.input, plan, task) });
  } catch (error) {
    const text =
      error instanceof InputError ? `InputError: ${error.message}` : String((error as Error)?.stack ?? error);
    port.postMessage({ ok: false, run, index, error: text });
  }
});
