// Scenarios as data, and the two views of one: k6 options and the Node runner's plan.
export { SCENARIOS } from './catalog.ts';
export {
  K6_ERRORS_METRIC,
  K6_EXEC,
  K6_SHED_METRIC,
  type K6Options,
  k6Expression,
  k6MetricOf,
  latencyMetric,
  toK6Options,
} from './k6-options.ts';
export {
  ENDPOINTS,
  type Endpoint,
  type Journey,
  type ResolvedScenario,
  resolveScenario,
  type Scenario,
  ScenarioError,
  type ScenarioOverrides,
  scheduleDurationS,
  type Threshold,
} from './model.ts';
export { arrivalTimesMs, plannedRatePerS, type RunnerPlan, toRunnerPlan } from './plan.ts';
