/**
 * The RGS node drills: two nodes behind the players (who fail over), kill -9 of one, and a graceful
 * SIGTERM restart of one under load. See drill-support.test-support.ts for what every drill shows.
 */
import { describe, expect, it } from 'vitest';
import { drill, failures } from './drill-support.test-support.ts';

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
      // Today's RGS can drop requests that race its SIGTERM on kept-alive connections: the client
      // gets a closed socket (UND_ERR_SOCKET) and an unknown outcome instead of an answer or a
      // refusal. The drill reports it as no-transport-errors; money still balances (checked in
      // drill()). That is the only failure allowed here, and only in that form.
      for (const failure of failures(result))
        expect(failure).toMatch(
          /^no-transport-errors: .*no reply \((UND_ERR_SOCKET|ECONNRESET|UND_ERR_CLOSED)\)/,
        );
    },
    DRILL_TIMEOUT_MS,
  );
});
