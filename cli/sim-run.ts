/** `croupier sim run|merge`: the work, loaded when a command runs (the flags: sim-command.ts). */
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import {
  isPublicationPath,
  PUBLICATION_KERNEL_URL,
  type PublicationKernelArgs,
  type PublicationMode,
} from '../games/index.ts';
import {
  analyzePublicationMode,
  countSpins,
  createPlan,
  defaultWorkerCount,
  exactRtpOfGameFile,
  type GameSpec,
  gameFileSpec,
  gameModuleSpec,
  isComplete,
  isStreamKind,
  MAX_WORKERS,
  mergeParts,
  missingChunkRanges,
  parseRtp,
  parseSeed,
  parseShard,
  partFromFile,
  partToFile,
  runSimulation,
  type ShardSpec,
  type SimPart,
  type SimSummary,
  shardChunkRange,
  summarizePart,
} from '../sim/index.ts';
import { STREAM_KINDS } from '../sim/names.ts';
import { CliError, EXIT_BAD_INPUT, EXIT_CHECK_FAILED } from './errors.ts';
import { gameInputOrThrow, resolveGamePath } from './game-input.ts';
import { formatTable, printJson } from './output.ts';
import { createProgress } from './progress.ts';

export interface SimOptions {
  spins?: string;
  seed?: string;
  workers?: string;
  mode?: string;
  shard?: string;
  out?: string;
  json?: boolean;
  rng: string;
  chunkSize?: string;
  expectRtp?: string;
  exact?: boolean;
}

export interface MergeOptions {
  json?: boolean;
  out?: string;
  expectRtp?: string;
  allowPartial?: boolean;
}

function badInput(message: string): CliError {
  return new CliError(message, EXIT_BAD_INPUT);
}

/** Parses a count written as digits (underscores allowed) or in scientific notation ("1e9"). */
export function parseCount(text: string, what: string, min: number, max: number): number {
  const clean = text.trim().replaceAll('_', '');
  const value = /^\d+(\.\d+)?e\d+$/i.test(clean) || /^\d+$/.test(clean) ? Number(clean) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw badInput(`${what} must be an integer in [${min}, ${max}], got '${text}'`);
  }
  return value;
}

/**
 * `FILE` is a game definition compiled through games/; `MODULE.ts#factory` (or .js/.mjs) is a module
 * whose exported factory returns a CompiledGame (test kernels, externally compiled games).
 */
function gameSpecOf(
  target: string,
  mode: string | undefined,
): { spec: GameSpec; publication: PublicationMode | null } {
  const moduleMatch = /^(.+\.(?:ts|js|mjs))#([A-Za-z_$][\w$]*)$/.exec(target);
  if (moduleMatch) {
    if (mode !== undefined) throw badInput('--mode applies to game definition files, not to kernel modules');
    return { spec: gameModuleSpec(moduleMatch[1]!, moduleMatch[2]!), publication: null };
  }
  if (isPublicationPath(target)) return publicationSpec(target, mode);
  // A demo game's name stands for its file, as in `math` and `game validate`.
  return { spec: gameFileSpec(resolveGamePath(target), mode), publication: null };
}

/**
 * A math-sdk publication's mode, simulated as exact integer weighted draws of its lookup table
 * (games/publication/kernel.ts) in every worker; the publication is checked here once.
 */
function publicationSpec(
  target: string,
  mode: string | undefined,
): { spec: GameSpec; publication: PublicationMode } {
  const input = gameInputOrThrow(target);
  if (input.kind !== 'publication') throw badInput(`${target} is not a publication`);
  const { publication } = input;
  const chosen = mode === undefined ? publication.modes[0] : publication.modes.find((m) => m.name === mode);
  if (chosen === undefined) {
    throw badInput(`unknown mode '${mode}' (modes: ${publication.modes.map((m) => m.name).join(', ')})`);
  }
  const args: PublicationKernelArgs = {
    dir: resolve(target),
    mode: chosen.name,
    mathHash: publication.mathHash,
  };
  return { spec: gameModuleSpec(PUBLICATION_KERNEL_URL, 'publicationKernel', args), publication: chosen };
}

/**
 * The one seed format of the CLI is hex bytes, `0x`-prefixed or not, as `rng sample`, `rng test` and
 * `certify` take it; the streams take 64 bits. A hex seed below 2^64 is that integer (so `0x2a` is
 * 42, as before); a longer one (a certify master seed) is reduced to the first 8 bytes of its
 * SHA-256, said on stderr. Digits only, without `0x`, keep their old meaning here: decimal.
 */
export function simSeed(text: string): bigint {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return parseSeed(trimmed);
  const hex = trimmed.replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]{1,2048}$/.test(hex)) {
    throw new RangeError(`must be hex (0x…, up to 1024 bytes) or decimal, got '${text}'`);
  }
  const value = BigInt(`0x${hex}`);
  if (value < 1n << 64n) return value;
  const digest = createHash('sha256')
    .update(Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex'))
    .digest();
  const reduced = digest.readBigUInt64BE(0);
  process.stderr.write(
    `croupier: seed ${trimmed.slice(0, 24)}… is longer than 64 bits: stream seed ${reduced} (first 8 bytes of its SHA-256)\n`,
  );
  return reduced;
}

/** Worker threads beyond the cores only contend: clamp, and say so. */
function workerCountOf(text: string | undefined): number {
  if (text === undefined) return defaultWorkerCount();
  const requested = parseCount(text, '--workers', 0, MAX_WORKERS);
  const cores = availableParallelism();
  if (requested <= cores) return requested;
  process.stderr.write(
    `croupier: --workers ${requested} is more than the ${cores} core(s): using ${cores}\n`,
  );
  return cores;
}

function wrapInput<T>(what: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw badInput(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function writePart(path: string, part: SimPart): Promise<void> {
  try {
    await writeFile(path, `${JSON.stringify(partToFile(part), null, 2)}\n`);
  } catch (error) {
    throw badInput(`cannot write ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function readPart(path: string): Promise<SimPart> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw badInput(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw badInput(`${path} is not JSON`);
  }
  return wrapInput(path, () => partFromFile(json));
}

const pct = (x: number, digits = 4) => `${(x * 100).toFixed(digits)}%`;
const int = (n: number) => n.toLocaleString('en-US');

/** The human-readable report of a summary. */
export function formatSummary(summary: SimSummary, run?: { elapsedMs: number; workers: number }): string {
  const s = summary;
  const e = s.estimate;
  const lines: string[] = [];
  lines.push(`game ${s.gameId} (mode ${s.mode}), math ${s.mathHash}, stake ${s.stakeUnits} units`);
  lines.push(`rng ${s.streamKind} seed ${s.seed}, chunks of ${int(s.chunkSize)} spins (chunk c = stream c)`);
  const scope = `${int(s.spinsRun)} of ${int(s.spinsPlanned)} spins (${s.chunksRun}/${s.chunkCount} chunks)`;
  const speed =
    run && run.elapsedMs > 0
      ? ` in ${(run.elapsedMs / 1000).toFixed(2)} s on ${run.workers === 0 ? 'the main thread' : `${run.workers} worker(s)`}: ${((s.spinsRun / run.elapsedMs) * 1000).toExponential(3)} spins/s`
      : '';
  lines.push(`${scope}${speed}${s.partial ? `  [PARTIAL${s.interrupted ? ', interrupted' : ''}]` : ''}`);
  lines.push(
    `RTP ${pct(e.rtp)}  SE ${pct(e.standardError)}  95% CI [${pct(e.ci95.low)}, ${pct(e.ci95.high)}]  99% CI [${pct(e.ci99.low)}, ${pct(e.ci99.high)}]`,
  );
  lines.push(
    `hit frequency ${pct(s.hitFrequency, 3)}  std dev per round ${e.stdDevPerRoundX.toFixed(3)} x stake  ` +
      `features ${int(s.featureTriggers)}${s.featureTriggers > 0 ? ` (1 in ${(1 / s.featureFrequency).toFixed(1)})` : ''}  cap hits ${int(s.capHits)}`,
  );
  if (s.maxWin) {
    lines.push(
      `max win ${s.maxWin.winX}x stake (${s.maxWin.winUnits} units) at spin ${s.maxWin.spinIndex} ` +
        `(chunk ${s.maxWin.chunkIndex}, round ${s.maxWin.offsetInChunk})`,
    );
  }
  lines.push('', 'win distribution (x stake)');
  lines.push(
    formatTable(
      ['band', 'rounds', 'share'],
      s.bands.map((b) => [b.label, b.rounds, pct(b.fraction, 5)]),
    ),
  );
  const hitPays = s.pays.filter((p) => p.hits > 0);
  if (hitPays.length > 0) {
    lines.push('pay hits');
    lines.push(
      formatTable(
        ['pay', 'hits', 'per round'],
        hitPays.map((p) => [p.id, p.hits, p.frequency.toExponential(4)]),
      ),
    );
  }
  if (s.convergence.length > 0) {
    lines.push('convergence');
    lines.push(
      formatTable(
        ['spins', 'RTP', 'SE'],
        s.convergence.map((c) => [c.spins, pct(c.rtp), pct(c.standardError)]),
      ),
    );
  }
  if (s.verdict) {
    const v = s.verdict;
    lines.push(
      `verdict: theoretical RTP ${pct(v.theoreticalRtp)}, z = ${v.zScore.toFixed(3)} (p = ${v.pValue.toPrecision(3)}), ` +
        `99% acceptance [${pct(v.acceptance99.low)}, ${pct(v.acceptance99.high)}]: ${v.passed ? 'PASS' : 'FAIL'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function finish(summary: SimSummary, json: boolean, extra: Record<string, unknown>, text: string): void {
  if (json) printJson({ ...summary, ...extra });
  else process.stdout.write(text);
  if (summary.verdict && !summary.verdict.passed) {
    throw new CliError(
      `RTP verdict failed: simulated ${pct(summary.estimate.rtp)} vs theoretical ${pct(summary.verdict.theoreticalRtp)}, z = ${summary.verdict.zScore.toFixed(3)}`,
      EXIT_CHECK_FAILED,
    );
  }
}

export async function simAction(target: string, options: SimOptions): Promise<void> {
  if (options.spins === undefined) throw badInput("required option '--spins <n>' not specified");
  const spins = parseCount(options.spins, '--spins', 1, 2 ** 52);
  const seed =
    options.seed === undefined
      ? randomBytes(8).readBigUInt64BE()
      : wrapInput('--seed', () => simSeed(options.seed!));
  const workers = workerCountOf(options.workers);
  const chunkSize =
    options.chunkSize === undefined ? undefined : parseCount(options.chunkSize, '--chunk-size', 1, 2 ** 26);
  const shard: ShardSpec | undefined =
    options.shard === undefined ? undefined : wrapInput('--shard', () => parseShard(options.shard!));
  if (!isStreamKind(options.rng))
    throw badInput(`--rng must be one of ${STREAM_KINDS.join(', ')}, got '${options.rng}'`);
  let theoreticalRtp =
    options.expectRtp === undefined
      ? undefined
      : wrapInput('--expect-rtp', () => parseRtp(options.expectRtp!));
  const { spec: game, publication } = gameSpecOf(target, options.mode);
  if (options.exact) {
    if (theoreticalRtp !== undefined) throw badInput('give either --exact or --expect-rtp, not both');
    if (publication !== null) {
      theoreticalRtp = analyzePublicationMode(publication).rtp.toNumber();
    } else if (game.kind !== 'file') {
      throw badInput('--exact needs a game definition file or a publication');
    } else {
      try {
        theoreticalRtp = await exactRtpOfGameFile(game.path, game.mode);
      } catch (error) {
        throw badInput(`--exact: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  const json = options.json === true;

  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130); // a second Ctrl-C: quit now
    controller.abort();
    process.stderr.write('\nstopping: finishing in-flight chunks (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSigint);
  const plan = wrapInput('--spins', () => createPlan(spins, chunkSize));
  const spinsToRun = shard
    ? countSpins(plan, [wrapInput('--shard', () => shardChunkRange(plan, shard))])
    : spins;
  const progress = json ? null : createProgress('sim', spinsToRun, 'spins');
  let run: Awaited<ReturnType<typeof runSimulation>>;
  try {
    run = await runSimulation({
      game,
      spins,
      seed,
      streamKind: options.rng,
      ...(chunkSize === undefined ? {} : { chunkSize }),
      workers,
      ...(shard === undefined ? {} : { shard }),
      signal: controller.signal,
      onProgress: progress ? (done) => progress.update(done) : undefined,
    });
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), EXIT_BAD_INPUT);
  } finally {
    process.off('SIGINT', onSigint);
    // done() draws 100%: only true for a finished run; after a stop just end the line.
    if (progress && controller.signal.aborted) process.stderr.write('\n');
    else progress?.done();
  }
  if (options.out) await writePart(options.out, run.part);
  const summary = summarizePart(run.part, theoreticalRtp);
  finish(
    summary,
    json,
    {
      elapsedMs: run.elapsedMs,
      workers: run.workers,
      shard: run.part.shard,
      resultFile: options.out ?? null,
    },
    formatSummary(summary, run) + (options.out ? `result written to ${options.out}\n` : ''),
  );
  if (run.part.interrupted) {
    throw new CliError(
      `interrupted: partial result over ${summary.chunksRun} of ${summary.chunkCount} chunks${options.out ? ` kept in ${options.out}` : ''}`,
      EXIT_CHECK_FAILED,
    );
  }
}

export async function mergeAction(files: string[], options: MergeOptions): Promise<void> {
  const theoreticalRtp =
    options.expectRtp === undefined
      ? undefined
      : wrapInput('--expect-rtp', () => parseRtp(options.expectRtp!));
  const parts: SimPart[] = [];
  for (const file of files) parts.push(await readPart(file));
  const merged = wrapInput('merge', () => mergeParts(parts));
  if (options.out) await writePart(options.out, merged);
  const summary = summarizePart(merged, theoreticalRtp);
  const missing = missingChunkRanges(merged).map((r) => [r.start, r.end]);
  const text =
    formatSummary(summary) +
    (missing.length > 0 ? `missing chunks: ${missing.map(([a, b]) => `[${a}, ${b})`).join(' ')}\n` : '') +
    (options.out ? `merged result written to ${options.out}\n` : '');
  finish(summary, options.json === true, { parts: files.length, missingChunkRanges: missing }, text);
  if (!isComplete(merged) && !options.allowPartial) {
    throw new CliError(
      `incomplete: the parts cover ${summary.chunksRun} of ${summary.chunkCount} chunks (use --allow-partial to accept)`,
      EXIT_CHECK_FAILED,
    );
  }
}
