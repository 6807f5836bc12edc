/**
 * The revoke-session fault: a session of its own (not one of the load's players) authenticates,
 * opens its WebSocket, and the operator revokes it (DELETE /session/:id). What must follow: the
 * RGS closes the socket within the allowed time, and the session's wallet calls are refused with a
 * 4xx (ERR_IS), never served.
 */
import { WebSocket } from 'ws';
import type { InvariantVerdict } from '../../load/index.ts';
import { signOperatorToken } from '../../rgs/index.ts';

const STEP_TIMEOUT_MS = 5_000;
/** The scenario's promise: the revoked session's socket is closed within 2 s of the revocation. */
const SOCKET_CLOSE_WITHIN_MS = 2_000;

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}, method = 'POST') {
  const response = await fetch(url, {
    method,
    headers: method === 'DELETE' ? headers : { 'content-type': 'application/json', ...headers },
    ...(method === 'DELETE' ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not JSON: keep the status.
  }
  return { status: response.status, json };
}

export interface RevocationProbe {
  readonly sessionID: string;
  /** Revoke now; resolves when the operator call answered. */
  revoke(): Promise<void>;
  /** After the allowed time: the verdicts (socket closed in time, wallet refused). */
  verdicts(): Promise<InvariantVerdict[]>;
  close(): void;
}

export async function openRevocationProbe(options: {
  readonly node: string;
  readonly operatorSecret: string;
  readonly gameID: string;
  readonly balance: number;
}): Promise<RevocationProbe> {
  const token = await signOperatorToken(options.operatorSecret, 300);
  const started = await postJson(
    `${options.node}/session/start`,
    { currency: 'USD', balance: options.balance, gameID: options.gameID },
    { authorization: `Bearer ${token}` },
  );
  const launch = started.json.url;
  if (started.status !== 200 || typeof launch !== 'string')
    throw new Error(`revoke probe: session/start answered ${started.status}`);
  const sessionID = new URL(launch).searchParams.get('sessionID') ?? '';
  const auth = await postJson(`${options.node}/wallet/authenticate`, { sessionID, language: 'en' });
  if (auth.status !== 200) throw new Error(`revoke probe: authenticate answered ${auth.status}`);
  const socket = new WebSocket(
    `${options.node.replace(/^http/, 'ws')}/ws?sessionID=${encodeURIComponent(sessionID)}`,
  );
  socket.on('error', () => {});
  let closedAtMs: number | undefined;
  socket.on('close', () => {
    closedAtMs ??= performance.now();
  });
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error('revoke probe: the WebSocket did not open')),
      STEP_TIMEOUT_MS,
    );
    socket.once('message', () => {
      clearTimeout(timer);
      done();
    });
    socket.once('close', () => {
      clearTimeout(timer);
      fail(new Error('revoke probe: the WebSocket closed before its hello'));
    });
  });
  let revokedAtMs: number | undefined;
  let revokeStatus = 0;
  return {
    sessionID,
    async revoke() {
      const operatorToken = await signOperatorToken(options.operatorSecret, 60);
      revokedAtMs = performance.now();
      revokeStatus = (
        await postJson(
          `${options.node}/session/${encodeURIComponent(sessionID)}`,
          undefined,
          { authorization: `Bearer ${operatorToken}` },
          'DELETE',
        )
      ).status;
    },
    async verdicts() {
      const closedInMs =
        closedAtMs !== undefined && revokedAtMs !== undefined ? Math.round(closedAtMs - revokedAtMs) : null;
      const play = await postJson(`${options.node}/wallet/balance`, { sessionID });
      return [
        {
          name: 'revoked-socket-closed',
          ok: revokeStatus === 200 && closedInMs !== null && closedInMs <= SOCKET_CLOSE_WITHIN_MS,
          checked: 1,
          problems:
            revokeStatus !== 200
              ? [`DELETE /session answered ${revokeStatus}`]
              : closedInMs === null
                ? ['the WebSocket of the revoked session is still open']
                : closedInMs > SOCKET_CLOSE_WITHIN_MS
                  ? [
                      `the WebSocket closed ${closedInMs} ms after the revocation (bound ${SOCKET_CLOSE_WITHIN_MS} ms)`,
                    ]
                  : [],
        },
        {
          name: 'revoked-session-refused',
          ok: play.status >= 400 && play.status < 500,
          checked: 1,
          problems:
            play.status >= 400 && play.status < 500
              ? []
              : [`a wallet call on the revoked session answered ${play.status}`],
        },
      ];
    },
    close() {
      socket.terminate();
    },
  };
}
