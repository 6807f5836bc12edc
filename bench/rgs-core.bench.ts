/**
 * RGS core throughput: settled rounds per second (play, plus endRound when the round pays), each
 * one ACID transaction with its postings and audit records, against the baseline of the same rounds
 * evaluated in memory (playRound + ProvablyFairSource, no database) in the same process. The ratio
 * is what the ledger, the idempotency record and the audit chain cost per round.
 *
 * Databases: embedded PGlite (in memory) always; PostgreSQL too when DATABASE_URL names a server
 * the user may create databases on (a fresh database is created and dropped), with 8 players
 * playing concurrently (the house accounts are sharded, so players do not queue on one row).
 *
 * Run with `npm run bench -- --only rgs` once registered in bench/index.ts, or directly:
 * `node bin/run-ts.js bench/rgs-core.bench.ts [--quick]`.
 */
import { pathToFileURL } from 'node:url';
import { formatTable } from '../cli/output.ts';
import { loadDemoGame, playRound } from '../games/index.ts';
import { createTestDatabase } from '../rgs/db/testing.ts';
import { createRgsCore, type RgsCoreService, type RgsDatabase } from '../rgs/index.ts';
import { ProvablyFairSource } from '../rng/index.ts';
import { formatRate, heading, measure, ratePerSecond } from './harness.ts';

const GAME = 'lucky-wheel';
const AMOUNT_MINOR = 1_000_000n;

async function roundsPerSecond(core: RgsCoreService, players: number, durationMs: number): Promise<number> {
  const ids: string[] = [];
  for (let i = 0; i < players; i++) {
    const created = await core.createPlayer({
      currency: 'EUR',
      initialBalanceMinor: 10n ** 13n,
      jurisdiction: 'default',
    });
    if (!created.ok) throw new Error(created.error.message);
    ids.push(created.value.playerId);
  }
  let rounds = 0;
  const startMs = performance.now();
  const deadlineMs = startMs + durationMs;
  await Promise.all(
    ids.map(async (playerId, p) => {
      for (let i = 0; performance.now() < deadlineMs; i++) {
        const played = await core.play({
          requestId: `bench-${playerId}-${i}`,
          playerId,
          sessionId: 'bench',
          currency: 'EUR',
          gameId: GAME,
          mode: 'base',
          amountMinor: AMOUNT_MINOR,
        });
        if (!played.ok) throw new Error(`${played.error.code} ${played.error.message} (player ${p})`);
        if (played.value.round.active) {
          const ended = await core.endRound({
            requestId: `bench-end-${playerId}-${i}`,
            playerId,
            sessionId: 'b',
          });
          if (!ended.ok) throw new Error(ended.error.message);
        }
        rounds++;
      }
    }),
  );
  return (rounds / (performance.now() - startMs)) * 1000;
}

export async function run(options: { quick: boolean }): Promise<void> {
  const durationMs = options.quick ? 1_000 : 5_000;
  heading(`RGS core: settled rounds per second (${GAME}), vs the evaluator alone`);
  const game = loadDemoGame(GAME);
  const seed = new Uint8Array(32).fill(7);
  let nonce = 0;
  const baseline = measure(
    'evaluator + provably-fair source (no database)',
    () => {
      playRound(
        game,
        'base',
        { coinValueMinor: 10, betLevel: 1 },
        new ProvablyFairSource({ serverSeed: seed, clientSeed: 'bench', nonce: nonce++ }),
      );
      return 1;
    },
    durationMs / 2,
  );
  const baselineRate = ratePerSecond(baseline);
  const rows: (string | number)[][] = [[baseline.label, formatRate(baselineRate, 'rounds'), '1']];

  const targets: { label: string; db: RgsDatabase; players: number; drop?: () => Promise<void> }[] = [
    { label: 'core on PGlite (embedded, 1 connection)', db: { pglite: true }, players: 1 },
  ];
  const url = process.env.DATABASE_URL;
  if (url) {
    const database = await createTestDatabase(url, 'bench');
    targets.push({
      label: 'core on PostgreSQL, 8 players concurrently',
      db: { url: database.url, maxConnections: 8 },
      players: 8,
      drop: () => database.drop(),
    });
  }
  for (const target of targets) {
    const core = await createRgsCore({ db: target.db, games: [{ game }] });
    try {
      const rate = await roundsPerSecond(core, target.players, durationMs);
      rows.push([target.label, formatRate(rate, 'rounds'), (rate / baselineRate).toExponential(2)]);
      const ledger = await core.verifyLedger();
      if (!ledger.ok) throw new Error(`ledger does not verify after the bench: ${ledger.problems[0]}`);
    } finally {
      await core.close();
      await target.drop?.();
    }
  }
  process.stdout.write(formatTable(['what', 'rate', 'ratio to baseline'], rows));
  if (!url) process.stdout.write('(set DATABASE_URL to a PostgreSQL server to also measure PostgreSQL)\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run({ quick: process.argv.includes('--quick') });
}
