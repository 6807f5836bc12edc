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
 * Environment: RGS_MAX_IN_FLIGHT (default 32; 0 turns admission control off).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, Gauge, type Registry } from 'prom-client';
import { OUTCOME_HEADER } from '../wire/index.ts';

export interface AdmissionOptions {
  /** Requests worked on at once, at most (end-round may use a quarter more). 0: no bound. */
  readonly maxInFlight: number;
  /** Retry-After of a shed reply, in seconds (the header's unit). */
  readonly retryAfterS: number;
}

export const DEFAULT_ADMISSION: AdmissionOptions = { maxInFlight: 32, retryAfterS: 1 };
const MAX_IN_FLIGHT_LIMIT = 100_000;
const EXEMPT_ROUTES = new Set(['/health', '/ready', '/metrics', '/ws']);
const FINISHING_ROUTES = new Set(['/wallet/end-round']);
const FINISHING_HEADROOM = 1.25;

/** RGS_MAX_IN_FLIGHT, or the default; a bad value is one clear error naming the variable. */
export function admissionOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): AdmissionOptions {
  const raw = env.RGS_MAX_IN_FLIGHT;
  if (raw === undefined || raw === '') return DEFAULT_ADMISSION;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > MAX_IN_FLIGHT_LIMIT) {
    throw new RangeError(`RGS_MAX_IN_FLIGHT must be a whole number in 0..${MAX_IN_FLIGHT_LIMIT}, got ${raw}`);
  }
  return { ...DEFAULT_ADMISSION, maxInFlight: value };
}

declare module 'fastify' {
  interface FastifyRequest {
    admissionSlot?: 'held' | 'released';
    admissionStarted?: boolean;
  }
}

/** Adds the admission hooks to `app` (call before routes are added). */
export function registerAdmission(
  app: FastifyInstance,
  registry: Registry,
  options: AdmissionOptions = admissionOptionsFromEnv(process.env),
): void {
  if (options.maxInFlight === 0) return;
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
    const bound = FINISHING_ROUTES.has(route)
      ? options.maxInFlight * FINISHING_HEADROOM
      : options.maxInFlight;
    if (inFlight >= bound) {
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
