import { describe, expect, it } from 'vitest';
import { renderChartSvg } from './index.ts';

describe('renderChartSvg', () => {
  it('renders a static SVG of the given size with the data in it', () => {
    const svg = renderChartSvg(
      {
        xAxis: { type: 'category', data: ['a', 'b'] },
        yAxis: { type: 'value' },
        series: [{ type: 'bar', data: [3, 7] }],
      },
      { widthPx: 320, heightPx: 200 },
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('width="320"');
    expect(svg).toContain('height="200"');
    expect(svg).toContain('DejaVu Sans');
    expect(svg).not.toContain('<animate');
  });
});
