/**
 * Plots as inline SVG, rendered server-side by Apache ECharts (`renderToSVGString`, SSR mode): no
 * browser, no network, no hand-drawn chart code. Each function only presents figures already in the
 * evidence model.
 */
import { type ChartOption, type ChartSeries, renderChartSvg } from '../charts/index.ts';
import type { Simulation } from './model.ts';

const WIDTH = 640;
const HEIGHT = 300;

const render = (option: ChartOption) => renderChartSvg(option, { widthPx: WIDTH, heightPx: HEIGHT });

const pct = (x: number) => Number((x * 100).toFixed(6));

/** RTP convergence: simulated RTP at each checkpoint, the exact RTP, and its 99% band. */
export function convergenceChart(sim: Simulation, sdPerRoundStakes: number, z99: number): string {
  const points = sim.convergence.filter((p) => p.rounds > 0);
  const band = points.map((p) => {
    const half = (z99 * sdPerRoundStakes) / Math.sqrt(p.rounds);
    return { rounds: p.rounds, low: pct(sim.exactRtp - half), width: pct(2 * half) };
  });
  return render({
    title: {
      text: 'RTP convergence (99% band around the exact RTP)',
      left: 'center',
      textStyle: { fontSize: 13 },
    },
    grid: { left: 70, right: 20, top: 40, bottom: 65 },
    legend: { bottom: 0, data: ['simulated RTP', 'exact RTP', '99% band'] },
    xAxis: { type: 'log', name: 'rounds', nameLocation: 'middle', nameGap: 28, logBase: 10 },
    yAxis: {
      type: 'value',
      name: 'RTP %',
      scale: true,
      axisLabel: { formatter: (v: number) => v.toFixed(2) },
    },
    series: [
      {
        name: 'band-low',
        type: 'line',
        stack: 'band',
        symbol: 'none',
        lineStyle: { opacity: 0 },
        data: band.map((b) => [b.rounds, b.low]),
      },
      {
        name: '99% band',
        type: 'line',
        stack: 'band',
        symbol: 'none',
        lineStyle: { opacity: 0 },
        areaStyle: { color: '#9ecae1', opacity: 0.5 },
        data: band.map((b) => [b.rounds, b.width]),
      },
      {
        name: 'exact RTP',
        type: 'line',
        symbol: 'none',
        lineStyle: { color: '#08519c', type: 'dashed' },
        data: points.map((p) => [p.rounds, pct(sim.exactRtp)]),
      },
      {
        name: 'simulated RTP',
        type: 'line',
        symbolSize: 5,
        lineStyle: { color: '#d94801' },
        itemStyle: { color: '#d94801' },
        data: points.map((p) => [p.rounds, pct(p.rtp)]),
      },
    ],
  });
}

/** Win distribution by band (multiples of the stake): exact beside simulated, log scale. */
export function winDistributionChart(sim: Simulation): string {
  const positive = (x: number | null) => (x === null || x <= 0 ? null : x);
  // Points, not bars: on a log axis a bar has no meaningful base.
  const series: ChartSeries[] = [
    {
      name: 'simulated',
      type: 'scatter',
      symbol: 'circle',
      symbolSize: 9,
      itemStyle: { color: '#d94801' },
      data: sim.bands.map((b) => positive(b.simulated)),
    },
  ];
  if (sim.bands.some((b) => b.exact !== null))
    series.unshift({
      name: 'exact',
      type: 'scatter',
      symbol: 'diamond',
      symbolSize: 15,
      itemStyle: { color: '#08519c', opacity: 0.6 },
      data: sim.bands.map((b) => positive(b.exact)),
    });
  return render({
    title: { text: 'Win distribution (round win in stakes)', left: 'center', textStyle: { fontSize: 13 } },
    grid: { left: 70, right: 20, top: 40, bottom: 85 },
    legend: { bottom: 0 },
    xAxis: {
      type: 'category',
      data: sim.bands.map((b) => b.label),
      name: 'win / stake',
      nameLocation: 'middle',
      nameGap: 48,
      axisLabel: { interval: 0, rotate: 30, fontSize: 10 },
    },
    yAxis: {
      type: 'log',
      name: 'probability',
      min: 1e-9,
      max: 1,
      axisLabel: { formatter: (v: number) => v.toExponential(0) },
    },
    series,
  });
}

/** Observed-RTP alert band by number of rounds (§10). */
export function monitoringChart(
  rows: readonly { rounds: number; low: number; high: number }[],
  rtp: number,
): string {
  return render({
    title: { text: 'Live monitoring: observed-RTP alert band', left: 'center', textStyle: { fontSize: 13 } },
    grid: { left: 70, right: 20, top: 40, bottom: 65 },
    legend: { bottom: 0, data: ['lower alert limit', 'upper alert limit', 'exact RTP'] },
    xAxis: { type: 'log', name: 'rounds', nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'value', name: 'RTP %', scale: true },
    series: [
      { name: 'lower alert limit', type: 'line', data: rows.map((r) => [r.rounds, pct(r.low)]) },
      { name: 'upper alert limit', type: 'line', data: rows.map((r) => [r.rounds, pct(r.high)]) },
      {
        name: 'exact RTP',
        type: 'line',
        symbol: 'none',
        lineStyle: { type: 'dashed' },
        data: rows.map((r) => [r.rounds, pct(rtp)]),
      },
    ],
  });
}
