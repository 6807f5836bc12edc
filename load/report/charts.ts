/**
 * The load report's plots as inline SVG, rendered server-side by Apache ECharts
 * (`renderToSVGString` with `ssr: true`), the library the evidence pack uses: no browser, no
 * network. Each function only presents figures already in the LoadResult.
 */
import { type ChartOption, renderChartSvg } from '../../charts/index.ts';
import type { LoadResult } from '../runner/result.ts';
import type { MetricPoint } from '../runner/scrape.ts';

const WIDTH = 760;
const HEIGHT = 300;

const render = (option: ChartOption) => renderChartSvg(option, { widthPx: WIDTH, heightPx: HEIGHT });

const seconds = (result: LoadResult) => result.perSecond.map((row) => row.second);
const frame = (title: string, legend: string[]) => ({
  title: { text: title, left: 'center', textStyle: { fontSize: 13 } },
  grid: { left: 70, right: 70, top: 55, bottom: 45 },
  legend: { top: 24, data: legend },
});
const timeAxis = (result: LoadResult) => ({
  type: 'category' as const,
  data: seconds(result),
  name: 'second of the run',
  nameLocation: 'middle' as const,
  nameGap: 28,
});

/** p50 / p99 / max of accepted requests per second, from intended starts, with the play p99 SLO. */
export function latencyChart(result: LoadResult, playSloP99Ms: number | null): string {
  const rows = result.perSecond;
  return render({
    ...frame('Latency of accepted requests (from intended start, CO-corrected)', [
      'p50',
      'p99',
      'max',
      'play p99 SLO',
    ]),
    xAxis: timeAxis(result),
    yAxis: { type: 'log', name: 'ms', logBase: 10, min: 1 },
    series: [
      { name: 'p50', type: 'line', showSymbol: false, data: rows.map((r) => r.acceptedP50Ms) },
      { name: 'p99', type: 'line', showSymbol: false, data: rows.map((r) => r.acceptedP99Ms) },
      {
        name: 'max',
        type: 'line',
        showSymbol: false,
        lineStyle: { type: 'dotted' },
        data: rows.map((r) => r.acceptedMaxMs),
      },
      {
        name: 'play p99 SLO',
        type: 'line',
        showSymbol: false,
        lineStyle: { type: 'dashed' },
        data: rows.map(() => playSloP99Ms),
      },
    ],
  });
}

/** Requests offered (by intended start) against accepted (by reply), and the planned visit rate. */
export function rateChart(result: LoadResult): string {
  const rows = result.perSecond;
  return render({
    ...frame('Offered versus achieved', ['requests offered/s', 'accepted/s', 'planned visits/s']),
    xAxis: timeAxis(result),
    yAxis: [
      { type: 'value', name: 'requests/s' },
      { type: 'value', name: 'visits/s', position: 'right' },
    ],
    series: [
      { name: 'requests offered/s', type: 'line', showSymbol: false, data: rows.map((r) => r.sent) },
      { name: 'accepted/s', type: 'line', showSymbol: false, data: rows.map((r) => r.completedOk) },
      {
        name: 'planned visits/s',
        type: 'line',
        yAxisIndex: 1,
        showSymbol: false,
        lineStyle: { type: 'dashed' },
        data: rows.map((r) => r.plannedVisitsPerS),
      },
    ],
  });
}

/** Shed, failed and unknown replies per second, and visits dropped at the runner's cap. */
export function errorChart(result: LoadResult): string {
  const rows = result.perSecond;
  const bar = (name: string, data: number[]) => ({ name, type: 'bar' as const, stack: 'refused', data });
  return render({
    ...frame('Shed load and errors', ['shed', 'failed', 'unknown', 'visits dropped']),
    xAxis: timeAxis(result),
    yAxis: { type: 'value', name: 'per second' },
    series: [
      bar(
        'shed',
        rows.map((r) => r.shed),
      ),
      bar(
        'failed',
        rows.map((r) => r.failed),
      ),
      bar(
        'unknown',
        rows.map((r) => r.unknown),
      ),
      { name: 'visits dropped', type: 'line', showSymbol: false, data: rows.map((r) => r.visitsDropped) },
    ],
  });
}

/** Per-second rate of a scraped counter (its increase between scrapes). */
function rateOf(points: readonly MetricPoint[] | undefined): [number, number][] {
  if (points === undefined) return [];
  const out: [number, number][] = [];
  for (let i = 1; i < points.length; i++) {
    const dtS = (points[i]!.tMs - points[i - 1]!.tMs) / 1_000;
    if (dtS > 0)
      out.push([points[i]!.tMs / 1_000, Math.max(0, (points[i]!.value - points[i - 1]!.value) / dtS)]);
  }
  return out;
}

/** What the RGS said about itself (/metrics): requests/s, shed/s, in-flight, CPU. */
export function rgsMetricsChart(result: LoadResult): string | null {
  const m = result.metrics;
  if (Object.keys(m).length === 0) return null;
  const gauge = (points: readonly MetricPoint[] | undefined) =>
    (points ?? []).map((p) => [p.tMs / 1_000, p.value]);
  const cpu = rateOf(m.process_cpu_seconds_total).map(([t, v]) => [t, Math.round(v * 1_000) / 10]);
  return render({
    ...frame("The RGS's own metrics (/metrics)", ['requests/s', 'shed/s', 'in flight', 'CPU %']),
    xAxis: { type: 'value', name: 'second of the run', nameLocation: 'middle', nameGap: 28 },
    yAxis: [
      { type: 'value', name: 'per second' },
      { type: 'value', name: 'in flight, CPU %', position: 'right' },
    ],
    series: [
      { name: 'requests/s', type: 'line', showSymbol: false, data: rateOf(m.rgs_http_requests_total) },
      { name: 'shed/s', type: 'line', showSymbol: false, data: rateOf(m.rgs_admission_shed_total) },
      {
        name: 'in flight',
        type: 'line',
        yAxisIndex: 1,
        showSymbol: false,
        data: gauge(m.rgs_admission_in_flight),
      },
      { name: 'CPU %', type: 'line', yAxisIndex: 1, showSymbol: false, data: cpu },
    ],
  });
}
