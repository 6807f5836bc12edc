/**
 * What every scenario script exports, built from the scenario's data: `options` (k6's
 * ramping-arrival-rate executor and the SLO thresholds), `setup` (checks the target answers and
 * passes the run id and operator token on), `visit` (one player's visit per iteration) and
 * `handleSummary` (the end-of-test summary as JSON).
 *
 * Environment (k6 `-e NAME=value` or the process environment): BASE_URL (default
 * http://127.0.0.1:7420), OPERATOR_TOKEN (required: `croupier rgs token`), SCALE, DURATION
 * (seconds), SEED, GAME_ID (the game every visit opens; default the server's), SUMMARY_FILE.
 */

import exec from 'k6/execution';
import http from 'k6/http';
import { runVisit } from '../../journey/journey.ts';
import { seededRandom } from '../../journey/random.ts';
import { type K6Options, toK6Options } from '../../scenarios/k6-options.ts';
import { resolveScenario, type Scenario } from '../../scenarios/model.ts';
import { PLAYERS } from '../data/players.ts';
import { k6Port } from './port.ts';

export interface SetupData {
  readonly runId: string;
  readonly operatorToken: string;
  readonly baseUrl: string;
  readonly seed: number;
  readonly gameID?: string;
}

const DEFAULT_BASE_URL = 'http://127.0.0.1:7420';
const DEFAULT_SEED = 42;

function numberFromEnv(name: string): number | undefined {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got ${raw}`);
  return value;
}

export function k6Options(scenario: Scenario): K6Options {
  return toK6Options(
    resolveScenario(scenario, { scale: numberFromEnv('SCALE'), durationS: numberFromEnv('DURATION') }),
  );
}

export function makeSetup(): () => SetupData {
  return () => {
    const baseUrl = (__ENV.BASE_URL || DEFAULT_BASE_URL).replace(/\/+$/, '');
    const operatorToken = __ENV.OPERATOR_TOKEN;
    if (!operatorToken) throw new Error('OPERATOR_TOKEN is required (croupier rgs token)');
    const health = http.get(`${baseUrl}/health`, { tags: { endpoint: 'health' } });
    if (health.status !== 200) throw new Error(`${baseUrl}/health answered ${health.status}`);
    return {
      runId: __ENV.RUN_ID || `k6-${Date.now().toString(36)}`,
      operatorToken,
      baseUrl,
      seed: numberFromEnv('SEED') ?? DEFAULT_SEED,
      ...(__ENV.GAME_ID ? { gameID: __ENV.GAME_ID } : {}),
    };
  };
}

export function makeVisit(scenario: Scenario): (data: SetupData) => Promise<void> {
  return async (data: SetupData) => {
    const iteration = exec.scenario.iterationInTest;
    const random = seededRandom(data.seed, iteration);
    const port = k6Port(data.baseUrl, scenario.journey.requestTimeoutMs, random);
    await runVisit(port, {
      visitId: `${data.runId}-${iteration}`,
      player: PLAYERS[iteration % PLAYERS.length]!,
      operatorToken: data.operatorToken,
      journey: scenario.journey,
      ...(data.gameID !== undefined ? { gameID: data.gameID } : {}),
    });
  };
}

export function makeHandleSummary(name: string): (data: unknown) => Record<string, string> {
  return (data: unknown) => {
    const file = __ENV.SUMMARY_FILE || `${name}-summary.json`;
    return {
      [file]: JSON.stringify(data, null, 2),
      stdout: `croupier ${name}: summary written to ${file}\n`,
    };
  };
}
