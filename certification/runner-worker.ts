/** Worker thread of the battery runner: opens the input once, then runs the tasks it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { type BatteryInput, InputError, openInput } from './inputs.ts';
import { type RngTask, type RngTestPlan, runTask } from './runner.ts';

const port = parentPort;
if (!port) throw new Error('runner-worker.ts must run in a worker thread');
const { plan } = workerData as { plan: RngTestPlan };
let input: BatteryInput | null = null;

port.on('message', (message: { index: number; task: RngTask }) => {
  try {
    input ??= openInput(plan.input, plan.seedGenerated ?? false);
    port.postMessage({ ok: true, index: message.index, result: runTask(input, plan, message.task) });
  } catch (error) {
    const text =
      error instanceof InputError ? `InputError: ${error.message}` : String((error as Error)?.stack ?? error);
    port.postMessage({ ok: false, index: message.index, error: text });
  }
});
