/**
 * Stages of a certify run and resume. A stage is a pure function of its recorded input (seeds,
 * sizes, the hashes of the files it reads); its output is written to `DIR/stages/<name>.json`
 * with the SHA-256 of that input. A later run into the same DIR reuses a stage only when the input
 * hash matches; when it differs the stage is recomputed and the progress says so (never silently
 * reused). `croupier verify --rerun` recomputes a stage from the recorded input and compares.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { canonicalJson } from '../games/index.ts';
import type { StageProgress } from './progress.ts';

export const STAGE_FORMAT = 'croupier.evidence-stage';
export const STAGE_VERSION = 1;
export const STAGES_DIR = 'stages';

const StageFileSchema = z
  .object({
    format: z.literal(STAGE_FORMAT),
    version: z.literal(STAGE_VERSION),
    stage: z.string(),
    inputSha256: z.string(),
    input: z.unknown(),
    output: z.unknown(),
    elapsedMs: z.number(),
  })
  .strict();
export type StageFile = z.infer<typeof StageFileSchema>;

export interface StageTiming {
  readonly stage: string;
  readonly elapsedMs: number;
  readonly reused: boolean;
  readonly inputSha256: string;
}

export interface StageRunner {
  readonly dir: string;
  readonly progress: StageProgress;
  readonly timings: StageTiming[];
}

/** JSON with BigInt as decimal strings: stage outputs are plain data. */
export function toPlainJson<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}

export function stageInputSha256(stage: string, input: unknown): string {
  return createHash('sha256')
    .update(canonicalJson({ stage, input: toPlainJson(input) }))
    .digest('hex');
}

export function stageFilePath(dir: string, stage: string): string {
  return join(dir, STAGES_DIR, `${stage.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
}

export function readStageFile(dir: string, stage: string): StageFile | null {
  const path = stageFilePath(dir, stage);
  if (!existsSync(path)) return null;
  const parsed = StageFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  return parsed.success && parsed.data.stage === stage ? parsed.data : null;
}

/** Runs a stage, or reuses its output from DIR when the recorded input hash is the same. */
export async function runStage<I, O>(
  runner: StageRunner,
  stage: string,
  what: string,
  input: I,
  compute: (input: I, note: (text: string) => void) => Promise<O>,
): Promise<O> {
  const inputSha256 = stageInputSha256(stage, input);
  const previous = readStageFile(runner.dir, stage);
  if (previous !== null && previous.inputSha256 === inputSha256) {
    runner.timings.push({ stage, elapsedMs: 0, reused: true, inputSha256 });
    runner.progress.finish(stage, 0, true);
    return previous.output as O;
  }
  if (previous !== null)
    runner.progress.info(`stage ${stage}: inputs changed since the last run, recomputing`);
  runner.progress.start(stage, what);
  const startedMs = performance.now();
  const output = toPlainJson(await compute(input, (text) => runner.progress.note(text))) as O;
  const elapsedMs = Math.round(performance.now() - startedMs);
  const file: StageFile = {
    format: STAGE_FORMAT,
    version: STAGE_VERSION,
    stage,
    inputSha256,
    input: toPlainJson(input),
    output,
    elapsedMs,
  };
  const path = stageFilePath(runner.dir, stage);
  mkdirSync(join(runner.dir, STAGES_DIR), { recursive: true });
  // Write then rename: an interrupted run never leaves a half-written stage that looks finished.
  writeFileSync(`${path}.tmp`, `${JSON.stringify(file)}\n`);
  renameSync(`${path}.tmp`, path);
  runner.timings.push({ stage, elapsedMs, reused: false, inputSha256 });
  runner.progress.finish(stage, elapsedMs, false);
  return output;
}
