/**
 * §8 of the pack: a supplied load run and chaos drill are read through the parts' parsers and
 * judged (SLOs, books, invariants). Negative controls: a crossed SLO, unbalanced books, a drill
 * whose invariant broke, and a malformed file each fail their check, naming what is wrong.
 */
import { describe, expect, it } from 'vitest';
import { resilienceEvidence } from './resilience.ts';

const invariants = [
  { name: 'every acknowledged bet is booked once', ok: true, checked: 120, problems: [] },
  { name: 'no debit nobody asked for', ok: true, checked: 120, problems: [] },
];

function loadEvidence(overrides: Record<string, unknown> = {}) {
  return {
    kind: 'croupier-load-evidence',
    format: 'croupier-load-evidence/1',
    scenario: 'friday-night',
    startedAt: '2026-12-06T17:00:00.000Z',
    target: 'http://127.0.0.1:7420',
    embedded: true,
    gameID: 'studio-sevens',
    seed: 11,
    scale: 0.2,
    stoppedBy: 'schedule',
    sloOk: true,
    booksOk: true,
    booksNote: null,
    burst: null,
    totals: { requests: 900, ok: 880, shed: 20, failed: 0, unknown: 0 },
    verdicts: [
      {
        metric: 'http_req_duration{endpoint:play,expected_response:true}',
        expression: 'p(99)<500',
        actual: 212,
        ok: true,
      },
    ],
    books: { lost: 0, doubled: 0, unrequested: 0, acknowledgedBets: 120, unknownBets: {}, invariants },
    ...overrides,
  };
}

function drill(overrides: Record<string, unknown> = {}) {
  return {
    kind: 'croupier-chaos-drill',
    resultVersion: 1,
    scenario: 'kill-postgres',
    description: 'PostgreSQL is killed with SIGKILL mid-load and restarted',
    engine: 'local',
    startedAt: '2026-12-06T17:05:00.000Z',
    durationMs: 20_000,
    faults: [{ action: 'kill', target: 'postgres', startMs: 5_000, endMs: 9_000 }],
    requests: {
      total: 400,
      ok: 350,
      failed: 30,
      unknown: 20,
      serverErrors: 0,
      transportErrors: 5,
      byStatus: {},
    },
    timeline: [],
    books: {
      ok: true,
      invariants,
      acknowledgedBets: 120,
      unknownBets: { total: 4, booked: 2, notBooked: 2 },
      lost: 0,
      doubled: 0,
      unrequested: 0,
    },
    recoveryMs: 3_400,
    expectations: [{ name: 'fails closed during the fault', ok: true, checked: 30, problems: [] }],
    proxies: {},
    ok: true,
    ...overrides,
  };
}

const files = { loadFile: 'fn.evidence.json', chaosFile: 'drill.json' };

describe('§8 resilience evidence', () => {
  it('a load run that held its SLOs with balanced books, and a passed drill, pass', async () => {
    const r = await resilienceEvidence({ ...files, load: loadEvidence(), chaos: drill() });
    expect(r.checks.map((c) => [c.id, c.result])).toEqual([
      ['resilience/load-slo', 'pass'],
      ['resilience/load-books', 'pass'],
      ['resilience/chaos', 'pass'],
    ]);
    expect(r.checks[1]!.detail).toContain('120 acknowledged bets: 0 lost, 0 charged twice, 0 unrequested');
    expect(r.checks[2]!.detail).toContain('3 of 3 invariants held; faults: kill postgres');
    expect(r.checks[2]!.detail).toContain('recovered in 3.4 s');
    expect(r.chaos?.description).toContain('SIGKILL');
  });

  it('negative controls: a crossed SLO, a lost bet and a broken invariant each fail', async () => {
    const broken = { ...invariants[0]!, ok: false, problems: ['bet b1 not in the ledger'] };
    const r = await resilienceEvidence({
      ...files,
      load: loadEvidence({
        sloOk: false,
        booksOk: false,
        books: { lost: 1, doubled: 0, unrequested: 0, acknowledgedBets: 120, invariants: [broken] },
      }),
      chaos: drill({ ok: false, expectations: [{ ...broken, name: 'fails closed during the fault' }] }),
    });
    expect(r.checks.map((c) => c.result)).toEqual(['fail', 'fail', 'fail']);
    expect(r.checks[1]!.detail).toContain('1 lost');
  });

  it('books not checked (no ledger access) is not applicable, saying why', async () => {
    const r = await resilienceEvidence({
      ...files,
      load: loadEvidence({ booksOk: null, booksNote: "no access to the target's ledger", books: null }),
      chaos: null,
    });
    expect(r.checks[1]).toMatchObject({ result: 'not-applicable' });
    expect(r.checks[1]!.detail).toContain("no access to the target's ledger");
  });

  it('a malformed file is a failed check naming the file and the field', async () => {
    const r = await resilienceEvidence({
      ...files,
      load: loadEvidence({ sloOk: 'yes' }),
      chaos: drill({ faults: 'none' }),
    });
    expect(r.checks.map((c) => c.result)).toEqual(['fail', 'fail']);
    expect(r.checks[0]!.detail).toMatch(/fn\.evidence\.json: sloOk/);
    expect(r.checks[1]!.detail).toMatch(/drill\.json: faults/);
  });

  it('the load result itself (croupier load run --out) is read through load’s own parser', async () => {
    const r = await resilienceEvidence({ ...files, load: { kind: 'croupier-load-result' }, chaos: null });
    expect(r.checks[0]).toMatchObject({ result: 'fail' });
    expect(r.checks[0]!.detail).toMatch(/fn\.evidence\.json: resultVersion undefined is not/);
  });
});
