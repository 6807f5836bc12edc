/**
 * vitest globalSetup: one throwaway PostgreSQL and one Redis for the whole run.
 *
 * Tests read the URLs with `inject('databaseUrl')` / `inject('redisUrl')` (typed below), or from
 * `process.env.DATABASE_URL` / `process.env.REDIS_URL`, which are set before the workers start.
 * If DATABASE_URL or REDIS_URL is already set, that server is used instead of starting one (it
 * must answer within a few seconds). Chaos tests that kill or pause a server start their own with
 * `startPostgres()` / `startRedis()` from `test/support/services.ts`, never the shared ones.
 *
 * Teardown stops and removes both; if the run is interrupted or crashes, the exit and signal hooks
 * in services.ts kill them, and the next run sweeps directories left by a SIGKILLed one.
 */
import type { TestProject } from 'vitest/node';
import {
  type ServerHandle,
  ServiceBinaryMissingError,
  startPostgres,
  startRedis,
  sweepStaleServiceDirs,
  waitUntilAnswers,
} from '../support/services.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgres:// URL of the run's PostgreSQL (superuser, trust auth); create your own schema. */
    databaseUrl: string;
    /** redis:// URL of the run's Redis; prefix your keys. */
    redisUrl: string;
  }
}

const OVERRIDE_ANSWER_TIMEOUT_MS = 10_000;

/** DATABASE_URL / REDIS_URL names a server that does not answer. */
class OverrideUnreachableError extends Error {
  override name = 'OverrideUnreachableError';
}

interface Started {
  url: string;
  server?: ServerHandle;
}

async function provideService(
  kind: 'postgres' | 'redis',
  envName: 'DATABASE_URL' | 'REDIS_URL',
  start: () => Promise<ServerHandle>,
): Promise<Started> {
  const override = process.env[envName];
  if (override !== undefined && override !== '') {
    await waitUntilAnswers(kind, override, OVERRIDE_ANSWER_TIMEOUT_MS).catch((error: Error) => {
      throw new OverrideUnreachableError(`${envName} is set but ${error.message}`);
    });
    return { url: override };
  }
  const server = await start();
  return { url: server.url, server };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  sweepStaleServiceDirs();
  const envBefore = { DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: process.env.REDIS_URL };
  const [database, redis] = await Promise.allSettled([
    provideService('postgres', 'DATABASE_URL', () => startPostgres()),
    provideService('redis', 'REDIS_URL', () => startRedis()),
  ]);
  const servers = [database, redis].flatMap((result) =>
    result.status === 'fulfilled' && result.value.server ? [result.value.server] : [],
  );
  const teardown = async () => {
    await Promise.allSettled(servers.map((server) => server.destroy()));
    for (const [name, value] of Object.entries(envBefore)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  if (database.status === 'rejected' || redis.status === 'rejected') {
    await teardown();
    const reasons = [database, redis].flatMap((result) =>
      result.status === 'rejected' ? [result.reason as Error] : [],
    );
    const error = new Error(reasons.map((reason) => reason.message).join('\n'));
    const expected = (reason: Error) =>
      reason instanceof ServiceBinaryMissingError || reason instanceof OverrideUnreachableError;
    if (reasons.every(expected)) {
      // One line per service, first thing on stderr (vitest then reports "No test files found"),
      // and no stack: the message says what to install or fix.
      for (const reason of reasons) process.stderr.write(`test services: ${reason.message}\n`);
      error.stack = error.message;
    }
    throw error;
  }
  project.provide('databaseUrl', database.value.url);
  project.provide('redisUrl', redis.value.url);
  process.env.DATABASE_URL = database.value.url;
  process.env.REDIS_URL = redis.value.url;
  return teardown;
}
