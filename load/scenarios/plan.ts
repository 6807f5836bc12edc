/**
 * A resolved scenario as the Node runner's plan: the intended start of every visit (the open
 * model's schedule, fixed before the run so a slow server cannot thin it), the bounds, and the
 * thresholds.
 *
 * Arrivals follow k6's ramping-arrival-rate: within a stage the rate moves linearly from r0 to r1
 * over D seconds, so the arrivals by time t are N(t) = r0·t + (r1 − r0)·t²/(2D); the k-th visit
 * starts where N crosses k ("iteration starts are spaced fractionally", k6 docs).
 */
import { type Journey, type ResolvedScenario, scheduleDurationS, type Threshold } from './model.ts';

export interface RunnerPlan {
  readonly name: string;
  readonly scale: number;
  /** Visits per second at each stage boundary: [start, end of stage 1, …]. */
  readonly ratesPerS: readonly number[];
  readonly stageDurationsMs: readonly number[];
  readonly scheduleMs: number;
  readonly gracefulStopMs: number;
  /** Visits running at once at most; an arrival past it is dropped and counted (k6's maxVUs). */
  readonly maxConcurrentVisits: number;
  readonly maxRequests: number;
  readonly journey: Journey;
  readonly thresholds: readonly Threshold[];
}

export function toRunnerPlan(resolved: ResolvedScenario): RunnerPlan {
  return {
    name: resolved.name,
    scale: resolved.scale,
    ratesPerS: [resolved.startPerS, ...resolved.stages.map((stage) => stage.targetPerS)],
    stageDurationsMs: resolved.stages.map((stage) => stage.durationS * 1_000),
    scheduleMs: scheduleDurationS(resolved) * 1_000,
    gracefulStopMs: resolved.gracefulStopS * 1_000,
    maxConcurrentVisits: resolved.maxVUs,
    maxRequests: resolved.maxRequests,
    journey: resolved.journey,
    thresholds: resolved.thresholds,
  };
}

/** The planned visit rate (per second) at `atMs` into the schedule; 0 after it. */
export function plannedRatePerS(plan: RunnerPlan, atMs: number): number {
  let stageStartMs = 0;
  for (let index = 0; index < plan.stageDurationsMs.length; index++) {
    const durationMs = plan.stageDurationsMs[index]!;
    if (atMs < stageStartMs + durationMs) {
      const from = plan.ratesPerS[index]!;
      const to = plan.ratesPerS[index + 1]!;
      return from + ((to - from) * (atMs - stageStartMs)) / durationMs;
    }
    stageStartMs += durationMs;
  }
  return 0;
}

/** The intended start (ms from the run's start) of every visit, in order. */
export function* arrivalTimesMs(plan: RunnerPlan): Generator<number> {
  let stageStartMs = 0;
  // Arrivals owed so far, fractional: the next visit starts when the schedule's integral reaches it.
  let nextArrival = 0;
  let arrivedBefore = 0;
  for (let index = 0; index < plan.stageDurationsMs.length; index++) {
    const durationS = plan.stageDurationsMs[index]! / 1_000;
    const from = plan.ratesPerS[index]!;
    const to = plan.ratesPerS[index + 1]!;
    const stageArrivals = ((from + to) / 2) * durationS;
    // Bounded: at most the stage's integral (≤ 100 000/s × its length) arrivals.
    while (nextArrival < arrivedBefore + stageArrivals) {
      const offsetS = timeOfArrival(from, to, durationS, nextArrival - arrivedBefore);
      yield stageStartMs + offsetS * 1_000;
      nextArrival += 1;
    }
    arrivedBefore += stageArrivals;
    stageStartMs += durationS * 1_000;
  }
}

/** Solves r0·t + (r1 − r0)·t²/(2D) = n for t in [0, D]. */
function timeOfArrival(r0: number, r1: number, durationS: number, n: number): number {
  const a = (r1 - r0) / (2 * durationS);
  if (Math.abs(a) < 1e-12) return r0 > 0 ? n / r0 : durationS;
  const discriminant = Math.max(0, r0 * r0 + 4 * a * n);
  const t = (-r0 + Math.sqrt(discriminant)) / (2 * a);
  return Math.min(durationS, Math.max(0, t));
}
