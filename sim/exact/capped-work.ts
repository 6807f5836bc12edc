/**
 * How much work the capped-feature DP (capped-feature-float.ts) would do, estimated before it runs,
 * so `croupier math` can refuse a cap that would take hours instead of starting it.
 *
 * The forward DP plays spin by spin; each spin touches every alive "spins left" array (cap cells)
 * with every free-spin kind. The number of spins it plays and the arrays alive at each are bounded
 * by a DP over the spins left alone (no win dimension): the cap only ends rounds earlier, so the
 * uncapped spins-left masses bound the capped ones, and the DP stops no later than the step where
 * Σ q(n)·n·m1 / stake (which bounds its own stopping test) is within the truncation budget.
 * Work = Σ over spins of (alive arrays) × cap × kinds: an upper bound of the inner-loop steps.
 */
import { MAX_DP_SPINS, retriggerPossible, spinKinds } from './capped-feature.ts';
import type { SpinHistogram } from './enumerate.ts';

// The default refusal threshold of `croupier math` lives in sim/names.ts (the CLI's help shows it
// without loading the analysis).
export { DEFAULT_MAX_CAP_DP_WORK } from '../names.ts';

export interface CapDpWorkInput {
  readonly base: SpinHistogram;
  readonly free: SpinHistogram;
  readonly freeMultiplier: number;
  readonly capUnits: number;
  readonly stakeUnits: number;
  /** E[W] of one free spin with its descendants (units). */
  readonly m1: number;
}

export interface CapDpWork {
  /** Upper bound of the free spins the DP plays. */
  readonly depth: number;
  /** Upper bound of the DP's cell × kind updates. */
  readonly cellKindUpdates: number;
}

export class CapDpWorkLimitError extends Error {
  readonly code = 'cap-dp-work-limit';
  constructor(
    readonly work: CapDpWork,
    readonly limit: number,
  ) {
    super(
      `the max-win cap needs the capped-feature DP, about ${work.cellKindUpdates.toExponential(2)} cell updates ` +
        `(depth ${work.depth} spins), above the limit ${limit.toExponential(2)}`,
    );
  }
}

export function capDpWork(input: CapDpWorkInput, truncationRtpBudget: number): CapDpWork {
  const kinds = spinKinds(input.free, input.freeMultiplier);
  const retrigger = retriggerPossible(kinds);
  const byAward = new Map<number, number>();
  for (const k of kinds)
    byAward.set(k.spins, (byAward.get(k.spins) ?? 0) + k.weight / input.free.totalWeight);
  let alive = new Map<number, number>();
  for (const [spins, wins] of input.base.bySpins) {
    if (spins === 0) continue;
    for (const [win, weight] of wins)
      if (win < input.capUnits) alive.set(spins, (alive.get(spins) ?? 0) + weight / input.base.totalWeight);
  }
  let depth = 0;
  let updates = 0;
  for (; alive.size > 0 && depth < MAX_DP_SPINS; depth++) {
    let open = 0;
    for (const [n, q] of alive) open += q * n * input.m1;
    if (retrigger && open / input.stakeUnits <= truncationRtpBudget) break;
    updates += alive.size * input.capUnits * kinds.length;
    const next = new Map<number, number>();
    for (const [n, q] of alive) {
      for (const [r, p] of byAward) {
        const m = n - 1 + r;
        if (m > 0) next.set(m, (next.get(m) ?? 0) + q * p);
      }
    }
    alive = next;
  }
  return { depth, cellKindUpdates: updates };
}
