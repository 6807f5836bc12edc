/**
 * A deliberately broken HTTP gateway in front of an RGS node, for the books checker's negative
 * controls end to end: real clients, a real RGS and a real database, with a defect injected where a
 * real deployment could have one (a gateway, a retrying proxy, a buggy front door). It never changes
 * the RGS's code. Defects:
 * - `duplicatePlays`: each /wallet/play is sent twice, the second time without its Idempotency-Key
 *   (a retrying proxy that drops unknown headers): the idempotency check is skipped for the copy,
 *   and a closed round lets the copy book a second bet for one client intent;
 * - `fakeAckEvery`: every Nth play is answered 200 by the gateway itself, with the shape of the last
 *   real reply and a round id the RGS never booked: an acknowledgement without a commit;
 * - `strayBet()`: the gateway places a bet of its own on a session it has seen, when no client
 *   asked for one: a debit nobody requested.
 * TEST AND DRILL USE ONLY: it listens on loopback and is started by tests, never by the RGS.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface GatewayDefects {
  readonly duplicatePlays?: boolean;
  readonly fakeAckEvery?: number;
}

export interface FaultyGateway {
  readonly url: string;
  /** How many times each defect fired. */
  counters(): { duplicated: number; fakeAcks: number; strayBets: number };
  /** Place one bet nobody asked for, on the last session seen; true when the RGS booked it. */
  strayBet(): Promise<boolean>;
  stop(): Promise<void>;
}

const BODY_MAX_BYTES = 1 << 20;
const UPSTREAM_TIMEOUT_MS = 10_000;

interface Forwarded {
  readonly status: number;
  readonly text: string;
}

async function forward(
  target: string,
  path: string,
  method: string,
  headers: IncomingHttpHeaders,
  body: string,
): Promise<Forwarded> {
  const keep: Record<string, string> = {};
  for (const name of ['content-type', 'authorization', 'idempotency-key']) {
    const value = headers[name];
    if (typeof value === 'string') keep[name] = value;
  }
  const response = await fetch(`${target}${path}`, {
    method,
    headers: keep,
    ...(method === 'GET' || method === 'HEAD' ? {} : { body }),
    signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
  });
  return { status: response.status, text: await response.text() };
}

export async function startFaultyGateway(target: string, defects: GatewayDefects): Promise<FaultyGateway> {
  const counts = { duplicated: 0, fakeAcks: 0, strayBets: 0 };
  let lastPlayBody: string | undefined;
  let plays = 0;
  let lastPlayReply: string | undefined;
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > BODY_MAX_BYTES) break;
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks).toString('utf8');
    const path = request.url ?? '/';
    const method = request.method ?? 'GET';
    try {
      let reply: Forwarded;
      if (path === '/wallet/play') {
        plays++;
        const fake =
          defects.fakeAckEvery !== undefined &&
          plays % defects.fakeAckEvery === 0 &&
          lastPlayReply !== undefined;
        if (fake) {
          counts.fakeAcks++;
          const template = JSON.parse(lastPlayReply!) as { round: Record<string, unknown> };
          reply = {
            status: 200,
            text: JSON.stringify({
              ...template,
              round: { ...template.round, betID: randomUUID(), active: false },
            }),
          };
        } else {
          reply = await forward(target, path, method, request.headers, body);
          if (reply.status === 200) lastPlayReply = reply.text;
          if (defects.duplicatePlays === true) {
            const { 'idempotency-key': _dropped, ...withoutKey } = request.headers;
            await forward(target, path, method, withoutKey, body).catch(() => undefined);
            counts.duplicated++;
          }
          lastPlayBody = body;
        }
      } else {
        reply = await forward(target, path, method, request.headers, body);
      }
      response.writeHead(reply.status, { 'content-type': 'application/json' });
      response.end(reply.text);
    } catch {
      response.destroy();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    counters: () => ({ ...counts }),
    async strayBet() {
      if (lastPlayBody === undefined) return false;
      const reply = await forward(
        target,
        '/wallet/play',
        'POST',
        { 'content-type': 'application/json' },
        lastPlayBody,
      ).catch(() => undefined);
      if (reply?.status !== 200) return false;
      counts.strayBets++;
      return true;
    },
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
