import { describe, expect, it } from 'vitest';
import {
  arrivalTimesMs,
  ENDPOINTS,
  plannedRatePerS,
  resolveScenario,
  SCENARIOS,
  type Scenario,
  ScenarioError,
  type Threshold,
  toK6Options,
  toRunnerPlan,
} from './index.ts';

/** Reads k6's view back without our helpers: durations like "45s", thresholds like "p(95)<250". */
function k6Schedule(name: string, scale?: number, durationS?: number) {
  const resolved = resolveScenario(SCENARIOS[name]!, { scale, durationS });
  const options = toK6Options(resolved);
  const executor = options.scenarios[name]!;
  const stages = executor.stages.map((stage) => {
    const match = /^(\d+)s$/.exec(stage.duration);
    expect(match, `duration ${stage.duration}`).not.toBeNull();
    return { durationS: Number(match![1]), target: stage.target };
  });
  return { resolved, options, executor, stages, plan: toRunnerPlan(resolved) };
}

function parseK6Thresholds(thresholds: Record<string, string[]>): Threshold[] {
  const parsed: Threshold[] = [];
  for (const [metric, expressions] of Object.entries(thresholds)) {
    for (const expression of expressions) {
      const match = /^(p\((\d+)\)|rate)([<>])([\d.]+)$/.exec(expression);
      expect(match, expression).not.toBeNull();
      const stat = (match![2] ? `p${match![2]}` : 'rate') as Threshold['stat'];
      const op = match![3] as '<' | '>';
      const value = Number(match![4]);
      const latency = /^http_req_duration\{endpoint:([a-z-]+),expected_response:true\}$/.exec(metric);
      if (latency) {
        parsed.push({ metric: 'latency', endpoint: latency[1] as Threshold['endpoint'], stat, op, value });
      } else if (metric === 'journey_errors') parsed.push({ metric: 'errors', stat, op, value });
      else if (metric === 'checks') parsed.push({ metric: 'checks', stat, op, value });
      else throw new Error(`unexpected k6 metric ${metric}`);
    }
  }
  return parsed;
}

const key = (t: Threshold) => `${t.metric}/${t.endpoint ?? ''}/${t.stat}${t.op}${t.value}`;

describe('one scenario, two executors', () => {
  for (const name of Object.keys(SCENARIOS)) {
    for (const [scale, durationS] of [
      [1, undefined],
      [0.2, 30],
    ] as const) {
      it(`${name} (scale ${scale}, duration ${durationS ?? 'as defined'}): k6 stages and runner arrivals agree`, () => {
        const { executor, stages, plan } = k6Schedule(name, scale, durationS);
        expect(executor.executor).toBe('ramping-arrival-rate');
        expect(executor.timeUnit).toBe('1s');
        expect(executor.exec).toBe('visit');
        const arrivals = [...arrivalTimesMs(plan)];
        expect(arrivals.length).toBeGreaterThan(0);
        let fromRate = executor.startRate;
        let stageStartMs = 0;
        let owed = 0;
        let counted = 0;
        for (const stage of stages) {
          const endMs = stageStartMs + stage.durationS * 1_000;
          // k6 starts (r0 + r1)/2 × D iterations over a linear ramp; the runner must start as many.
          owed += ((fromRate + stage.target) / 2) * stage.durationS;
          counted += arrivals.filter((t) => t >= stageStartMs && t < endMs).length;
          expect(Math.abs(counted - owed)).toBeLessThanOrEqual(1);
          expect(plannedRatePerS(plan, stageStartMs)).toBeCloseTo(fromRate, 9);
          fromRate = stage.target;
          stageStartMs = endMs;
        }
        expect(plan.scheduleMs).toBe(stageStartMs);
        expect(arrivals.every((t, i) => i === 0 || t >= arrivals[i - 1]!)).toBe(true);
        expect(executor.maxVUs).toBe(plan.maxConcurrentVisits);
        expect(executor.gracefulStop).toBe(`${plan.gracefulStopMs / 1_000}s`);
      });
    }

    it(`${name}: k6 thresholds are exactly the runner's SLOs`, () => {
      const { options, plan } = k6Schedule(name);
      const fromK6 = parseK6Thresholds(options.thresholds).map(key).sort();
      expect(fromK6).toEqual(plan.thresholds.map(key).sort());
      // Every endpoint has a p95 and a p99 bound, plus the error and checks rates.
      expect(fromK6).toHaveLength(ENDPOINTS.length * 2 + 2);
    });
  }

  it('friday-night grows 50× from a sustainable base within 60 s', () => {
    const { executor, stages } = k6Schedule('friday-night');
    const base = executor.startRate;
    let elapsedS = 0;
    let reachedAtS: number | null = null;
    let rampStartS = 0;
    let previous = base;
    for (const stage of stages) {
      if (stage.target > previous && reachedAtS === null) rampStartS = elapsedS;
      elapsedS += stage.durationS;
      if (reachedAtS === null && stage.target >= 50 * base) reachedAtS = elapsedS;
      previous = stage.target;
    }
    expect(reachedAtS).not.toBeNull();
    expect(reachedAtS! - rampStartS).toBeLessThanOrEqual(60);
    expect(stages.at(-1)!.target).toBe(base);
  });

  it('refuses a bad scale or a broken definition, naming the field', () => {
    expect(() => resolveScenario(SCENARIOS.baseline!, { scale: 0 })).toThrow(/--scale/);
    const broken: Scenario = {
      ...SCENARIOS.baseline!,
      journey: { ...SCENARIOS.baseline!.journey, playsPerVisit: [0, 2] },
    };
    expect(() => resolveScenario(broken)).toThrow(ScenarioError);
    expect(() => resolveScenario(broken)).toThrow(/journey.playsPerVisit/);
  });
});
