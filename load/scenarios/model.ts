/**
 * A load scenario as data: who arrives when (an open model: visits per second, ramped in stages),
 * what each visiting player does (the journey's knobs), and the SLOs the run is judged by.
 *
 * One definition feeds both executors: `toK6Options` (k6's `ramping-arrival-rate` executor,
 * thresholds) and `toRunnerPlan` (the Node runner here). Both start from `resolveScenario`, which
 * applies `--scale` and `--duration` once, so they cannot drift apart.
 *
 * This module is plain TypeScript with no imports from Node or k6: k6 runs it unchanged.
 */

/** The endpoints a journey calls; the same names tag k6 requests and the runner's histograms. */
export const ENDPOINTS = ['session-start', 'authenticate', 'balance', 'play', 'end-round', 'event'] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

/** Ramp linearly from the previous stage's rate to `targetPerS` over `durationS`. */
export interface Stage {
  readonly durationS: number;
  /** Player visits started per second at the end of the stage. */
  readonly targetPerS: number;
}

export interface Arrival {
  /** Visits per second at the start. */
  readonly startPerS: number;
  readonly stages: readonly Stage[];
  /** Concurrent visits (k6 VUs) ready at the start, and the hard cap; past it arrivals are dropped. */
  readonly preAllocatedVUs: number;
  readonly maxVUs: number;
  /** How long visits still running at the end may finish before they are cut. */
  readonly gracefulStopS: number;
}

export interface Journey {
  /** Rounds a player plays in one visit, drawn uniformly in [min, max]. */
  readonly playsPerVisit: readonly [number, number];
  /** Pause between two actions, drawn uniformly in [min, max] milliseconds. */
  readonly thinkTimeMs: readonly [number, number];
  /** Relative weights of bet modes; modes the game does not offer are skipped. */
  readonly modeMix: Readonly<Record<string, number>>;
  /** Bets are drawn from the lowest `betLevelsUsed` of the game's `betLevels`. */
  readonly betLevelsUsed: number;
  /** Per round: chance of a `/bet/event` progress marker, of a balance check, of a disconnect. */
  readonly eventProbability: number;
  readonly balanceProbability: number;
  readonly disconnectProbability: number;
  /** Sends of one intent at most (first send included), spaced by Retry-After or backoff + jitter. */
  readonly maxAttempts: number;
  readonly backoffMs: number;
  readonly requestTimeoutMs: number;
}

export interface LatencySlo {
  readonly p95Ms: number;
  readonly p99Ms: number;
}

export interface Slo {
  /** Latency of accepted (2xx) requests per endpoint, measured from each request's intended start. */
  readonly latency: Readonly<Partial<Record<Endpoint, LatencySlo>>>;
  /** Share of requests that failed for another reason than load shedding (429/503 + Retry-After). */
  readonly maxErrorRate: number;
  /** Share of checks (status and body shape of every reply) that must pass. */
  readonly minChecksRate: number;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly arrival: Arrival;
  readonly journey: Journey;
  readonly slo: Slo;
  /** Hard bound on requests sent by the run (before --scale). */
  readonly maxRequests: number;
}

/** A threshold in neutral form; k6 renders it as `p(95)<250` on a metric, the runner evaluates it. */
export interface Threshold {
  readonly metric: 'latency' | 'errors' | 'checks';
  readonly endpoint?: Endpoint;
  readonly stat: 'p95' | 'p99' | 'rate';
  readonly op: '<' | '>';
  readonly value: number;
}

export interface ScenarioOverrides {
  /** Multiplies every arrival rate, VU count and the request bound. */
  readonly scale?: number;
  /** Stretches or shrinks the stages proportionally to this total (seconds). */
  readonly durationS?: number;
}

/** A scenario after --scale and --duration: integral rates and whole seconds, as k6 requires. */
export interface ResolvedScenario {
  readonly name: string;
  readonly startPerS: number;
  readonly stages: readonly Stage[];
  readonly preAllocatedVUs: number;
  readonly maxVUs: number;
  readonly gracefulStopS: number;
  readonly journey: Journey;
  readonly thresholds: readonly Threshold[];
  readonly maxRequests: number;
  readonly scale: number;
}

export class ScenarioError extends Error {}

const MAX_STAGES = 32;
const MAX_RATE_PER_S = 100_000;

/** Throws a ScenarioError naming the field when the definition is not usable. */
export function validateScenario(scenario: Scenario): void {
  const fail = (field: string, why: string): never => {
    throw new ScenarioError(`scenario ${scenario.name}: ${field} ${why}`);
  };
  const { arrival, journey, slo } = scenario;
  if (arrival.stages.length === 0 || arrival.stages.length > MAX_STAGES)
    fail('arrival.stages', `must hold 1..${MAX_STAGES} stages`);
  const rates = [arrival.startPerS, ...arrival.stages.map((stage) => stage.targetPerS)];
  if (rates.some((rate) => !(rate >= 0 && rate <= MAX_RATE_PER_S)))
    fail('arrival rates', `must be in 0..${MAX_RATE_PER_S} per second`);
  if (arrival.stages.some((stage) => !(stage.durationS > 0)))
    fail('arrival.stages[].durationS', 'must be > 0');
  if (!(arrival.preAllocatedVUs >= 1 && arrival.maxVUs >= arrival.preAllocatedVUs))
    fail('arrival.maxVUs', 'must be ≥ preAllocatedVUs ≥ 1');
  const [minPlays, maxPlays] = journey.playsPerVisit;
  if (!(Number.isInteger(minPlays) && minPlays >= 1 && maxPlays >= minPlays))
    fail('journey.playsPerVisit', 'must be whole numbers, 1 ≤ min ≤ max');
  if (!(journey.thinkTimeMs[0] >= 0 && journey.thinkTimeMs[1] >= journey.thinkTimeMs[0]))
    fail('journey.thinkTimeMs', 'must be 0 ≤ min ≤ max');
  if (Object.values(journey.modeMix).every((weight) => !(weight > 0)))
    fail('journey.modeMix', 'needs at least one positive weight');
  if (!(Number.isInteger(journey.maxAttempts) && journey.maxAttempts >= 1 && journey.maxAttempts <= 10))
    fail('journey.maxAttempts', 'must be 1..10');
  for (const key of ['eventProbability', 'balanceProbability', 'disconnectProbability'] as const)
    if (!(journey[key] >= 0 && journey[key] <= 1)) fail(`journey.${key}`, 'must be in [0, 1]');
  if (!(slo.maxErrorRate >= 0 && slo.maxErrorRate < 1)) fail('slo.maxErrorRate', 'must be in [0, 1)');
  if (!(slo.minChecksRate > 0 && slo.minChecksRate <= 1)) fail('slo.minChecksRate', 'must be in (0, 1]');
  if (!(Number.isInteger(scenario.maxRequests) && scenario.maxRequests > 0))
    fail('maxRequests', 'must be a positive whole number');
}

/** Applies --scale and --duration once; both executors start from the result. */
export function resolveScenario(scenario: Scenario, overrides: ScenarioOverrides = {}): ResolvedScenario {
  validateScenario(scenario);
  const scale = overrides.scale ?? 1;
  if (!(scale > 0 && scale <= 100)) throw new ScenarioError(`--scale must be in (0, 100], got ${scale}`);
  const totalS = scenario.arrival.stages.reduce((sum, stage) => sum + stage.durationS, 0);
  const stretch = overrides.durationS === undefined ? 1 : overrides.durationS / totalS;
  if (!(stretch > 0 && Number.isFinite(stretch)))
    throw new ScenarioError(`--duration must be a positive number of seconds`);
  // k6 wants integral rates per timeUnit (1 s here) and whole-second durations: round once, here.
  // A rate that was positive stays at least 1 so a scaled-down base never vanishes.
  const rate = (perS: number) => (perS > 0 ? Math.max(1, Math.round(perS * scale)) : 0);
  const stages = scenario.arrival.stages.map((stage) => ({
    durationS: Math.max(1, Math.round(stage.durationS * stretch)),
    targetPerS: rate(stage.targetPerS),
  }));
  const vus = (count: number) => Math.max(1, Math.ceil(count * scale));
  return {
    name: scenario.name,
    startPerS: rate(scenario.arrival.startPerS),
    stages,
    preAllocatedVUs: vus(scenario.arrival.preAllocatedVUs),
    maxVUs: vus(scenario.arrival.maxVUs),
    gracefulStopS: scenario.arrival.gracefulStopS,
    journey: scenario.journey,
    thresholds: thresholdsOf(scenario.slo),
    maxRequests: Math.max(1, Math.ceil(scenario.maxRequests * scale * Math.max(1, stretch))),
    scale,
  };
}

export function thresholdsOf(slo: Slo): Threshold[] {
  const thresholds: Threshold[] = [];
  for (const endpoint of ENDPOINTS) {
    const latency = slo.latency[endpoint];
    if (latency === undefined) continue;
    thresholds.push({ metric: 'latency', endpoint, stat: 'p95', op: '<', value: latency.p95Ms });
    thresholds.push({ metric: 'latency', endpoint, stat: 'p99', op: '<', value: latency.p99Ms });
  }
  thresholds.push({ metric: 'errors', stat: 'rate', op: '<', value: slo.maxErrorRate });
  thresholds.push({ metric: 'checks', stat: 'rate', op: '>', value: slo.minChecksRate });
  return thresholds;
}

/** Total length of the arrival schedule (seconds), without the graceful stop. */
export function scheduleDurationS(resolved: Pick<ResolvedScenario, 'stages'>): number {
  return resolved.stages.reduce((sum, stage) => sum + stage.durationS, 0);
}
