/**
 * The RGS node drills: two nodes behind the players (who fail over), kill -9 of one, a graceful
 * SIGTERM restart of one under load, and a real network partition of one (its own network
 * namespace, link cut; needs root and iproute2, skipped with the reason otherwise). See drill-support.test-support.ts for what every drill shows.
 */
import { describe, expect, it } from 'vitest';
import { drill, failures } from './drill-support.test-support.ts';
import { netnsSupport } from './local/netns.ts';

const netns = netnsSupport();
if (!netns.ok) process.stderr.write(`partition-rgs-node drill skipped: ${netns.reason}\n`);

const DRILL_TIMEOUT_MS = 240_000;

describe('RGS node drills (local engine)', () => {
  it(
    'kill-rgs-node (one of two)',
    async () => {
      const result = await drill('kill-rgs-node', 5_000);
      expect(failures(result)).toEqual([]);
    },
    DRILL_TIMEOUT_MS,
  );

  it(
    'graceful-restart (SIGTERM one of two under load)',
    async () => {
      const result = await drill('graceful-restart', 5_000);
      // A drain answers every request (in flight: its reply; new: 503 not-applied) and closes a
      // kept-alive socket only after telling the client (Connection: close) or after an idle
      // grace: no client is left with a closed socket and an unknown outcome.
      expect(failures(result)).toEqual([]);
      expect(result.requests.transportErrors).toBe(0);
    },
    DRILL_TIMEOUT_MS,
  );

  it.skipIf(!netns.ok)(
    'partition-rgs-node (its own network namespace, link cut)',
    async () => {
      const result = await drill('partition-rgs-node', 5_000);
      expect(failures(result)).toEqual([]);
    },
    DRILL_TIMEOUT_MS,
  );
});
