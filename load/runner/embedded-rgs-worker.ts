/**
 * The embedded RGS's thread: starts a whole RGS through the RGS's public module (as `croupier rgs
 * start` does) and stops it gracefully when asked. It runs on its own thread so the load generator
 * and the server do not share one event loop: a busy server cannot delay the offered load, and the
 * runner's own work does not show up as server latency.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadGameInputs } from '../../games/index.ts';
import { coreFactoryFor, loadRgsConfig, type ServedGameSpec, startRgs } from '../../rgs/index.ts';

export interface EmbeddedRgsInit {
  readonly env: Readonly<Record<string, string>>;
  readonly flags: { readonly dataDir: string; readonly databaseUrl?: string; readonly redisUrl?: string };
  /**
   * Game definition files or math-sdk publication folders to serve instead of the demo games
   * (loaded here: a loaded game does not cross the thread boundary). The first is the default game.
   */
  readonly games?: readonly string[];
}

export type EmbeddedRgsMessage =
  | {
      readonly type: 'ready';
      readonly baseUrl: string;
      readonly databaseKind: string;
      readonly sessionsKind: string;
    }
  | { readonly type: 'error'; readonly message: string }
  | { readonly type: 'stopped'; readonly abandoned: number };

/** The games to serve, loaded from their files (the CLI validated them before starting this thread). */
function servedSpecs(paths: readonly string[]): { specs: ServedGameSpec[]; defaultGameId: string } {
  const inputs = loadGameInputs(paths);
  if (inputs.length === 0) throw new Error(`no game found in ${paths.join(', ')}`);
  const specs = inputs.map(
    (input): ServedGameSpec =>
      input.kind === 'publication' ? { publication: input.publication } : { game: input.game },
  );
  const first = inputs[0]!;
  const defaultGameId = first.kind === 'publication' ? first.publication.id : first.game.definition.id;
  return { specs, defaultGameId };
}

const port = parentPort;
if (port === null) throw new Error('embedded-rgs-worker runs as a worker thread');
const init = workerData as EmbeddedRgsInit;

try {
  const loaded = loadRgsConfig(init.env, { ...init.flags, port: 0, host: '127.0.0.1' });
  if (!loaded.ok) throw new Error(loaded.message);
  const specs = init.games === undefined ? null : servedSpecs(init.games);
  const running =
    specs === null
      ? await startRgs(loaded.config)
      : await startRgs(
          { ...loaded.config, defaultGameId: specs.defaultGameId },
          { createCore: coreFactoryFor(specs.specs) },
        );
  port.on('message', (message: { type: string }) => {
    if (message.type !== 'stop') return;
    void running.stop().then(
      ({ abandoned }) => port.postMessage({ type: 'stopped', abandoned } satisfies EmbeddedRgsMessage),
      (error: unknown) =>
        port.postMessage({ type: 'error', message: String(error) } satisfies EmbeddedRgsMessage),
    );
  });
  port.postMessage({
    type: 'ready',
    baseUrl: running.baseUrl,
    databaseKind: running.databaseKind,
    sessionsKind: running.sessionsKind,
  } satisfies EmbeddedRgsMessage);
} catch (error) {
  port.postMessage({
    type: 'error',
    message: error instanceof Error ? error.message : String(error),
  } satisfies EmbeddedRgsMessage);
}
