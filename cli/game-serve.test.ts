/**
 * `croupier rgs start --games`: a studio's own game file is validated at start and served by a real
 * `croupier rgs start` process (the run's PostgreSQL and Redis), driven by the Stake Engine client:
 * game info shows the game's declared RTP, rounds play and pay, and a session for a game the server
 * does not serve is refused with the list of served games. Bad game files stop the start with every
 * file and every problem.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { loadPublication, PublicationBooks } from '../games/index.ts';
import { createTestDatabase, type TestDatabase } from '../rgs/db/testing.ts';
import { loadRgsConfig, prepareServedGame } from '../rgs/index.ts';
import { FIXTURES_DIR } from '../test/support/paths.ts';
import { type RgsProcess, runCroupier, startRgsProcess } from '../test/support/rgs-process.ts';
import { CliError } from './errors.ts';
import { coreFactoryWithGames, servedGamesOrThrow } from './game-serve.ts';

const STUDIO_GAME = join(FIXTURES_DIR, 'games', 'studio-sevens.json');
const scratch = mkdtempSync(join(tmpdir(), 'croupier-serve-'));

function writeGame(
  name: string,
  change: (def: Record<string, unknown> & { modes: { declaredRtp?: string }[] }) => void,
): string {
  const def = JSON.parse(readFileSync(STUDIO_GAME, 'utf8'));
  change(def);
  const path = join(scratch, name);
  writeFileSync(path, JSON.stringify(def));
  return path;
}

describe('servedGamesOrThrow', () => {
  it('serves files and folders (every *.json in a folder)', () => {
    expect(servedGamesOrThrow([STUDIO_GAME]).ids).toEqual(['studio-sevens']);
    expect(servedGamesOrThrow([join(FIXTURES_DIR, 'games')]).ids).toEqual(['studio-sevens']);
  });

  it('reports every bad file with every problem, before anything starts', () => {
    const broken = join(scratch, 'broken.json');
    writeFileSync(broken, '{\n  "formatVersion": 1,\n  "id": "x"\n  "name": "y"\n}\n');
    const invalid = writeGame('invalid.json', (def) => {
      def.rows = 0;
      def.id = 'bad id';
    });
    const wrongRtp = writeGame('wrong-rtp.json', (def) => {
      def.id = 'studio-wrong';
      def.modes[0]!.declaredRtp = '97.00';
    });
    let error: unknown;
    try {
      servedGamesOrThrow([broken, invalid, STUDIO_GAME]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CliError);
    const message = (error as CliError).message;
    expect(message).toContain(`${broken}: line 4, column 3: not valid JSON`);
    expect(message).toContain(`${invalid}: invalid game definition (2 problems)`);
    expect(message).toMatch(/ {2}id: must start with a letter or digit/);
    expect(message).toMatch(/ {2}rows: /);
    // A reel game's declared RTP is checked by croupier math and certify (the RGS runs no exact
    // analysis); a table game's, which the core computes exactly, also at start (rgs/core/games.ts).
    expect(servedGamesOrThrow([wrongRtp]).ids).toEqual(['studio-wrong']);
    expect(() => servedGamesOrThrow([STUDIO_GAME, STUDIO_GAME])).toThrow(
      /game id "studio-sevens" is also the id of/,
    );
  });

  it('serves a math-sdk publication folder; books that disagree with its lookup table stop the start', () => {
    const publications = join(FIXTURES_DIR, 'publications');
    expect(servedGamesOrThrow([join(publications, 'tiny-dice'), STUDIO_GAME]).ids).toEqual([
      'tiny-dice',
      'studio-sevens',
    ]);
    const bad = join(publications, 'bad-books');
    expect(() => servedGamesOrThrow([bad])).toThrow(CliError);
    expect(() => servedGamesOrThrow([bad])).toThrow(`${bad}: `);
    expect(() => servedGamesOrThrow([bad])).toThrow(/book 3 pays 400, its lookup-table row 500/);
  });
});

describe('rgs start --games with a studio game, driven by the Stake client', () => {
  let db: TestDatabase;
  let rgs: RgsProcess;

  beforeAll(async () => {
    db = await createTestDatabase(inject('databaseUrl'), 'rgs_byog');
    rgs = await startRgsProcess({
      databaseUrl: db.url,
      redisUrl: inject('redisUrl'),
      args: ['--games', STUDIO_GAME],
      // ~85 requests from one player in a second or so: above the default 50 per window.
      env: { RGS_RATE_LIMIT: '1000' },
    });
  });
  afterAll(async () => {
    await rgs?.destroy();
    await db?.drop();
  });

  it('serves the game by default, shows its declared RTP, plays and pays rounds', async () => {
    const client = await rgs.startSession({ currency: 'USD', balance: 1_000_000_000 });
    const auth = await client.authenticate();
    expect(auth.config.gameID).toBe('studio-sevens');
    expect(auth.config.betModes.base).toMatchObject({ costMultiplier: 1, rtp: '98.90' });
    let balance = auth.balance.amount;
    const bet = auth.config.minBet;
    let paid = 0;
    for (let round = 0; round < 40; round++) {
      const play = await client.play(bet);
      expect(play.round.amount).toBe(bet);
      expect(play.round.state.length).toBeGreaterThan(0);
      balance -= bet;
      if (play.round.payout > 0) {
        paid++;
        const end = await client.endRound();
        balance += play.round.payout;
        expect(end.balance.amount).toBe(balance);
      }
    }
    expect((await client.balance()).balance.amount).toBe(balance);
    // 40 rounds at a 29% hit rate: all losing has probability 0.71^40 ≈ 1e-6 (the seeds are the server's).
    expect(paid).toBeGreaterThan(0);
  });

  it('refuses a session for a game it does not serve, naming the served ones', async () => {
    const token = await rgs.operatorToken();
    const response = await fetch(`${rgs.url}/session/start`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ currency: 'USD', balance: 1000, gameID: 'jungle-twenty' }),
    });
    const body = (await response.json()) as { error: string; message: string };
    expect(response.status).toBe(400);
    expect(body).toEqual({
      error: 'ERR_VAL',
      message: 'unknown game "jungle-twenty"; served: studio-sevens',
    });
  });

  it('a bad game file stops the start with exit 2 and the file named', async () => {
    const invalid = writeGame('start-invalid.json', (def) => {
      def.rows = 0;
    });
    const result = await runCroupier(['rgs', 'start', '--port', '0', '--games', invalid], {
      env: { RGS_DATA_DIR: join(scratch, 'data') },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${invalid}: invalid game definition`);
    expect(result.stderr).toContain('rows:');
  });
});

describe('rgs start --games with a math-sdk publication folder', () => {
  const folder = join(FIXTURES_DIR, 'publications', 'tiny-dice');
  const publication = loadPublication(folder);
  const books = PublicationBooks.load(publication.modes[0]!);
  let db: TestDatabase;
  let rgs: RgsProcess;

  beforeAll(async () => {
    db = await createTestDatabase(inject('databaseUrl'), 'rgs_byog_pub');
    rgs = await startRgsProcess({
      databaseUrl: db.url,
      redisUrl: inject('redisUrl'),
      args: ['--games', folder],
      env: { RGS_RATE_LIMIT: '1000' },
    });
  });
  afterAll(async () => {
    await rgs?.destroy();
    await db?.drop();
  });

  it('plays drawn books, pays bet × payoutMultiplier / 100, and replays the same book', async () => {
    const client = await rgs.startSession({ currency: 'USD', balance: 1_000_000_000 });
    const auth = await client.authenticate();
    expect(auth.config.gameID).toBe('tiny-dice');
    const bet = auth.config.minBet;
    let balance = auth.balance.amount;
    for (let round = 0; round < 6; round++) {
      const play = await client.play(bet);
      balance -= bet;
      expect(play.balance.amount).toBe(balance);
      if (play.round.payout > 0) {
        balance += play.round.payout;
        expect((await client.endRound()).balance.amount).toBe(balance);
      }
      const replay = (await client.replay(
        'tiny-dice',
        `1+${publication.mathHash.slice(0, 12)}`,
        'base',
        play.round.betID,
      )) as {
        status: string;
        round: { simulationId: number };
      };
      expect(replay.status).toBe('REPRODUCED');
      const book = books.book(replay.round.simulationId)!;
      expect(play.round.state).toEqual(book.events);
      expect(play.round.payout).toBe((bet * book.payoutMultiplier) / 100);
    }
    expect((await client.balance()).balance.amount).toBe(balance);
  });
});

describe('rgs start --games: a publication is loaded once', () => {
  const folder = join(FIXTURES_DIR, 'publications', 'tiny-dice');
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(inject('databaseUrl'), 'rgs_pub_once');
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await db?.drop();
  });

  it("reads and checks the books in the CLI's check only; the core serves the prepared game", async () => {
    const modes = loadPublication(folder).modes.length;
    // A spy that calls through: it counts the real loads (read, decompress, check every book).
    const loads = vi.spyOn(PublicationBooks, 'load');
    const served = servedGamesOrThrow([folder]);
    expect(loads).toHaveBeenCalledTimes(modes);
    const loaded = loadRgsConfig({ DATABASE_URL: db.url, RGS_DATA_DIR: join(scratch, 'once') });
    if (!loaded.ok) throw new Error(loaded.message);
    const core = await coreFactoryWithGames(served)(loaded.config, () => {});
    try {
      expect(core.betConfig('tiny-dice', 'USD').ok).toBe(true);
      expect(loads).toHaveBeenCalledTimes(modes);
    } finally {
      await core.close();
    }
    // Negative control: preparing from the publication itself, as the core did before, loads again.
    prepareServedGame({ publication: loadPublication(folder) });
    expect(loads).toHaveBeenCalledTimes(2 * modes);
  });
});
