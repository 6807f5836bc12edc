/**
 * `croupier chaos …` through the real entry point: list, render, report (exit 1 on a broken
 * invariant, an HTML page with the ECharts SVG timeline), and bad input (exit 2, one line). The
 * drills themselves run in chaos/drills-*.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countRequests, DRILL_RESULT_KIND, type DrillResult, timeline } from '../chaos/index.ts';
import type { History } from '../load/index.ts';
import { REPO_ROOT } from '../test/support/paths.ts';

function croupier(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/croupier.js'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const workDir = mkdtempSync(join(tmpdir(), 'croupier-chaos-cli-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function result(ok: boolean): DrillResult {
  const history: History = {
    historyVersion: 1,
    runId: 'cli-test',
    startedAt: '2026-01-01T00:00:00.000Z',
    target: 'http://127.0.0.1:1',
    entries: Array.from({ length: 40 }, (_, i) => ({
      player: `p${i % 4}`,
      sessionID: `s${i % 4}`,
      operation: 'play' as const,
      attempt: 1,
      intendedStartMs: i * 100,
      sentMs: i * 100,
      endMs: i * 100 + (i >= 10 && i < 20 ? 250 : 20),
      outcome: i >= 12 && i < 16 ? ('unknown' as const) : ('ok' as const),
      ...(i >= 12 && i < 16 ? {} : { status: 200 }),
    })),
  };
  return {
    kind: DRILL_RESULT_KIND,
    resultVersion: 1,
    scenario: 'kill-postgres',
    description: 'test',
    engine: 'local',
    startedAt: history.startedAt,
    durationMs: 4_000,
    faults: [{ action: 'kill', target: 'postgres', startMs: 1_000, endMs: 2_000 }],
    requests: countRequests(history),
    timeline: timeline(history, 4_000),
    books: {
      ok,
      invariants: [
        {
          name: 'acknowledged-bet-once',
          ok,
          checked: 36,
          problems: ok ? [] : ['s1|k: acknowledged round r1 is not in the ledger'],
        },
      ],
      acknowledgedBets: 36,
      unknownBets: { total: 4, booked: 1, notBooked: 3 },
      lost: ok ? 0 : 1,
      doubled: 0,
      unrequested: 0,
    },
    recoveryMs: 120,
    expectations: [{ name: 'fail-closed', ok: true, checked: 40, problems: [] }],
    proxies: {},
    ok,
  };
}

describe('croupier chaos', () => {
  it('lists every shipped scenario', () => {
    const run = croupier(['chaos', 'list', '--json']);
    expect(run.status).toBe(0);
    const names = (JSON.parse(run.stdout) as { name: string }[]).map((s) => s.name);
    for (const name of [
      'kill-postgres',
      'lost-commit-ack',
      'kill-rgs-node',
      'revoke-session-websocket',
      'graceful-restart',
    ])
      expect(names).toContain(name);
  });

  it('renders a scenario as Chaos Mesh YAML', () => {
    const run = croupier(['chaos', 'render', 'kill-rgs-node', '--namespace', 'drills']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('kind: PodChaos');
    expect(run.stdout).toContain('namespace: drills');
    expect(run.stdout).toContain('kind: Workflow');
  });

  it('reports a passing drill (exit 0) and a broken one (exit 1), with the timeline as SVG', {
    timeout: 180_000,
  }, () => {
    const good = join(workDir, 'good.json');
    const bad = join(workDir, 'bad.json');
    writeFileSync(good, JSON.stringify(result(true)));
    writeFileSync(bad, JSON.stringify(result(false)));
    const html = join(workDir, 'report.html');
    const svg = join(workDir, 'timeline.svg');
    const passing = croupier(['chaos', 'report', good, '--html', html, '--svg', svg]);
    expect(passing.status).toBe(0);
    expect(passing.stdout).toContain('PASS');
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg/);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<svg');
    expect(page).toContain('kill postgres');
    const failing = croupier(['chaos', 'report', bad]);
    expect(failing.status).toBe(1);
    expect(failing.stdout).toMatch(/FAIL acknowledged-bet-once/);
    expect(failing.stdout).toContain('not in the ledger');
  });

  it('bad input: exit 2 and one line naming the problem', () => {
    const cases: [string[], RegExp][] = [
      [['chaos', 'run', 'no-such-drill'], /unknown scenario "no-such-drill"/],
      [['chaos', 'run', 'kill-postgres', '--duration', 'soon'], /--duration/],
      [['chaos', 'run', 'kill-postgres', '--engine', 'mars'], /--engine/],
      [['chaos', 'run', 'rgs-cpu-stress'], /Kubernetes only/],
      [['chaos', 'render', 'revoke-session-websocket'], /--engine local/],
    ];
    for (const [args, message] of cases) {
      const run = croupier(args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(message);
    }
    const broken = join(workDir, 'broken.json');
    writeFileSync(broken, JSON.stringify({ ...result(true), requests: { total: 'many' } }));
    const run = croupier(['chaos', 'report', broken]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/requests/);
  }, 300_000);
});
