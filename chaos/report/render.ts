/**
 * The drill report: a timeline (replies per second by outcome, latency p50/p99) with each fault as
 * a shaded band, drawn server-side as SVG by Apache ECharts (`renderToSVGString`, `ssr: true`: the
 * charting library of the evidence pack), and the per-invariant verdicts, as one self-contained
 * HTML page and as plain text for the terminal.
 */
import { renderChartSvg } from '../../charts/index.ts';
import type { InvariantVerdict } from '../../load/index.ts';
import type { DrillResult } from '../result.ts';

const WIDTH_PX = 960;
const HEIGHT_PX = 420;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The timeline chart as an SVG string (no DOM, no browser). */
export function renderTimelineSvg(result: DrillResult): string {
  const bucketS =
    result.timeline.length > 1 ? (result.timeline[1]!.startMs - result.timeline[0]!.startMs) / 1000 : 0.5;
  const x = result.timeline.map((b) => Number((b.startMs / 1000).toFixed(1)));
  const perSecond = (n: number) => Math.round((n / bucketS) * 10) / 10;
  const bands = result.faults.map((f): [{ name: string; xAxis: string }, { xAxis: string }] => [
    {
      name: `${f.action} ${f.target}`,
      xAxis: String(Number((Math.floor(f.startMs / (bucketS * 1000)) * bucketS).toFixed(1))),
    },
    {
      xAxis: String(
        Number((Math.min(x.length - 1, Math.floor(f.endMs / (bucketS * 1000))) * bucketS).toFixed(1)),
      ),
    },
  ]);
  return renderChartSvg(
    {
      title: { text: `${result.scenario}: replies and latency`, left: 'center', textStyle: { fontSize: 14 } },
      legend: { top: 26 },
      grid: { left: 60, right: 70, top: 60, bottom: 50 },
      xAxis: { type: 'category', data: x.map(String), name: 'seconds', nameLocation: 'middle', nameGap: 30 },
      yAxis: [
        { type: 'value', name: 'replies/s' },
        { type: 'value', name: 'latency ms', position: 'right' },
      ],
      series: [
        {
          name: 'ok',
          type: 'bar',
          stack: 'replies',
          data: result.timeline.map((b) => perSecond(b.ok)),
          itemStyle: { color: '#4caf50' },
          markArea: { silent: true, itemStyle: { color: 'rgba(244, 67, 54, 0.15)' }, data: bands },
        },
        {
          name: 'failed (refused)',
          type: 'bar',
          stack: 'replies',
          data: result.timeline.map((b) => perSecond(b.failed)),
          itemStyle: { color: '#ff9800' },
        },
        {
          name: 'unknown (no answer / 5xx)',
          type: 'bar',
          stack: 'replies',
          data: result.timeline.map((b) => perSecond(b.unknown)),
          itemStyle: { color: '#f44336' },
        },
        {
          name: 'p50 ms',
          type: 'line',
          yAxisIndex: 1,
          data: result.timeline.map((b) => b.p50Ms),
          showSymbol: false,
          itemStyle: { color: '#3f51b5' },
        },
        {
          name: 'p99 ms',
          type: 'line',
          yAxisIndex: 1,
          data: result.timeline.map((b) => b.p99Ms),
          showSymbol: false,
          lineStyle: { type: 'dashed' },
          itemStyle: { color: '#9c27b0' },
        },
      ],
    },
    { widthPx: WIDTH_PX, heightPx: HEIGHT_PX },
  );
}

/** Every verdict of a drill: the books checker's invariants, then the scenario's expectations. */
export function allVerdicts(result: DrillResult): InvariantVerdict[] {
  return [...(result.books?.invariants ?? []), ...result.expectations];
}

export function renderText(result: DrillResult): string {
  const books = result.books;
  const lines = [
    `drill ${result.scenario} (${result.engine}): ${result.ok ? 'PASS' : 'FAIL'}`,
    `  requests ${result.requests.total}: ok ${result.requests.ok}, refused ${result.requests.failed}, unknown ${result.requests.unknown}, 5xx≠503 ${result.requests.serverErrors}, no reply ${result.requests.transportErrors}`,
    `  faults: ${result.faults.map((f) => `${f.action} ${f.target} ${(f.startMs / 1000).toFixed(1)}–${(f.endMs / 1000).toFixed(1)} s`).join('; ')}`,
    books === null
      ? '  books: not checked'
      : `  books: acknowledged ${books.acknowledgedBets}, unknown ${books.unknownBets.total} (booked ${books.unknownBets.booked}, not booked ${books.unknownBets.notBooked}), lost ${books.lost}, doubled ${books.doubled}, unrequested ${books.unrequested}`,
    `  recovery: ${result.recoveryMs === null ? 'never' : `${(result.recoveryMs / 1000).toFixed(2)} s`}`,
  ];
  for (const verdict of allVerdicts(result)) {
    lines.push(`  ${verdict.ok ? 'ok  ' : 'FAIL'} ${verdict.name} (${verdict.checked} checked)`);
    for (const problem of verdict.problems.slice(0, 5)) lines.push(`         ${problem}`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderHtml(result: DrillResult): string {
  const rows = allVerdicts(result)
    .map(
      (v) =>
        `<tr class="${v.ok ? 'ok' : 'fail'}"><td>${v.ok ? 'ok' : 'FAIL'}</td><td>${escapeHtml(v.name)}</td><td>${v.checked}</td><td>${v.problems.map(escapeHtml).join('<br>')}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Chaos drill ${escapeHtml(result.scenario)}</title>
<style>body{font-family:sans-serif;margin:2em;max-width:1000px}td,th{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
tr.fail td{background:#fde0dc}.verdict{font-size:1.4em;font-weight:bold}</style></head>
<body><h1>Chaos drill: ${escapeHtml(result.scenario)}</h1>
<p class="verdict">${result.ok ? 'PASS' : 'FAIL'}</p>
<p>${escapeHtml(result.description)}</p>
<pre>${escapeHtml(renderText(result))}</pre>
${renderTimelineSvg(result)}
<h2>Verdicts</h2>
<table><tr><th></th><th>invariant</th><th>checked</th><th>problems</th></tr>
${rows}
</table></body></html>
`;
}
