import { describe, expect, it } from 'vitest';
import { gameModuleSpec } from './game-source.ts';
import { mergeParts, partFromFile, partToFile, type SimPart } from './result-file.ts';
import { runSimulation } from './runner.ts';
import { summarizePart } from './summary.ts';

const TOY_MODULE = new URL('./toy-games.ts', import.meta.url).href;
const table = gameModuleSpec(TOY_MODULE, 'createToyTableGame');
const line = gameModuleSpec(TOY_MODULE, 'createToyLineGame');

/** The exact on-disk form: comparing these compares every number bit for bit. */
const fileOf = (part: SimPart) => JSON.stringify(partToFile(part));

describe('determinism across worker counts', () => {
  it('gives bit-identical results in-process and on 1, 2 and 3 workers', async () => {
    const base = { game: table, spins: 420_000, seed: 0xc0ffeen, chunkSize: 40_000 } as const;
    const runs = [];
    for (const workers of [0, 1, 2, 3]) runs.push(await runSimulation({ ...base, workers }));
    expect(runs.map((r) => r.workers)).toEqual([0, 1, 2, 3]);
    const reference = fileOf(runs[0]!.part);
    for (const run of runs.slice(1)) expect(fileOf(run.part)).toBe(reference);
    const part = runs[0]!.part;
    expect(part.plan.chunkCount).toBe(11);
    expect(part.totals.spins).toBe(420_000);
    expect(part.interrupted).toBe(false);
    // A different seed is a different experiment (guards against a seed that is ignored).
    const other = await runSimulation({ ...base, seed: 0xc0ffefn, workers: 0 });
    expect(other.part.totals.winSum).not.toBe(part.totals.winSum);
  });

  it('is reproducible with the philox4x32 streams too, and differs from xoshiro', async () => {
    const base = {
      game: table,
      spins: 200_000,
      seed: 5n,
      chunkSize: 50_000,
      streamKind: 'philox4x32',
    } as const;
    const a = await runSimulation({ ...base, workers: 0 });
    const b = await runSimulation({ ...base, workers: 2 });
    expect(fileOf(b.part)).toBe(fileOf(a.part));
    const x = await runSimulation({ ...base, streamKind: 'xoshiro128ss', workers: 0 });
    expect(x.part.totals.winSum).not.toBe(a.part.totals.winSum);
  });
});

describe('sharding', () => {
  it('merging the shards gives exactly the single-run result, through the file format', async () => {
    const base = { game: table, spins: 365_001, seed: 77n, chunkSize: 25_000, workers: 0 } as const;
    const single = await runSimulation(base);
    const shardFiles = [];
    for (let index = 0; index < 4; index++) {
      const shard = await runSimulation({ ...base, shard: { index, count: 4 } });
      expect(shard.part.shard).toEqual({ index, count: 4 });
      shardFiles.push(JSON.parse(JSON.stringify(partToFile(shard.part))));
    }
    const parts = shardFiles.reverse().map((f) => partFromFile(f));
    const merged = mergeParts(parts);
    expect(fileOf(merged)).toBe(fileOf(single.part));
    expect(summarizePart(merged)).toEqual(summarizePart(single.part));
    // Incomplete and overlapping merges are refused or reported.
    const partial = mergeParts(parts.slice(1));
    expect(summarizePart(partial).partial).toBe(true);
    expect(() => mergeParts([parts[0]!, parts[0]!])).toThrow(/overlap/);
  });

  it('refuses to merge parts of different experiments', async () => {
    const base = { game: table, spins: 200_000, chunkSize: 50_000, workers: 0 } as const;
    const a = (await runSimulation({ ...base, seed: 1n, shard: { index: 0, count: 2 } })).part;
    const b = (await runSimulation({ ...base, seed: 2n, shard: { index: 1, count: 2 } })).part;
    expect(() => mergeParts([a, b])).toThrow(/seed differs/);
    const c = (await runSimulation({ ...base, seed: 1n, chunkSize: 40_000, shard: { index: 1, count: 2 } }))
      .part;
    expect(() => mergeParts([a, c])).toThrow(/chunk size differs/);
    const d = (await runSimulation({ ...base, game: line, seed: 1n, shard: { index: 1, count: 2 } })).part;
    expect(() => mergeParts([a, d])).toThrow(/math hash differs/);
  });

  it('rejects tampered part files', async () => {
    const part = (
      await runSimulation({ game: table, spins: 100_000, seed: 3n, chunkSize: 50_000, workers: 0 })
    ).part;
    const file = partToFile(part);
    expect(() => partFromFile({ ...file, version: 2 })).toThrow(/version/);
    expect(() => partFromFile({ ...file, totals: { ...file.totals, spins: 99_999 } })).toThrow();
    expect(() => partFromFile({ ...file, totals: { ...file.totals, winSum: '-5' } })).toThrow(/winSum/);
    expect(() => partFromFile({ ...file, chunkRanges: [[0, 3]] })).toThrow(/outside/);
  });
});
