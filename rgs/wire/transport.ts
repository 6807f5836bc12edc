/**
 * One HTTP exchange with the RGS, bounded, classified into a WireResult (result.ts). Node built-ins
 * only (node:http/https): the load runner calls this tens of thousands of times per second, so it
 * allocates one request, one timer and one result per call, decodes the body's bytes once and
 * parses JSON once; nothing else runs on the hot path (no schema validation: the API's shapes are
 * typed, not checked, and a 2xx body that is not a JSON object is reported as unknown).
 */
import type http from 'node:http';
import type https from 'node:https';
import type { ClientErrorCode } from './errors.ts';
import {
  clientResult,
  notOkResult,
  okResult,
  type WireFailed,
  type WireRawReply,
  type WireResult,
  type WireUnknown,
} from './result.ts';
import { OUTCOME_HEADER, type RouteEffect } from './routes.ts';

/** Errors of a connection that never opened: nothing was sent. */
const CONNECT_ERRORS = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  // TLS: the server's certificate was refused, so the request never went out.
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export interface WireTarget {
  readonly transport: typeof http | typeof https;
  readonly agent: http.Agent | false;
  readonly hostname: string;
  readonly port: number;
  /** A PEM CA, for a one-shot https request (with an agent the agent carries it). */
  readonly ca?: string | Buffer;
}

export interface WireExchange {
  readonly method: string;
  readonly path: string;
  readonly effect: RouteEffect;
  readonly headers: http.OutgoingHttpHeaders;
  /** Sent verbatim (already JSON); undefined: no body. */
  readonly bodyText: string | undefined;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly keepRaw: boolean;
}

/** Parses `http(s)://host[:port]` (no path) into a target for `agent`. */
export function parseBaseUrl(baseUrl: string): { secure: boolean; hostname: string; port: number } {
  const url = new URL(baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`baseUrl must be http(s)://host[:port], got ${baseUrl}`);
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw new TypeError(`baseUrl must have no path, query or fragment: ${baseUrl}`);
  }
  const secure = url.protocol === 'https:';
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return { secure, hostname, port: url.port === '' ? (secure ? 443 : 80) : Number(url.port) };
}

/**
 * One exchange; never rejects: every way it can end is a WireResult. `settled` runs once, just
 * before the result is delivered (the client releases its in-flight slot there, without a second
 * promise per call).
 */
export function exchange(
  target: WireTarget,
  call: WireExchange,
  settled: () => void,
): Promise<WireResult<unknown>> {
  return new Promise((resolve) => {
    let done = false;
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (result: WireResult<unknown>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      settled();
      resolve(result);
    };
    const request = target.transport.request(
      {
        agent: target.agent,
        hostname: target.hostname,
        port: target.port,
        method: call.method,
        path: call.path,
        headers: call.headers,
        ...(target.agent === false && target.ca !== undefined ? { ca: target.ca } : {}),
      },
      (response) => readReply(response, call, finish),
    );
    timer = setTimeout(() => {
      timedOut = true;
      // Before a socket took the request, or while it was still connecting, nothing was sent.
      const socket = request.socket;
      const sent = socket !== null && socket !== undefined && !socket.connecting;
      finish(
        sent
          ? clientResult('unknown', 'CLIENT_TIMEOUT', `no reply within ${call.timeoutMs} ms`)
          : clientResult('failed', 'CLIENT_QUEUE_TIMEOUT', `not sent within ${call.timeoutMs} ms`),
      );
      request.destroy();
    }, call.timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (timedOut) return;
      finish(transportFailure(error));
    });
    request.end(call.bodyText);
  });
}

function transportFailure(error: NodeJS.ErrnoException): WireFailed | WireUnknown {
  const code = error.code ?? '';
  if (CONNECT_ERRORS.has(code)) return clientResult('failed', 'CLIENT_CONNECT', `${code}: ${error.message}`);
  const clientCode: ClientErrorCode = code === 'CLIENT_TOO_LARGE' ? 'CLIENT_TOO_LARGE' : 'CLIENT_RESET';
  return clientResult('unknown', clientCode, code === '' ? error.message : `${code}: ${error.message}`);
}

function readReply(
  response: http.IncomingMessage,
  call: WireExchange,
  finish: (result: WireResult<unknown>) => void,
): void {
  // Bytes, counted exactly and decoded once; a reply that fits one chunk (the usual case) is
  // decoded without a copy.
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  let bytes = 0;
  response.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > call.maxResponseBytes) {
      const error = new Error(`reply over ${call.maxResponseBytes} bytes`) as NodeJS.ErrnoException;
      error.code = 'CLIENT_TOO_LARGE';
      finish(transportFailure(error));
      response.destroy();
    } else if (first === undefined) first = chunk;
    else (more ??= [first]).push(chunk);
  });
  response.on('error', (error: NodeJS.ErrnoException) => finish(transportFailure(error)));
  response.on('end', () => {
    const text =
      more !== undefined ? Buffer.concat(more, bytes).toString('utf8') : (first?.toString('utf8') ?? '');
    finish(classifyReply(response, text, call));
  });
  // A connection that closes mid-reply: 'close' without 'end' (after 'end' finish is a no-op).
  response.on('close', () => finish(clientResult('unknown', 'CLIENT_RESET', 'connection closed mid-reply')));
}

/** The WireResult a complete reply stands for (see result.ts for the rules). */
export function classifyReply(
  response: http.IncomingMessage,
  text: string,
  call: Pick<WireExchange, 'effect' | 'keepRaw'>,
): WireResult<unknown> {
  const status = response.statusCode ?? 0;
  const raw: WireRawReply | undefined = call.keepRaw ? { headers: response.headers, text } : undefined;
  let body: unknown;
  let parsed = true;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = false;
  }
  if (status >= 200 && status <= 299) {
    if (parsed && typeof body === 'object' && body !== null) return okResult(status, body, raw);
    return notOkResult(
      'unknown',
      status,
      'CLIENT_BAD_REPLY',
      'a 2xx reply without a JSON object body',
      body,
      undefined,
      raw,
    );
  }
  const error =
    parsed && typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
  const code = typeof error?.error === 'string' ? error.error : `HTTP_${status}`;
  const message = typeof error?.message === 'string' ? error.message : text.slice(0, 200);
  const retryAfter = response.headers['retry-after'];
  const retryAfterS = retryAfter === undefined ? Number.NaN : Number(retryAfter);
  const retryAfterMs = Number.isFinite(retryAfterS) && retryAfterS >= 0 ? retryAfterS * 1000 : undefined;
  return notOkResult(
    outcomeOf(status, call.effect, response),
    status,
    code,
    message,
    body,
    retryAfterMs,
    raw,
  );
}

function outcomeOf(
  status: number,
  effect: RouteEffect,
  response: http.IncomingMessage,
): 'failed' | 'unknown' {
  if (status < 500) return 'failed';
  const said = response.headers[OUTCOME_HEADER];
  if (said === 'not-applied') return 'failed';
  if (said === 'unknown') return 'unknown';
  // A 5xx to a call that may have changed something, with no word on whether it did: unknown.
  return effect === 'read' ? 'failed' : 'unknown';
}
