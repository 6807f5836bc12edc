/**
 * Charts as inline SVG strings, rendered server-side by Apache ECharts (`renderToSVGString` with
 * `ssr: true`): no browser, no DOM, no network, no hand-drawn chart code. The one chart renderer of
 * the evidence pack (reports/), the load report (load/) and the drill report (chaos/), so their
 * plots share fonts and behaviour. Callers only present figures they already have.
 */
import * as echarts from 'echarts';

export type ChartOption = echarts.EChartsOption;
export type ChartSeries = echarts.SeriesOption;

/** The pack's PDF embeds DejaVu (Debian's default); Arial stands in elsewhere. */
export const CHART_FONT = 'DejaVu Sans, Arial, sans-serif';

export interface ChartSize {
  readonly widthPx: number;
  readonly heightPx: number;
}

/** One chart as an SVG string; animation off (a static document), the shared font unless the option sets one. */
export function renderChartSvg(option: ChartOption, size: ChartSize): string {
  const chart = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: size.widthPx,
    height: size.heightPx,
  });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: CHART_FONT }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
