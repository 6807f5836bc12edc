import type { BufferedWordSource, RandomSource } from '../rng/index.ts';

/**
 * The contract between a game's compiled (fast) form and the Monte Carlo simulator.
 *
 * Units: a round's stake and its wins are integers in the same "win units" (for a line game,
 * credits with one credit per line; scatter pays multiply the total stake). Money never appears
 * here as a float; the RGS converts win units to minor units with an exact integer factor.
 */
export interface RoundTally {
  /** Per-pay hit counts, indexed like `CompiledGame.payIds`; the kernel increments entries. */
  readonly payHits: Float64Array;
  /** Rounds in which a feature (e.g. free spins) was triggered. */
  featureTriggers: number;
  /** Rounds whose total win was reduced by the maximum-win cap. */
  capHits: number;
}

export interface CompiledGame {
  readonly gameId: string;
  /** SHA-256 of the canonical game definition: identifies the model exactly. */
  readonly mathHash: string;
  readonly mode: string;
  /** Stake of one round in win units (an integer > 0). */
  readonly stakeUnits: number;
  /** Stable ids of every pay (line pays, scatter pays, table outcomes) for per-pay hit counts. */
  readonly payIds: readonly string[];
  /**
   * Plays one whole round (base game plus any feature it triggers) drawing only from `source`,
   * records what it hit in `tally`, and returns the total win in win units (an integer >= 0).
   * Must return exactly what the reference evaluator returns for the same draws.
   */
  playRound(source: RandomSource, tally: RoundTally): number;
  /**
   * Optional batch form for the simulator's inner loop: plays `rounds` rounds on `source`, writes
   * round i's total win to `wins[i]` and adds what they hit to `tally`, exactly as `rounds` calls of
   * `playRound` on the same words would (same wins, same tally, same words read).
   */
  playRounds?(source: BufferedWordSource, rounds: number, wins: Float64Array, tally: RoundTally): void;
}

export function createRoundTally(payCount: number): RoundTally {
  return { payHits: new Float64Array(payCount), featureTriggers: 0, capHits: 0 };
}
