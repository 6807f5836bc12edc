/**
 * The link drills: a fault proxy between the RGS and PostgreSQL/Redis (lost COMMIT replies while
 * clients retry with their Idempotency-Key, 200 ± 50 ms of latency, a reset storm), and the
 * revocation of a session whose WebSocket is open. A few seconds of load each; see
 * drills-process.test.ts for what every drill must show.
 */
import { describe, expect, it } from 'vitest';
import { drill, failures } from './drill-support.test-support.ts';

const DRILL_TIMEOUT_MS = 240_000;

describe('link and session drills (local engine)', () => {
  it(
    'lost-commit-ack: COMMIT replies dropped, clients retry with the same key',
    async () => {
      const result = await drill('lost-commit-ack', 5_000);
      expect(failures(result)).toEqual([]);
      expect(result.proxies['postgres-link']?.commitRepliesDropped).toBeGreaterThan(0);
    },
    DRILL_TIMEOUT_MS,
  );

  it(
    'db-latency: 200 ± 50 ms on the database link',
    async () => {
      const result = await drill('db-latency', 5_000);
      expect(failures(result)).toEqual([]);
      // The latency was really there: some reply during the fault took longer than 2 × 150 ms.
      const during = result.timeline.filter(
        (b) => b.startMs >= result.faults[0]!.startMs && b.startMs < result.faults[0]!.endMs - 500,
      );
      expect(Math.max(...during.map((b) => b.p50Ms ?? 0))).toBeGreaterThan(300);
    },
    DRILL_TIMEOUT_MS,
  );

  it(
    'reset-storm: connections to PostgreSQL and Redis reset',
    async () => {
      const result = await drill('reset-storm', 5_000);
      expect(failures(result)).toEqual([]);
      expect(
        (result.proxies['postgres-link']?.resets ?? 0) + (result.proxies['redis-link']?.resets ?? 0),
      ).toBeGreaterThan(0);
    },
    DRILL_TIMEOUT_MS,
  );

  it(
    'revoke-session-websocket: money and refusal hold; the open socket is the RGS defect the drill reports',
    async () => {
      const result = await drill('revoke-session-websocket', 4_000);
      expect(result.expectations.find((e) => e.name === 'revoked-session-refused')).toMatchObject({
        ok: true,
      });
      // This branch's RGS keeps the revoked session's WebSocket open (DELETE /session does not close
      // the player's sockets); wip/rgs-core fixes it (a1c0b61: closed with 4001 on every node). Until
      // that merge the drill must report exactly that defect; after it, nothing. Once merged, this
      // becomes `expect(failures(result)).toEqual([])`.
      const knownDefect = ['revoked-socket-closed: the WebSocket of the revoked session is still open'];
      const found = failures(result);
      expect(
        found.length === 0 || JSON.stringify(found) === JSON.stringify(knownDefect),
        found.join('\n'),
      ).toBe(true);
    },
    DRILL_TIMEOUT_MS,
  );
});
