/**
 * The runner's own target when none is given: a whole RGS on a worker thread, on embedded PGlite
 * in a fresh temporary directory (or on PostgreSQL/Redis when URLs are given), with a generated
 * operator secret. `stop()` shuts it down gracefully; the data directory stays until `dispose()`
 * so the books can be checked after the server stopped.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { signOperatorToken } from '../../rgs/index.ts';
import type { EmbeddedRgsInit, EmbeddedRgsMessage } from './embedded-rgs-worker.ts';

export interface EmbeddedRgsOptions {
  readonly databaseUrl?: string;
  readonly redisUrl?: string;
  /** Extra RGS_* environment for the server (tests tune it); logs are warn-level by default. */
  readonly env?: Readonly<Record<string, string>>;
  /** Game files or publication folders to serve instead of the demo games (the first is the default). */
  readonly games?: readonly string[];
}

export interface EmbeddedRgs {
  readonly baseUrl: string;
  readonly dataDir: string;
  readonly databaseUrl: string | null;
  readonly databaseKind: string;
  readonly operatorToken: string;
  stop(): Promise<{ readonly abandoned: number }>;
  /** Removes the temporary data directory (after the books check). */
  dispose(): void;
}

const BOOTSTRAP = new URL('./embedded-rgs-bootstrap.js', import.meta.url);
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
// The RGS caps operator tokens at an hour; the longest scenario (soak) runs half an hour.
const OPERATOR_TOKEN_TTL_S = 3_600;

export async function startEmbeddedRgs(options: EmbeddedRgsOptions = {}): Promise<EmbeddedRgs> {
  const dataDir = mkdtempSync(join(tmpdir(), 'croupier-load-rgs-'));
  const operatorSecret = randomBytes(32).toString('base64url');
  const init: EmbeddedRgsInit = {
    env: {
      RGS_LOG_LEVEL: 'warn',
      // PGlite runs every query on the server's thread, one at a time: a tight in-flight bound and
      // the event-loop lag check keep accepted requests fast when a burst exceeds it.
      RGS_MAX_IN_FLIGHT: '32',
      RGS_MAX_EVENT_LOOP_LAG_MS: '100',
      ...options.env,
      RGS_OPERATOR_SECRET: operatorSecret,
    },
    flags: {
      dataDir,
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
      ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
    },
    ...(options.games !== undefined ? { games: options.games.map((path) => resolve(path)) } : {}),
  };
  // The thread's own process.env too: parts of the server (admission control) read it directly.
  const worker = new Worker(BOOTSTRAP, { workerData: init, env: { ...process.env, ...init.env } });
  let ready: Extract<EmbeddedRgsMessage, { type: 'ready' }>;
  try {
    ready = await nextMessage(worker, 'ready', START_TIMEOUT_MS);
  } catch (error) {
    await worker.terminate();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  let stopped: Promise<{ readonly abandoned: number }> | null = null;
  return {
    baseUrl: ready.baseUrl,
    dataDir,
    databaseUrl: options.databaseUrl ?? null,
    databaseKind: ready.databaseKind,
    operatorToken: await signOperatorToken(operatorSecret, OPERATOR_TOKEN_TTL_S),
    stop() {
      stopped ??= (async () => {
        worker.postMessage({ type: 'stop' });
        try {
          const message = await nextMessage(worker, 'stopped', STOP_TIMEOUT_MS);
          return { abandoned: message.abandoned };
        } finally {
          await worker.terminate();
        }
      })();
      return stopped;
    },
    dispose() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function nextMessage<T extends EmbeddedRgsMessage['type']>(
  worker: Worker,
  type: T,
  timeoutMs: number,
): Promise<Extract<EmbeddedRgsMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`the embedded RGS did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (message: EmbeddedRgsMessage) => {
      if (message.type === type) finish(null, message as Extract<EmbeddedRgsMessage, { type: T }>);
      else if (message.type === 'error') finish(new Error(`embedded RGS: ${message.message}`));
    };
    const onError = (error: Error) => finish(new Error(`embedded RGS: ${error.message}`));
    const onExit = (code: number) => finish(new Error(`embedded RGS thread exited (code ${code})`));
    const finish = (error: Error | null, message?: Extract<EmbeddedRgsMessage, { type: T }>) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (error) reject(error);
      else resolve(message!);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}
