import type { FastifyInstance } from 'fastify';
import type { ReadinessCheck } from './app.ts';
import { ApiError } from './errors.ts';
import { type RequestContext, sameToken, settle } from './request-context.ts';

export function opsRoutes(app: FastifyInstance, rc: RequestContext): void {
  const { sessions, options, metrics, now, sendError, readiness, state } = rc;
  // ------------------------------------------------------------------------------------------
  // Operations

  app.get('/health', async () => ({ status: 'ok' }));

  const readinessChecks: ReadinessCheck[] = [
    { name: sessions.kind, check: () => sessions.ping() },
    ...(readiness ?? []),
  ];
  let readinessPassedAtMs = Number.NEGATIVE_INFINITY;
  let readinessPassed: (readonly [string, string])[] = [];
  let readinessRunning: Promise<(readonly [string, string])[]> | null = null;
  /** The checks' results: a recent pass, else the check running now, else a new one (one at a time). */
  const readinessResults = (): Promise<(readonly [string, string])[]> => {
    if (now() - readinessPassedAtMs < options.readinessCacheMs) return Promise.resolve(readinessPassed);
    readinessRunning ??= Promise.all(
      readinessChecks.map(
        async (check) => [check.name, await settle(check.check(), options.readinessTimeoutMs)] as const,
      ),
    )
      .then((results) => {
        if (results.every(([, status]) => status === 'ok')) {
          readinessPassed = results;
          readinessPassedAtMs = now();
        }
        return results;
      })
      .finally(() => {
        readinessRunning = null;
      });
    return readinessRunning;
  };

  app.get('/ready', async (_request, reply) => {
    const results = await readinessResults();
    const ready = !state.draining && results.every(([, status]) => status === 'ok');
    const body = { ready, draining: state.draining, checks: Object.fromEntries(results) };
    if (ready) return reply.code(200).send(body);
    return reply.code(503).send({ error: 'ERR_MAINTENANCE', message: 'not ready', ...body });
  });

  app.get('/metrics', async (request, reply) => {
    if (options.metricsToken !== null && !sameToken(request.headers.authorization, options.metricsToken)) {
      return sendError(
        request,
        reply,
        new ApiError('ERR_OPT', 'metrics: send Authorization: Bearer <metrics token>'),
      );
    }
    const text = await metrics.registry.metrics();
    return reply.code(200).type(metrics.registry.contentType).send(text);
  });
}
