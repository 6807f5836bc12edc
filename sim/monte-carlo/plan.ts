/**
 * The shape of a Monte Carlo experiment: which spins exist, how they are cut into chunks, which
 * random stream each chunk draws from, and which chunks a shard runs.
 *
 * Determinism rests on three rules:
 * 1. The chunk size is a constant of the experiment (recorded in every result), never derived
 *    from the number of workers or shards.
 * 2. Chunk c covers spin indices [c * chunkSize, min((c + 1) * chunkSize, totalSpins)) and draws
 *    only from stream c of the seed, so its outcome depends on (seed, c) alone.
 * 3. Chunk results are combined with exact, commutative and associative arithmetic (BigInt sums,
 *    integer counts, max with a spin-index tie-break), so the order in which workers finish them
 *    cannot change a single bit of the totals.
 */

/** Default spins per chunk: 10^6 keeps convergence checkpoints on round powers of ten. */
export const DEFAULT_CHUNK_SIZE = 1_000_000;

/**
 * Upper bound on spins per chunk. Inside a chunk wins are summed in doubles: with at most 2^26
 * spins of at most 2^26 win units each (larger wins take an exact BigInt side path), the sum
 * stays below 2^52 and therefore exact.
 */
export const MAX_CHUNK_SIZE = 2 ** 26;

/** Upper bound on the number of spins in one experiment (keeps spin indices safe integers). */
export const MAX_TOTAL_SPINS = 2 ** 52;

/** Upper bound on the number of chunks (keeps queues and coverage lists bounded). */
export const MAX_CHUNK_COUNT = 2 ** 24;

export interface ExperimentPlan {
  readonly totalSpins: number;
  readonly chunkSize: number;
  readonly chunkCount: number;
}

/** A half-open range of chunk indices [start, end). */
export interface ChunkRange {
  readonly start: number;
  readonly end: number;
}

export function createPlan(totalSpins: number, chunkSize: number = DEFAULT_CHUNK_SIZE): ExperimentPlan {
  if (!Number.isSafeInteger(totalSpins) || totalSpins < 1 || totalSpins > MAX_TOTAL_SPINS) {
    throw new RangeError(`spins must be an integer in [1, 2^52], got ${totalSpins}`);
  }
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
    throw new RangeError(`chunk size must be an integer in [1, 2^26], got ${chunkSize}`);
  }
  const chunkCount = Math.ceil(totalSpins / chunkSize);
  if (chunkCount > MAX_CHUNK_COUNT) {
    throw new RangeError(
      `${totalSpins} spins in chunks of ${chunkSize} makes ${chunkCount} chunks (max 2^24): raise the chunk size`,
    );
  }
  return { totalSpins, chunkSize, chunkCount };
}

/** First spin index of chunk `chunkIndex`. */
export function chunkFirstSpin(plan: ExperimentPlan, chunkIndex: number): number {
  return chunkIndex * plan.chunkSize;
}

/** Spins in chunk `chunkIndex` (the last chunk may be short). */
export function chunkSpins(plan: ExperimentPlan, chunkIndex: number): number {
  if (!Number.isInteger(chunkIndex) || chunkIndex < 0 || chunkIndex >= plan.chunkCount) {
    throw new RangeError(`chunk ${chunkIndex} is outside [0, ${plan.chunkCount})`);
  }
  return Math.min(plan.chunkSize, plan.totalSpins - chunkIndex * plan.chunkSize);
}

export interface ShardSpec {
  /** 0-based shard index (a Kubernetes Indexed Job's JOB_COMPLETION_INDEX). */
  readonly index: number;
  readonly count: number;
}

/** Parses `i/N` (0 <= i < N). */
export function parseShard(text: string): ShardSpec {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) throw new RangeError(`shard must look like i/N (e.g. 0/4), got '${text}'`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (!Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(index) || index >= count) {
    throw new RangeError(`shard index must be in [0, N) with N >= 1, got '${text}'`);
  }
  return { index, count };
}

/**
 * Shard i of N runs the contiguous chunk range [floor(i*C/N), floor((i+1)*C/N)): disjoint, covering
 * every chunk exactly once over i = 0..N-1, and computable by each shard on its own. A shard may be
 * empty when there are more shards than chunks.
 */
export function shardChunkRange(plan: ExperimentPlan, shard: ShardSpec): ChunkRange {
  if (shard.count > plan.chunkCount) {
    throw new RangeError(
      `${shard.count} shards but only ${plan.chunkCount} chunks: use fewer shards or a smaller chunk size`,
    );
  }
  const start = Math.floor((shard.index * plan.chunkCount) / shard.count);
  const end = Math.floor(((shard.index + 1) * plan.chunkCount) / shard.count);
  return { start, end };
}

/** Sorts, checks for overlaps and coalesces adjacent ranges. Throws on any overlap. */
export function normalizeRanges(ranges: readonly ChunkRange[]): ChunkRange[] {
  const sorted = ranges.filter((r) => r.end > r.start).sort((a, b) => a.start - b.start);
  const out: { start: number; end: number }[] = [];
  for (const range of sorted) {
    const last = out[out.length - 1];
    if (last && range.start < last.end) {
      throw new RangeError(
        `chunk ranges overlap: [${last.start}, ${last.end}) and [${range.start}, ${range.end})`,
      );
    }
    if (last && range.start === last.end) last.end = range.end;
    else out.push({ start: range.start, end: range.end });
  }
  return out;
}

/** Coalesced ranges of a set of chunk indices. */
export function rangesOfChunks(chunkIndices: Iterable<number>): ChunkRange[] {
  const sorted = [...chunkIndices].sort((a, b) => a - b);
  return normalizeRanges(sorted.map((c) => ({ start: c, end: c + 1 })));
}

/** Number of chunks covered by normalized ranges. */
export function countChunks(ranges: readonly ChunkRange[]): number {
  let n = 0;
  for (const r of ranges) n += r.end - r.start;
  return n;
}

/** Spins covered by normalized ranges. */
export function countSpins(plan: ExperimentPlan, ranges: readonly ChunkRange[]): number {
  let n = 0;
  for (const r of ranges) {
    if (r.end <= r.start) continue;
    n += chunkFirstSpin(plan, r.end - 1) + chunkSpins(plan, r.end - 1) - chunkFirstSpin(plan, r.start);
  }
  return n;
}

/**
 * Convergence checkpoints, in chunks completed: 1, 2, 5, 10, 20, 50, ... (a 1-2-5 series, so with
 * the default chunk size the checkpoints fall on 10^6, 2*10^6, 5*10^6, 10^7 ... spins), plus the
 * last chunk. Segment s holds the chunks in [boundary(s-1), boundary(s)); accumulating per segment
 * keeps the convergence series O(log chunks) in size, identical for any worker count, and
 * mergeable across shards.
 */
export function segmentBoundaries(chunkCount: number): number[] {
  const out: number[] = [];
  const steps = [1, 2, 5];
  for (let decade = 1; ; decade *= 10) {
    for (const step of steps) {
      const boundary = step * decade;
      if (boundary >= chunkCount) {
        out.push(chunkCount);
        return out;
      }
      out.push(boundary);
    }
  }
}

/** The segment holding chunk `chunkIndex` given `segmentBoundaries(chunkCount)`. */
export function segmentOfChunk(boundaries: readonly number[], chunkIndex: number): number {
  // Binary search for the first boundary > chunkIndex; boundaries are strictly increasing.
  let lo = 0;
  let hi = boundaries.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (boundaries[mid]! > chunkIndex) hi = mid;
    else lo = mid + 1;
  }
  if (!(boundaries[lo]! > chunkIndex)) throw new RangeError(`chunk ${chunkIndex} beyond the last segment`);
  return lo;
}
