import { describe, expect, it } from 'vitest';
import { createProgress } from './progress.ts';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (text: string) => writes.push(text) };
}

describe('progress', () => {
  it('off a terminal: quiet for short runs, then a plain line every 10 s', () => {
    let now = 0;
    const stream = fakeStream(false);
    const progress = createProgress('sim', 1_000, 'spins', stream, () => now);
    for (now = 0; now < 9_000; now += 1_000) progress.update(now / 100);
    expect(stream.writes).toEqual([]);
    for (; now <= 21_000; now += 1_000) progress.update(now / 100);
    expect(stream.writes).toHaveLength(2);
    expect(stream.writes[0]).toMatch(/^sim: 100 of 1,000 spins, 10\.0% .* ETA \d+s\n$/);
    progress.done();
    expect(stream.writes.at(-1)).toMatch(/^sim: done, 1,000 spins in 2\d\.\d s\n$/);
  });

  it('a short run off a terminal prints nothing at all', () => {
    let now = 0;
    const stream = fakeStream(false);
    const progress = createProgress('sim', 10, 'spins', stream, () => now);
    now = 500;
    progress.update(10);
    progress.done();
    expect(stream.writes).toEqual([]);
  });

  it('the ETA leaves out the start-up: 20 s of start-up, then 10 units/s for 100 units', () => {
    let now = 0;
    const stream = fakeStream(true);
    const progress = createProgress('sim', 100, 'u', stream, () => now);
    now = 20_000; // workers starting: no progress yet
    progress.update(10); // first report
    now = 21_000;
    progress.update(20); // 10 units in 1 s since the first report -> 80 units left: 8 s
    expect(stream.writes.at(-1)).toMatch(/ETA 8s/);
    // Counting from the start the rate would be 20/21 per second and the ETA 84 s.
  });
});
