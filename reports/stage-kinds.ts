/**
 * The computing stages of a pack, each a pure function of its recorded input (plus the number of
 * workers, which never changes a figure). `collectEvidence` runs them; `croupier verify --rerun`
 * runs them again from the input recorded in `stages/<name>.json` and compares the outputs.
 */
import { basename, resolve } from 'node:path';
import { loadGameFile, loadPublication } from '../games/index.ts';
import { analyzeGame, analyzePublicationMode, checkBooksConsistency } from '../sim/index.ts';
import type { PublicationModeSchema } from './model.ts';
import { type ModeStageOutput, monitoringPlan, parOf, parSheetCsv, simulateMode } from './sections/games.ts';
import {
  booksEvidence,
  payoutGroups,
  publicationParCsv,
  publicationParOf,
  simulatePublicationMode,
  weightedDrawEvidence,
} from './sections/publication.ts';
import { runSelfTest, runServedBatteries, type ServedPathInput } from './sections/rng.ts';
import { REPO_ROOT } from './sections/software.ts';

export interface SelfTestInput {
  readonly kind: 'rng-selftest';
  readonly codeSha256: string;
}

export interface ServedInput extends ServedPathInput {
  readonly kind: 'rng-served';
  readonly codeSha256: string;
  /** SHA-256 of each game file, in the order of `games`. */
  readonly gameSha256: readonly string[];
}

export interface GameInput {
  readonly kind: 'game';
  readonly codeSha256: string;
  readonly file: string;
  readonly fileSha256: string;
  readonly mathHash: string;
  readonly simRoundsPerMode: number;
  /** Rounds per Monte Carlo chunk (a constant of the experiment; convergence checkpoints fall on chunks). */
  readonly simChunkSize: number;
  /** Per mode: the Monte Carlo seed (decimal, 64-bit). */
  readonly simSeeds: Readonly<Record<string, string>>;
}

/** A math-sdk publication folder: PAR, books, weighted-draw battery and Monte Carlo per mode. */
export interface PublicationInput {
  readonly kind: 'publication';
  readonly codeSha256: string;
  /** The folder, relative to `dirBase` (never absolute: the pack reruns on another machine). */
  readonly dir: string;
  readonly dirBase: 'repository' | 'pack';
  readonly mathHash: string;
  readonly simRoundsPerMode: number;
  readonly simChunkSize: number;
  /** Per mode: the Monte Carlo seed (decimal, 64-bit). */
  readonly simSeeds: Readonly<Record<string, string>>;
  readonly weightedDraws: number;
  /** Per mode: the served-path DRBG replay seed of the weighted-draw battery (hex). */
  readonly drawSeeds: Readonly<Record<string, string>>;
}

export type StageInput = SelfTestInput | ServedInput | GameInput | PublicationInput;

export interface GameStageOutput {
  readonly modes: ModeStageOutput[];
  readonly parCsv: string;
}

export interface PublicationStageOutput {
  readonly modes: (ModeStageOutput & { readonly publication: PublicationModeFigures })[];
  readonly parCsv: string;
}
type PublicationModeFigures = Omit<
  import('zod').infer<typeof PublicationModeSchema>,
  'weightsFile' | 'booksFile'
>;

export interface ComputeContext {
  readonly workers: number;
  readonly note: (text: string) => void;
  /** The pack folder (publications recorded relative to it). */
  readonly packDir: string;
}

/** A recorded path: relative ones are relative to the repository root (see collect.ts packPath). */
export function resolvePackPath(path: string): string {
  return resolve(REPO_ROOT, path);
}

async function computePublication(
  input: PublicationInput,
  ctx: ComputeContext,
): Promise<PublicationStageOutput> {
  const dir = resolve(input.dirBase === 'repository' ? REPO_ROOT : ctx.packDir, input.dir);
  const publication = loadPublication(dir);
  if (publication.mathHash !== input.mathHash)
    throw new Error(
      `${input.dir}: math hash ${publication.mathHash} differs from the recorded ${input.mathHash}`,
    );
  const modes: PublicationStageOutput['modes'] = [];
  const csv: string[] = [];
  for (const mode of publication.modes) {
    const label = `${publication.id} [${mode.name}]`;
    const simSeed = input.simSeeds[mode.name];
    const drawSeed = input.drawSeeds[mode.name];
    if (simSeed === undefined || drawSeed === undefined)
      throw new Error(`no recorded seeds for mode ${mode.name}`);
    ctx.note(`${label}: exact figures and books`);
    const analysis = analyzePublicationMode(mode);
    const groups = payoutGroups(mode);
    const books = booksEvidence(checkBooksConsistency(mode));
    ctx.note(`${label}: ${input.weightedDraws} served weighted draws`);
    const weightedDraw = weightedDrawEvidence(mode, drawSeed, input.weightedDraws);
    const simulation = await simulatePublicationMode(mode, analysis, groups, {
      dir,
      mathHash: publication.mathHash,
      rounds: input.simRoundsPerMode,
      chunkSize: input.simChunkSize,
      seed: BigInt(simSeed),
      workers: ctx.workers,
      onProgress: (done, total) =>
        ctx.note(`${label} Monte Carlo ${((100 * done) / total).toFixed(0)}% of ${total} rounds`),
    });
    modes.push({
      mode: mode.name,
      par: publicationParOf(mode, analysis, groups),
      simulation,
      monitoring: monitoringPlan(analysis.rtp.toNumber(), analysis.sdPerRoundStakes),
      publication: {
        cost: mode.cost.text,
        rows: mode.table.rows,
        totalWeight: mode.table.totalWeight.toString(),
        probabilityWinBelowStake: analysis.probabilityWinBelowStake.toNumber(),
        books,
        weightedDraw,
      },
    });
    csv.push(publicationParCsv(publication.id, mode, groups, csv.length === 0));
  }
  return { modes, parCsv: csv.join('') };
}

async function computeGame(input: GameInput, ctx: ComputeContext): Promise<GameStageOutput> {
  const file = resolvePackPath(input.file);
  const game = loadGameFile(file);
  if (game.mathHash !== input.mathHash)
    throw new Error(`${input.file}: math hash ${game.mathHash} differs from the recorded ${input.mathHash}`);
  const modes: ModeStageOutput[] = [];
  const csv: string[] = [];
  for (const { id: mode } of game.definition.modes) {
    ctx.note(`${basename(input.file)} [${mode}]: exact analysis`);
    const analysis = analyzeGame(game, mode);
    const seed = input.simSeeds[mode];
    if (seed === undefined) throw new Error(`no recorded simulation seed for mode ${mode}`);
    const simulation = await simulateMode(
      file,
      game,
      analysis,
      input.simRoundsPerMode,
      input.simChunkSize,
      BigInt(seed),
      ctx.workers,
      (done, total) =>
        ctx.note(`[${mode}] Monte Carlo ${((100 * done) / total).toFixed(0)}% of ${total} rounds`),
    );
    modes.push({
      mode,
      par: parOf(game, analysis),
      simulation,
      monitoring: monitoringPlan(analysis.rtp.toNumber(), analysis.sdPerRoundStakes),
    });
    csv.push(parSheetCsv(analysis));
  }
  return {
    modes,
    parCsv: csv.map((c, i) => (i === 0 ? c : c.split('\n').slice(1).join('\n'))).join(''),
  };
}

/** Computes a stage's output from its input alone. */
export async function computeStage(input: StageInput, ctx: ComputeContext): Promise<unknown> {
  switch (input.kind) {
    case 'rng-selftest':
      return runSelfTest();
    case 'rng-served':
      return runServedBatteries(input, ctx.workers, ctx.note);
    case 'game':
      return computeGame(input, ctx);
    case 'publication':
      return computePublication(input, ctx);
  }
}
