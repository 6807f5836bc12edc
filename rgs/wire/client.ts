/**
 * The one bounded Stake-API client: tests, certification's live-RGS input, the benchmarks, the load
 * runner and the chaos drills all talk to the RGS through it.
 *
 * Bounds: a keep-alive Agent with at most `maxSockets` connections; at most `maxInFlight` calls
 * queued or in flight (beyond it a call fails at once with CLIENT_OVERLOADED, nothing sent); a
 * per-call deadline `timeoutMs` that covers the wait for a socket; replies over
 * `maxResponseBytes` are cut (unknown). Results are values (result.ts): ok / failed / unknown.
 *
 * One client serves many sessions: player calls take the sessionID. Operator calls need
 * `operatorToken`. Amounts are API units (units.ts). The WebSocket push channel needs the `ws`
 * package on Node 20 and so lives outside `rgs/wire` (test/support/stake-client.ts).
 */
import http from 'node:http';
import https from 'node:https';
import { clientResult, type WireResult } from './result.ts';
import {
  gameInfoPath,
  IDEMPOTENCY_KEY_HEADER,
  ROUTES,
  type RouteEffect,
  replayPath,
  sessionEndPath,
} from './routes.ts';
import { exchange, parseBaseUrl, type WireTarget } from './transport.ts';
import type {
  AuthenticateResponse,
  BalanceResponse,
  EndRoundResponse,
  EventResponse,
  GameInfoResponse,
  PlayResponse,
  RealityCheckResponse,
  RecallResponse,
  ReplayResponse,
  SessionEndResponse,
  SessionStartRequest,
  SessionStartResponse,
} from './types.ts';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_SOCKETS = 64;
export const DEFAULT_MAX_RESPONSE_BYTES = 1 << 20;
const JSON_TYPE = 'application/json';

export interface StakeApiClientOptions {
  /** `http(s)://host[:port]` of the RGS (a launch URL's `rgs_url` is a host: prefix the scheme). */
  readonly baseUrl: string;
  /** Per-call deadline (socket wait included). Default 10 s. */
  readonly timeoutMs?: number;
  /** Connections kept to the RGS at most. Default 64. */
  readonly maxSockets?: number;
  /** Calls queued or in flight at most; default 16 × maxSockets. */
  readonly maxInFlight?: number;
  /** Replies longer than this are cut and reported unknown. Default 1 MiB. */
  readonly maxResponseBytes?: number;
  /** PEM CA to trust for https (the RGS's generated loopback CA). */
  readonly ca?: string | Buffer;
  /** Bearer token for the operator calls (`croupier rgs token`). */
  readonly operatorToken?: string;
  /** false: a new connection per call (no Agent). Default true. */
  readonly keepAlive?: boolean;
}

export interface CallOptions {
  /** Overrides the client's deadline for this call. */
  readonly timeoutMs?: number;
  /** Extra request headers (lower-case names). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Keep the reply's headers and text on the result (tests, diagnostics). */
  readonly keepRaw?: boolean;
}

export interface MoneyCallOptions extends CallOptions {
  /** The `Idempotency-Key` of this intent (a retry reuses it). */
  readonly idempotencyKey?: string;
}

export interface PlayOptions extends MoneyCallOptions {
  /** Sent as the body's `currency` (web-sdk does); the RGS checks it against the session's. */
  readonly currency?: string;
}

export class StakeApiClient {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly maxInFlight: number;
  private readonly target: WireTarget;
  private readonly maxResponseBytes: number;
  private readonly operatorAuthorization: string | undefined;
  private inFlightCount = 0;

  constructor(options: StakeApiClientOptions) {
    const { secure, hostname, port } = parseBaseUrl(options.baseUrl);
    const maxSockets = options.maxSockets ?? DEFAULT_MAX_SOCKETS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxInFlight = options.maxInFlight ?? 16 * maxSockets;
    assertBound('maxSockets', maxSockets, 1, 65_536);
    assertBound('maxInFlight', this.maxInFlight, 1, 10_000_000);
    assertBound('timeoutMs', this.timeoutMs, 1, 3_600_000);
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    assertBound('maxResponseBytes', this.maxResponseBytes, 1, 1 << 30);
    this.baseUrl = `${secure ? 'https' : 'http'}://${options.baseUrl.replace(/^https?:\/\//, '').replace(/\/+$/, '')}`;
    const transport = secure ? https : http;
    const agent =
      options.keepAlive === false
        ? false
        : new transport.Agent({
            keepAlive: true,
            maxSockets,
            maxFreeSockets: maxSockets,
            scheduling: 'lifo',
            ...(secure && options.ca !== undefined ? { ca: options.ca } : {}),
          });
    this.target = {
      transport,
      agent,
      hostname,
      port,
      ...(options.ca !== undefined ? { ca: options.ca } : {}),
    };
    this.operatorAuthorization =
      options.operatorToken === undefined ? undefined : `Bearer ${options.operatorToken}`;
  }

  /** Calls queued or in flight now. */
  get inFlight(): number {
    return this.inFlightCount;
  }

  /** Closes the kept-alive connections; calls made after this open new ones. */
  close(): void {
    if (this.target.agent !== false) this.target.agent.destroy();
  }

  // ---- player calls (Stake Engine API) ----

  authenticate(sessionID: string, language?: string, options?: CallOptions) {
    const body =
      language === undefined
        ? `{"sessionID":${JSON.stringify(sessionID)}}`
        : `{"sessionID":${JSON.stringify(sessionID)},"language":${JSON.stringify(language)}}`;
    return this.call<AuthenticateResponse>('POST', ROUTES.authenticate.path, 'state', body, options);
  }

  balance(sessionID: string, options?: CallOptions) {
    return this.call<BalanceResponse>('POST', ROUTES.balance.path, 'read', sessionBody(sessionID), options);
  }

  /** Debits `amount` (base bet, API units) × the mode's cost and plays one round. */
  play(sessionID: string, amount: number, mode: string, options?: PlayOptions) {
    const currency = options?.currency === undefined ? '' : `,"currency":${JSON.stringify(options.currency)}`;
    // `amount` goes out as written: a fraction or an unsafe integer is refused by the server (ERR_VAL),
    // which hostile-input tests rely on, so the client does not round or check it.
    const body = `{"sessionID":${JSON.stringify(sessionID)},"amount":${JSON.stringify(amount)},"mode":${JSON.stringify(mode)}${currency}}`;
    return this.call<PlayResponse>('POST', ROUTES.play.path, 'money', body, withKey(options));
  }

  endRound(sessionID: string, options?: MoneyCallOptions) {
    return this.call<EndRoundResponse>(
      'POST',
      ROUTES.endRound.path,
      'money',
      sessionBody(sessionID),
      withKey(options),
    );
  }

  event(sessionID: string, event: string, options?: CallOptions) {
    const body = `{"sessionID":${JSON.stringify(sessionID)},"event":${JSON.stringify(event)}}`;
    return this.call<EventResponse>('POST', ROUTES.event.path, 'state', body, options);
  }

  replay(game: string, version: string, mode: string, event: string, options?: CallOptions) {
    return this.call<ReplayResponse>(
      'GET',
      replayPath(game, version, mode, event),
      'read',
      undefined,
      options,
    );
  }

  recall(sessionID: string, limit?: number, options?: CallOptions) {
    const body = limit === undefined ? sessionBody(sessionID) : JSON.stringify({ sessionID, limit });
    return this.call<RecallResponse>('POST', ROUTES.recall.path, 'read', body, options);
  }

  realityCheck(sessionID: string, options?: CallOptions) {
    return this.call<RealityCheckResponse>(
      'POST',
      ROUTES.realityCheck.path,
      'state',
      sessionBody(sessionID),
      options,
    );
  }

  gameInfo(gameID: string, currency?: string, options?: CallOptions) {
    return this.call<GameInfoResponse>('GET', gameInfoPath(gameID, currency), 'read', undefined, options);
  }

  // ---- operator calls (Bearer token) ----

  startSession(request: SessionStartRequest, options?: CallOptions) {
    const body = JSON.stringify(request);
    return this.call<SessionStartResponse>(
      'POST',
      ROUTES.sessionStart.path,
      'state',
      body,
      this.operator(options),
    );
  }

  endSession(sessionID: string, options?: CallOptions) {
    return this.call<SessionEndResponse>(
      'DELETE',
      sessionEndPath(sessionID),
      'state',
      undefined,
      this.operator(options),
    );
  }

  // ---- any call ----

  /**
   * Any method and path. `body`: a string is sent verbatim (hostile-input tests), anything else as
   * JSON; `effect` decides what a 5xx without `Croupier-Outcome` means (default: from the method).
   */
  call<T = unknown>(
    method: string,
    path: string,
    effect: RouteEffect | undefined,
    body?: unknown,
    options?: CallOptions,
  ): Promise<WireResult<T>> {
    if (this.inFlightCount >= this.maxInFlight) {
      return Promise.resolve(
        clientResult('failed', 'CLIENT_OVERLOADED', `${this.maxInFlight} calls already in flight`),
      );
    }
    const bodyText = body === undefined || typeof body === 'string' ? body : JSON.stringify(body);
    // The caller's headers win over the defaults (a hostile-input test may send another type).
    const headers: http.OutgoingHttpHeaders =
      bodyText === undefined ? { accept: JSON_TYPE } : { accept: JSON_TYPE, 'content-type': JSON_TYPE };
    if (options?.headers !== undefined) Object.assign(headers, options.headers);
    if (bodyText !== undefined) headers['content-length'] = Buffer.byteLength(bodyText);
    this.inFlightCount++;
    return exchange(
      this.target,
      {
        method,
        path,
        effect: effect ?? (method === 'GET' ? 'read' : 'state'),
        headers,
        bodyText,
        timeoutMs: options?.timeoutMs ?? this.timeoutMs,
        maxResponseBytes: this.maxResponseBytes,
        keepRaw: options?.keepRaw ?? false,
      },
      this.releaseSlot,
    ) as Promise<WireResult<T>>;
  }

  /** One closure per client (not per call): frees an in-flight slot when a call settles. */
  private readonly releaseSlot = (): void => {
    this.inFlightCount--;
  };

  private operator(options: CallOptions | undefined): CallOptions {
    if (this.operatorAuthorization === undefined || options?.headers?.authorization !== undefined) {
      return options ?? {};
    }
    return { ...options, headers: { ...options?.headers, authorization: this.operatorAuthorization } };
  }
}

function sessionBody(sessionID: string): string {
  return `{"sessionID":${JSON.stringify(sessionID)}}`;
}

function withKey(options: MoneyCallOptions | undefined): CallOptions | undefined {
  if (options?.idempotencyKey === undefined) return options;
  return { ...options, headers: { ...options.headers, [IDEMPOTENCY_KEY_HEADER]: options.idempotencyKey } };
}

function assertBound(name: string, value: number, min: number, max: number): void {
  if (!(Number.isSafeInteger(value) && value >= min && value <= max)) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
}

/** The RGS base URL and session of a launch URL (`…?sessionID=&lang=&currency=&rgs_url=`). */
export function parseLaunchUrl(
  launchUrl: string,
  scheme: 'https' | 'http' = 'https',
): { baseUrl: string; rgsUrl: string; sessionID: string; language: string; currency: string | undefined } {
  const params = new URL(launchUrl).searchParams;
  const sessionID = params.get('sessionID');
  const rgsUrl = params.get('rgs_url');
  if (!sessionID || !rgsUrl) throw new TypeError('launch URL lacks sessionID or rgs_url');
  // rgs_url is a host only; the public clients hard-code https (shared/protocols/stake-engine-rgs.md).
  return {
    baseUrl: `${scheme}://${rgsUrl}`,
    rgsUrl,
    sessionID,
    language: params.get('lang') ?? 'en',
    currency: params.get('currency') ?? undefined,
  };
}
