/**
 * The service drills, each on its own throwaway PostgreSQL, Redis and RGS node started by the local
 * engine, with a few seconds of load: kill -9 and SIGSTOP of PostgreSQL and of Redis. Each must pass every invariant
 * and expectation of its scenario: no money lost, doubled or taken unasked, fail closed, recovered
 * in time. The drills are the scenarios shipped in chaos/scenarios, unmodified except for the
 * shorter load (fault times scale with it).
 */
import { describe, expect, it } from 'vitest';
import { drill, failures } from './drill-support.test-support.ts';

const DRILL_TIMEOUT_MS = 240_000;

describe('PostgreSQL and Redis drills (local engine)', () => {
  it(
    'kill-postgres',
    async () => {
      const result = await drill('kill-postgres', 5_000);
      expect(failures(result)).toEqual([]);
      expect(result.requests.byStatus['503']).toBeGreaterThan(0);
    },
    DRILL_TIMEOUT_MS,
  );

  it(
    'pause-postgres',
    async () => {
      const result = await drill('pause-postgres', 6_000);
      expect(failures(result)).toEqual([]);
    },
    DRILL_TIMEOUT_MS,
  );

  it(
    'kill-redis',
    async () => {
      const result = await drill('kill-redis', 5_000);
      expect(failures(result)).toEqual([]);
    },
    DRILL_TIMEOUT_MS,
  );

  it(
    'pause-redis',
    async () => {
      const result = await drill('pause-redis', 5_000);
      expect(failures(result)).toEqual([]);
    },
    DRILL_TIMEOUT_MS,
  );
});
