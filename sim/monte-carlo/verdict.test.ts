import { describe, expect, it } from 'vitest';
import { DEMO_GAME_FILES } from '../../games/index.ts';
import { exactRtpOfGameFile, gameFileSpec, gameModuleSpec } from './game-source.ts';
import { partFromFile, partToFile } from './result-file.ts';
import { replaySpin, runSimulation } from './runner.ts';
import { summarizePart } from './summary.ts';
import { DEMO_TABLE_ARGS, toyLineExactRtp, toyTableExactRtp } from './toy-games.ts';

const TOY_MODULE = new URL('./toy-games.ts', import.meta.url).href;
const table = gameModuleSpec(TOY_MODULE, 'createToyTableGame');
const line = gameModuleSpec(TOY_MODULE, 'createToyLineGame');
const ratio = (r: { numerator: bigint; denominator: bigint }) => Number(r.numerator) / Number(r.denominator);
const TABLE_RTP = ratio(toyTableExactRtp(DEMO_TABLE_ARGS));

describe('statistics and verdicts on games with known RTP', () => {
  it('the toy table passes at its exact RTP; a shifted claim and a mis-weighted game fail (negative controls)', async () => {
    const run = await runSimulation({
      game: table,
      spins: 1_000_000,
      seed: 11n,
      chunkSize: 250_000,
      workers: 0,
    });
    const good = summarizePart(run.part, TABLE_RTP);
    expect(good.verdict?.passed).toBe(true);
    expect(Math.abs(good.verdict!.zScore)).toBeLessThan(2.5758);
    expect(good.estimate.ci99.low).toBeLessThan(TABLE_RTP);
    expect(good.estimate.ci99.high).toBeGreaterThan(TABLE_RTP);
    const shifted = summarizePart(run.part, TABLE_RTP + 6 * good.estimate.standardError);
    expect(shifted.verdict?.passed).toBe(false);
    // A game whose table differs from the certified one: 300 in 65536 losing draws pay 10x instead.
    const outcomes = DEMO_TABLE_ARGS.outcomes.map((o) =>
      o.id === 'x10'
        ? { ...o, weight: o.weight + 300 }
        : o.id === 'lose'
          ? { ...o, weight: o.weight - 300 }
          : o,
    );
    const biased = gameModuleSpec(TOY_MODULE, 'createToyTableGame', { ...DEMO_TABLE_ARGS, outcomes });
    const biasedRun = await runSimulation({
      game: biased,
      spins: 1_000_000,
      seed: 11n,
      chunkSize: 250_000,
      workers: 0,
    });
    expect(summarizePart(biasedRun.part, TABLE_RTP).verdict?.passed).toBe(false);
  });

  it('reports hit frequencies, bands, features and convergence consistent with the totals', async () => {
    const run = await runSimulation({
      game: table,
      spins: 500_000,
      seed: 21n,
      chunkSize: 50_000,
      workers: 0,
    });
    const s = summarizePart(run.part, TABLE_RTP);
    expect(s.partial).toBe(false);
    expect(s.bands.reduce((n, b) => n + b.rounds, 0)).toBe(500_000);
    // Feature probability 396/65536 per round: within 5 standard deviations of the binomial count.
    const p = 396 / 65536;
    expect(Math.abs(s.featureTriggers - 5e5 * p)).toBeLessThan(5 * Math.sqrt(5e5 * p * (1 - p)));
    expect(s.convergence.map((c) => c.spins)).toEqual([50_000, 100_000, 250_000, 500_000]);
    expect(s.convergence.at(-1)!.rtp).toBe(s.estimate.rtp);
    expect(s.maxWin).not.toBeNull();
    const replay = await replaySpin({
      game: table,
      seed: 21n,
      chunkSize: 50_000,
      spinIndex: s.maxWin!.spinIndex,
    });
    expect(replay.winUnits).toBe(s.maxWin!.winUnits);
  });

  it('the 20-line toy passes at its exact RTP', async () => {
    const run = await runSimulation({ game: line, spins: 200_000, seed: 8n, chunkSize: 50_000, workers: 2 });
    expect(summarizePart(run.part, ratio(toyLineExactRtp())).verdict?.passed).toBe(true);
  });

  it('a demo game file, compiled through games/, agrees with its exact analysis', async () => {
    const path = DEMO_GAME_FILES['classic-sevens'];
    const exactRtp = await exactRtpOfGameFile(path, undefined);
    const run = await runSimulation({
      game: gameFileSpec(path),
      spins: 300_000,
      seed: 4n,
      chunkSize: 75_000,
      workers: 2,
    });
    const s = summarizePart(run.part, exactRtp);
    expect(s.gameId).toBe('classic-sevens');
    expect(s.verdict?.passed).toBe(true);
  });
});

describe('stopping and failures', () => {
  it('an abort stops handing out chunks and keeps a consistent partial result', async () => {
    const controller = new AbortController();
    let calls = 0;
    const base = { game: table, spins: 500_000, seed: 9n, chunkSize: 50_000 } as const;
    const run = await runSimulation({
      ...base,
      workers: 0,
      signal: controller.signal,
      onProgress: () => {
        if (++calls === 3) controller.abort();
      },
    });
    expect(run.part.interrupted).toBe(true);
    expect(run.part.chunkRanges).toEqual([{ start: 0, end: 3 }]);
    // The three chunks it ran are exactly chunks 0-2 of the full experiment.
    const full = await runSimulation({ ...base, spins: 150_000, workers: 0 });
    expect(run.part.totals.winSum).toBe(full.part.totals.winSum);
    expect(run.part.totals.winSquareSum).toBe(full.part.totals.winSquareSum);
    expect(run.part.totals.bandCounts).toEqual(full.part.totals.bandCounts);
    const summary = summarizePart(partFromFile(JSON.parse(JSON.stringify(partToFile(run.part)))));
    expect(summary.partial).toBe(true);
    expect(summary.convergence.map((c) => c.spins)).toEqual([50_000, 100_000]);

    const threaded = new AbortController();
    const onWorkers = await runSimulation({
      ...base,
      workers: 2,
      signal: threaded.signal,
      onProgress: () => threaded.abort(),
    });
    expect(onWorkers.part.interrupted).toBe(true);
    expect(onWorkers.part.totals.spins).toBeGreaterThan(0);
    expect(onWorkers.part.totals.spins).toBeLessThan(500_000);
  });

  it('reports a kernel that breaks the contract, in-process and on workers', async () => {
    const broken = gameModuleSpec(TOY_MODULE, 'createBrokenGame', {
      failure: 'negative-win',
      afterSpins: 1234,
    });
    await expect(runSimulation({ game: broken, spins: 10_000, seed: 1n, workers: 0 })).rejects.toThrow(
      /spin 1234/,
    );
    await expect(runSimulation({ game: broken, spins: 10_000, seed: 1n, workers: 2 })).rejects.toThrow(
      /spin 1234/,
    );
    const noGame = gameModuleSpec(TOY_MODULE, 'createBrokenGame', { failure: 'no-game' });
    await expect(runSimulation({ game: noGame, spins: 10, seed: 1n, workers: 1 })).rejects.toThrow(
      /cannot compile/,
    );
    const missing = gameModuleSpec(TOY_MODULE, 'noSuchFactory');
    await expect(runSimulation({ game: missing, spins: 10, seed: 1n, workers: 0 })).rejects.toThrow(
      /noSuchFactory/,
    );
  });
});
