import { describe, expect, it } from 'vitest';
import {
  countSpins,
  createPlan,
  normalizeRanges,
  parseShard,
  rangesOfChunks,
  segmentBoundaries,
  segmentOfChunk,
  shardChunkRange,
} from './plan.ts';

describe('experiment plan', () => {
  it('cuts spins into fixed chunks with a short last chunk', () => {
    const plan = createPlan(2_500_001, 1_000_000);
    expect(plan.chunkCount).toBe(3);
    expect(countSpins(plan, [{ start: 0, end: 3 }])).toBe(2_500_001);
    expect(countSpins(plan, [{ start: 2, end: 3 }])).toBe(500_001);
  });

  it('rejects bad spin counts and chunk sizes', () => {
    expect(() => createPlan(0)).toThrow(/spins/);
    expect(() => createPlan(1.5)).toThrow(/spins/);
    expect(() => createPlan(10, 0)).toThrow(/chunk size/);
    expect(() => createPlan(10, 2 ** 26 + 1)).toThrow(/chunk size/);
    expect(() => createPlan(2 ** 52, 1)).toThrow(/chunks/);
  });

  it('gives shards disjoint contiguous ranges covering every chunk exactly once', () => {
    const plan = createPlan(1_000, 10); // 100 chunks
    for (const count of [1, 2, 3, 7, 100]) {
      const ranges = Array.from({ length: count }, (_, index) => shardChunkRange(plan, { index, count }));
      expect(ranges.every((r) => r.end > r.start)).toBe(true);
      expect(normalizeRanges(ranges)).toEqual([{ start: 0, end: 100 }]);
    }
    expect(() => shardChunkRange(plan, { index: 0, count: 101 })).toThrow(/shards/);
  });

  it('parses i/N shards and refuses nonsense', () => {
    expect(parseShard('2/5')).toEqual({ index: 2, count: 5 });
    for (const bad of ['5/5', '1', '-1/3', 'a/b', '0/0']) expect(() => parseShard(bad)).toThrow();
  });

  it('normalizes, coalesces and refuses overlapping chunk ranges', () => {
    expect(rangesOfChunks([4, 0, 1, 2, 7])).toEqual([
      { start: 0, end: 3 },
      { start: 4, end: 5 },
      { start: 7, end: 8 },
    ]);
    expect(() =>
      normalizeRanges([
        { start: 0, end: 3 },
        { start: 2, end: 4 },
      ]),
    ).toThrow(/overlap/);
  });

  it('places convergence checkpoints on a 1-2-5 series ending at the last chunk', () => {
    expect(segmentBoundaries(1)).toEqual([1]);
    expect(segmentBoundaries(7)).toEqual([1, 2, 5, 7]);
    expect(segmentBoundaries(1000)).toEqual([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]);
    const b = segmentBoundaries(1000);
    expect(segmentOfChunk(b, 0)).toBe(0);
    expect(segmentOfChunk(b, 1)).toBe(1);
    expect(segmentOfChunk(b, 4)).toBe(2);
    expect(segmentOfChunk(b, 5)).toBe(3);
    expect(segmentOfChunk(b, 999)).toBe(9);
    expect(() => segmentOfChunk(b, 1000)).toThrow();
  });
});
