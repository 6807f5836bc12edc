import type { CompiledGame } from '../../games/kernel.ts';
import { type ChunkResult, ChunkScratch, playChunk } from './accumulator.ts';
import { chunkFirstSpin, chunkSpins, type ExperimentPlan } from './plan.ts';
import { openChunkStream, type StreamKind } from './streams.ts';

/** The game facts every result records (and every worker must agree on). */
export interface GameInfo {
  readonly gameId: string;
  readonly mathHash: string;
  readonly mode: string;
  readonly stakeUnits: number;
  readonly payIds: readonly string[];
}

export function describeGame(game: CompiledGame): GameInfo {
  return {
    gameId: game.gameId,
    mathHash: game.mathHash,
    mode: game.mode,
    stakeUnits: game.stakeUnits,
    payIds: [...game.payIds],
  };
}

/** What an executor needs to run any chunk of one experiment, in any thread. */
export interface ExperimentContext {
  readonly plan: ExperimentPlan;
  readonly streamKind: StreamKind;
  readonly seed: bigint;
}

/** Runs chunks of one experiment with one game instance and one reusable scratch (one per thread). */
export class ChunkExecutor {
  private readonly scratch: ChunkScratch;

  constructor(
    private readonly game: CompiledGame,
    private readonly context: ExperimentContext,
  ) {
    this.scratch = new ChunkScratch(game);
  }

  run(chunkIndex: number): ChunkResult {
    const { plan, streamKind, seed } = this.context;
    const spins = chunkSpins(plan, chunkIndex);
    const source = openChunkStream(streamKind, seed, chunkIndex);
    const result = playChunk(
      this.game,
      source,
      chunkIndex,
      chunkFirstSpin(plan, chunkIndex),
      spins,
      this.scratch,
    );
    if (result.spins !== spins)
      throw new Error(`chunk ${chunkIndex} played ${result.spins} of ${spins} spins`);
    return result;
  }
}
