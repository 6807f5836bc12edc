import { z } from 'zod';
import { BAND_COUNT, emptyTotals, mergeTotals, type SimTotals } from './accumulator.ts';
import type { GameInfo } from './chunk-executor.ts';
import {
  type ChunkRange,
  countChunks,
  countSpins,
  createPlan,
  type ExperimentPlan,
  normalizeRanges,
  type ShardSpec,
  segmentBoundaries,
} from './plan.ts';
import { STREAM_KINDS, type StreamKind } from './streams.ts';

/**
 * The result of running some chunks of one experiment: a whole run, a shard (`--shard i/N`), an
 * interrupted run, or a merge of several of these. It is exactly mergeable: combining the parts of
 * an experiment gives bit-for-bit the numbers a single run gives.
 *
 * On disk it is JSON (`SimPartFileSchema`): integers that can exceed 2^53 (the sums of wins and of
 * squared wins, the seed) are decimal strings. A Kubernetes Indexed Job runs shard
 * `$JOB_COMPLETION_INDEX/N` in each pod, writes one part file per pod, and `croupier sim merge`
 * combines them; the header fields let the merge refuse parts of different experiments.
 */
export const SIM_PART_FORMAT = 'croupier.sim.part';
export const SIM_PART_VERSION = 1;

export interface SimPart {
  readonly game: GameInfo;
  readonly streamKind: StreamKind;
  readonly seed: bigint;
  readonly plan: ExperimentPlan;
  /** The shard this part was run as, or null for a whole run or a merge. */
  readonly shard: ShardSpec | null;
  /** Normalized (sorted, coalesced, disjoint) chunk ranges whose results are in `totals`. */
  readonly chunkRanges: readonly ChunkRange[];
  /** True when the run was stopped (Ctrl-C) before every chunk it was asked to run was done. */
  readonly interrupted: boolean;
  readonly totals: SimTotals;
}

const DecimalInteger = z
  .string()
  .regex(/^\d+$/, 'must be a non-negative decimal integer string')
  .describe('An exact non-negative integer as a decimal string (may exceed 2^53)');
const Count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const MomentSumsSchema = z
  .object({
    spins: Count,
    winSum: DecimalInteger.describe('Exact sum of round wins, in win units'),
    winSquareSum: DecimalInteger.describe('Exact sum of squared round wins, in win units squared'),
  })
  .strict();

export const SimPartFileSchema = z
  .object({
    format: z.literal(SIM_PART_FORMAT),
    version: z.literal(SIM_PART_VERSION),
    game: z
      .object({
        gameId: z.string().min(1),
        mathHash: z.string().min(1).describe('Identifies the game model exactly; parts must agree'),
        mode: z.string().min(1),
        stakeUnits: Count.min(1).describe('Stake of one round in win units'),
        payIds: z.array(z.string()),
      })
      .strict(),
    rng: z
      .object({
        kind: z.enum(STREAM_KINDS).describe('Stream generator; chunk c draws from stream c'),
        seed: DecimalInteger.describe('Experiment seed, decimal'),
      })
      .strict(),
    plan: z
      .object({
        totalSpins: Count.min(1).describe('Spins in the whole experiment (all shards)'),
        chunkSize: Count.min(1).describe('Spins per chunk, a constant of the experiment'),
        chunkCount: Count.min(1),
      })
      .strict(),
    shard: z
      .object({ index: Count, count: Count.min(1) })
      .strict()
      .nullable()
      .describe('The --shard i/N this part was run as; null for a whole run or a merge'),
    chunkRanges: z
      .array(z.tuple([Count, Count]))
      .describe('Covered chunks as half-open [start, end) ranges, sorted and disjoint'),
    interrupted: z.boolean().describe('Stopped (SIGINT) before all requested chunks were done'),
    totals: z
      .object({
        spins: Count,
        winSum: DecimalInteger,
        winSquareSum: DecimalInteger,
        bandCounts: z.array(Count).length(BAND_COUNT).describe('Rounds per win band (see BAND_LABELS)'),
        payHits: z.array(Count).describe('Hits per pay, indexed like game.payIds'),
        featureTriggers: Count,
        capHits: Count,
        maxWin: Count.describe('Largest round win in win units (0 if none)'),
        maxWinSpinIndex: z
          .number()
          .int()
          .min(-1)
          .describe('First spin index reaching maxWin (-1 if no win): replayable'),
        segments: z
          .array(MomentSumsSchema)
          .describe('Sums per convergence segment (chunks in 1-2-5 series boundaries)'),
      })
      .strict(),
  })
  .strict();
export type SimPartFile = z.infer<typeof SimPartFileSchema>;

/** Throws when a part's internal facts disagree (ranges vs plan, counts vs spins, ...). */
export function assertPartConsistent(part: SimPart): void {
  const { plan, totals } = part;
  const ranges = normalizeRanges(part.chunkRanges);
  if (ranges.length !== part.chunkRanges.length) throw new RangeError('chunk ranges are not normalized');
  for (const r of ranges) {
    if (r.start < 0 || r.end > plan.chunkCount) {
      throw new RangeError(`chunk range [${r.start}, ${r.end}) outside [0, ${plan.chunkCount})`);
    }
  }
  const expectedPlan = createPlan(plan.totalSpins, plan.chunkSize);
  if (expectedPlan.chunkCount !== plan.chunkCount)
    throw new RangeError('chunk count does not match the plan');
  if (countSpins(plan, ranges) !== totals.spins) {
    throw new RangeError(
      `totals count ${totals.spins} spins but the chunk ranges hold ${countSpins(plan, ranges)}`,
    );
  }
  if (totals.bandCounts.reduce((a, b) => a + b, 0) !== totals.spins) {
    throw new RangeError('band counts do not add up to the spin count');
  }
  if (totals.payHits.length !== part.game.payIds.length)
    throw new RangeError('pay hit count length mismatch');
  if (totals.segments.length !== segmentBoundaries(plan.chunkCount).length) {
    throw new RangeError('segment count does not match the plan');
  }
  if (totals.segments.reduce((a, s) => a + s.spins, 0) !== totals.spins) {
    throw new RangeError('segment spins do not add up to the spin count');
  }
  if (totals.winSum < 0n || totals.winSquareSum < 0n) throw new RangeError('negative sums');
  if (totals.maxWinSpinIndex >= plan.totalSpins) throw new RangeError('max-win spin index beyond the plan');
  if (part.shard && part.shard.index >= part.shard.count) throw new RangeError('shard index >= shard count');
}

export function partToFile(part: SimPart): SimPartFile {
  assertPartConsistent(part);
  const t = part.totals;
  return {
    format: SIM_PART_FORMAT,
    version: SIM_PART_VERSION,
    game: { ...part.game, payIds: [...part.game.payIds] },
    rng: { kind: part.streamKind, seed: part.seed.toString() },
    plan: {
      totalSpins: part.plan.totalSpins,
      chunkSize: part.plan.chunkSize,
      chunkCount: part.plan.chunkCount,
    },
    shard: part.shard ? { index: part.shard.index, count: part.shard.count } : null,
    chunkRanges: part.chunkRanges.map((r) => [r.start, r.end] as [number, number]),
    interrupted: part.interrupted,
    totals: {
      spins: t.spins,
      winSum: t.winSum.toString(),
      winSquareSum: t.winSquareSum.toString(),
      bandCounts: [...t.bandCounts],
      payHits: [...t.payHits],
      featureTriggers: t.featureTriggers,
      capHits: t.capHits,
      maxWin: t.maxWin,
      maxWinSpinIndex: t.maxWinSpinIndex,
      segments: t.segments.map((s) => ({
        spins: s.spins,
        winSum: s.winSum.toString(),
        winSquareSum: s.winSquareSum.toString(),
      })),
    },
  };
}

/** Validates parsed JSON as a part file and checks its internal consistency. */
export function partFromFile(json: unknown): SimPart {
  const result = SimPartFileSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
    throw new RangeError(`not a simulation part file: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  const f = result.data;
  const part: SimPart = {
    game: f.game,
    streamKind: f.rng.kind,
    seed: BigInt(f.rng.seed),
    plan: f.plan,
    shard: f.shard,
    chunkRanges: f.chunkRanges.map(([start, end]) => ({ start, end })),
    interrupted: f.interrupted,
    totals: {
      spins: f.totals.spins,
      winSum: BigInt(f.totals.winSum),
      winSquareSum: BigInt(f.totals.winSquareSum),
      bandCounts: [...f.totals.bandCounts],
      payHits: [...f.totals.payHits],
      featureTriggers: f.totals.featureTriggers,
      capHits: f.totals.capHits,
      maxWin: f.totals.maxWin,
      maxWinSpinIndex: f.totals.maxWinSpinIndex,
      segments: f.totals.segments.map((s) => ({
        spins: s.spins,
        winSum: BigInt(s.winSum),
        winSquareSum: BigInt(s.winSquareSum),
      })),
    },
  };
  assertPartConsistent(part);
  return part;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Combines parts of ONE experiment. Refuses parts that differ in game (math hash, mode, stake,
 * pays), generator, seed or plan (spins, chunk size), and parts whose chunk ranges overlap.
 * The result may still be incomplete (see `isComplete`).
 */
export function mergeParts(parts: readonly SimPart[]): SimPart {
  const first = parts[0];
  if (!first) throw new RangeError('nothing to merge');
  for (const [i, p] of parts.entries()) {
    assertPartConsistent(p);
    const differs = (what: string) =>
      new RangeError(`part ${i + 1} is from a different experiment: ${what} differs`);
    if (p.game.mathHash !== first.game.mathHash) throw differs('math hash');
    if (p.game.mode !== first.game.mode) throw differs('mode');
    if (p.game.gameId !== first.game.gameId) throw differs('game id');
    if (p.game.stakeUnits !== first.game.stakeUnits) throw differs('stake');
    if (!sameStrings(p.game.payIds, first.game.payIds)) throw differs('pay list');
    if (p.streamKind !== first.streamKind) throw differs('generator');
    if (p.seed !== first.seed) throw differs('seed');
    if (p.plan.totalSpins !== first.plan.totalSpins) throw differs('total spins');
    if (p.plan.chunkSize !== first.plan.chunkSize) throw differs('chunk size');
  }
  const chunkRanges = normalizeRanges(parts.flatMap((p) => p.chunkRanges));
  let totals = emptyTotals(first.game.payIds.length, segmentBoundaries(first.plan.chunkCount).length);
  for (const p of parts) totals = mergeTotals(totals, p.totals);
  const complete = countChunks(chunkRanges) === first.plan.chunkCount;
  const merged: SimPart = {
    game: first.game,
    streamKind: first.streamKind,
    seed: first.seed,
    plan: first.plan,
    shard: null,
    chunkRanges,
    // A complete merge is a whole run, whatever stops its parts went through.
    interrupted: !complete && parts.some((p) => p.interrupted),
    totals,
  };
  assertPartConsistent(merged);
  return merged;
}

export function isComplete(part: SimPart): boolean {
  return countChunks(part.chunkRanges) === part.plan.chunkCount;
}

/** Chunk ranges of the experiment that `part` does not cover. */
export function missingChunkRanges(part: SimPart): ChunkRange[] {
  const missing: ChunkRange[] = [];
  let at = 0;
  for (const r of part.chunkRanges) {
    if (r.start > at) missing.push({ start: at, end: r.start });
    at = r.end;
  }
  if (at < part.plan.chunkCount) missing.push({ start: at, end: part.plan.chunkCount });
  return missing;
}
