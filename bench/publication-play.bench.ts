/**
 * Issue 12 §2 speed: the RGS's `/wallet/play` on a math-sdk publication within 10% of a native
 * game's latency. One `croupier rgs start --games PUB NATIVE` process (private PostgreSQL and Redis,
 * plain HTTP on loopback, rate limit lifted) serves both: a generated publication of 10^5 books
 * (the documented format, compressed with Debian's `zstd`, books shaped like a 5×3 slot's: reveal,
 * winInfo, setTotalWin, finalWin) and the demo reel game jungle-twenty (the baseline). One player per
 * game, rounds interleaved one by one (the order alternating), sequential: latency, not throughput.
 * Reported: `/wallet/play` alone and the settled round (play, then `/wallet/end-round` when it pays),
 * median and p99 of each, and the publication/native ratio of the medians (target ≤ 1.10).
 * Beside it, the serving path alone, in this process: one `ServedGame.play` (draw + book, or the
 * evaluator + book events) per game from the round's provably-fair source, no HTTP, no database.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTable } from '../cli/output.ts';
import { loadGameInput } from '../games/index.ts';
import { prepareServedGame, type ServedGame } from '../rgs/index.ts';
import { StakeApiClient } from '../rgs/wire/index.ts';
import { ProvablyFairSource } from '../rng/index.ts';
import { REPO_ROOT } from '../test/support/paths.ts';
import { type RgsProcess, startRgsProcess } from '../test/support/rgs-process.ts';
import { type ServerHandle, startPostgres, startRedis } from '../test/support/services.ts';
import { heading, measure } from './harness.ts';

const BOOKS = 100_000;
const PUBLICATION_ID = 'bench-slot';
const NATIVE_FILE = join(REPO_ROOT, 'games/demo/jungle-twenty.json');
const NATIVE_ID = 'jungle-twenty';
const PLAYER_BALANCE = 100_000_000 * 1_000_000;
const REQUEST_TIMEOUT_MS = 10_000;
/** The largest allowed ratio of the medians (issue 12: within 10%). */
const TARGET_RATIO = 1.1;
const SYMBOLS = ['H1', 'H2', 'H3', 'H4', 'L1', 'L2', 'L3', 'L4', 'L5', 'W'];

/** Deterministic 32-bit xorshift (Marsaglia 2003), so every run benches the same publication. */
function xorshift32(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
}

/** A Stake-style book of a 5×3 slot (money ×100 of the bet, as the SDK writes it). */
function book(id: number, payout: number, next: () => number): string {
  const board = Array.from({ length: 5 }, () =>
    Array.from({ length: 3 }, () => ({ name: SYMBOLS[next() % SYMBOLS.length]! })),
  );
  const events: Record<string, unknown>[] = [
    { index: 0, type: 'reveal', board, gameType: 'basegame', paddingPositions: board.map(() => next() % 90) },
  ];
  if (payout > 0) {
    const symbol = SYMBOLS[next() % 4]!;
    events.push({
      index: 1,
      type: 'winInfo',
      totalWin: payout,
      wins: [
        {
          symbol,
          kind: 3 + (next() % 3),
          win: payout,
          positions: [0, 1, 2].map((reel) => ({ reel, row: next() % 3 })),
          meta: { lineIndex: next() % 20, multiplier: 1, winWithoutMult: payout },
        },
      ],
    });
  }
  events.push({ index: events.length, type: 'setTotalWin', amount: payout });
  events.push({ index: events.length, type: 'finalWin', amount: payout });
  return JSON.stringify({ id, payoutMultiplier: payout, events, criteria: payout > 0 ? 'basegame' : '0' });
}

/** Writes the publication (one mode, `base`, cost 1) into `dir`; about 30% of the books pay. */
function writePublication(dir: string): void {
  const next = xorshift32(0x2545f491);
  const table: string[] = new Array(BOOKS);
  const books: string[] = new Array(BOOKS);
  for (let id = 0; id < BOOKS; id++) {
    const weight = (BigInt(next()) << 32n) | BigInt(next());
    const payout = next() % 10 < 7 ? 0 : 10 * (1 + (next() % 300));
    table[id] = `${id},${weight},${payout}\n`;
    books[id] = book(id, payout, next);
  }
  writeFileSync(join(dir, 'lookUpTable_base_0.csv'), table.join(''));
  writeFileSync(join(dir, 'books_base.jsonl'), `${books.join('\n')}\n`);
  execFileSync('zstd', [
    '-q',
    '-f',
    '-3',
    '--rm',
    join(dir, 'books_base.jsonl'),
    '-o',
    join(dir, 'books_base.jsonl.zst'),
  ]);
  const mode = { name: 'base', cost: 1, events: 'books_base.jsonl.zst', weights: 'lookUpTable_base_0.csv' };
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ modes: [mode] }));
}

interface Player {
  readonly gameId: string;
  readonly sessionID: string;
  readonly bet: number;
  readonly playMs: number[];
  readonly roundMs: number[];
  /** Rounds that paid (and so also called end-round). */
  paid: number;
}

async function openPlayer(rgs: RgsProcess, client: StakeApiClient, gameId: string): Promise<Player> {
  const authorization = `Bearer ${await rgs.operatorToken(600)}`;
  const started = await client.startSession(
    { currency: 'USD', balance: PLAYER_BALANCE, gameID: gameId },
    { headers: { authorization } },
  );
  if (started.outcome !== 'ok') throw new Error(`session/start ${gameId}: ${started.status} ${started.code}`);
  const auth = await client.authenticate(started.body.sessionID);
  if (auth.outcome !== 'ok') throw new Error(`authenticate ${gameId}: ${auth.status} ${auth.code}`);
  if (auth.body.config.gameID !== gameId)
    throw new Error(`session for ${gameId} plays ${auth.body.config.gameID}`);
  const bet = auth.body.config.defaultBetLevel;
  return { gameId, sessionID: started.body.sessionID, bet, playMs: [], roundMs: [], paid: 0 };
}

/** One round, timed: play, then end-round when it pays. */
async function timedRound(client: StakeApiClient, player: Player): Promise<void> {
  const startMs = performance.now();
  const played = await client.play(player.sessionID, player.bet, 'base');
  const playedMs = performance.now();
  if (played.outcome !== 'ok') throw new Error(`play ${player.gameId}: ${played.status} ${played.code}`);
  if (played.body.round.payout > 0) {
    const ended = await client.endRound(player.sessionID);
    if (ended.outcome !== 'ok') throw new Error(`end-round ${player.gameId}: ${ended.status} ${ended.code}`);
    player.paid++;
  }
  player.playMs.push(playedMs - startMs);
  player.roundMs.push(performance.now() - startMs);
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

async function interleavedRounds(
  client: StakeApiClient,
  rgs: RgsProcess,
  rounds: number,
): Promise<[Player, Player]> {
  const native = await openPlayer(rgs, client, NATIVE_ID);
  const publication = await openPlayer(rgs, client, PUBLICATION_ID);
  // Warm-up (JIT, connections, statement caches), not recorded.
  for (let i = 0; i < 50; i++) {
    await timedRound(client, native);
    await timedRound(client, publication);
  }
  for (const player of [native, publication]) {
    player.playMs.length = 0;
    player.roundMs.length = 0;
    player.paid = 0;
  }
  for (let i = 0; i < rounds; i++) {
    const pair = i % 2 === 0 ? [native, publication] : [publication, native];
    for (const player of pair) await timedRound(client, player);
  }
  return [native, publication];
}

function report(native: Player, publication: Player): void {
  const ms = (value: number) => value.toFixed(2);
  const row = (label: string, pick: (p: Player) => number[]) => {
    const base = quantile(pick(native), 0.5);
    const pub = quantile(pick(publication), 0.5);
    const ratio = pub / base;
    return [
      label,
      ms(base),
      ms(quantile(pick(native), 0.99)),
      ms(pub),
      ms(quantile(pick(publication), 0.99)),
      `×${ratio.toFixed(3)}`,
      ratio <= TARGET_RATIO ? 'met' : 'NOT met',
    ];
  };
  process.stdout.write(
    formatTable(
      [
        'latency',
        'native p50 ms',
        'native p99',
        'publication p50',
        'publication p99',
        'ratio p50',
        '≤ ×1.10',
      ],
      [row('/wallet/play', (p) => p.playMs), row('round (play + end-round if it pays)', (p) => p.roundMs)],
    ),
  );
  const paidShare = (p: Player) => `${((100 * p.paid) / p.roundMs.length).toFixed(0)}% paid`;
  process.stdout.write(
    `${native.playMs.length} rounds per game, interleaved; native ${NATIVE_ID} bet ${native.bet} (${paidShare(native)}), ` +
      `publication ${PUBLICATION_ID} (${BOOKS.toLocaleString('en-US')} books) bet ${publication.bet} (${paidShare(publication)}); ` +
      'a paying round adds an end-round call, so the round row also reflects the hit rates\n',
  );
}

/** Microseconds per in-memory round of a prepared game at its smallest bet. */
function servedPlayUs(game: ServedGame, durationMs: number): number {
  const [amount, bet] = [...game.betChoices][0]!;
  const serverSeed = new Uint8Array(32).fill(7);
  let nonce = 0;
  const m = measure(
    game.id,
    () => {
      game.play(
        'base',
        amount,
        bet,
        new ProvablyFairSource({ serverSeed, clientSeed: 'bench', nonce: nonce++ }),
      );
      return 1;
    },
    durationMs,
  );
  return (m.elapsedMs * 1000) / m.units;
}

function servingPath(pubDir: string, durationMs: number): void {
  const prepare = (path: string) => {
    const input = loadGameInput(path);
    return prepareServedGame(
      input.kind === 'publication' ? { publication: input.publication } : { game: input.game },
    );
  };
  const nativeUs = servedPlayUs(prepare(NATIVE_FILE), durationMs);
  const publicationUs = servedPlayUs(prepare(pubDir), durationMs);
  process.stdout.write(
    `serving path in memory (ServedGame.play): native ${nativeUs.toFixed(1)} µs, publication ${publicationUs.toFixed(1)} µs per round (×${(publicationUs / nativeUs).toFixed(2)})\n`,
  );
}

export async function run(options: { quick: boolean }): Promise<void> {
  heading(
    `RGS /wallet/play latency: a math-sdk publication (${BOOKS.toLocaleString('en-US')} books) vs a native game`,
  );
  if (spawnSync('zstd', ['--version']).status !== 0) {
    process.stdout.write("zstd not found: skipped (install Debian's zstd to write the books)\n");
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'croupier-pubplay-bench-'));
  const pubDir = join(dir, PUBLICATION_ID);
  let postgres: ServerHandle | undefined;
  let redis: ServerHandle | undefined;
  let rgs: RgsProcess | undefined;
  let client: StakeApiClient | undefined;
  try {
    mkdirSync(pubDir);
    writePublication(pubDir);
    [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    rgs = await startRgsProcess({
      databaseUrl: postgres.url,
      redisUrl: redis.url,
      args: ['--games', pubDir, NATIVE_FILE],
      env: { RGS_RATE_LIMIT: '100000', RGS_LOG_LEVEL: 'error' },
      startTimeoutMs: 120_000,
    });
    client = new StakeApiClient({ baseUrl: rgs.url, maxSockets: 4, timeoutMs: REQUEST_TIMEOUT_MS });
    const [native, publication] = await interleavedRounds(client, rgs, options.quick ? 300 : 2_000);
    report(native, publication);
    servingPath(pubDir, options.quick ? 500 : 2_000);
  } finally {
    client?.close();
    await rgs?.destroy();
    await Promise.allSettled([postgres?.destroy(), redis?.destroy()]);
    rmSync(dir, { recursive: true, force: true });
  }
}
