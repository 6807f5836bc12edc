/**
 * Two RGS nodes behind one load balancer share PostgreSQL and Redis. A player's WebSocket is on
 * node A while their wallet calls land on node B: the pushes must still reach the socket (Redis
 * pub/sub through the session store), once each, in order.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { StakeClient } from '../../test/support/stake-client.ts';
import { createTestDatabase, type TestDatabase } from '../db/testing.ts';
import { createRgsCore, type RgsCoreService } from '../index.ts';
import { RedisSessionStore } from '../sessions/index.ts';
import { type Harness, startHarness } from './harness.test-support.ts';

const GAME = 'lucky-wheel';
const START_BALANCE = 1_000_000_000;
const ROUNDS = 6;

let database: TestDatabase;
let cores: RgsCoreService[] = [];
let nodes: Harness[] = [];

beforeAll(async () => {
  database = await createTestDatabase(inject('databaseUrl'), 'rgs_fanout');
  const prefix = `test:${randomBytes(4).toString('hex')}:`;
  for (let n = 0; n < 2; n++) {
    const core = await createRgsCore({ db: { url: database.url } });
    const sessions = await RedisSessionStore.connect({ url: inject('redisUrl'), prefix });
    cores.push(core);
    nodes.push(
      await startHarness({ core, sessions, options: { defaultGameId: GAME, rateLimitPerWindow: 1_000 } }),
    );
  }
});

afterAll(async () => {
  for (const node of nodes) await node.close();
  nodes = [];
  cores = [];
  await database?.drop();
});

describe('WebSocket pushes across nodes', () => {
  test('a socket on node A gets the pushes of wallet calls served by node B, once each, in order', async () => {
    const [a, b] = nodes as [Harness, Harness];
    const onA = await a.startSession({ currency: 'USD', balance: START_BALANCE, gameID: GAME });
    const onB = new StakeClient({ rgsUrl: b.rgsUrl, sessionID: onA.sessionID, scheme: 'http' });
    const auth = await onB.authenticate();
    const socket = await onA.openSocket();
    try {
      const balances: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const played = await onB.play(auth.config.defaultBetLevel);
        const round = await socket.next('round');
        expect((round.round as { betID: string }).betID).toBe(played.round.betID);
        expect(await socket.next('balance')).toMatchObject({ balance: played.balance });
        balances.push(Number(played.balance.amount));
        if (played.round.active) {
          const ended = await onB.endRound();
          expect(await socket.next('round')).toMatchObject({
            round: { betID: played.round.betID, active: false },
          });
          expect(await socket.next('balance')).toMatchObject({ balance: ended.balance });
        }
      }
      expect(balances).toHaveLength(ROUNDS);
      // Nothing was delivered twice: no message is left over once every expected one was read.
      await expect(socket.next('round', 300)).rejects.toThrow();
    } finally {
      socket.close();
    }
  });
});
