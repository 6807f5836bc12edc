/**
 * A minimal Stake Engine server for the runner's tests (not an RGS: no ledger). Every round loses
 * and closes at once. `stall(fromMs, forMs)` holds every request that arrives in the window until
 * the window ends, as a server paused by a GC or a failover would.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface FakeStake {
  readonly baseUrl: string;
  /** Requests that arrive within [fromMs, fromMs + forMs) of `start()` are answered at its end. */
  stallWindow(fromMs: number, forMs: number): void;
  /** Zero of the stall window (call when the run starts). */
  markStart(): void;
  /** The gameID of every /session/start, in arrival order (undefined: none sent). */
  readonly sessionGames: readonly (string | undefined)[];
  close(): Promise<void>;
}

/** `games`: the ids GET /game/:id/info answers for (every other id is 404, as an RGS answers). */
export async function startFakeStake(games: readonly string[] = ['fake-game']): Promise<FakeStake> {
  let sessions = 0;
  const sessionGames: (string | undefined)[] = [];
  let rounds = 0;
  let originMs = performance.now();
  let window: { fromMs: number; toMs: number } | null = null;
  const balances = new Map<string, number>();
  const answer = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  const route = (path: string, body: Record<string, unknown>, response: ServerResponse) => {
    const sessionID = String(body.sessionID ?? '');
    switch (path) {
      case '/session/start': {
        const id = `s${++sessions}`;
        sessionGames.push(typeof body.gameID === 'string' ? body.gameID : undefined);
        balances.set(id, Number(body.balance ?? 1_000_000_000));
        return answer(response, 200, { sessionID: id });
      }
      case '/wallet/authenticate':
        return answer(response, 200, {
          balance: { amount: balances.get(sessionID) ?? 0, currency: 'USD' },
          config: {
            betLevels: [100_000, 200_000],
            betModes: { base: { costMultiplier: 1 } },
            jurisdiction: {},
          },
          round: null,
        });
      case '/wallet/play': {
        const balance = (balances.get(sessionID) ?? 0) - Number(body.amount);
        balances.set(sessionID, balance);
        return answer(response, 200, {
          balance: { amount: balance },
          round: { betID: `r${++rounds}`, payout: 0, active: false },
        });
      }
      case '/wallet/balance':
        return answer(response, 200, { balance: { amount: balances.get(sessionID) ?? 0 } });
      default: {
        const info = /^\/game\/([^/]+)\/info$/.exec(path);
        if (info !== null && games.includes(decodeURIComponent(info[1]!)))
          return answer(response, 200, { gameID: decodeURIComponent(info[1]!) });
        if (info !== null)
          return answer(response, 404, {
            error: 'ERR_VAL',
            message: `unknown game; served: ${games.join(', ')}`,
          });
        return answer(response, 404, { error: 'ERR_NOT_FOUND', message: path });
      }
    }
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const arrivedMs = performance.now() - originMs;
    let text = '';
    request.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    request.on('end', () => {
      const body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
      const path = (request.url ?? '/').split('?')[0]!;
      const held = window !== null && arrivedMs >= window.fromMs && arrivedMs < window.toMs;
      if (!held) return route(path, body, response);
      setTimeout(() => route(path, body, response), window!.toMs - arrivedMs);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    stallWindow(fromMs, forMs) {
      window = { fromMs, toMs: fromMs + forMs };
    },
    markStart() {
      originMs = performance.now();
    },
    sessionGames,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
