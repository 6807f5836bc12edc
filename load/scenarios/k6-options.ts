/**
 * A resolved scenario as k6 `options`: one `ramping-arrival-rate` scenario (k6's open model:
 * iterations start at the stage rates whatever the server does, and are dropped past maxVUs) and
 * the SLOs as thresholds. Each iteration of the script is one player visit.
 *
 * Reference: k6 docs, "Ramping arrival rate" (executor options) and "Thresholds" (syntax
 * `p(95)<250` on a metric, `{tag:value}` sub-metrics, the `expected_response` tag).
 */
import type { Endpoint, ResolvedScenario, Threshold } from './model.ts';

/** The subset of k6's `Options` we emit (structurally compatible with `k6/options`). */
export interface K6Options {
  readonly scenarios: Record<string, K6RampingArrivalRate>;
  readonly thresholds: Record<string, string[]>;
  readonly summaryTrendStats: string[];
  readonly setupTimeout: string;
}

export interface K6RampingArrivalRate {
  readonly executor: 'ramping-arrival-rate';
  readonly startRate: number;
  readonly timeUnit: string;
  readonly preAllocatedVUs: number;
  readonly maxVUs: number;
  readonly stages: { target: number; duration: string }[];
  readonly gracefulStop: string;
  readonly exec: string;
}

/** The function each iteration runs (exported by every script in load/k6/). */
export const K6_EXEC = 'visit';
/** Custom k6 metrics the scripts define: errors other than shedding, and shed replies. */
export const K6_ERRORS_METRIC = 'journey_errors';
export const K6_SHED_METRIC = 'shed';

/** The k6 metric a neutral threshold applies to. */
export function k6MetricOf(threshold: Threshold): string {
  switch (threshold.metric) {
    case 'latency':
      return latencyMetric(threshold.endpoint!);
    case 'errors':
      return K6_ERRORS_METRIC;
    case 'checks':
      return 'checks';
  }
}

/** Accepted requests only: `expected_response:true` excludes shed (429/503) and failed replies. */
export function latencyMetric(endpoint: Endpoint): string {
  return `http_req_duration{endpoint:${endpoint},expected_response:true}`;
}

/** `p(95)<250`, `rate<0.01`, `rate>0.99`: k6's threshold expression syntax. */
export function k6Expression(threshold: Threshold): string {
  const stat = threshold.stat === 'rate' ? 'rate' : `p(${threshold.stat.slice(1)})`;
  return `${stat}${threshold.op}${threshold.value}`;
}

export function toK6Options(resolved: ResolvedScenario): K6Options {
  const thresholds: Record<string, string[]> = {};
  for (const threshold of resolved.thresholds) {
    const metric = k6MetricOf(threshold);
    thresholds[metric] = [...(thresholds[metric] ?? []), k6Expression(threshold)];
  }
  return {
    scenarios: {
      [resolved.name]: {
        executor: 'ramping-arrival-rate',
        startRate: resolved.startPerS,
        timeUnit: '1s',
        preAllocatedVUs: resolved.preAllocatedVUs,
        maxVUs: resolved.maxVUs,
        stages: resolved.stages.map((stage) => ({
          target: stage.targetPerS,
          duration: `${stage.durationS}s`,
        })),
        gracefulStop: `${resolved.gracefulStopS}s`,
        exec: K6_EXEC,
      },
    },
    thresholds,
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
    setupTimeout: '60s',
  };
}
