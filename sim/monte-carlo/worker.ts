/**
 * A simulation worker thread: builds its own compiled game from a `GameSpec`, then runs the chunks
 * the main thread hands it, one at a time, replying with each chunk's exact result. Started
 * through worker-bootstrap.js, which registers the TypeScript loader first.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ChunkExecutor, describeGame } from './chunk-executor.ts';
import { loadGame } from './game-source.ts';
import type { MainToWorker, WorkerInit, WorkerToMain } from './protocol.ts';

const port = parentPort;
if (!port) throw new Error('sim worker must run in a worker thread');

function send(message: WorkerToMain): void {
  port!.postMessage(message);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

try {
  const init = workerData as WorkerInit;
  const game = await loadGame(init.game);
  const executor = new ChunkExecutor(game, {
    plan: init.plan,
    streamKind: init.streamKind,
    seed: init.seed,
  });
  port.on('message', (message: MainToWorker) => {
    if (message.type === 'stop') {
      port.close();
      return;
    }
    try {
      send({ type: 'result', result: executor.run(message.chunkIndex) });
    } catch (error) {
      send({ type: 'error', message: `chunk ${message.chunkIndex}: ${errorMessage(error)}` });
    }
  });
  send({ type: 'ready', game: describeGame(game) });
} catch (error) {
  send({ type: 'error', message: errorMessage(error) });
}
