/**
 * The scenarios an SRE rehearses. Rates are player visits per second (a visit: session start,
 * authenticate, a few rounds with think time, end); each visit sends about ten requests.
 *
 * The sustainable base of friday-night (3 visits/s, about 30 requests/s) is far below what the
 * reference RGS serves on two cores; 50× of it is far above, on purpose (issue 10 §4).
 */
import type { Journey, Scenario, Slo } from './model.ts';

const PLAYER_JOURNEY: Journey = {
  playsPerVisit: [3, 8],
  thinkTimeMs: [300, 1_200],
  modeMix: { base: 9, bonus: 1 },
  betLevelsUsed: 3,
  eventProbability: 0.1,
  balanceProbability: 0.1,
  disconnectProbability: 0.05,
  maxAttempts: 3,
  backoffMs: 250,
  requestTimeoutMs: 10_000,
};

/** SLOs of accepted requests; shed requests (429/503 with Retry-After) are counted apart. */
const PLAYER_SLO: Slo = {
  latency: {
    'session-start': { p95Ms: 300, p99Ms: 800 },
    authenticate: { p95Ms: 250, p99Ms: 600 },
    play: { p95Ms: 250, p99Ms: 600 },
    'end-round': { p95Ms: 250, p99Ms: 600 },
    balance: { p95Ms: 150, p99Ms: 400 },
    event: { p95Ms: 150, p99Ms: 400 },
  },
  maxErrorRate: 0.01,
  minChecksRate: 0.99,
};

export const BASELINE: Scenario = {
  name: 'baseline',
  description: 'A quiet evening: ramp to 5 visits/s and hold for a minute.',
  arrival: {
    startPerS: 1,
    stages: [
      { durationS: 10, targetPerS: 5 },
      { durationS: 60, targetPerS: 5 },
    ],
    preAllocatedVUs: 20,
    maxVUs: 200,
    gracefulStopS: 30,
  },
  journey: PLAYER_JOURNEY,
  slo: PLAYER_SLO,
  maxRequests: 100_000,
};

export const FRIDAY_NIGHT: Scenario = {
  name: 'friday-night',
  description:
    'The worst minute of the week: from a sustainable 3 visits/s to 50× (150/s) in 45 s, hold a minute, decay, recover.',
  arrival: {
    startPerS: 3,
    stages: [
      { durationS: 15, targetPerS: 3 },
      { durationS: 45, targetPerS: 150 },
      { durationS: 60, targetPerS: 150 },
      { durationS: 30, targetPerS: 3 },
      { durationS: 30, targetPerS: 3 },
    ],
    preAllocatedVUs: 200,
    maxVUs: 2_000,
    gracefulStopS: 30,
  },
  journey: PLAYER_JOURNEY,
  slo: PLAYER_SLO,
  maxRequests: 2_000_000,
};

export const SPIKE_AND_RECOVER: Scenario = {
  name: 'spike-and-recover',
  description: 'A sudden spike (5 → 100 visits/s in 5 s), 20 s at the top, then a minute to recover at 5/s.',
  arrival: {
    startPerS: 5,
    stages: [
      { durationS: 20, targetPerS: 5 },
      { durationS: 5, targetPerS: 100 },
      { durationS: 20, targetPerS: 100 },
      { durationS: 5, targetPerS: 5 },
      { durationS: 60, targetPerS: 5 },
    ],
    preAllocatedVUs: 100,
    maxVUs: 1_500,
    gracefulStopS: 30,
  },
  journey: PLAYER_JOURNEY,
  slo: PLAYER_SLO,
  maxRequests: 1_000_000,
};

export const SOAK: Scenario = {
  name: 'soak',
  description: 'Half an hour at a steady 8 visits/s: leaks, pool exhaustion and slow drift show up here.',
  arrival: {
    startPerS: 1,
    stages: [
      { durationS: 60, targetPerS: 8 },
      { durationS: 1_740, targetPerS: 8 },
    ],
    preAllocatedVUs: 50,
    maxVUs: 400,
    gracefulStopS: 30,
  },
  journey: PLAYER_JOURNEY,
  slo: PLAYER_SLO,
  maxRequests: 1_000_000,
};

export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  baseline: BASELINE,
  'friday-night': FRIDAY_NIGHT,
  'spike-and-recover': SPIKE_AND_RECOVER,
  soak: SOAK,
};
