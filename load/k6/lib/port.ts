/**
 * The journey's port on k6: requests through `http.asyncRequest` (tagged by endpoint, so the
 * thresholds can pick them out), think time through `sleep`, checks through `check`, and two
 * custom rates: `journey_errors` (failed or unknown replies, not shedding) and `shed`.
 *
 * k6 APIs used, as documented: k6/http asyncRequest and Params (headers, tags, timeout),
 * Response.status/json()/headers, k6 check and sleep, k6/metrics Rate.
 */
import { check, sleep } from 'k6';
import http from 'k6/http';
import { Rate } from 'k6/metrics';
import type { JourneyCall, JourneyPort } from '../../journey/journey.ts';
import {
  classifyReply,
  ENDPOINT_EFFECT,
  type JourneyReply,
  outcomeOf,
  parseRetryAfterMs,
} from '../../journey/replies.ts';
import { K6_ERRORS_METRIC, K6_SHED_METRIC } from '../../scenarios/k6-options.ts';

const journeyErrors = new Rate(K6_ERRORS_METRIC);
const shed = new Rate(K6_SHED_METRIC);

export function k6Port(baseUrl: string, requestTimeoutMs: number, random: () => number): JourneyPort {
  return {
    async send(call: JourneyCall): Promise<JourneyReply> {
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (call.operatorToken !== undefined) headers.Authorization = `Bearer ${call.operatorToken}`;
      if (call.idempotencyKey !== undefined) headers['Idempotency-Key'] = call.idempotencyKey;
      const response = await http.asyncRequest('POST', `${baseUrl}${call.path}`, JSON.stringify(call.body), {
        headers,
        tags: { endpoint: call.endpoint },
        timeout: `${requestTimeoutMs}ms`,
      });
      let body: unknown = null;
      try {
        body = typeof response.body === 'string' && response.body.length > 0 ? response.json() : null;
      } catch {
        body = null;
      }
      const reply: JourneyReply = {
        status: response.status,
        body,
        retryAfterMs: parseRetryAfterMs(response.headers['Retry-After'], Date.now()),
        // k6 reports no reply (timeout, reset) as status 0: unknown, as a careful client must.
        outcome: outcomeOf(
          response.status,
          body,
          ENDPOINT_EFFECT[call.endpoint],
          response.headers['Croupier-Outcome'],
        ),
      };
      const kind = classifyReply(reply);
      journeyErrors.add(kind === 'failed' || kind === 'unknown', { endpoint: call.endpoint });
      shed.add(kind === 'shed', { endpoint: call.endpoint });
      return reply;
    },
    pause(ms: number): Promise<void> {
      sleep(ms / 1_000);
      return Promise.resolve();
    },
    random,
    check(name: string, ok: boolean): void {
      check(null, { [name]: () => ok });
    },
    nowMs: () => Date.now(),
  };
}
