import { BAND_COUNT, BAND_LABELS, BAND_LOWER_EDGES_X } from './accumulator.ts';
import { countChunks, segmentBoundaries } from './plan.ts';
import { isComplete, type SimPart } from './result-file.ts';
import { estimateRtp, type RtpEstimate, type RtpVerdict, rtpVerdict } from './statistics.ts';

export interface BandSummary {
  readonly label: string;
  /** Inclusive lower edge in stakes (band 1 excludes 0), exclusive upper edge (null: unbounded). */
  readonly lowerX: number;
  readonly upperX: number | null;
  readonly rounds: number;
  readonly fraction: number;
}

export interface ConvergencePoint {
  readonly spins: number;
  readonly rtp: number;
  readonly standardError: number;
}

export interface SimSummary {
  readonly gameId: string;
  readonly mathHash: string;
  readonly mode: string;
  readonly stakeUnits: number;
  readonly streamKind: string;
  readonly seed: string;
  readonly chunkSize: number;
  readonly spinsPlanned: number;
  readonly spinsRun: number;
  readonly chunksRun: number;
  readonly chunkCount: number;
  /** True unless every chunk of the experiment is in this result (a shard, an interrupted run). */
  readonly partial: boolean;
  readonly interrupted: boolean;
  /** Exact sums, decimal strings. */
  readonly winSumUnits: string;
  readonly winSquareSumUnits: string;
  readonly estimate: RtpEstimate;
  /** Fraction of rounds with a win > 0. */
  readonly hitFrequency: number;
  readonly bands: readonly BandSummary[];
  readonly pays: readonly { readonly id: string; readonly hits: number; readonly frequency: number }[];
  readonly featureTriggers: number;
  readonly featureFrequency: number;
  readonly capHits: number;
  readonly maxWin: {
    readonly winUnits: number;
    readonly winX: number;
    /** Replay: spin `spinIndex` is round `offsetInChunk` (0-based) of chunk `chunkIndex` = stream `chunkIndex`. */
    readonly spinIndex: number;
    readonly chunkIndex: number;
    readonly offsetInChunk: number;
  } | null;
  /** RTP at each 1-2-5 checkpoint reachable from chunk 0 without a gap. */
  readonly convergence: readonly ConvergencePoint[];
  readonly verdict: RtpVerdict | null;
}

/** Figures of a (complete or partial) result; with `theoreticalRtp`, also the 99% z-test verdict. */
export function summarizePart(part: SimPart, theoreticalRtp?: number): SimSummary {
  const { totals, plan, game } = part;
  const estimate = estimateRtp(totals.spins, totals.winSum, totals.winSquareSum, game.stakeUnits);
  const spins = totals.spins;
  const frac = (n: number) => (spins > 0 ? n / spins : Number.NaN);
  const bands: BandSummary[] = [];
  for (let b = 0; b < BAND_COUNT; b++) {
    bands.push({
      label: BAND_LABELS[b]!,
      lowerX: BAND_LOWER_EDGES_X[b]!,
      upperX: b === 0 ? 0 : b + 1 < BAND_COUNT ? BAND_LOWER_EDGES_X[b + 1]! : null,
      rounds: totals.bandCounts[b]!,
      fraction: frac(totals.bandCounts[b]!),
    });
  }
  const convergence: ConvergencePoint[] = [];
  const boundaries = segmentBoundaries(plan.chunkCount);
  let cumSpins = 0;
  let cumWin = 0n;
  let cumSquare = 0n;
  let previousBoundary = 0;
  for (const [s, boundary] of boundaries.entries()) {
    // A checkpoint counts only if every chunk before it is in this result.
    const covered = part.chunkRanges.some((r) => r.start <= previousBoundary && r.end >= boundary);
    if (!covered) break;
    const seg = totals.segments[s]!;
    cumSpins += seg.spins;
    cumWin += seg.winSum;
    cumSquare += seg.winSquareSum;
    const point = estimateRtp(cumSpins, cumWin, cumSquare, game.stakeUnits);
    convergence.push({ spins: cumSpins, rtp: point.rtp, standardError: point.standardError });
    previousBoundary = boundary;
  }
  const maxWin =
    totals.maxWinSpinIndex >= 0
      ? {
          winUnits: totals.maxWin,
          winX: totals.maxWin / game.stakeUnits,
          spinIndex: totals.maxWinSpinIndex,
          chunkIndex: Math.floor(totals.maxWinSpinIndex / plan.chunkSize),
          offsetInChunk: totals.maxWinSpinIndex % plan.chunkSize,
        }
      : null;
  return {
    gameId: game.gameId,
    mathHash: game.mathHash,
    mode: game.mode,
    stakeUnits: game.stakeUnits,
    streamKind: part.streamKind,
    seed: part.seed.toString(),
    chunkSize: plan.chunkSize,
    spinsPlanned: plan.totalSpins,
    spinsRun: spins,
    chunksRun: countChunks(part.chunkRanges),
    chunkCount: plan.chunkCount,
    partial: !isComplete(part),
    interrupted: part.interrupted,
    winSumUnits: totals.winSum.toString(),
    winSquareSumUnits: totals.winSquareSum.toString(),
    estimate,
    hitFrequency: frac(spins - totals.bandCounts[0]!),
    bands,
    pays: game.payIds.map((id, i) => ({ id, hits: totals.payHits[i]!, frequency: frac(totals.payHits[i]!) })),
    featureTriggers: totals.featureTriggers,
    featureFrequency: frac(totals.featureTriggers),
    capHits: totals.capHits,
    maxWin,
    convergence,
    verdict: theoreticalRtp === undefined || spins === 0 ? null : rtpVerdict(estimate, theoreticalRtp),
  };
}
