import { existsSync } from 'node:fs';
import { formatTable } from '../cli/output.ts';
import { type CompiledGame, createRoundTally } from '../games/index.ts';
import { BufferedWordSource, type RandomSource } from '../rng/index.ts';
import { ChunkScratch, playChunk } from '../sim/monte-carlo/accumulator.ts';
import { type GameSpec, gameFileSpec, gameModuleSpec, loadGame } from '../sim/monte-carlo/game-source.ts';
import { DEFAULT_CHUNK_SIZE } from '../sim/monte-carlo/plan.ts';
import { runSimulation } from '../sim/monte-carlo/runner.ts';
import { openChunkStream } from '../sim/monte-carlo/streams.ts';
import { formatRate, heading, measure, ratePerSecond } from './harness.ts';

/** The 20-line demo game games/ ships; the bench falls back to the toy 20-line kernel without it. */
const DEMO_20_LINE = new URL('../games/demo/jungle-twenty.json', import.meta.url);
const TOY_MODULE = new URL('../sim/monte-carlo/toy-games.ts', import.meta.url).href;

/** Counts the words a game draws per round, so the baseline draws exactly as many. */
class CountingSource implements RandomSource {
  readonly id = 'counting';
  words = 0;
  constructor(private readonly inner: RandomSource) {}
  nextUint32(): number {
    this.words++;
    return this.inner.nextUint32();
  }
  fillBytes(target: Uint8Array): void {
    this.words += Math.ceil(target.length / 4);
    this.inner.fillBytes(target);
  }
}

/** CPU time of this process (all threads), ms: rates per CPU-second stay meaningful on a busy machine. */
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** `measure` plus the CPU time it used. */
function measureWithCpu(label: string, step: () => number, durationMs: number) {
  const startCpuMs = cpuMs();
  const m = measure(label, step, durationMs);
  return { m, cpuMs: cpuMs() - startCpuMs };
}

function pickGame(): { spec: GameSpec; label: string } {
  const path = decodeURIComponent(DEMO_20_LINE.pathname);
  if (existsSync(path)) return { spec: gameFileSpec(path), label: 'jungle-twenty (20-line demo, games/)' };
  return {
    spec: gameModuleSpec(TOY_MODULE, 'createToyLineGame'),
    label: 'toy 20-line kernel (FALLBACK: games/demo/jungle-twenty.json not found)',
  };
}

function wordsPerSpin(game: CompiledGame, spins: number): number {
  const source = new CountingSource(openChunkStream('xoshiro128ss', 1n, 0));
  const tally = createRoundTally(game.payIds.length);
  for (let i = 0; i < spins; i++) game.playRound(source, tally);
  return source.words / spins;
}

/**
 * Simulator speed on one and two workers with the 20-line demo game, beside a baseline measured in
 * the same process: a bare loop drawing as many xoshiro128** words as the game draws per spin (the
 * cost floor of any kernel on that generator). Also the harness overhead (playChunk against a bare
 * playRound loop) and the worker start-up cost, which the multi-worker figures exclude.
 */
export async function run(options: { quick: boolean }): Promise<void> {
  const durationMs = options.quick ? 400 : 2000;
  const { spec, label } = pickGame();
  const game = await loadGame(spec);
  heading(`Monte Carlo simulator: ${label}`);

  const stepSpins = 100_000;
  const kernelSource = openChunkStream('xoshiro128ss', 3n, 0);
  const tally = createRoundTally(game.payIds.length);
  const bare = measureWithCpu(
    'bare playRound loop',
    () => {
      let sink = 0;
      for (let i = 0; i < stepSpins; i++) sink += game.playRound(kernelSource, tally);
      if (sink < 0) throw new Error('unreachable');
      return stepSpins;
    },
    durationMs,
  );

  // The batch kernel alone (what playChunk runs), on the same words a bare loop would read.
  const batchSource = new BufferedWordSource(openChunkStream('xoshiro128ss', 6n, 0));
  const batchWins = new Float64Array(4096);
  const batch =
    game.playRounds === undefined
      ? null
      : measureWithCpu(
          'playRounds batch kernel',
          () => {
            for (let done = 0; done < stepSpins; done += batchWins.length) {
              game.playRounds!(batchSource, batchWins.length, batchWins, tally);
            }
            return Math.ceil(stepSpins / batchWins.length) * batchWins.length;
          },
          durationMs,
        );

  const scratch = new ChunkScratch(game);
  const chunkSource = openChunkStream('xoshiro128ss', 4n, 0);
  let chunkIndex = 0;
  const harness = measureWithCpu(
    'playChunk (exact accumulation)',
    () => playChunk(game, chunkSource, chunkIndex, chunkIndex++ * stepSpins, stepSpins, scratch).spins,
    durationMs,
  );

  // Counted last: the counting wrapper would make the kernel's `source.nextUint32()` call site
  // polymorphic and slow down every in-process row measured after it.
  const words = wordsPerSpin(game, 200_000);
  const stepWords = Math.max(1, Math.round(stepSpins * words));
  const baselineSource = openChunkStream('xoshiro128ss', 2n, 0);
  const baseline = measureWithCpu(
    'bare word loop',
    () => {
      let sink = 0;
      for (let i = 0; i < stepWords; i++) sink ^= baselineSource.nextUint32();
      if (sink === 0.5) throw new Error('unreachable');
      return stepSpins; // spin-equivalents: the words of stepSpins spins
    },
    durationMs,
  );

  // Worker runs: start-up measured separately (a one-spin run), then a run long enough to time
  // (about 3 s, or 5 s in full mode, at the single-thread speed), in whole default chunks. W
  // workers play W times as many spins, so every run gives each worker the same work, and JIT
  // warm-up (paid once per worker) weighs the same in each.
  const chunk = DEFAULT_CHUNK_SIZE;
  const targetSpins = ratePerSecond(harness.m) * (options.quick ? 3 : 5);
  const spinsPerWorkerRun = Math.max(4, Math.round(targetSpins / chunk)) * chunk;
  interface WorkerRun {
    workers: number;
    ratePerS: number;
    ratePerCpuS: number;
    startupMs: number;
    elapsedMs: number;
  }
  const timeWorkers = async (workers: number): Promise<WorkerRun> => {
    const startupCpuStartMs = cpuMs();
    const startup = await runSimulation({ game: spec, spins: workers, chunkSize: 1, seed: 1n, workers });
    const startupCpuMs = cpuMs() - startupCpuStartMs;
    const runCpuStartMs = cpuMs();
    const spins = spinsPerWorkerRun * workers;
    const r = await runSimulation({ game: spec, spins, seed: 5n, workers });
    const computeCpuMs = Math.max(1, cpuMs() - runCpuStartMs - startupCpuMs);
    const computeMs = Math.max(1, r.elapsedMs - startup.elapsedMs);
    return {
      workers,
      ratePerS: (spins / computeMs) * 1000,
      ratePerCpuS: (spins / computeCpuMs) * 1000,
      startupMs: startup.elapsedMs,
      elapsedMs: r.elapsedMs,
    };
  };
  // 1 and 2 workers in alternating order, several times: a shared machine's slow and fast spells
  // then fall on both, and the medians (and the median of the paired ratios) are reported.
  const pairs = options.quick ? 1 : 3;
  const ones: WorkerRun[] = [];
  const twos: WorkerRun[] = [];
  for (let k = 0; k < pairs; k++) {
    if (k % 2 === 0) {
      ones.push(await timeWorkers(1));
      twos.push(await timeWorkers(2));
    } else {
      twos.push(await timeWorkers(2));
      ones.push(await timeWorkers(1));
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const medianRun = (runs: WorkerRun[]) => {
    const rate = median(runs.map((r) => r.ratePerS));
    return runs.find((r) => r.ratePerS === rate)!;
  };
  const pairScaling = ones.map((one, k) => twos[k]!.ratePerS / one.ratePerS);

  const base = ratePerSecond(baseline.m);
  const perCpuS = (x: { m: { units: number }; cpuMs: number }) => (x.m.units / x.cpuMs) * 1000;
  const row = (name: string, perS: number, cpuPerS: number, note = '') => [
    name,
    formatRate(perS, 'spin'),
    (perS / base).toFixed(3),
    formatRate(cpuPerS, 'spin/cpu'),
    note,
  ];
  const one = medianRun(ones);
  const two = medianRun(twos);
  process.stdout.write(
    formatTable(
      ['what', 'speed (wall)', 'x baseline', 'per CPU-second', 'note'],
      [
        row(
          'baseline: bare xoshiro128** words',
          base,
          perCpuS(baseline),
          `${words.toFixed(2)} words per spin`,
        ),
        row('bare playRound loop (1 thread)', ratePerSecond(bare.m), perCpuS(bare), 'one call per round'),
        ...(batch === null
          ? []
          : [
              row(
                'playRounds batch kernel (1 thread)',
                ratePerSecond(batch.m),
                perCpuS(batch),
                `${(game as { batchKernel?: string }).batchKernel ?? 'playRound loop'} kernel, generated per game`,
              ),
            ]),
        row(
          'playChunk, exact sums (1 thread)',
          ratePerSecond(harness.m),
          perCpuS(harness),
          `speed vs bare loop (CPU): ${(perCpuS(harness) / perCpuS(bare)).toFixed(2)}x`,
        ),
        row(
          'runSimulation, 1 worker',
          one.ratePerS,
          one.ratePerCpuS,
          `start-up ${one.startupMs.toFixed(0)} ms excluded`,
        ),
        row(
          'runSimulation, 2 workers',
          two.ratePerS,
          two.ratePerCpuS,
          `start-up ${two.startupMs.toFixed(0)} ms excluded`,
        ),
      ],
    ),
  );
  const projectedS = 1e9 / two.ratePerS + two.startupMs / 1000;
  process.stdout.write(
    `scaling 2 workers / 1 worker: ${median(pairScaling).toFixed(2)}x, median of ${pairs} alternating pair(s) ` +
      `(${pairScaling.map((x) => x.toFixed(2)).join(', ')}; ${spinsPerWorkerRun.toExponential(0)} spins per worker)\n` +
      `projected 1e9 spins on 2 workers: ${projectedS.toFixed(1)} s ` +
      `(per-CPU-second rates are the figures to trust when other processes share the cores)\n`,
  );
}
