/**
 * The k6 scripts without a k6 binary: each one bundles (as `npm run build:k6` does, imports of k6
 * modules only), and, bundled against stubs of the k6 modules, exports the options the scenario
 * data defines and drives a player's visit through the documented k6 API in the right order.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { generatePlayers } from '../journey/data-generator.ts';
import { PLAYERS } from '../k6/data/players.ts';
import { resolveScenario, SCENARIOS, toK6Options } from '../scenarios/index.ts';
import { bundleK6Script, K6_SCRIPTS, type K6ScriptName } from './build.ts';
import { type StubRequest, type StubResponse, stubRegistry } from './stubs/registry.ts';

const STUBS = {
  k6: resolve(import.meta.dirname, 'stubs/k6.ts'),
  'k6/http': resolve(import.meta.dirname, 'stubs/k6-http.ts'),
  'k6/metrics': resolve(import.meta.dirname, 'stubs/k6-metrics.ts'),
  'k6/execution': resolve(import.meta.dirname, 'stubs/k6-execution.ts'),
};
const scratch = mkdtempSync(join(tmpdir(), 'croupier-k6-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface LoadedScript {
  options: unknown;
  setup: () => { runId: string; operatorToken: string; baseUrl: string; seed: number };
  visit: (data: ReturnType<LoadedScript['setup']>) => Promise<void>;
  handleSummary: (data: unknown) => Record<string, string>;
}

let loads = 0;
async function loadStubbed(name: K6ScriptName, env: Record<string, string>): Promise<LoadedScript> {
  (globalThis as Record<string, unknown>).__ENV = env;
  const file = join(scratch, `${name}-${loads++}.mjs`);
  writeFileSync(file, await bundleK6Script(name, { stubs: STUBS }));
  return (await import(pathToFileURL(file).href)) as LoadedScript;
}

/** A tiny in-memory Stake RGS: wins stay active until end-round, losses close at once. */
function fakeRgs(faults: { shedFirstPlay?: boolean; loseFirstPlayReply?: boolean } = {}) {
  let balance = 0;
  let round: { betID: string; active: boolean; payout: number } | null = null;
  let plays = 0;
  const reply = (status: number, body: unknown, headers: Record<string, string> = {}): StubResponse => ({
    status,
    body: JSON.stringify(body),
    headers,
  });
  return (request: StubRequest): StubResponse => {
    const path = new URL(request.url).pathname;
    const body = request.body ? (JSON.parse(request.body) as Record<string, unknown>) : {};
    switch (path) {
      case '/health':
        return reply(200, { status: 'ok' });
      case '/session/start':
        balance = body.balance as number;
        return reply(200, { sessionID: 'session-1', playerID: 'player-1' });
      case '/wallet/authenticate':
        return reply(200, {
          balance: { amount: balance, currency: 'USD' },
          config: {
            betLevels: [1_000_000, 100_000, 200_000, 500_000],
            betModes: { base: { costMultiplier: 1 } },
            jurisdiction: { minimumRoundDuration: 0 },
          },
          round,
        });
      case '/wallet/play': {
        if (faults.shedFirstPlay && plays === 0) {
          faults.shedFirstPlay = false;
          return reply(
            503,
            { error: 'ERR_MAINTENANCE' },
            { 'Retry-After': '1', 'Croupier-Outcome': 'not-applied' },
          );
        }
        plays += 1;
        const amount = body.amount as number;
        const win = plays % 2 === 1;
        balance -= amount;
        round = { betID: `bet-${plays}`, active: win, payout: win ? 2 * amount : 0 };
        const answer = reply(200, { balance: { amount: balance }, round });
        if (faults.loseFirstPlayReply && plays === 1) return { status: 0, body: '', headers: {} };
        return answer;
      }
      case '/wallet/end-round':
        if (round?.active) balance += round.payout;
        if (round) round = { ...round, active: false };
        return reply(200, { balance: { amount: balance } });
      case '/bet/event':
        return reply(200, { event: body.event });
      case '/wallet/balance':
        return reply(200, { balance: { amount: balance } });
      default:
        return reply(404, { error: 'ERR_NOT_FOUND' });
    }
  };
}

const endpoints = () => stubRegistry().requests.map((r) => r.params.tags?.endpoint);

beforeEach(() => {
  const registry = stubRegistry();
  registry.requests = [];
  registry.sleeps = [];
  registry.checks = [];
  registry.metrics = [];
  registry.iterationInTest = 3;
});

describe('k6 scripts', () => {
  for (const name of K6_SCRIPTS) {
    it(`${name}: bundles to ES2017 that imports only k6 modules`, async () => {
      const code = await bundleK6Script(name);
      const imports = [...code.matchAll(/^import\s.*?from\s+["']([^"']+)["']/gm)].map((m) => m[1]);
      expect(imports.length).toBeGreaterThan(0);
      expect(imports.every((specifier) => /^k6(\/|$)/.test(specifier!))).toBe(true);
      expect(code).toMatch(/export\s*\{[^}]*\boptions\b/);
      expect(code).not.toMatch(/@faker-js/);
    });

    it(`${name}: options are the scenario's, with SCALE and DURATION applied`, async () => {
      const script = await loadStubbed(name, { SCALE: '0.5', DURATION: '40' });
      const expected = toK6Options(resolveScenario(SCENARIOS[name]!, { scale: 0.5, durationS: 40 }));
      expect(script.options).toEqual(JSON.parse(JSON.stringify(expected)));
    });
  }

  it('a visit runs the journey in order: session, authenticate, plays, end-round on wins', async () => {
    const script = await loadStubbed('friday-night', { OPERATOR_TOKEN: 'token-1', SEED: '7' });
    stubRegistry().server = fakeRgs();
    const data = script.setup();
    expect(data.operatorToken).toBe('token-1');
    await script.visit(data);
    const seen = endpoints();
    expect(seen.slice(0, 3)).toEqual(['health', 'session-start', 'authenticate']);
    const start = stubRegistry().requests[1]!;
    expect(start.params.headers?.Authorization).toBe('Bearer token-1');
    // The third player of the fixed-seed data set (iterationInTest 3).
    expect(JSON.parse(start.body!)).toMatchObject({ currency: PLAYERS[3]!.currency });
    const plays = stubRegistry().requests.filter((r) => r.params.tags?.endpoint === 'play');
    expect(plays.length).toBeGreaterThanOrEqual(3);
    for (const play of plays) {
      expect(play.params.headers?.['Idempotency-Key']).toMatch(/^k6-[a-z0-9]+-3-p\d+$/);
      // Bets come from the lowest three bet levels, whatever order the server lists them in.
      expect([100_000, 200_000, 500_000]).toContain(JSON.parse(play.body!).amount);
    }
    // Every winning play (odd ones in the fake) is followed by an end-round before the next play.
    const order = seen.filter((e) => e === 'play' || e === 'end-round');
    for (let i = 0; i < order.length; i += 1) if (order[i] === 'end-round') expect(order[i - 1]).toBe('play');
    expect(stubRegistry().checks.every((c) => c.ok)).toBe(true);
    expect(stubRegistry().sleeps.length).toBeGreaterThan(0);
  });

  it('a shed play is resent after Retry-After with jitter, under the same Idempotency-Key', async () => {
    const script = await loadStubbed('baseline', { OPERATOR_TOKEN: 't' });
    stubRegistry().server = fakeRgs({ shedFirstPlay: true });
    await script.visit(script.setup());
    const plays = stubRegistry().requests.filter((r) => r.params.tags?.endpoint === 'play');
    expect(plays[0]!.params.headers?.['Idempotency-Key']).toBe(plays[1]!.params.headers?.['Idempotency-Key']);
    // Retry-After: 1 s, jittered into [0.5, 1.5) s.
    expect(stubRegistry().sleeps.some((s) => s >= 0.5 && s < 1.5)).toBe(true);
    const shed = stubRegistry().metrics.filter((m) => m.name === 'shed' && m.value === true);
    expect(shed).toHaveLength(1);
    expect(
      stubRegistry().metrics.filter((m) => m.name === 'journey_errors' && m.value === true),
    ).toHaveLength(0);
  });

  it('after a play with no reply, the player re-authenticates and never resends that play', async () => {
    const script = await loadStubbed('baseline', { OPERATOR_TOKEN: 't' });
    stubRegistry().server = fakeRgs({ loseFirstPlayReply: true });
    await script.visit(script.setup());
    const seen = endpoints();
    const firstPlay = seen.indexOf('play');
    expect(seen[firstPlay + 1]).toBe('authenticate');
    const keys = stubRegistry()
      .requests.filter((r) => r.params.tags?.endpoint === 'play')
      .map((r) => r.params.headers?.['Idempotency-Key']);
    expect(new Set(keys).size).toBe(keys.length);
    // The booked round was active (a win): the player ends it after reading it back.
    expect(seen[firstPlay + 2]).toBe('end-round');
  });

  it('handleSummary writes the summary as JSON', async () => {
    const script = await loadStubbed('soak', { SUMMARY_FILE: 'out.json' });
    const files = script.handleSummary({ metrics: { checks: { values: { rate: 1 } } } });
    expect(JSON.parse(files['out.json']!)).toEqual({ metrics: { checks: { values: { rate: 1 } } } });
  });

  it('the bundled player data is the fixed-seed faker output', () => {
    expect(PLAYERS).toEqual(generatePlayers());
  });
});
