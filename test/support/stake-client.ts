/**
 * The RGS tests' Stake-Engine-style front-end client: a thin throwing adapter over the one wire
 * client (`rgs/wire`, `StakeApiClient`), shaped like the public clients (ts-client throws on any
 * non-2xx) so the tests read like a game front end. It builds the base URL as
 * `${scheme}://${rgs_url}` from the launch URL's `rgs_url` (a host, no scheme; https unless told
 * otherwise), like the public clients. Each call opens its own connection (no keep-alive), so a test
 * that restarts the server never meets a stale pooled socket. The WebSocket helper (`StakeSocket`)
 * lives here because it needs the `ws` package, which `rgs/wire` (node built-ins only) does not use.
 */
import type http from 'node:http';
import { WebSocket } from 'ws';
import {
  type CallOptions,
  parseLaunchUrl,
  StakeApiClient,
  socketPath,
  type WireBalance,
  type WireResult,
  type WireRound,
} from '../../rgs/wire/index.ts';

export type StakeBalance = WireBalance;
export type StakeRound = WireRound;
export type {
  AuthenticateResponse as StakeAuthenticateResponse,
  PlayResponse as StakePlayResponse,
} from '../../rgs/wire/index.ts';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The parsed JSON body, or undefined when it is not JSON. */
  json: unknown;
}

/** A non-2xx answer (the public clients throw on these). */
export class StakeApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(`${status} ${code ?? '?'}: ${message}`);
    this.name = 'StakeApiError';
  }
}

export interface StakeClientOptions {
  /** `rgs_url` from the launch URL: host[:port], no scheme. */
  rgsUrl: string;
  sessionID: string;
  /** 'https' as the real clients hard-code; 'http' for local tools. */
  scheme?: 'https' | 'http';
  /** PEM CA to trust (the RGS's generated loopback CA). */
  ca?: string;
  language?: string;
  currency?: string;
  /** Per-request bound. */
  timeoutMs?: number;
}

/** The reply as RawResponse; no reply at all (refused, reset, timeout) throws. */
function rawOf(result: WireResult<unknown>): RawResponse {
  if (result.raw === undefined) throw new Error(`${result.code}: ${result.message}`);
  return { status: result.status, headers: result.raw.headers, text: result.raw.text, json: result.body };
}

/** The body of a 2xx, else a StakeApiError (a reply) or an Error (no reply). */
function bodyOf<T>(result: WireResult<T>): T {
  if (result.status >= 200 && result.status <= 299) return result.body as T;
  if (result.status === 0) throw new Error(`${result.code}: ${result.message}`);
  const code = result.code?.startsWith('HTTP_') ? undefined : result.code;
  throw new StakeApiError(result.status, code, result.message ?? '');
}

/** Low-level request: any method, any body (a string is sent verbatim), any headers. */
export async function rawRequest(
  url: string,
  options: {
    method?: string;
    body?: unknown;
    headers?: Record<string, string>;
    ca?: string;
    timeoutMs?: number;
  } = {},
): Promise<RawResponse> {
  const target = new URL(url);
  const client = new StakeApiClient({
    baseUrl: target.origin,
    keepAlive: false,
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
  const call: CallOptions = { keepRaw: true, ...(options.headers ? { headers: options.headers } : {}) };
  return rawOf(
    await client.call(method, `${target.pathname}${target.search}`, undefined, options.body, call),
  );
}

export class StakeClient {
  readonly rgsUrl: string;
  readonly sessionID: string;
  readonly scheme: 'https' | 'http';
  private readonly language: string;
  readonly currency: string | undefined;
  /** The wire client this adapter drives (tests that want outcomes as values use it directly). */
  readonly wire: StakeApiClient;
  private readonly ca: string | undefined;

  constructor(options: StakeClientOptions) {
    this.rgsUrl = options.rgsUrl;
    this.sessionID = options.sessionID;
    this.scheme = options.scheme ?? 'https';
    this.ca = options.ca;
    this.language = options.language ?? 'en';
    this.currency = options.currency;
    this.wire = new StakeApiClient({
      baseUrl: `${this.scheme}://${this.rgsUrl}`,
      keepAlive: false,
      timeoutMs: options.timeoutMs ?? 10_000,
      ...(options.ca !== undefined ? { ca: options.ca } : {}),
    });
  }

  /** From a launch URL (`…?sessionID=&lang=&currency=&device=&rgs_url=`), as a game front end does. */
  static fromLaunchUrl(
    launchUrl: string,
    options: { scheme?: 'https' | 'http'; ca?: string; timeoutMs?: number } = {},
  ): StakeClient {
    const launch = parseLaunchUrl(launchUrl);
    return new StakeClient({
      sessionID: launch.sessionID,
      rgsUrl: launch.rgsUrl,
      language: launch.language,
      currency: launch.currency,
      ...options,
    });
  }

  url(path: string): string {
    return `${this.scheme}://${this.rgsUrl}${path}`;
  }

  /** POST returning the raw answer (hostile-input tests send strings and odd headers through this). */
  async raw(path: string, body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
    return rawOf(await this.wire.call('POST', path, undefined, body, { headers, keepRaw: true }));
  }

  async get(path: string): Promise<RawResponse> {
    return rawOf(await this.wire.call('GET', path, 'read', undefined, { keepRaw: true }));
  }

  async authenticate() {
    return bodyOf(await this.wire.authenticate(this.sessionID, this.language));
  }

  async balance() {
    return bodyOf(await this.wire.balance(this.sessionID));
  }

  async play(amount: number, mode = 'base', headers?: Record<string, string>) {
    const options = {
      ...(this.currency !== undefined ? { currency: this.currency } : {}),
      ...(headers !== undefined ? { headers } : {}),
    };
    return bodyOf(await this.wire.play(this.sessionID, amount, mode, options));
  }

  async endRound(headers?: Record<string, string>) {
    return bodyOf(await this.wire.endRound(this.sessionID, headers !== undefined ? { headers } : {}));
  }

  async event(event: string) {
    return bodyOf(await this.wire.event(this.sessionID, event));
  }

  async replay(game: string, version: string, mode: string, event: string): Promise<Record<string, unknown>> {
    return bodyOf(await this.wire.replay(game, version, mode, event)) as unknown as Record<string, unknown>;
  }

  /**
   * Opens /ws?sessionID=… and collects pushed messages. `next(type)` waits (bounded) for the next
   * message of that type.
   */
  async openSocket(timeoutMs = 5_000): Promise<StakeSocket> {
    const wsUrl = `${this.scheme === 'https' ? 'wss' : 'ws'}://${this.rgsUrl}${socketPath(this.sessionID)}`;
    const socket = new WebSocket(wsUrl, {
      ...(this.ca !== undefined ? { ca: this.ca } : {}),
      handshakeTimeout: timeoutMs,
    });
    const stakeSocket = new StakeSocket(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_req, res) =>
        reject(new StakeApiError(res.statusCode ?? 0, undefined, 'upgrade refused')),
      );
      socket.once('error', reject);
    });
    return stakeSocket;
  }
}

export class StakeSocket {
  private readonly queue: Array<Record<string, unknown>> = [];
  private readonly waiters: Array<() => void> = [];

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      try {
        this.queue.push(JSON.parse(String(data)) as Record<string, unknown>);
      } catch {
        this.queue.push({ type: 'unparsable' });
      }
      for (const wake of this.waiters.splice(0)) wake();
    });
    socket.on('close', () => {
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** The next message of `type` (earlier messages of other types are dropped), within timeoutMs. */
  async next(type: string, timeoutMs = 5_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.queue.length > 0) {
        const message = this.queue.shift()!;
        if (message.type === type) return message;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0 || this.socket.readyState === this.socket.CLOSED) {
        throw new Error(`no ${type} message within ${timeoutMs} ms`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.close();
  }
}
