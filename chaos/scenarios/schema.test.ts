/**
 * Scenarios are data: every shipped file validates, and a bad one is refused with an error that
 * names the file and the field (negative controls for each rule of the schema).
 */
import { describe, expect, it } from 'vitest';
import { findScenario, loadScenarios, parseScenario, ScenarioError } from './schema.ts';

const base = findScenario('kill-postgres');
const variant = (patch: (s: Record<string, unknown>) => void): string => {
  const copy = structuredClone(base) as unknown as Record<string, unknown>;
  patch(copy);
  return JSON.stringify(copy);
};

describe('scenario files', () => {
  it('ship every drill the issue names, each valid', () => {
    const names = loadScenarios().map((s) => s.name);
    for (const name of [
      'kill-postgres',
      'pause-postgres',
      'kill-redis',
      'pause-redis',
      'kill-rgs-node',
      'lost-commit-ack',
      'db-latency',
      'reset-storm',
      'revoke-session-websocket',
      'graceful-restart',
      'partition-rgs-node',
    ])
      expect(names).toContain(name);
  });

  it.each([
    ['not JSON', () => '{', /not JSON/],
    ['an unknown field', () => variant((s) => (s.extra = 1)), /Unrecognized key/],
    [
      'a fault past the load',
      () => variant((s) => ((s.faults as { startMs: number }[])[0]!.startMs = 7_000)),
      /faults\.0: the fault must end before the load does/,
    ],
    [
      'rgs-b with one node',
      () => variant((s) => ((s.faults as { target: string }[])[0]!.target = 'rgs-b')),
      /faults\.0\.target: rgs-b needs topology.rgsNodes 2/,
    ],
    [
      'a link fault without a proxy',
      () =>
        variant(
          (s) =>
            (s.faults = [
              { action: 'link', target: 'postgres-link', startMs: 0, durationMs: 1000, link: {} },
            ]),
        ),
      /postgresLink "proxy"/,
    ],
    [
      'a link fault without settings',
      () =>
        variant(
          (s) => (s.faults = [{ action: 'link', target: 'postgres-link', startMs: 0, durationMs: 1000 }]),
        ),
      /needs its "link" settings/,
    ],
    [
      'a negative latency',
      () =>
        variant(
          (s) =>
            (s.faults = [
              {
                action: 'link',
                target: 'postgres-link',
                startMs: 0,
                durationMs: 1000,
                link: { latencyMs: -5 },
              },
            ]),
        ),
      /latencyMs/,
    ],
    [
      'stress on the local engine',
      () =>
        variant(
          (s) =>
            (s.faults = [
              {
                action: 'stress',
                target: 'rgs-a',
                startMs: 0,
                durationMs: 1000,
                stress: { cpuWorkers: 1, cpuLoadPercent: 50 },
              },
            ]),
        ),
      /Kubernetes only/,
    ],
    [
      'a partition of postgres',
      () =>
        variant(
          (s) => (s.faults = [{ action: 'partition', target: 'postgres', startMs: 0, durationMs: 1000 }]),
        ),
      /partition cuts rgs-b/,
    ],
  ])('refuses %s, naming the field', (_what, text, message) => {
    expect(() => parseScenario('x.json', text())).toThrow(ScenarioError);
    expect(() => parseScenario('x.json', text())).toThrow(message);
  });

  it('refuses a file whose name differs from the scenario name', () => {
    expect(() => parseScenario('other.json', JSON.stringify(base))).toThrow(/does not match the file name/);
  });
});
