/**
 * Admission control: a bound on the requests the server works on at once. Past the bound a new
 * request is refused at once, before any work (503 ERR_MAINTENANCE, `Retry-After`, and
 * `Croupier-Outcome: not-applied` so a client knows it may resend it), instead of queueing behind
 * the others until every reply is late. Shedding the excess keeps the accepted requests fast and
 * lets the server recover as soon as the burst passes (issue 10 §4).
 *
 * Decided when the request arrives (`onRequest`), before parsing or any handler: a request that
 * was admitted, and so may have started a money transaction, is never cut. End-round, which
 * finishes a round the player already paid for, gets a quarter more room than new work, so rounds
 * close even while new bets are being shed. Operations endpoints (/health, /ready, /metrics) and
 * WebSocket upgrades are never counted or shed: an orchestrator must see an overloaded server.
 *
 * A slot is released when the reply is handed to the framework (`onSend`), or when the client
 * leaves before its request reached a handler (`onRequestAbort`); a handler still working after
 * the client left keeps its slot until it replies.
 *
 * A second signal covers the case the in-flight count cannot see: a server starved of CPU (or
 * blocked in synchronous work such as embedded PGlite's queries) accepts requests late, so few are
 * "in flight" while many wait in the socket backlog. A timer measures how late the event loop
 * runs; while that lag is above `maxEventLoopLagMs`, new work is shed the same way (end-round
 * still gets in), so the backlog drains in cheap refusals instead of in seconds-late answers.
 * (The same idea as @fastify/under-pressure's maxEventLoopDelay, kept here so end-round and the
 * Stake error body get the treatment above.)
 *
 * Configured by RGS_MAX_IN_FLIGHT and RGS_MAX_EVENT_LOOP_LAG_MS (rgs/config.ts) through the server's
 * options, never read from the environment here.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, Gauge, type Registry } from 'prom-client';
import { OUTCOME_HEADER } from '../wire/index.ts';

export interface AdmissionOptions {
  /** Requests worked on at once, at most (end-round may use a quarter more). 0: no bound. */
  readonly maxInFlight: number;
  /** Retry-After of a shed reply, in seconds (the header's unit). */
  readonly retryAfterS: number;
  /** Shed new work while the event loop runs this late (ms); 0: never. */
  readonly maxEventLoopLagMs: number;
}

/**
 * Defaults: 128 requests in progress (with PostgreSQL's pool of 10 that is a queue of a few tens of
 * milliseconds, and above the 64 players of bench/rgs.bench.ts); the lag check off, because a
 * server sharing a busy machine with a test suite sees 100 ms stalls that are not overload. The
 * load runner's embedded RGS (PGlite, serial) sets 32 and 100 ms; so should a production node.
 */
export const DEFAULT_ADMISSION: AdmissionOptions = {
  maxInFlight: 128,
  retryAfterS: 1,
  maxEventLoopLagMs: 0,
};
const LAG_SAMPLE_MS = 20;
/** Each sample halves the remembered lag: one late tick sheds for about 100 ms, not longer. */
const LAG_DECAY = 0.5;
const EXEMPT_ROUTES = new Set(['/health', '/ready', '/metrics', '/ws']);
const FINISHING_ROUTES = new Set(['/wallet/end-round']);
const FINISHING_HEADROOM = 1.25;

/** How late the event loop runs, sampled by a timer; `stop` clears the timer. */
function eventLoopLag(): { lagMs(): number; stop(): void } {
  let expectedMs = performance.now() + LAG_SAMPLE_MS;
  let recentMs = 0;
  const timer = setInterval(() => {
    const nowMs = performance.now();
    recentMs = Math.max(nowMs - expectedMs, recentMs * LAG_DECAY);
    expectedMs = nowMs + LAG_SAMPLE_MS;
  }, LAG_SAMPLE_MS);
  timer.unref();
  return {
    // A timer that has not fired yet is late too: count the time since it was due.
    lagMs: () => Math.max(recentMs, performance.now() - expectedMs),
    stop: () => clearInterval(timer),
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    admissionSlot?: 'held' | 'released';
    admissionStarted?: boolean;
  }
}

/** Adds the admission hooks to `app` (call before routes are added). */
export function registerAdmission(app: FastifyInstance, registry: Registry, options: AdmissionOptions): void {
  if (options.maxInFlight === 0 && options.maxEventLoopLagMs === 0) return;
  const shed = new Counter({
    name: 'rgs_admission_shed_total',
    help: 'Requests refused before any work because the in-flight bound was reached',
    labelNames: ['route'],
    registers: [registry],
  });
  const gauge = new Gauge({
    name: 'rgs_admission_in_flight',
    help: 'Requests being worked on',
    registers: [registry],
  });
  const lag = options.maxEventLoopLagMs > 0 ? eventLoopLag() : null;
  app.addHook('onClose', async () => lag?.stop());
  const maxInFlight = options.maxInFlight === 0 ? Number.POSITIVE_INFINITY : options.maxInFlight;
  let inFlight = 0;
  const release = (request: FastifyRequest) => {
    if (request.admissionSlot !== 'held') return;
    request.admissionSlot = 'released';
    inFlight -= 1;
    if (inFlight < 0) throw new Error('invariant: admission in-flight count below zero');
    gauge.set(inFlight);
  };
  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    if (EXEMPT_ROUTES.has(route)) return;
    const finishing = FINISHING_ROUTES.has(route);
    const bound = finishing ? maxInFlight * FINISHING_HEADROOM : maxInFlight;
    const late = !finishing && lag !== null && lag.lagMs() > options.maxEventLoopLagMs;
    if (inFlight >= bound || late) {
      shed.inc({ route });
      return reply
        .code(503)
        .header('retry-after', String(options.retryAfterS))
        .header(OUTCOME_HEADER, 'not-applied')
        .type('application/json; charset=utf-8')
        .send({
          error: 'ERR_MAINTENANCE',
          message: 'server is at capacity; nothing was done, retry after the pause',
        });
    }
    inFlight += 1;
    gauge.set(inFlight);
    request.admissionSlot = 'held';
  });
  app.addHook('preHandler', async (request) => {
    request.admissionStarted = true;
  });
  app.addHook('onSend', async (request) => release(request));
  app.addHook('onResponse', async (request) => release(request));
  app.addHook('onRequestAbort', async (request) => {
    if (!request.admissionStarted) release(request);
  });
}
