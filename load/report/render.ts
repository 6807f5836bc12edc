/**
 * `croupier load report`: the HTML report of a load run (summary, SLO verdicts, books, plots) and
 * the compact evidence JSON that `croupier certify --load FILE` takes into the evidence pack.
 */

import { LOAD_RESULT_VERSION, type LoadResult } from '../runner/result.ts';
import { ENDPOINTS } from '../scenarios/model.ts';
import { errorChart, latencyChart, rateChart, rgsMetricsChart } from './charts.ts';

export class LoadResultError extends Error {}

/** Checks what a report needs of a result file; a clear error names the first missing field. */
export function parseLoadResult(json: unknown, file: string): LoadResult {
  const value = json as Partial<LoadResult> | null;
  if (value === null || typeof value !== 'object' || value.kind !== 'croupier-load-result')
    throw new LoadResultError(`${file}: not a croupier load result (kind must be croupier-load-result)`);
  if (value.resultVersion !== LOAD_RESULT_VERSION)
    throw new LoadResultError(
      `${file}: resultVersion ${String(value.resultVersion)} is not ${LOAD_RESULT_VERSION}`,
    );
  for (const field of ['perSecond', 'verdicts', 'endpoints', 'totals', 'burst', 'metrics'] as const)
    if (value[field] === undefined || value[field] === null)
      throw new LoadResultError(`${file}: field ${field} is missing`);
  return value as LoadResult;
}

/** What the evidence pack records of a load run: the verdicts and figures, not the raw series. */
export function loadEvidence(result: LoadResult) {
  const books = result.books;
  return {
    kind: 'croupier-load-evidence',
    format: 'croupier-load-evidence/1',
    scenario: result.scenario,
    startedAt: result.startedAt,
    target: result.target,
    embedded: result.embedded,
    gameID: result.gameID ?? null,
    seed: result.seed,
    scale: result.scale,
    stoppedBy: result.stoppedBy,
    sloOk: result.sloOk,
    booksOk: books === null ? null : books.available ? books.ok : null,
    booksNote: books === null ? 'not checked' : books.available ? null : books.reason,
    burst: result.burst,
    totals: result.totals,
    verdicts: result.verdicts.map((v) => ({
      metric: v.k6.metric,
      expression: v.k6.expression,
      actual: v.actual,
      ok: v.ok,
    })),
    books: books?.available
      ? {
          lost: books.lost,
          doubled: books.doubled,
          unrequested: books.unrequested,
          acknowledgedBets: books.acknowledgedBets,
          unknownBets: books.unknownBets,
          invariants: books.invariants.map((i) => ({ name: i.name, ok: i.ok, checked: i.checked })),
        }
      : null,
  };
}

const esc = (text: unknown) =>
  String(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function verdictRows(result: LoadResult): string {
  return result.verdicts
    .map((v) => {
      const actual =
        v.actual === null
          ? 'no samples'
          : v.threshold.metric === 'latency'
            ? `${v.actual} ms`
            : v.actual.toFixed(4);
      return `<tr class="${v.ok ? 'pass' : 'fail'}"><td>${v.ok ? 'PASS' : 'FAIL'}</td><td><code>${esc(v.k6.metric)}</code></td><td><code>${esc(v.k6.expression)}</code></td><td>${esc(actual)}</td></tr>`;
    })
    .join('\n');
}

function endpointRows(result: LoadResult): string {
  const cell = (value: number | null) => (value === null ? '-' : String(value));
  return ENDPOINTS.map((endpoint) => {
    const e = result.endpoints[endpoint];
    return `<tr><td>${endpoint}</td><td>${e.sent}</td><td>${e.ok}</td><td>${e.shed}</td><td>${e.failed}</td><td>${e.unknown}</td><td>${cell(e.p50)}</td><td>${cell(e.p95)}</td><td>${cell(e.p99)}</td><td>${cell(e.max)}</td></tr>`;
  }).join('\n');
}

function booksSection(result: LoadResult): string {
  const books = result.books;
  if (books === null) return '<p>The books were not checked.</p>';
  if (!books.available) return `<p>The books were not checked against the history: ${esc(books.reason)}.</p>`;
  const rows = books.invariants
    .map(
      (i) =>
        `<tr class="${i.ok ? 'pass' : 'fail'}"><td>${i.ok ? 'PASS' : 'FAIL'}</td><td>${esc(i.name)}</td><td>${i.checked}</td><td>${esc(i.problems.slice(0, 5).join('; '))}</td></tr>`,
    )
    .join('\n');
  return `<p class="${books.ok ? 'pass' : 'fail'}"><b>${books.ok ? 'Balanced' : 'NOT balanced'}</b>: ${books.acknowledgedBets} acknowledged bets; lost ${books.lost}, doubled ${books.doubled}, debits nobody asked for ${books.unrequested}; unknown outcomes ${books.unknownBets.total} (${books.unknownBets.booked} booked once, ${books.unknownBets.notBooked} not booked).</p>
<table><tr><th></th><th>invariant</th><th>checked</th><th>problems</th></tr>${rows}</table>`;
}

export function renderLoadReport(result: LoadResult): string {
  const playSlo = result.verdicts.find(
    (v) => v.threshold.metric === 'latency' && v.threshold.endpoint === 'play' && v.threshold.stat === 'p99',
  );
  const rgsChart = rgsMetricsChart(result);
  const t = result.totals;
  const b = result.burst;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Croupier load report: ${esc(result.scenario)}</title>
<style>body{font-family:DejaVu Sans,Arial,sans-serif;max-width:980px;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left}
.pass td:first-child,.pass b{color:#1a7f37}.fail td:first-child,.fail b{color:#c62828}figure{margin:1em 0}</style></head>
<body>
<h1>Load run: ${esc(result.scenario)}</h1>
<p>Target ${esc(result.target)}${result.embedded ? ' (embedded RGS)' : ''}; game ${esc(result.gameID ?? "the server's default")}; started ${esc(result.startedAt)}; ${esc(result.stoppedBy)} after ${(result.durationMs / 1000).toFixed(1)} s; scale ${result.scale}; seed ${result.seed}.
Latency is measured from each request's intended start (coordinated-omission corrected) and covers accepted replies; shed replies (429/503 with Retry-After) are counted apart.</p>
<h2>Summary</h2>
<table>
<tr><th>requests</th><td>${t.requests}: ${t.ok} ok, ${t.shed} shed, ${t.failed} failed, ${t.unknown} unknown</td></tr>
<tr><th>visits</th><td>${t.visitsOffered} offered, ${t.visitsStarted} started, ${t.visitsDropped} dropped at the cap, ${t.visitsCut} cut at the end</td></tr>
<tr><th>checks</th><td>${t.checksPassed} passed, ${t.checksFailed} failed</td></tr>
<tr><th>at the peak (${b.peakPlannedVisitsPerS} visits/s planned)</th><td>${b.sustainedRoundsPerS} rounds/s sustained, ${b.acceptedRequestsPerS} requests/s accepted, ${(b.peakShedRate * 100).toFixed(1)}% shed</td></tr>
<tr><th>whole run</th><td>${(b.shedRate * 100).toFixed(1)}% shed; accepted play p99 ${b.acceptedPlayP99Ms ?? '-'} ms</td></tr>
<tr><th>recovery</th><td>${b.recoverySAfterPeak === null ? 'not within the run' : `${b.recoverySAfterPeak} s after the peak ended`}</td></tr>
</table>
<h2>SLO verdicts: ${result.sloOk ? 'all held' : 'a threshold was crossed'}</h2>
<table><tr><th></th><th>metric (k6 name)</th><th>threshold</th><th>actual</th></tr>
${verdictRows(result)}</table>
<h2>Books</h2>
${booksSection(result)}
<h2>Plots</h2>
<figure>${latencyChart(result, playSlo?.threshold.value ?? null)}</figure>
<figure>${rateChart(result)}</figure>
<figure>${errorChart(result)}</figure>
${rgsChart === null ? '<p>The target exposed no /metrics.</p>' : `<figure>${rgsChart}</figure>`}
<h2>Endpoints (accepted latency, ms)</h2>
<table><tr><th>endpoint</th><th>sent</th><th>ok</th><th>shed</th><th>failed</th><th>unknown</th><th>p50</th><th>p95</th><th>p99</th><th>max</th></tr>
${endpointRows(result)}</table>
</body></html>
`;
}
