/**
 * `croupier load run`: flags → a target (embedded RGS or a checked --target) → the runner →
 * the books check (the chaos checker over the RGS's public database tools) → files and verdicts.
 * Composes `load` and `chaos`; the parts themselves never import each other.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkBooks } from '../chaos/index.ts';
import {
  type BooksSection,
  checkTarget,
  type EmbeddedRgs,
  type History,
  type LoadResult,
  type ProgressSnapshot,
  renderLoadReport,
  resolveScenario,
  runScenario,
  SCENARIOS,
  ScenarioError,
  startEmbeddedRgs,
  TargetError,
} from '../load/index.ts';
import { type DatabaseTarget, openRgsDatabase, verifyRgsDatabase } from '../rgs/index.ts';
import { CliError, EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK } from './errors.ts';
import { resolveGamePath } from './game-input.ts';
import { servedGamesOrThrow } from './game-serve.ts';
import { type LoadRunFlags, parseNumberFlag, randomSeed } from './load-command.ts';

/** k6's exit code when a threshold was crossed. */
export const EXIT_THRESHOLD_CROSSED = 99;
const PLAIN_PROGRESS_EVERY_S = 5;
const GAME_CHECK_TIMEOUT_MS = 10_000;

export async function runLoadCommand(name: string, flags: LoadRunFlags): Promise<number> {
  const scenario = SCENARIOS[name];
  if (scenario === undefined)
    throw new CliError(
      `unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(', ')}`,
      EXIT_BAD_INPUT,
    );
  const overrides = {
    scale: parseNumberFlag('--scale', flags.scale, 0.001, 100),
    durationS: parseNumberFlag('--duration', flags.duration, 1, 86_400),
  };
  try {
    resolveScenario(scenario, overrides);
  } catch (error) {
    if (error instanceof ScenarioError) throw new CliError(error.message, EXIT_BAD_INPUT);
    throw error;
  }
  const seed = parseNumberFlag('--seed', flags.seed, 0, 2 ** 32 - 1) ?? randomSeed();
  const out = flags.out ?? `croupier-load-${name}.json`;
  if (!out.endsWith('.json')) throw new CliError('--out must name a .json file', EXIT_BAD_INPUT);
  const maxInFlight = parseNumberFlag('--max-in-flight', flags.maxInFlight, 0, 100_000);
  const gameID = servedGameOrThrow(flags);
  const target = await resolveTarget(flags, maxInFlight);
  if (flags.target !== undefined && gameID !== undefined) await checkServedGame(target.baseUrl, gameID);
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    process.stderr.write(
      '\ncroupier load: stopping (Ctrl-C again to quit at once); the partial result will be written\n',
    );
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  let run: Awaited<ReturnType<typeof runScenario>>;
  try {
    process.stderr.write(
      `croupier load: ${name} against ${target.baseUrl}${target.embedded ? ' (embedded RGS)' : ''}, ` +
        `game ${gameID ?? "the RGS's default"}, seed ${seed}\n`,
    );
    run = await runScenario({
      scenario,
      overrides,
      target: target.baseUrl,
      embedded: target.embedded !== null,
      operatorToken: target.operatorToken,
      ...(gameID !== undefined ? { gameID } : {}),
      seed,
      runId: `run${seed.toString(36)}`,
      signal: controller.signal,
      onProgress: progressPrinter(),
    });
  } finally {
    process.off('SIGINT', onSigint);
    if (process.stderr.isTTY) process.stderr.write('\n');
    await target.embedded?.stop().catch(() => {});
  }
  try {
    run.result.books = await booksCheck(run.history, target.ledger, run.resolutions);
  } finally {
    target.embedded?.dispose();
  }
  return finish(run.result, run.history, out, flags.report !== false);
}

/**
 * The game the visits open: --game, else the first of --games, else none (the RGS's default).
 * --games are validated here, before anything starts (every problem under its file name).
 */
function servedGameOrThrow(flags: LoadRunFlags): string | undefined {
  if (flags.games === undefined) return flags.game;
  if (flags.target !== undefined)
    throw new CliError(
      '--games serves games on the embedded RGS; for --target start that RGS with `croupier rgs start --games` and pass --game ID',
      EXIT_BAD_INPUT,
    );
  const { ids } = servedGamesOrThrow(flags.games);
  if (flags.game === undefined) return ids[0];
  if (!ids.includes(flags.game))
    throw new CliError(`--game ${flags.game} is not one of --games: ${ids.join(', ')}`, EXIT_BAD_INPUT);
  return flags.game;
}

/** With --target, --game must be a game that RGS serves (its 404 lists the ones it does). */
async function checkServedGame(baseUrl: string, gameID: string): Promise<void> {
  const url = `${baseUrl.replace(/\/+$/, '')}/game/${encodeURIComponent(gameID)}/info`;
  let status: number;
  let text: string;
  try {
    const reply = await fetch(url, { signal: AbortSignal.timeout(GAME_CHECK_TIMEOUT_MS) });
    status = reply.status;
    text = await reply.text();
  } catch (error) {
    throw new CliError(`--game ${gameID}: cannot read ${url}: ${(error as Error).message}`, EXIT_BAD_INPUT);
  }
  if (status === 200) return;
  let message = text.slice(0, 300);
  try {
    message = String((JSON.parse(text) as { message?: unknown }).message ?? message);
  } catch {}
  throw new CliError(`--game ${gameID}: ${baseUrl} answered ${status}: ${message}`, EXIT_BAD_INPUT);
}

interface ResolvedTarget {
  readonly baseUrl: string;
  readonly operatorToken: string;
  readonly embedded: EmbeddedRgs | null;
  readonly ledger: DatabaseTarget | null;
}

async function resolveTarget(flags: LoadRunFlags, maxInFlight: number | undefined): Promise<ResolvedTarget> {
  if (flags.databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(flags.databaseUrl))
    throw new CliError('--database-url must start with postgres://', EXIT_BAD_INPUT);
  if (flags.target !== undefined) {
    let baseUrl: string;
    try {
      baseUrl = await checkTarget(flags.target, flags.allowRemote === true);
    } catch (error) {
      if (error instanceof TargetError) throw new CliError(error.message, EXIT_BAD_INPUT);
      throw error;
    }
    const operatorToken = flags.operatorToken ?? process.env.CROUPIER_OPERATOR_TOKEN;
    if (!operatorToken)
      throw new CliError(
        '--target needs --operator-token (or CROUPIER_OPERATOR_TOKEN): croupier rgs token',
        EXIT_BAD_INPUT,
      );
    return {
      baseUrl,
      operatorToken,
      embedded: null,
      ledger: flags.databaseUrl !== undefined ? { url: flags.databaseUrl } : null,
    };
  }
  let embedded: EmbeddedRgs;
  try {
    embedded = await startEmbeddedRgs({
      ...(flags.databaseUrl ? { databaseUrl: flags.databaseUrl } : {}),
      ...(flags.redisUrl ? { redisUrl: flags.redisUrl } : {}),
      ...(maxInFlight !== undefined ? { env: { RGS_MAX_IN_FLIGHT: String(maxInFlight) } } : {}),
      ...(flags.games !== undefined ? { games: flags.games.map(resolveGamePath) } : {}),
    });
  } catch (error) {
    throw new CliError(`cannot start the embedded RGS: ${(error as Error).message}`, EXIT_BAD_INPUT);
  }
  return {
    baseUrl: embedded.baseUrl,
    operatorToken: embedded.operatorToken,
    embedded,
    ledger:
      embedded.databaseUrl !== null
        ? { url: embedded.databaseUrl }
        : { dataDir: join(embedded.dataDir, 'pglite') },
  };
}

/** The history against the ledger (chaos/checker); without ledger access, says so. */
export async function booksCheck(
  history: History,
  ledger: DatabaseTarget | null,
  resolutions: ReadonlyMap<string, { balance: number | null; activeBetID: string | null }>,
): Promise<BooksSection> {
  if (ledger === null) {
    return {
      available: false,
      reason: "no access to the target's ledger: give --database-url to check the books",
    };
  }
  const db = await openRgsDatabase(ledger);
  try {
    if (typeof checkBooks === 'function')
      return { available: true, ...(await checkBooks(history, db, { resolutions })) };
    // Fallback while the history checker is not merged: the ledger's own verification only.
    const verification = await verifyRgsDatabase(db);
    return {
      available: false,
      reason: 'history check not yet available; ran rgs verify only',
      ledgerVerified: verification.ledger.ok && verification.audit.ok,
      ledgerProblems: [...verification.ledger.problems, ...verification.audit.problems],
    };
  } finally {
    await db.close();
  }
}

function progressPrinter(): (snapshot: ProgressSnapshot) => void {
  const tty = process.stderr.isTTY === true;
  return (p) => {
    const line =
      `t=${p.elapsedS.toFixed(0)}s planned ${p.plannedVisitsPerS} visits/s | offered ${p.offeredPerS} req/s, ` +
      `accepted ${p.acceptedPerS} req/s, p99 ${p.acceptedP99Ms === null ? '-' : `${p.acceptedP99Ms.toFixed(0)} ms`} | ` +
      `shed ${p.shedTotal}, errors ${p.errorsTotal}, visits running ${p.visitsRunning}`;
    if (tty) process.stderr.write(`\r\x1b[2K${line}`);
    else if (Math.round(p.elapsedS) % PLAIN_PROGRESS_EVERY_S === 0)
      process.stderr.write(`croupier load: ${line}\n`);
  };
}

function finish(result: LoadResult, history: History, out: string, report: boolean): number {
  const historyFile = out.replace(/\.json$/, '.history.json');
  result.historyFile = historyFile;
  writeFileSync(historyFile, JSON.stringify(history));
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  const htmlFile = out.replace(/\.json$/, '.html');
  if (report) writeFileSync(htmlFile, renderLoadReport(result));
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const t = result.totals;
  print(
    `${result.scenario}: ${result.stoppedBy} after ${(result.durationMs / 1000).toFixed(1)} s; ${t.requests} requests (${t.ok} ok, ${t.shed} shed, ${t.failed} failed, ${t.unknown} unknown); visits ${t.visitsStarted} started, ${t.visitsDropped} dropped`,
  );
  const b = result.burst;
  print(
    `burst: ${b.sustainedRoundsPerS} rounds/s sustained at the peak (${b.acceptedRequestsPerS} req/s accepted), shed ${(b.shedRate * 100).toFixed(1)}% (peak ${(b.peakShedRate * 100).toFixed(1)}%), accepted play p99 ${b.acceptedPlayP99Ms ?? '-'} ms, recovered ${b.recoverySAfterPeak === null ? 'not within the run' : `${b.recoverySAfterPeak} s after the peak`}`,
  );
  for (const verdict of result.verdicts) {
    const th = verdict.threshold;
    const actual =
      verdict.actual === null
        ? 'no samples'
        : th.metric === 'latency'
          ? `${verdict.actual} ms`
          : verdict.actual.toFixed(4);
    print(
      `  ${verdict.ok ? 'PASS' : 'FAIL'} ${verdict.k6.metric} ${verdict.k6.expression} (actual ${actual})`,
    );
  }
  const books = result.books!;
  if (books.available) {
    print(
      `books: ${books.ok ? 'BALANCED' : 'NOT BALANCED'}: ${books.acknowledgedBets} acknowledged bets, lost ${books.lost}, doubled ${books.doubled}, unrequested ${books.unrequested}, unknown ${books.unknownBets.total} (${books.unknownBets.booked} booked, ${books.unknownBets.notBooked} not)`,
    );
    for (const invariant of books.invariants.filter((i) => !i.ok))
      print(`  FAIL ${invariant.name}: ${invariant.problems.slice(0, 3).join('; ')}`);
  } else {
    print(
      `books: not checked: ${books.reason}${books.ledgerVerified === undefined ? '' : `; rgs verify ${books.ledgerVerified ? 'ok' : 'FAILED'}`}`,
    );
  }
  print(`wrote ${out}, ${historyFile}${report ? `, ${htmlFile}` : ''}`);
  return exitCodeOf(result);
}

/** 1 when the books do not balance (it outranks everything), else 99 when an SLO failed, else 0. */
export function exitCodeOf(result: Pick<LoadResult, 'books' | 'sloOk'>): number {
  const books = result.books;
  if (books !== null && (books.available ? !books.ok : books.ledgerVerified === false))
    return EXIT_CHECK_FAILED;
  return result.sloOk ? EXIT_OK : EXIT_THRESHOLD_CROSSED;
}
