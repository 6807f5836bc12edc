/**
 * The computing stages of a pack, each a pure function of its recorded input (plus the number of
 * workers, which never changes a figure). `collectEvidence` runs them; `croupier verify --rerun`
 * runs them again from the input recorded in `stages/<name>.json` and compares the outputs.
 */
import { basename, resolve } from 'node:path';
import { loadGameFile } from '../games/index.ts';
import { analyzeGame } from '../sim/index.ts';
import { type ModeStageOutput, monitoringPlan, parOf, parSheetCsv, simulateMode } from './sections/games.ts';
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

export type StageInput = SelfTestInput | ServedInput | GameInput;

export interface GameStageOutput {
  readonly modes: ModeStageOutput[];
  readonly parCsv: string;
}

export interface ComputeContext {
  readonly workers: number;
  readonly note: (text: string) => void;
}

/** A recorded path: relative ones are relative to the repository root (see collect.ts packPath). */
export function resolvePackPath(path: string): string {
  return resolve(REPO_ROOT, path);
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
  }
}
