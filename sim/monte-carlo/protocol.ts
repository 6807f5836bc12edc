import type { ChunkResult } from './accumulator.ts';
import type { GameInfo } from './chunk-executor.ts';
import type { GameSpec } from './game-source.ts';
import type { ExperimentPlan } from './plan.ts';
import type { StreamKind } from './streams.ts';

/** `workerData` of a simulation worker (structured clone: bigint is allowed). */
export interface WorkerInit {
  readonly game: GameSpec;
  readonly plan: ExperimentPlan;
  readonly streamKind: StreamKind;
  readonly seed: bigint;
}

export type MainToWorker =
  | { readonly type: 'chunk'; readonly chunkIndex: number }
  | { readonly type: 'stop' };

export type WorkerToMain =
  | { readonly type: 'ready'; readonly game: GameInfo }
  | { readonly type: 'result'; readonly result: ChunkResult }
  | { readonly type: 'error'; readonly message: string };
