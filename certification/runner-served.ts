/**
 * The RNG results of the evidence pack, on the path that is served (issue 14 §3): the batteries
 * run on the streams exactly as the RGS produces them (see inputs-served.ts for the path):
 *
 * - NIST SP 800-22 on the DRBG's output (the bytes the RGS draws: server seeds and the client-seed
 *   draw), and on the provably-fair stream of every served game (the outcome bytes the evaluator
 *   consumes, round after round);
 * - the GLI-style battery on every mapping of every game through the provably-fair stream: each
 *   reel set (free-spin reel sets too) and each weighted outcome table, with the evaluator's own
 *   scaling calls.
 *
 * Every run gets its own seed, derived from the master seed and the run's label (`servedRunSeed`),
 * so no two runs read the same server seeds; each result records its seed and the rule.
 */
import { type Game, loadGameFile, type PreparedReel } from '../games/index.ts';
import { createGenerator, MAX_CLIENT_SEED_LENGTH, type RandomSource } from '../rng/index.ts';
import { runGliSequence } from './gli/battery.ts';
import { gameReels, InputError, type ScaledChannel, stopSelectionChannels } from './inputs.ts';
import { type ServedDrbg, type ServedInputSpec, type ServedStream, servedRunSeed } from './inputs-served.ts';
import { stsFinalAnalysisReport } from './nist/sts-report.ts';
import { MAX_SEQUENCES, type RngTestReport, runRngTests } from './runner.ts';
import { createRngWorkerPool, MAX_POOL_WORKERS, type RngWorkerPool } from './runner-pool.ts';
import {
  type GliRowSummary,
  gliRowSummaries,
  gliVerdictText,
  type NistRowSummary,
  nistRowSummaries,
  nistVerdictText,
} from './runner-verdicts.ts';

export interface ServedPathPlan {
  /** The served games' definition files. */
  readonly games: readonly string[];
  /** Master seed (hex); every run's seed derives from it. */
  readonly seedHex: string;
  readonly seedGenerated?: boolean;
  /** The RGS's DRBG (its `rngKind`); default 'hmac-drbg', the RGS default. */
  readonly drbg?: ServedDrbg;
  /** A client seed the player set; default: the one the RGS draws for a new player. */
  readonly clientSeed?: string;
  readonly nist: { readonly sequences: number; readonly bitsPerSequence: number };
  /** GLI: sequences, and draws per sequence (raised per mapping until every test applies). */
  readonly gli: { readonly sequences: number; readonly drawsPerSequence: number };
  readonly workers: number;
  readonly onProgress?: (stage: string, done: number, total: number) => void;
}

export interface ServedNistRun {
  readonly stream: ServedStream;
  /** The game whose rounds consumed the provably-fair stream (null for the DRBG stream). */
  readonly gameId: string | null;
  /** The battery's input: `servedStreamData(input, sequences, bits)` regenerates the bits it read. */
  readonly input: ServedInputSpec;
  /** Where the pack should write the STS export (relative to the pack). */
  readonly stsReportPath: string;
  /**
   * Where the pack may write the stream itself (`servedStreamData`), relative to the pack; the STS
   * export names it on its "generator is" line, as `assess` names the file it was given.
   */
  readonly dataFilePath: string;
  readonly seedHex: string;
  /** The CLI command that reruns exactly this run (same seed, same figures). */
  readonly rerun: string;
  readonly report: RngTestReport;
  readonly rows: NistRowSummary[];
  readonly verdictText: string;
  /** finalAnalysisReport.txt, sts-2.1.2 layout. */
  readonly stsReport: string;
}

export interface ServedGliRun {
  readonly gameId: string;
  /** The reel set's name, or 'outcome-table'. */
  readonly mapping: string;
  readonly mappingKind: 'reel set' | 'free-spin reel set' | 'weighted outcome table';
  readonly drawsPerSequence: number;
  /** How the size was chosen. */
  readonly sizeNote: string;
  readonly seedHex: string;
  /** The CLI command that reruns exactly this run (same seed, same figures). */
  readonly rerun: string;
  readonly report: RngTestReport;
  readonly rows: GliRowSummary[];
  readonly verdictText: string;
  /** Tests not applicable on a channel, with the test's own reason. */
  readonly notApplicable: { readonly channel: string; readonly test: string; readonly reason: string }[];
}

export interface ServedPathResult {
  readonly kind: 'croupier-served-path';
  readonly version: 1;
  readonly drbg: ServedDrbg;
  readonly seedHex: string;
  readonly seedGenerated: boolean;
  readonly runSeedRule: string;
  readonly path: readonly string[];
  readonly sizes: {
    readonly nistSequences: number;
    readonly nistBitsPerSequence: number;
    readonly gliSequences: number;
    readonly gliRequestedDrawsPerSequence: number;
  };
  readonly nist: ServedNistRun[];
  readonly gli: ServedGliRun[];
  readonly verdict: 'pass' | 'fail';
  readonly elapsedMs: number;
}

export const SERVED_PATH_STEPS: readonly string[] = [
  'DRBG (SP 800-90A, the RGS rngKind; replay-seeded here, OS entropy behind SP 800-90B health tests in production)',
  'per player: first server seed (32 bytes) and the default client seed (16 of 32 drawn bytes, hex) from the DRBG',
  'per round: the following server seed is drawn, then the round\'s outcome bytes are HMAC-SHA256(serverSeed, "clientSeed:nonce:cursor"), cursor 0, 1, …',
  'the evaluator reads those bytes as 32-bit words: uniformInt per uniform reel (Lemire, unbiased rejection), the exact weighted draw per virtual reel or outcome table',
];

const RUN_SEED_RULE =
  'seed of a run = SHA-256(utf8("croupier/served-path/v1") || 0 || utf8(label) || 0 || master seed); label = "nist/drbg", "nist/provably-fair/<game>", "gli/<game>/<mapping>"';

/** The mappings of a game: its reel sets (free-spin sets marked) or its weighted outcome table. */
export function gameMappings(game: Game): {
  readonly mapping: string;
  readonly kind: ServedGliRun['mappingKind'];
  readonly reels: readonly PreparedReel[];
}[] {
  if (game.model.type === 'table') {
    return [{ mapping: 'outcome-table', kind: 'weighted outcome table', reels: gameReels(game).reels }];
  }
  const freeSet = game.model.freeSpins?.reelSet ?? null;
  return [...game.model.reelSets.entries()].map(([mapping, reels]) => ({
    mapping,
    kind: mapping === freeSet ? ('free-spin reel set' as const) : ('reel set' as const),
    reels,
  }));
}

/** Tests that cannot apply to a mapping whatever the size (by the test's design). */
const BY_DESIGN = /weighted|uniform source/;
/** The largest size the probe raises a mapping to (the lab scale, 10^7 draws) before it stops. */
export const MAX_PROBED_DRAWS = 10_000_000;

/** One channel per distinct law (range and weights): reels of one law need the same size. */
function distinctLaws(channels: readonly ScaledChannel[]): ScaledChannel[] {
  const seen = new Set<string>();
  return channels.filter((c) => {
    const key = JSON.stringify([c.description.range, c.description.probabilities ?? null]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The draws per sequence for a mapping: the requested size, doubled until every GLI test that can
 * apply to the mapping does (probed on draws of the same law from a fast seeded generator, since
 * applicability depends on the size and the law, not on the particular draws). Conservative: the
 * calibrated minimum sizes of wip/gli's recalibration, when they land, can replace the probe.
 */
export function applicableDrawCount(
  reels: readonly PreparedReel[],
  requested: number,
): { readonly draws: number; readonly note: string } {
  if (!Number.isSafeInteger(requested) || requested < 1)
    throw new InputError('GLI draws must be a positive integer');
  for (let draws = requested; ; draws = Math.min(2 * draws, MAX_PROBED_DRAWS)) {
    const probe: RandomSource = createGenerator('xoshiro128ss', new Uint8Array(16).fill(7));
    const channels = distinctLaws(stopSelectionChannels(reels, probe, draws));
    const blocking = channels.flatMap((c) =>
      runGliSequence(c.draws, c.description).filter((r) => !r.applicable && !BY_DESIGN.test(r.reason ?? '')),
    );
    if (blocking.length === 0) {
      return {
        draws,
        note:
          draws === requested
            ? `${requested} draws per sequence (every applicable test applies)`
            : `raised from ${requested} to ${draws} draws per sequence so every test that can apply does`,
      };
    }
    if (draws >= MAX_PROBED_DRAWS) {
      return {
        draws,
        note: `${draws} draws per sequence (the probe's limit); some tests still do not apply (reasons per row)`,
      };
    }
  }
}

/** Quotes a shell word when it needs it (paths with spaces, client seeds). */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function rerunCommand(parts: readonly (string | false | undefined)[]): string {
  return ['croupier rng test', ...parts.filter((p): p is string => typeof p === 'string')].join(' ');
}

function loadServedGame(path: string): Game {
  try {
    return loadGameFile(path);
  } catch (error) {
    throw new InputError((error as Error).message);
  }
}

async function nistRun(
  plan: ServedPathPlan,
  drbg: ServedDrbg,
  stream: ServedStream,
  game: { readonly path: string; readonly id: string } | null,
  pool: RngWorkerPool | null,
): Promise<ServedNistRun> {
  const label = game === null ? 'nist/drbg' : `nist/provably-fair/${game.id}`;
  const seedHex = servedRunSeed(plan.seedHex, label);
  const input: ServedInputSpec = {
    kind: 'served',
    drbg,
    seedHex,
    stream,
    ...(game ? { gamePath: game.path } : {}),
    ...(plan.clientSeed !== undefined ? { clientSeed: plan.clientSeed } : {}),
  };
  const report = await runRngTests(
    {
      battery: 'nist',
      sequences: plan.nist.sequences,
      bitsPerSequence: plan.nist.bitsPerSequence,
      drawsPerSequence: 1,
      input,
      workers: plan.workers,
    },
    { onProgress: (done, total) => plan.onProgress?.(label, done, total), ...(pool ? { pool } : {}) },
  );
  const nist = report.nist!;
  const rerun = rerunCommand([
    `--battery nist --served ${stream} --generator ${drbg} --seed ${seedHex}`,
    `--sequences ${plan.nist.sequences} --bits ${plan.nist.bitsPerSequence}`,
    game !== null && `--game ${shellWord(game.path)}`,
    plan.clientSeed !== undefined && `--client-seed ${shellWord(plan.clientSeed)}`,
  ]);
  const dataFilePath = game === null ? 'nist/drbg.bin' : `nist/${game.id}/provably-fair.bin`;
  return {
    stream,
    gameId: game?.id ?? null,
    rerun,
    input,
    stsReportPath: game === null ? 'nist/finalAnalysisReport.txt' : `nist/${game.id}/finalAnalysisReport.txt`,
    dataFilePath,
    seedHex,
    report,
    rows: nistRowSummaries(nist),
    verdictText: nistVerdictText(nist),
    stsReport: stsFinalAnalysisReport({
      generator: dataFilePath,
      perSequence: nist.perSequence,
      tests: report.plan.nistTests,
    }),
  };
}

async function gliRun(
  plan: ServedPathPlan,
  drbg: ServedDrbg,
  game: { readonly path: string; readonly id: string },
  mapping: ReturnType<typeof gameMappings>[number],
  pool: RngWorkerPool | null,
): Promise<ServedGliRun> {
  const label = `gli/${game.id}/${mapping.mapping}`;
  const seedHex = servedRunSeed(plan.seedHex, label);
  const size = applicableDrawCount(mapping.reels, plan.gli.drawsPerSequence);
  const report = await runRngTests(
    {
      battery: 'gli',
      sequences: plan.gli.sequences,
      bitsPerSequence: 32,
      drawsPerSequence: size.draws,
      input: {
        kind: 'served',
        drbg,
        seedHex,
        stream: 'provably-fair',
        gamePath: game.path,
        reelSet: mapping.mapping,
        ...(plan.clientSeed !== undefined ? { clientSeed: plan.clientSeed } : {}),
      },
      workers: plan.workers,
    },
    { onProgress: (done, total) => plan.onProgress?.(label, done, total), ...(pool ? { pool } : {}) },
  );
  const gli = report.gli!;
  const rows = gliRowSummaries(gli);
  const rerun = rerunCommand([
    `--battery gli --served provably-fair --generator ${drbg} --seed ${seedHex}`,
    `--sequences ${plan.gli.sequences} --draws ${size.draws}`,
    `--game ${shellWord(game.path)} --reel-set ${shellWord(mapping.mapping)}`,
    plan.clientSeed !== undefined && `--client-seed ${shellWord(plan.clientSeed)}`,
  ]);
  return {
    rerun,
    gameId: game.id,
    mapping: mapping.mapping,
    mappingKind: mapping.kind,
    drawsPerSequence: size.draws,
    sizeNote: size.note,
    seedHex,
    report,
    rows,
    verdictText: gliVerdictText(gli),
    notApplicable: rows
      .filter((row) => row.verdict === 'not applicable')
      .map((row) => ({ channel: row.channel, test: row.test, reason: row.reasons.join('; ') })),
  };
}

const isCount = (n: number, max: number) => Number.isSafeInteger(n) && n >= 1 && n <= max;

/**
 * Checks a plan before any long work (the pack validates every input first): sizes, seed, client
 * seed, DRBG and every game (loaded). Throws InputError naming the field.
 */
export function validateServedPlan(plan: ServedPathPlan): {
  readonly drbg: ServedDrbg;
  readonly games: { readonly path: string; readonly game: Game }[];
} {
  const drbg = plan.drbg ?? 'hmac-drbg';
  if (drbg !== 'hmac-drbg' && drbg !== 'ctr-drbg') throw new InputError(`unknown served DRBG '${drbg}'`);
  servedRunSeed(plan.seedHex, 'validation'); // parses the seed (InputError names it)
  if (!isCount(plan.nist.sequences, MAX_SEQUENCES))
    throw new InputError(`nist.sequences must be in [1, ${MAX_SEQUENCES}]`);
  if (!Number.isSafeInteger(plan.nist.bitsPerSequence) || plan.nist.bitsPerSequence < 32) {
    throw new InputError('nist.bitsPerSequence must be an integer >= 32');
  }
  if (!isCount(plan.gli.sequences, MAX_SEQUENCES))
    throw new InputError(`gli.sequences must be in [1, ${MAX_SEQUENCES}]`);
  if (!isCount(plan.gli.drawsPerSequence, MAX_PROBED_DRAWS)) {
    throw new InputError(`gli.drawsPerSequence must be in [1, ${MAX_PROBED_DRAWS}]`);
  }
  if (!Number.isSafeInteger(plan.workers) || plan.workers < 0 || plan.workers > MAX_POOL_WORKERS) {
    throw new InputError(`workers must be an integer in [0, ${MAX_POOL_WORKERS}]`);
  }
  if (
    plan.clientSeed !== undefined &&
    (plan.clientSeed.length < 1 || plan.clientSeed.length > MAX_CLIENT_SEED_LENGTH)
  ) {
    throw new InputError(`clientSeed must be 1..${MAX_CLIENT_SEED_LENGTH} characters`);
  }
  // No game (a certify run of math-sdk publications only): the DRBG stream's battery alone.
  const games = plan.games.map((path) => ({ path, game: loadServedGame(path) }));
  const ids = games.map((g) => g.game.definition.id);
  if (new Set(ids).size !== ids.length) throw new InputError(`a game is listed twice: ${ids.join(', ')}`);
  return { drbg, games };
}

/**
 * Runs the batteries on the served path (see the file comment). Validates every game before any
 * long work; throws InputError on anything the caller must fix.
 */
export async function runServedPath(plan: ServedPathPlan): Promise<ServedPathResult> {
  const startedMs = performance.now();
  const { drbg, games } = validateServedPlan(plan);
  // One pool for every run: starting worker threads costs seconds each time (runner-pool.ts).
  const pool = plan.workers > 0 ? createRngWorkerPool(Math.min(plan.workers, MAX_POOL_WORKERS)) : null;
  const nist: ServedNistRun[] = [];
  const gli: ServedGliRun[] = [];
  try {
    nist.push(await nistRun(plan, drbg, 'drbg', null, pool));
    for (const { path, game } of games) {
      nist.push(await nistRun(plan, drbg, 'provably-fair', { path, id: game.definition.id }, pool));
    }
    for (const { path, game } of games) {
      for (const mapping of gameMappings(game)) {
        gli.push(await gliRun(plan, drbg, { path, id: game.definition.id }, mapping, pool));
      }
    }
  } finally {
    await pool?.close();
  }
  const failed = [...nist, ...gli].some((run) => run.report.verdict === 'fail');
  return {
    kind: 'croupier-served-path',
    version: 1,
    drbg,
    seedHex: plan.seedHex,
    seedGenerated: plan.seedGenerated ?? false,
    runSeedRule: RUN_SEED_RULE,
    path: SERVED_PATH_STEPS,
    sizes: {
      nistSequences: plan.nist.sequences,
      nistBitsPerSequence: plan.nist.bitsPerSequence,
      gliSequences: plan.gli.sequences,
      gliRequestedDrawsPerSequence: plan.gli.drawsPerSequence,
    },
    nist,
    gli,
    verdict: failed ? 'fail' : 'pass',
    elapsedMs: performance.now() - startedMs,
  };
}
