/**
 * §8 Resilience: the load run and the chaos drill a submitter supplies (`certify --load FILE
 * --chaos FILE`), read through the parts' own parsers (load's `parseLoadResult`/`loadEvidence`,
 * chaos's `parseDrillResult`/`drillEvidence`), judged, and kept in the pack as the figures a lab
 * reads: SLO verdicts, the books check (no money lost or charged twice), faults and invariants.
 *
 * The parts are imported only when a file is given: they pull in the runner, the k8s client and
 * more, which a certify run without them does not need.
 */
import { z } from 'zod';
import type { Check } from './model.ts';

export const LOAD_FILE_KINDS = ['croupier-load-result', 'croupier-load-evidence'] as const;
export const CHAOS_FILE_KINDS = ['croupier-chaos-drill'] as const;
const CHAOS_EVIDENCE_KIND = 'croupier-chaos-evidence';

const Invariant = z.object({ name: z.string(), ok: z.boolean() }).passthrough();

/** What §8 shows of a load run: the fields of load's evidence (load/report/render.ts loadEvidence). */
export const LoadEvidenceView = z
  .object({
    kind: z.literal('croupier-load-evidence'),
    scenario: z.string(),
    startedAt: z.string(),
    target: z.string(),
    embedded: z.boolean(),
    gameID: z.string().nullable().optional(),
    seed: z.number(),
    scale: z.number(),
    stoppedBy: z.string(),
    sloOk: z.boolean(),
    booksOk: z.boolean().nullable(),
    booksNote: z.string().nullable(),
    totals: z
      .object({
        requests: z.number(),
        ok: z.number(),
        shed: z.number(),
        failed: z.number(),
        unknown: z.number(),
      })
      .passthrough(),
    verdicts: z.array(
      z.object({
        metric: z.string(),
        expression: z.string(),
        actual: z.number().nullable(),
        ok: z.boolean(),
      }),
    ),
    books: z
      .object({
        lost: z.number(),
        doubled: z.number(),
        unrequested: z.number(),
        acknowledgedBets: z.number(),
        invariants: z.array(Invariant),
      })
      .passthrough()
      .nullable(),
  })
  .passthrough();
export type LoadEvidenceView = z.infer<typeof LoadEvidenceView>;

/** What §8 shows of a chaos drill: chaos's drillEvidence, with the scenario's description. */
export const ChaosEvidenceView = z
  .object({
    kind: z.literal(CHAOS_EVIDENCE_KIND),
    scenario: z.string(),
    description: z.string(),
    engine: z.string(),
    startedAt: z.string(),
    ok: z.boolean(),
    requests: z.number(),
    faults: z.array(z.string()),
    acknowledgedBets: z.number().nullable(),
    lost: z.number().nullable(),
    doubled: z.number().nullable(),
    unrequested: z.number().nullable(),
    recoverySeconds: z.number().nullable(),
    verdicts: z.array(Invariant),
  })
  .passthrough();
export type ChaosEvidenceView = z.infer<typeof ChaosEvidenceView>;

export interface ResilienceEvidence {
  readonly load: LoadEvidenceView | null;
  readonly chaos: ChaosEvidenceView | null;
  readonly checks: readonly Check[];
}

function firstIssue(file: string, error: unknown): string {
  if (error instanceof z.ZodError) {
    const issue = error.issues[0]!;
    return `${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.startsWith(file) ? message : `${file}: ${message}`;
}

async function toLoadEvidence(raw: Record<string, unknown>, file: string): Promise<LoadEvidenceView> {
  if (raw.kind === 'croupier-load-evidence') return LoadEvidenceView.parse(raw);
  const { loadEvidence, parseLoadResult } = await import('../load/index.ts');
  return LoadEvidenceView.parse(loadEvidence(parseLoadResult(raw, file)));
}

async function toChaosEvidence(raw: Record<string, unknown>, file: string): Promise<ChaosEvidenceView> {
  const { drillEvidence, parseDrillResult } = await import('../chaos/index.ts');
  const drill = parseDrillResult(file, JSON.stringify(raw));
  return ChaosEvidenceView.parse({
    kind: CHAOS_EVIDENCE_KIND,
    description: drill.description,
    ...drillEvidence(drill),
  });
}

export function loadChecks(e: LoadEvidenceView): Check[] {
  const held = e.verdicts.filter((v) => v.ok).length;
  const t = e.totals;
  const books = e.books;
  return [
    {
      id: 'resilience/load-slo',
      section: '8',
      title: `load run ${e.scenario}: service-level objectives`,
      result: e.sloOk ? 'pass' : 'fail',
      detail: `${held} of ${e.verdicts.length} thresholds held; ${t.requests} requests (${t.ok} ok, ${t.shed} shed, ${t.failed} failed, ${t.unknown} unknown); stopped by ${e.stoppedBy}`,
    },
    {
      id: 'resilience/load-books',
      section: '8',
      title: `load run ${e.scenario}: no money lost or charged twice`,
      result: e.booksOk === null ? 'not-applicable' : e.booksOk ? 'pass' : 'fail',
      detail:
        books === null || e.booksOk === null
          ? `books not checked: ${e.booksNote ?? 'no ledger access'}`
          : `${books.acknowledgedBets} acknowledged bets: ${books.lost} lost, ${books.doubled} charged twice, ${books.unrequested} unrequested; ${books.invariants.filter((i) => i.ok).length} of ${books.invariants.length} invariants held`,
    },
  ];
}

export function chaosChecks(e: ChaosEvidenceView): Check[] {
  const held = e.verdicts.filter((v) => v.ok).length;
  const money =
    e.acknowledgedBets === null
      ? 'books not checked'
      : `${e.acknowledgedBets} acknowledged bets: ${e.lost} lost, ${e.doubled} charged twice, ${e.unrequested} unrequested`;
  const recovery =
    e.recoverySeconds === null ? 'no recovery measured' : `recovered in ${e.recoverySeconds} s`;
  return [
    {
      id: 'resilience/chaos',
      section: '8',
      title: `chaos drill ${e.scenario} (${e.engine}): invariants under faults`,
      result: e.ok ? 'pass' : 'fail',
      detail: `${held} of ${e.verdicts.length} invariants held; faults: ${e.faults.join(', ') || 'none'}; ${money}; ${recovery}`,
    },
  ];
}

/** Reads, judges and keeps the supplied files; a file that does not parse is a failed check naming its field. */
export async function resilienceEvidence(input: {
  readonly load: Record<string, unknown> | null;
  readonly loadFile: string | null;
  readonly chaos: Record<string, unknown> | null;
  readonly chaosFile: string | null;
}): Promise<ResilienceEvidence> {
  const checks: Check[] = [];
  let load: LoadEvidenceView | null = null;
  let chaos: ChaosEvidenceView | null = null;
  if (input.load !== null) {
    const file = input.loadFile ?? '--load';
    try {
      load = await toLoadEvidence(input.load, file);
      checks.push(...loadChecks(load));
    } catch (error) {
      checks.push(unreadable('resilience/load-slo', 'load result', firstIssue(file, error)));
    }
  }
  if (input.chaos !== null) {
    const file = input.chaosFile ?? '--chaos';
    try {
      chaos = await toChaosEvidence(input.chaos, file);
      checks.push(...chaosChecks(chaos));
    } catch (error) {
      checks.push(unreadable('resilience/chaos', 'chaos drill result', firstIssue(file, error)));
    }
  }
  return { load, chaos, checks };
}

function unreadable(id: string, what: string, detail: string): Check {
  return { id, section: '8', title: `${what} supplied`, result: 'fail', detail: `unreadable: ${detail}` };
}
