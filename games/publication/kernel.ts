/**
 * A publication mode as a `CompiledGame` for the Monte Carlo simulator: a round is one exact
 * integer weighted draw of a lookup-table row (draw.ts), and its win is the row's payout.
 *
 * Units: a win unit is 1/100 of the base bet divided by the cost's denominator, so that both the
 * stake (cost × 100 hundredths) and every payout are integers: cost n/d gives
 * stakeUnits = 100·n·s/d and win = payout·s with s = d / gcd(100·n, d).
 *
 * Loaded in each worker thread through the simulator's `module` game spec
 * (PUBLICATION_KERNEL_URL#publicationKernel with PublicationKernelArgs).
 */
import type { CompiledGame } from '../kernel.ts';
import { weightedDraw } from './draw.ts';
import { loadPublication } from './publication.ts';

export interface PublicationKernelArgs {
  readonly dir: string;
  readonly mode: string;
  /** The publication's math hash, computed once by the caller. */
  readonly mathHash: string;
}

/** This module, for the simulator's module spec (compiled, it is the `.js` beside it). */
export const PUBLICATION_KERNEL_URL = new URL('./kernel.ts', import.meta.url).href;

function gcd(a: bigint, b: bigint): bigint {
  let x = a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function publicationKernel(args: PublicationKernelArgs): CompiledGame {
  const publication = loadPublication(args.dir, { hashFiles: false });
  const mode = publication.modes.find((m) => m.name === args.mode);
  if (mode === undefined) {
    throw new RangeError(
      `publication ${args.dir} has no mode "${args.mode}" (modes: ${publication.modes.map((m) => m.name).join(', ')})`,
    );
  }
  const { numerator, denominator } = mode.cost;
  const scale = denominator / gcd(100n * numerator, denominator);
  const stakeUnits = Number((100n * numerator * scale) / denominator);
  const table = mode.table;
  let maxPayout = 0;
  for (let i = 0; i < table.rows; i++) maxPayout = Math.max(maxPayout, table.payouts[i]!);
  const factor = Number(scale);
  if (!Number.isSafeInteger(stakeUnits) || !Number.isSafeInteger(maxPayout * factor)) {
    throw new RangeError(
      `publication mode ${mode.name}: cost ${mode.cost.text} and payouts do not fit exact simulation units`,
    );
  }
  const draw = weightedDraw(table);
  const payouts = table.payouts;
  return {
    gameId: publication.id,
    mathHash: args.mathHash,
    mode: mode.name,
    stakeUnits,
    payIds: [],
    playRound(source) {
      return payouts[draw.draw(source)]! * factor;
    },
  };
}
