/**
 * RGS round throughput and latency, beside the database's own ceiling measured in the same run.
 *
 * Setup: a private PostgreSQL and Redis (test/support/services.ts) and a real `croupier rgs start`
 * process (plain HTTP on loopback, rate limit lifted). Each concurrency level runs C players, each a
 * closed loop of rounds (POST /wallet/play, then /wallet/end-round when the round pays) over
 * keep-alive connections, for a bounded duration; we report rounds/s and the round latency
 * p50/p95/p99 (play + end-round).
 *
 * Ceiling: `pgbench -M extended -c min(C, 10) -T s -f bench/rgs-round.pgbench.sql` on the same
 * database (10: the RGS's pool size), one pgbench client per player, issuing the same SQL statements a round issues (copied from
 * rgs/core/core.ts, ledger.ts, audit.ts) with the winning share measured at that level. The ratio
 * RGS/pgbench says how much of the database's capacity the server delivers (target ≥ 70%).
 * Finally an open-loop run at half the best RGS throughput (arrivals on a fixed schedule, latency
 * counted from the scheduled start, so queueing is not hidden): target p99 < 20 ms.
 *
 * Everything shares the machine's cores (server, PostgreSQL, Redis, this load generator, pgbench):
 * the figures are for this machine, the ratios are the point.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { formatTable } from '../cli/output.ts';
import { StakeApiClient } from '../rgs/wire/index.ts';
import { type RgsProcess, startRgsProcess } from '../test/support/rgs-process.ts';
import {
  findPostgresBinDir,
  type ServerHandle,
  startPostgres,
  startRedis,
} from '../test/support/services.ts';
import { heading } from './harness.ts';

const GAME = 'jungle-twenty';
const PGBENCH_SCRIPT = new URL('./rgs-round.pgbench.sql', import.meta.url).pathname;
const PLAYER_BALANCE = 100_000_000 * 1_000_000;
const REQUEST_TIMEOUT_MS = 10_000;
const MAX_ROUNDS_PER_LEVEL = 1_000_000;
/**
 * The RGS core's PostgreSQL pool size (createRgsCore's default maxConnections): the server never
 * has more statements in flight than this, so pgbench gets at most as many clients. More clients
 * would measure a database under more concurrency than the RGS can give it (and on a small machine
 * a LOWER figure: fsync and lock queues), not the ceiling.
 */
const RGS_POOL_CONNECTIONS = 10;

interface LevelResult {
  readonly concurrency: number;
  readonly rounds: number;
  readonly wins: number;
  readonly errors: number;
  readonly seconds: number;
  readonly latenciesMs: Float64Array;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** The one wire client (rgs/wire): keep-alive, bounded sockets, outcomes as values. */
type Client = StakeApiClient;

interface BenchPlayer {
  readonly sessionID: string;
  readonly playerID: string;
  readonly bet: number;
}

/** One round: play, then end-round if it pays. Returns whether it paid, or throws on an error answer. */
async function oneRound(client: Client, player: BenchPlayer): Promise<boolean> {
  const played = await client.play(player.sessionID, player.bet, 'base');
  if (played.outcome !== 'ok') throw new Error(`play ${played.status} ${played.code}`);
  if (played.body.round.payout > 0) {
    const ended = await client.endRound(player.sessionID);
    if (ended.outcome !== 'ok') throw new Error(`end-round ${ended.status} ${ended.code}`);
    return true;
  }
  return false;
}

async function closedLoop(
  client: Client,
  players: readonly BenchPlayer[],
  durationMs: number,
): Promise<LevelResult> {
  const latencies: number[] = [];
  let wins = 0;
  let errors = 0;
  const start = performance.now();
  const end = start + durationMs;
  await Promise.all(
    players.map(async (player) => {
      for (let i = 0; i < MAX_ROUNDS_PER_LEVEL && performance.now() < end; i++) {
        const t0 = performance.now();
        try {
          if (await oneRound(client, player)) wins++;
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return {
    concurrency: players.length,
    rounds: latencies.length,
    wins,
    errors,
    seconds,
    latenciesMs: Float64Array.from(latencies).sort(),
  };
}

/** Open loop: round k starts at k/rate seconds (a free player takes it); latency from the scheduled start. */
async function openLoop(
  client: Client,
  players: readonly BenchPlayer[],
  ratePerS: number,
  durationMs: number,
): Promise<LevelResult> {
  const total = Math.min(MAX_ROUNDS_PER_LEVEL, Math.floor((ratePerS * durationMs) / 1000));
  const latencies: number[] = [];
  let next = 0;
  let wins = 0;
  let errors = 0;
  const start = performance.now();
  await Promise.all(
    players.map(async (player) => {
      for (let guard = 0; guard < total; guard++) {
        const k = next++;
        if (k >= total) return;
        const scheduled = start + (k * 1000) / ratePerS;
        const wait = scheduled - performance.now();
        if (wait > 0) await sleep(wait);
        try {
          if (await oneRound(client, player)) wins++;
          latencies.push(performance.now() - scheduled);
        } catch {
          errors++;
        }
      }
    }),
  );
  return {
    concurrency: players.length,
    rounds: latencies.length,
    wins,
    errors,
    seconds: (performance.now() - start) / 1000,
    latenciesMs: Float64Array.from(latencies).sort(),
  };
}

interface PgbenchResult {
  readonly tps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly failed: number;
}

async function runPgbench(
  pgbench: string,
  url: string,
  concurrency: number,
  seconds: number,
  vars: { hit: number; bet: number; win: number },
): Promise<PgbenchResult> {
  const logDir = mkdtempSync(join(tmpdir(), 'croupier-pgbench-'));
  try {
    const args = [
      '-n',
      ...(process.env.PGBENCH_DEBUG ? ['-d'] : []),
      '-M',
      'extended',
      '-c',
      String(concurrency),
      '-j',
      String(Math.min(concurrency, 2)),
      '-T',
      String(seconds),
      '-f',
      PGBENCH_SCRIPT,
      '-D',
      `hit=${vars.hit}`,
      '-D',
      `bet=${vars.bet}`,
      '-D',
      `win=${vars.win}`,
      '--log',
      `--log-prefix=${join(logDir, 'pgb')}`,
      url,
    ];
    const { code, stdout, stderr } = await new Promise<{
      code: number | null;
      stdout: string;
      stderr: string;
    }>((done) => {
      const child = spawn(pgbench, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
      });
      child.stderr.on('data', (c: Buffer) => {
        if (err.length < 100_000) err += c.toString();
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 30) * 1000);
      child.once('close', (exitCode) => {
        clearTimeout(timer);
        done({ code: exitCode, stdout: out, stderr: err });
      });
    });
    if (code !== 0) throw new Error(`pgbench exited ${code}: ${stderr.slice(-1500)}`);
    const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)?.[1] ?? Number.NaN);
    const failed = Number(/number of failed transactions: (\d+)/.exec(stdout)?.[1] ?? 0);
    const latencies: number[] = [];
    for (const file of readdirSync(logDir)) {
      for (const line of readFileSync(join(logDir, file), 'utf8').split('\n')) {
        const fields = line.split(' ');
        if (fields.length >= 3) latencies.push(Number(fields[2]) / 1000);
      }
    }
    const sorted = Float64Array.from(latencies).sort();
    return { tps, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), failed };
  } finally {
    rmSync(logDir, { recursive: true, force: true });
  }
}

async function openPlayers(rgs: RgsProcess, client: Client, count: number): Promise<BenchPlayer[]> {
  const players: BenchPlayer[] = [];
  const authorization = `Bearer ${await rgs.operatorToken(600)}`;
  for (let i = 0; i < count; i++) {
    const started = await client.startSession(
      { currency: 'USD', balance: PLAYER_BALANCE, gameID: GAME },
      { headers: { authorization } },
    );
    if (started.outcome !== 'ok') throw new Error(`session/start ${started.status} ${started.code}`);
    const { sessionID, playerID } = started.body;
    const auth = await client.authenticate(sessionID);
    if (auth.outcome !== 'ok') throw new Error(`authenticate ${auth.status} ${auth.code}`);
    players.push({ sessionID, playerID, bet: auth.body.config.defaultBetLevel });
  }
  return players;
}

/**
 * pgbench: beside the initdb the test services use, else the highest /usr/lib/postgresql/<v>/bin
 * (Debian keeps it off PATH; PATH may hold initdb/postgres wrappers only), else PATH.
 */
function findPgbench(): string | null {
  const candidates: string[] = [];
  try {
    candidates.push(join(findPostgresBinDir(), 'pgbench'));
  } catch {
    // No server binaries: try the other places.
  }
  try {
    const versions = readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(join('/usr/lib/postgresql', v, 'bin', 'pgbench'));
  } catch {
    // Not Debian's layout.
  }
  candidates.push('pgbench');
  for (const candidate of candidates) {
    try {
      execFileSync(candidate, ['--version'], { stdio: 'ignore', timeout: 5_000 });
      return candidate;
    } catch {
      // Not there or not runnable.
    }
  }
  return null;
}

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '-');

export async function run(options: { quick: boolean }): Promise<void> {
  const levels = options.quick ? [1, 4, 16] : [1, 4, 16, 64];
  const seconds = options.quick ? 2 : 5;
  heading(
    `RGS rounds (play + end-round) over HTTP vs pgbench of the same SQL (ceiling), ${seconds} s per level`,
  );
  const pgbench = findPgbench();
  if (pgbench === null) {
    process.stdout.write('pgbench not found: skipped (install the PostgreSQL server package)\n');
    return;
  }
  let postgres: ServerHandle | undefined;
  let redis: ServerHandle | undefined;
  let rgs: RgsProcess | undefined;
  let client: Client | undefined;
  try {
    [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    rgs = await startRgsProcess({
      databaseUrl: postgres.url,
      redisUrl: redis.url,
      env: { RGS_RATE_LIMIT: '100000', RGS_LOG_LEVEL: 'error' },
    });
    const maxConcurrency = Math.max(...levels);
    client = new StakeApiClient({
      baseUrl: rgs.url,
      maxSockets: maxConcurrency * 2,
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
    const players = await openPlayers(rgs, client, maxConcurrency);
    const bet = players[0]!.bet;
    // The pgbench clients play as the same players (client k = player k + 1).
    const db = new pg.Client({ connectionString: postgres.url });
    await db.connect();
    try {
      await db.query(
        'CREATE TABLE IF NOT EXISTS bench_players (n int PRIMARY KEY, id uuid NOT NULL, currency text NOT NULL, house_id bigint NOT NULL)',
      );
      for (const [i, p] of players.entries()) {
        await db.query(
          `INSERT INTO bench_players (n, id, currency, house_id)
           SELECT $1, $2::uuid, 'USD', (SELECT id FROM rgs.accounts WHERE kind = 'house' AND currency = 'USD' AND shard = 0)`,
          [i + 1, p.playerID],
        );
      }
    } finally {
      await db.end();
    }
    // Warm-up (JIT, pools, caches), not measured.
    await closedLoop(client, players.slice(0, 4), 500);

    const rows: (string | number)[][] = [];
    let best = 0;
    for (const c of levels) {
      const level = await closedLoop(client, players.slice(0, c), seconds * 1000);
      const rate = level.rounds / level.seconds;
      best = Math.max(best, rate);
      const hitPer10k = level.rounds > 0 ? Math.round((level.wins / level.rounds) * 10_000) : 3_000;
      const ceiling = await runPgbench(pgbench, postgres.url, Math.min(c, RGS_POOL_CONNECTIONS), seconds, {
        hit: hitPer10k,
        bet,
        win: bet * 2,
      });
      rows.push([
        c,
        Math.round(rate),
        ms(percentile(level.latenciesMs, 50)),
        ms(percentile(level.latenciesMs, 95)),
        ms(percentile(level.latenciesMs, 99)),
        level.errors,
        Math.round(ceiling.tps),
        ms(ceiling.p50Ms),
        ms(ceiling.p99Ms),
        `${((rate / ceiling.tps) * 100).toFixed(0)}%`,
      ]);
    }
    process.stdout.write(
      `${formatTable(
        [
          'players',
          'RGS rounds/s',
          'p50 ms',
          'p95 ms',
          'p99 ms',
          'errors',
          'pgbench rounds/s',
          'pgb p50 ms',
          'pgb p99 ms',
          'RGS/ceiling',
        ],
        rows,
      )}\n`,
    );
    const half = best / 2;
    const open = await openLoop(client, players.slice(0, Math.min(64, players.length)), half, seconds * 1000);
    const p99 = percentile(open.latenciesMs, 99);
    process.stdout.write(
      `open loop at half the best throughput (${Math.round(half)} rounds/s offered, ${Math.round(open.rounds / open.seconds)} served, ${open.errors} errors): ` +
        `p50 ${ms(percentile(open.latenciesMs, 50))} ms, p95 ${ms(percentile(open.latenciesMs, 95))} ms, p99 ${ms(p99)} ms ` +
        `(target < 20 ms: ${p99 < 20 ? 'met' : 'NOT met'})\n`,
    );
  } finally {
    client?.close();
    await rgs?.destroy();
    await Promise.allSettled([postgres?.destroy(), redis?.destroy()]);
  }
}

// `node bin/run-ts.js bench/rgs.bench.ts [--quick]` runs this suite alone.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await run({ quick: process.argv.includes('--quick') });
}
