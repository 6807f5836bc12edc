/**
 * A Stake Engine math-sdk publication served end to end (issue 12 §2): the real core on the run's
 * PostgreSQL (a fresh database), sessions in the run's Redis, driven through HTTP with the Stake
 * client. Expected money and books come from the fixture itself (games/publication), not the server.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { BooksError, loadPublication, PublicationBooks } from '../../games/index.ts';
import { FIXTURES_DIR } from '../../test/support/paths.ts';
import type { StakeClient } from '../../test/support/stake-client.ts';
import { prepareServedGame } from '../core/games.ts';
import { createTestDatabase, type TestDatabase } from '../db/testing.ts';
import { createRgsCore, openRgsDatabase, type RgsCoreService, verifyRgsDatabase } from '../index.ts';
import { RedisSessionStore } from '../sessions/index.ts';
import { type Harness, startHarness } from './harness.test-support.ts';

const PUBLICATIONS = join(FIXTURES_DIR, 'publications');
const publication = loadPublication(join(PUBLICATIONS, 'tiny-dice'));
const GAME = publication.id;
const VERSION = `1+${publication.mathHash.slice(0, 12)}`;
const booksOf = new Map(publication.modes.map((mode) => [mode.name, PublicationBooks.load(mode)]));
const START_BALANCE = 1_000_000_000; // 1000.00
const BET = 1_000_000; // 1.00

let database: TestDatabase;
let core: RgsCoreService;
let h: Harness;

beforeAll(async () => {
  database = await createTestDatabase(inject('databaseUrl'), 'rgs_publication');
  core = await createRgsCore({ db: { url: database.url }, games: [{ publication }] });
  const sessions = await RedisSessionStore.connect({
    url: inject('redisUrl'),
    prefix: `test:${randomBytes(4).toString('hex')}:`,
  });
  h = await startHarness({ core, sessions, options: { defaultGameId: GAME, rateLimitPerWindow: 1_000 } });
});

afterAll(async () => {
  await h?.close();
  await database?.drop();
});

/** The simulation id recorded in a round's `round.played` audit record. */
async function recordedSimulationId(roundId: string): Promise<unknown> {
  const db = await openRgsDatabase({ url: database.url });
  try {
    const rows = await db.query<{ payload: string }>(
      `SELECT payload FROM audit.events WHERE round_id = $1 AND kind = 'round.played'`,
      [roundId],
    );
    expect(rows).toHaveLength(1);
    return (JSON.parse(rows[0]!.payload) as { data: { simulationId?: unknown } }).data.simulationId;
  } finally {
    await db.close();
  }
}

/** One play through HTTP; checks the debit, the book and the credit against the fixture. */
async function playAndCheck(client: StakeClient, mode: string, balance: number): Promise<number> {
  const cost = BET * Number(publication.modes.find((m) => m.name === mode)!.cost.text);
  const played = await client.play(BET, mode);
  expect(played.balance.amount).toBe(balance - cost);
  const simulationId = await recordedSimulationId(played.round.betID);
  expect(typeof simulationId).toBe('number');
  const book = booksOf.get(mode)!.book(simulationId as number)!;
  expect(played.round.state).toEqual(book.events);
  const payout = (BET * book.payoutMultiplier) / 100;
  expect(played.round.payout).toBe(payout);
  let after = balance - cost;
  if (payout > 0) {
    expect(played.round.active).toBe(true);
    after = (await client.endRound()).balance.amount;
    expect(after).toBe(balance - cost + payout);
  } else {
    expect(played.round.active).toBe(false);
  }
  const replayed = (await client.replay(GAME, VERSION, mode, played.round.betID)) as {
    status: string;
    round: { simulationId: number; state: unknown[]; payout: number };
  };
  expect(replayed.status).toBe('REPRODUCED');
  expect(replayed.round.simulationId).toBe(simulationId);
  expect(replayed.round.state).toEqual(book.events);
  expect(replayed.round.payout).toBe(payout);
  return after;
}

describe('a math-sdk publication served through /wallet/play and /bet/replay', () => {
  test('config: bet levels and each mode cost and exact RTP from the lookup table', async () => {
    const client = await h.startSession({ currency: 'USD', balance: START_BALANCE, gameID: GAME });
    const auth = await client.authenticate();
    expect(auth.config.betLevels).toContain(BET);
    expect(auth.config.betModes.base).toMatchObject({ costMultiplier: 1, rtp: '96.00' });
    expect(auth.config.betModes.bonus).toMatchObject({ costMultiplier: 100, rtp: '94.00' });
  });

  test('plays draw books by the DRBG: balances exact, the book returned, replay the same book, verify clean', async () => {
    const client = await h.startSession({ currency: 'USD', balance: START_BALANCE, gameID: GAME });
    let balance = (await client.authenticate()).balance.amount;
    for (let i = 0; i < 12; i++) balance = await playAndCheck(client, 'base', balance);
    for (let i = 0; i < 3; i++) balance = await playAndCheck(client, 'bonus', balance);
    expect((await client.balance()).balance.amount).toBe(balance);
    const db = await openRgsDatabase({ url: database.url });
    try {
      const { ledger, audit } = await verifyRgsDatabase(db);
      expect(ledger.problems).toEqual([]);
      expect(audit.problems).toEqual([]);
      expect(ledger.ok && audit.ok).toBe(true);
      expect(audit.checked).toBeGreaterThan(15);
    } finally {
      await db.close();
    }
  });

  test('negative controls: books paying otherwise than the table, and a bet not in whole units, are refused at load', () => {
    const bad = loadPublication(join(PUBLICATIONS, 'bad-books'));
    expect(() => prepareServedGame({ publication: bad })).toThrow(BooksError);
    expect(() => prepareServedGame({ publication: bad })).toThrow(
      /book 3 pays 400, its lookup-table row 500/,
    );
    expect(() => prepareServedGame({ publication, betLevels: [150_005n] })).toThrow(
      /bet 150005 is not a positive multiple/,
    );
    expect(prepareServedGame({ publication, betLevels: [2_000_000n] }).config.betLevels).toEqual([
      2_000_000n,
    ]);
  });
});
