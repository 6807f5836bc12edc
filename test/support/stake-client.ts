/**
 * A Stake-Engine-style front-end client, written from the public docs
 * (shared/protocols/stake-engine-rgs.md), for the RGS tests and drills.
 *
 * Like the public clients it builds every URL as `${scheme}://${rgs_url}${path}` from the launch
 * URL's `rgs_url` (a host, no scheme; https unless told otherwise), sends JSON bodies with the
 * sessionID, and treats any non-2xx as an error carrying the body's `{error, message}`. Amounts are
 * integers with 6 implied decimals. It uses node:https so a test can pass the generated CA (`ca`)
 * instead of setting NODE_EXTRA_CA_CERTS for the whole process.
 */
import http from 'node:http';
import https from 'node:https';
import { WebSocket } from 'ws';

export interface StakeBalance {
  amount: number;
  currency: string;
}

export interface StakeRound {
  betID: string;
  roundID?: string;
  amount: number;
  payout: number;
  payoutMultiplier: number;
  active: boolean;
  mode: string;
  event: string | null;
  state: unknown[];
  [extra: string]: unknown;
}

export interface StakeAuthenticateResponse {
  balance: StakeBalance;
  config: {
    gameID: string;
    minBet: number;
    maxBet: number;
    stepBet: number;
    defaultBetLevel: number;
    betLevels: number[];
    betModes: Record<string, { costMultiplier: number; rtp: string }>;
    jurisdiction: Record<string, boolean | number>;
  };
  round: StakeRound | null;
  meta?: Record<string, unknown>;
}

export interface StakePlayResponse {
  balance: StakeBalance;
  round: StakeRound;
  netPosition?: number;
}

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

const MAX_RESPONSE_BYTES = 1 << 20;

/** Low-level request: any method, any body (a string is sent verbatim), any headers. */
export function rawRequest(
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
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...options.headers,
  };
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      target,
      {
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        ...(options.ca !== undefined ? { ca: options.ca } : {}),
        timeout: options.timeoutMs ?? 10_000,
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) response.destroy(new Error('response too large'));
          else chunks.push(chunk);
        });
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`request to ${target.pathname} timed out`)));
    request.on('error', reject);
    if (body !== undefined) request.write(body);
    request.end();
  });
}

export class StakeClient {
  readonly rgsUrl: string;
  readonly sessionID: string;
  readonly scheme: 'https' | 'http';
  private readonly ca: string | undefined;
  private readonly language: string;
  readonly currency: string | undefined;
  private readonly timeoutMs: number;

  constructor(options: StakeClientOptions) {
    this.rgsUrl = options.rgsUrl;
    this.sessionID = options.sessionID;
    this.scheme = options.scheme ?? 'https';
    this.ca = options.ca;
    this.language = options.language ?? 'en';
    this.currency = options.currency;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** From a launch URL (`…?sessionID=&lang=&currency=&device=&rgs_url=`), as a game front end does. */
  static fromLaunchUrl(
    launchUrl: string,
    options: { scheme?: 'https' | 'http'; ca?: string; timeoutMs?: number } = {},
  ): StakeClient {
    const params = new URL(launchUrl).searchParams;
    const sessionID = params.get('sessionID');
    const rgsUrl = params.get('rgs_url');
    if (!sessionID || !rgsUrl) throw new Error('launch URL lacks sessionID or rgs_url');
    return new StakeClient({
      sessionID,
      rgsUrl,
      language: params.get('lang') ?? 'en',
      currency: params.get('currency') ?? undefined,
      ...options,
    });
  }

  url(path: string): string {
    return `${this.scheme}://${this.rgsUrl}${path}`;
  }

  /** POST returning the raw answer (hostile-input tests send strings and odd headers through this). */
  async raw(path: string, body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
    return await rawRequest(this.url(path), {
      method: 'POST',
      body,
      headers,
      ...(this.ca !== undefined ? { ca: this.ca } : {}),
      timeoutMs: this.timeoutMs,
    });
  }

  async get(path: string): Promise<RawResponse> {
    return await rawRequest(this.url(path), {
      ...(this.ca !== undefined ? { ca: this.ca } : {}),
      timeoutMs: this.timeoutMs,
    });
  }

  private async post<T>(
    path: string,
    body: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<T> {
    const response = await this.raw(path, body, headers);
    if (response.status < 200 || response.status > 299) {
      const error = response.json as { error?: string; message?: string } | undefined;
      throw new StakeApiError(response.status, error?.error, error?.message ?? response.text.slice(0, 200));
    }
    return response.json as T;
  }

  authenticate(): Promise<StakeAuthenticateResponse> {
    return this.post('/wallet/authenticate', { sessionID: this.sessionID, language: this.language });
  }

  balance(): Promise<{ balance: StakeBalance; netPosition?: number }> {
    return this.post('/wallet/balance', { sessionID: this.sessionID });
  }

  play(amount: number, mode = 'base', headers?: Record<string, string>): Promise<StakePlayResponse> {
    return this.post(
      '/wallet/play',
      {
        sessionID: this.sessionID,
        amount,
        mode,
        ...(this.currency !== undefined ? { currency: this.currency } : {}),
      },
      headers,
    );
  }

  endRound(headers?: Record<string, string>): Promise<{ balance: StakeBalance; netPosition?: number }> {
    return this.post('/wallet/end-round', { sessionID: this.sessionID }, headers);
  }

  event(event: string): Promise<{ event: string }> {
    return this.post('/bet/event', { sessionID: this.sessionID, event });
  }

  async replay(game: string, version: string, mode: string, event: string): Promise<Record<string, unknown>> {
    const response = await this.get(`/bet/replay/${game}/${version}/${mode}/${event}`);
    if (response.status !== 200) {
      const error = response.json as { error?: string; message?: string } | undefined;
      throw new StakeApiError(response.status, error?.error, error?.message ?? '');
    }
    return response.json as Record<string, unknown>;
  }

  /**
   * Opens /ws?sessionID=… and collects pushed messages. `next(type)` waits (bounded) for the next
   * message of that type.
   */
  async openSocket(timeoutMs = 5_000): Promise<StakeSocket> {
    const wsUrl = `${this.scheme === 'https' ? 'wss' : 'ws'}://${this.rgsUrl}/ws?sessionID=${encodeURIComponent(this.sessionID)}`;
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
