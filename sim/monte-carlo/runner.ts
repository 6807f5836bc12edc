import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createRoundTally, type RoundTally } from '../../games/kernel.ts';
import { addChunk, type ChunkResult, emptyTotals, type SimTotals } from './accumulator.ts';
import { ChunkExecutor, describeGame, type GameInfo } from './chunk-executor.ts';
import { type GameSpec, loadGame } from './game-source.ts';
import {
  chunkFirstSpin,
  chunkSpins,
  createPlan,
  DEFAULT_CHUNK_SIZE,
  type ExperimentPlan,
  rangesOfChunks,
  type ShardSpec,
  segmentBoundaries,
  segmentOfChunk,
  shardChunkRange,
} from './plan.ts';
import type { MainToWorker, WorkerInit, WorkerToMain } from './protocol.ts';
import type { SimPart } from './result-file.ts';
import { DEFAULT_STREAM_KIND, openChunkStream, type StreamKind } from './streams.ts';

/** Upper bound on worker threads (a queue of chunks per worker is never longer than one). */
export const MAX_WORKERS = 256;

export interface SimulationOptions {
  readonly game: GameSpec;
  readonly spins: number;
  readonly seed: bigint;
  readonly streamKind?: StreamKind;
  /** Spins per chunk; a constant of the experiment (default `DEFAULT_CHUNK_SIZE`). */
  readonly chunkSize?: number;
  /** Worker threads; 0 runs every chunk in the calling thread. Default: available parallelism. */
  readonly workers?: number;
  /** Run only this shard's chunks. */
  readonly shard?: ShardSpec;
  /** Aborting stops handing out chunks; in-flight chunks finish and the result is marked interrupted. */
  readonly signal?: AbortSignal;
  /** Called after every finished chunk (in completion order). */
  readonly onProgress?: (spinsDone: number, spinsToRun: number) => void;
}

export interface SimulationRun {
  readonly part: SimPart;
  readonly elapsedMs: number;
  /** Worker threads used (0: in-process). */
  readonly workers: number;
}

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(MAX_WORKERS, availableParallelism()));
}

/** Merges chunk results as they arrive, in any order, into W-independent exact totals. */
class TotalsCollector {
  readonly totals: SimTotals;
  private readonly done: Uint8Array;
  private readonly boundaries: number[];
  private readonly chunkIndices: number[] = [];
  spinsDone = 0;

  constructor(
    readonly game: GameInfo,
    private readonly plan: ExperimentPlan,
    private readonly expected: ReadonlySet<number>,
  ) {
    this.boundaries = segmentBoundaries(plan.chunkCount);
    this.totals = emptyTotals(game.payIds.length, this.boundaries.length);
    this.done = new Uint8Array(plan.chunkCount);
  }

  add(result: ChunkResult): void {
    const c = result.chunkIndex;
    if (!this.expected.has(c)) throw new Error(`received chunk ${c}, which was not requested`);
    if (this.done[c] === 1) throw new Error(`received chunk ${c} twice`);
    if (result.spins !== chunkSpins(this.plan, c)) throw new Error(`chunk ${c} has ${result.spins} spins`);
    this.done[c] = 1;
    this.chunkIndices.push(c);
    addChunk(this.totals, result, segmentOfChunk(this.boundaries, c));
    this.spinsDone += result.spins;
  }

  doneChunks(): number[] {
    return this.chunkIndices;
  }
}

function sameGame(a: GameInfo, b: GameInfo): boolean {
  return (
    a.mathHash === b.mathHash &&
    a.mode === b.mode &&
    a.stakeUnits === b.stakeUnits &&
    a.payIds.length === b.payIds.length &&
    a.payIds.every((id, i) => id === b.payIds[i])
  );
}

const WORKER_BOOTSTRAP_URL = new URL('./worker-bootstrap.js', import.meta.url);

/**
 * Chunks queued at each worker at once: with two, a worker starts its next chunk as soon as it
 * finishes one instead of waiting for the main thread (which, with every core busy, the scheduler
 * may wake late) to answer its result.
 */
const CHUNKS_IN_FLIGHT_PER_WORKER = 2;

/**
 * Runs `chunks` on `workerCount` threads. Each worker holds at most CHUNKS_IN_FLIGHT_PER_WORKER
 * chunks; a worker that returns one takes the next from the queue. Returns the game description
 * the workers agreed on.
 */
function runOnWorkers(
  init: WorkerInit,
  chunks: readonly number[],
  workerCount: number,
  signal: AbortSignal | undefined,
  onReady: (game: GameInfo) => void,
  onResult: (result: ChunkResult) => void,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let next = 0;
    let inFlight = 0;
    let settledWorkers = 0;
    let failure: Error | null = null;
    let agreedGame: GameInfo | null = null;
    let finished = false;
    const workers: Worker[] = [];
    const held = new Map<Worker, number>();

    const fail = (error: Error) => {
      if (!failure) failure = error;
    };
    const finishIfDone = () => {
      if (finished || inFlight > 0 || settledWorkers < workers.length) return;
      const stopped = failure !== null || signal?.aborted === true || next >= chunks.length;
      if (!stopped) return;
      finished = true;
      signal?.removeEventListener('abort', finishIfDone);
      for (const w of workers) w.postMessage({ type: 'stop' } satisfies MainToWorker);
      void Promise.all(workers.map((w) => w.terminate())).then(() => {
        if (failure) reject(failure);
        else resolve();
      }, reject);
    };
    const dispatch = (worker: Worker) => {
      for (let k = held.get(worker) ?? 0; k < CHUNKS_IN_FLIGHT_PER_WORKER; k++) {
        if (failure || signal?.aborted || next >= chunks.length) {
          finishIfDone();
          return;
        }
        const chunkIndex = chunks[next++]!;
        held.set(worker, k + 1);
        inFlight++;
        worker.postMessage({ type: 'chunk', chunkIndex } satisfies MainToWorker);
      }
    };

    for (let i = 0; i < workerCount; i++) {
      const worker = new Worker(WORKER_BOOTSTRAP_URL, { workerData: init satisfies WorkerInit });
      workers.push(worker);
      let settled = false;
      const settle = () => {
        if (!settled) {
          settled = true;
          settledWorkers++;
        }
      };
      // One chunk answered (a result), or every chunk the worker held lost (an error or an exit).
      const release = (all = false) => {
        const count = held.get(worker) ?? 0;
        const freed = all ? count : Math.min(1, count);
        held.set(worker, count - freed);
        inFlight -= freed;
      };
      worker.on('message', (message: WorkerToMain) => {
        if (finished) return;
        try {
          if (message.type === 'ready') {
            if (agreedGame && !sameGame(agreedGame, message.game)) {
              throw new Error('workers compiled different games (math hash, mode or pays differ)');
            }
            if (!agreedGame) {
              agreedGame = message.game;
              onReady(message.game);
            }
            settle();
            dispatch(worker);
          } else if (message.type === 'result') {
            release();
            onResult(message.result);
            dispatch(worker);
          } else {
            settle();
            release();
            fail(new Error(message.message));
            finishIfDone();
          }
        } catch (error) {
          settle();
          release(true);
          fail(error instanceof Error ? error : new Error(String(error)));
          finishIfDone();
        }
      });
      worker.on('error', (error) => {
        settle();
        release(true);
        fail(error);
        finishIfDone();
      });
      worker.on('exit', (code) => {
        if (finished) return;
        settle();
        release(true);
        fail(new Error(`simulation worker exited early with code ${code}`));
        finishIfDone();
      });
    }
    signal?.addEventListener('abort', finishIfDone);
  });
}

/**
 * Runs a Monte Carlo experiment (or one shard of it) and returns its exact, mergeable result.
 * Same seed, spins and chunk size give bit-identical totals for any worker count, in-process
 * included, and for any split into shards once merged.
 */
export async function runSimulation(options: SimulationOptions): Promise<SimulationRun> {
  const startedMs = performance.now();
  const plan = createPlan(options.spins, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const streamKind = options.streamKind ?? DEFAULT_STREAM_KIND;
  const range = options.shard ? shardChunkRange(plan, options.shard) : { start: 0, end: plan.chunkCount };
  const chunks: number[] = [];
  for (let c = range.start; c < range.end; c++) chunks.push(c);
  const spinsToRun = chunks.reduce((n, c) => n + chunkSpins(plan, c), 0);
  const requested = new Set(chunks);
  const workerCount = Math.min(options.workers ?? defaultWorkerCount(), Math.max(1, chunks.length));
  if (!Number.isInteger(workerCount) || workerCount < 0 || workerCount > MAX_WORKERS) {
    throw new RangeError(`workers must be an integer in [0, ${MAX_WORKERS}], got ${options.workers}`);
  }

  let collector: TotalsCollector | null = null;
  const onResult = (result: ChunkResult) => {
    collector!.add(result);
    options.onProgress?.(collector!.spinsDone, spinsToRun);
  };

  if (workerCount === 0) {
    const game = await loadGame(options.game);
    collector = new TotalsCollector(describeGame(game), plan, requested);
    const executor = new ChunkExecutor(game, { plan, streamKind, seed: options.seed });
    for (const c of chunks) {
      if (options.signal?.aborted) break;
      onResult(executor.run(c));
      // Let signal handlers and progress redraws run between chunks.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } else {
    const init: WorkerInit = { game: options.game, plan, streamKind, seed: options.seed };
    await runOnWorkers(
      init,
      chunks,
      workerCount,
      options.signal,
      (game) => {
        collector = new TotalsCollector(game, plan, requested);
      },
      onResult,
    );
  }
  const done = collector as TotalsCollector | null;
  if (!done) throw new Error('no worker compiled the game');
  const doneChunks = done.doneChunks();
  const part: SimPart = {
    game: done.game,
    streamKind,
    seed: options.seed,
    plan,
    shard: options.shard ?? null,
    chunkRanges: rangesOfChunks(doneChunks),
    interrupted: doneChunks.length < chunks.length,
    totals: done.totals,
  };
  return { part, elapsedMs: performance.now() - startedMs, workers: workerCount };
}

/**
 * Replays one spin of an experiment: plays the rounds before it in its chunk's stream, then the
 * spin itself, and returns its win and what it hit. Used to reproduce the maximum observed win.
 */
export async function replaySpin(options: {
  readonly game: GameSpec;
  readonly seed: bigint;
  readonly streamKind?: StreamKind;
  readonly chunkSize?: number;
  readonly spinIndex: number;
}): Promise<{ winUnits: number; tally: RoundTally; chunkIndex: number; offsetInChunk: number }> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const plan = createPlan(options.spinIndex + 1, chunkSize);
  const chunkIndex = Math.floor(options.spinIndex / chunkSize);
  const offsetInChunk = options.spinIndex - chunkFirstSpin(plan, chunkIndex);
  const game = await loadGame(options.game);
  const source = openChunkStream(options.streamKind ?? DEFAULT_STREAM_KIND, options.seed, chunkIndex);
  const scratchTally = createRoundTally(game.payIds.length);
  for (let i = 0; i < offsetInChunk; i++) game.playRound(source, scratchTally);
  const tally = createRoundTally(game.payIds.length);
  const winUnits = game.playRound(source, tally);
  return { winUnits, tally, chunkIndex, offsetInChunk };
}
