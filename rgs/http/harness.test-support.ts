/**
 * TEST ONLY — starts an RGS HTTP server on a free loopback port over a given core and session
 * store, and opens player sessions through the operator API like an operator would.
 */

import { rawRequest, StakeClient } from '../../test/support/stake-client.ts';
import type { RgsCore } from '../core/contract.ts';
import type { SessionStore } from '../sessions/index.ts';
import {
  buildRgsServer,
  DEFAULT_HTTP_OPTIONS,
  type ReadinessCheck,
  type RgsHttpOptions,
  type RgsHttpServer,
} from './app.ts';
import { signOperatorToken } from './operator-auth.ts';

export const TEST_OPERATOR_SECRET = 'test-operator-secret-0123456789abcdef';

export interface Harness {
  readonly server: RgsHttpServer;
  readonly port: number;
  readonly baseUrl: string;
  readonly rgsUrl: string;
  operatorToken(): Promise<string>;
  /** POST /session/start as the operator; returns the launch URL's client (and the player id). */
  startSession(body: Record<string, unknown>): Promise<StakeClient & { readonly playerID: string }>;
  close(): Promise<void>;
}

export async function startHarness(input: {
  core: RgsCore;
  sessions: SessionStore;
  options?: Partial<RgsHttpOptions>;
  tls?: { key: string; cert: string; ca: string };
  now?: () => number;
  closeStore?: boolean;
  readiness?: readonly ReadinessCheck[];
}): Promise<Harness> {
  const server = await buildRgsServer({
    core: input.core,
    sessions: input.sessions,
    options: {
      ...DEFAULT_HTTP_OPTIONS,
      logLevel: false,
      processMetrics: false,
      operatorSecret: TEST_OPERATOR_SECRET,
      ...input.options,
    },
    tls: input.tls ? { key: input.tls.key, cert: input.tls.cert } : null,
    readiness: input.readiness ?? [],
    ...(input.now ? { now: input.now } : {}),
  });
  const port = await server.listen(0, '127.0.0.1');
  const scheme = input.tls ? 'https' : 'http';
  const rgsUrl = `127.0.0.1:${port}`;
  const baseUrl = `${scheme}://${rgsUrl}`;
  const ca = input.tls?.ca;
  return {
    server,
    port,
    baseUrl,
    rgsUrl,
    operatorToken: () => signOperatorToken(TEST_OPERATOR_SECRET, 60),
    async startSession(body) {
      const token = await signOperatorToken(TEST_OPERATOR_SECRET, 60);
      const response = await rawRequest(`${baseUrl}/session/start`, {
        method: 'POST',
        body,
        headers: { authorization: `Bearer ${token}` },
        ...(ca ? { ca } : {}),
      });
      if (response.status !== 200) throw new Error(`session/start: ${response.status} ${response.text}`);
      const { url, playerID } = response.json as { url: string; playerID: string };
      return Object.assign(StakeClient.fromLaunchUrl(url, { scheme, ...(ca ? { ca } : {}) }), { playerID });
    },
    async close() {
      await server.shutdown(1_000);
      if (input.closeStore ?? true) await input.sessions.close();
      await input.core.close();
    },
  };
}
