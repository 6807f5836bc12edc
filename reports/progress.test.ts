import { describe, expect, it } from 'vitest';
import { createStageProgress } from './progress.ts';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { stream: { isTTY, write: (t: string) => chunks.push(t) }, text: () => chunks.join('') };
}

describe('stage progress', () => {
  it('plain timestamped lines off a TTY, repeated notes thinned out', () => {
    const out = sink(false);
    const p = createStageProgress(out.stream);
    p.start('game-x', 'exact analysis');
    for (let i = 0; i <= 100; i++) p.note(`[base] Monte Carlo ${i}% of 100 rounds`);
    p.note('battery 1/1: gli/stops/x/base');
    p.finish('game-x', 1234, false);
    const lines = out.text().trim().split('\n');
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z /);
    expect(lines.filter((l) => l.includes('Monte Carlo'))).toHaveLength(1);
    expect(lines.some((l) => l.includes('battery 1/1'))).toBe(true);
    expect(lines.at(-1)).toContain('done   game-x: 1.2 s');
    expect(out.text()).not.toContain('\r');
  });

  it('a live line redrawn in place on a TTY', () => {
    const out = sink(true);
    const p = createStageProgress(out.stream);
    p.start('rng-batteries', 'NIST');
    p.finish('rng-batteries', 0, true);
    expect(out.text()).toContain('\r\x1b[2K');
    expect(out.text()).toContain('✔ rng-batteries: reused (inputs unchanged)');
  });
});
