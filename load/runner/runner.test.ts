/**
 * The runner measures what a user would see: against a server that stalls for a second, latency
 * from each request's intended start shows the stall in the p99, and the SLO verdict fails. The
 * negative control, a closed loop timing from its own send, hides the same stall (coordinated
 * omission: it simply stopped sending while the server was stuck).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { StakeApiClient } from '../../rgs/wire/index.ts';
import type { Scenario } from '../scenarios/model.ts';
import { type FakeStake, startFakeStake } from './fake-stake.test-support.ts';
import { newHistogram } from './recorder.ts';
import { runScenario } from './run.ts';
import { checkTarget, isLoopbackAddress } from './target.ts';

const STEADY: Scenario = {
  name: 'steady-test',
  description: '100 visits/s for 4 s, each: session, authenticate, one play',
  arrival: {
    startPerS: 100,
    stages: [{ durationS: 4, targetPerS: 100 }],
    preAllocatedVUs: 10,
    maxVUs: 1_000,
    gracefulStopS: 10,
  },
  journey: {
    playsPerVisit: [1, 1],
    thinkTimeMs: [0, 0],
    modeMix: { base: 1 },
    betLevelsUsed: 1,
    eventProbability: 0,
    balanceProbability: 0,
    disconnectProbability: 0,
    maxAttempts: 1,
    backoffMs: 100,
    requestTimeoutMs: 5_000,
  },
  slo: { latency: { 'session-start': { p95Ms: 300, p99Ms: 600 } }, maxErrorRate: 0.01, minChecksRate: 0.99 },
  maxRequests: 100_000,
};
const STALL_FROM_MS = 1_500;
const STALL_MS = 1_000;

let fake: FakeStake | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

async function runAgainstFake(stall: boolean) {
  fake = await startFakeStake();
  if (stall) fake.stallWindow(STALL_FROM_MS, STALL_MS);
  fake.markStart();
  return await runScenario({
    scenario: STEADY,
    target: fake.baseUrl,
    embedded: false,
    operatorToken: 'test',
    seed: 1,
    runId: 'co',
  });
}

/** The negative control: one user, request after request, timed from its own send. */
async function closedLoop(baseUrl: string, durationMs: number) {
  const client = new StakeApiClient({ baseUrl, maxSockets: 1 });
  const histogram = newHistogram();
  const started = performance.now();
  // Bounded by the duration (and each call by the client's timeout).
  while (performance.now() - started < durationMs) {
    const sentMs = performance.now();
    await client.call('POST', '/wallet/balance', 'read', { sessionID: 'x' });
    histogram.recordValue(Math.max(1, Math.round((performance.now() - sentMs) * 1_000)));
  }
  client.close();
  return { p99Ms: histogram.getValueAtPercentile(99) / 1_000, count: histogram.totalCount };
}

describe('coordinated omission', () => {
  it('latency from the intended start shows a one-second stall; the SLO verdict fails', async () => {
    const { result } = await runAgainstFake(true);
    expect(result.stoppedBy).toBe('completed');
    expect(result.totals.unknown + result.totals.failed).toBe(0);
    const sessionStart = result.endpoints['session-start'];
    // About a quarter of the arrivals fall in the stall, waiting up to its full second.
    expect(sessionStart.count).toBeGreaterThanOrEqual(390);
    expect(sessionStart.p99).toBeGreaterThanOrEqual(800);
    expect(sessionStart.max).toBeGreaterThanOrEqual(900);
    const verdict = result.verdicts.find(
      (v) => v.threshold.endpoint === 'session-start' && v.threshold.stat === 'p99',
    )!;
    expect(verdict.ok).toBe(false);
    expect(result.sloOk).toBe(false);
    // The seconds of the stall carry it in the per-second series too.
    expect(Math.max(...result.perSecond.map((row) => row.acceptedP99Ms ?? 0))).toBeGreaterThanOrEqual(800);
  });

  it('negative control: a closed loop against the same stall hides it in its p99', async () => {
    fake = await startFakeStake();
    fake.stallWindow(STALL_FROM_MS, STALL_MS);
    fake.markStart();
    const closed = await closedLoop(fake.baseUrl, 4_000);
    expect(closed.count).toBeGreaterThan(200);
    expect(closed.p99Ms).toBeLessThan(300);
  });

  it('without the stall the same run passes its SLOs (the stall, not the runner, made the tail)', async () => {
    const { result } = await runAgainstFake(false);
    expect(result.endpoints['session-start'].p99).toBeLessThan(600);
    expect(result.sloOk).toBe(true);
    expect(result.totals.visitsStarted).toBe(400);
  });
});

describe('the loopback guard', () => {
  it('accepts loopback targets and refuses others unless --allow-remote', async () => {
    expect(isLoopbackAddress('127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('127.3.2.1')).toBe(true);
    expect(isLoopbackAddress('::1')).toBe(true);
    expect(isLoopbackAddress('10.0.0.1')).toBe(false);
    expect(isLoopbackAddress('::ffff:10.0.0.1')).toBe(false);
    expect(await checkTarget('http://127.0.0.1:7420', false)).toBe('http://127.0.0.1:7420');
    expect(await checkTarget('http://[::1]:7420/', false)).toBe('http://[::1]:7420');
    await expect(checkTarget('http://10.1.2.3:7420', false)).rejects.toThrow(/not loopback.*--allow-remote/);
    await expect(checkTarget('https://rgs.example.invalid', false)).rejects.toThrow(/--allow-remote/);
    expect(await checkTarget('http://10.1.2.3:7420', true)).toBe('http://10.1.2.3:7420');
    await expect(checkTarget('ftp://127.0.0.1', false)).rejects.toThrow(/http/);
    await expect(checkTarget('http://127.0.0.1:1/api', false)).rejects.toThrow(/no path/);
  });
});
