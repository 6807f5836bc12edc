/**
 * Small measuring helpers shared by the benchmarks. Every figure is printed beside a baseline
 * measured in the same process, so ratios stay meaningful across machines and load.
 */

export interface Measurement {
  readonly label: string;
  /** Work units done (bytes, draws, spins, ...). */
  readonly units: number;
  readonly elapsedMs: number;
}

/** Units per second of a measurement. */
export function ratePerSecond(m: Measurement): number {
  return (m.units / m.elapsedMs) * 1000;
}

/**
 * Repeats `step` (which returns the units it did) until at least `minDurationMs` has passed,
 * after a short warm-up so the JIT has compiled the hot path. Bounded by `maxIterations`.
 */
export function measure(
  label: string,
  step: () => number,
  minDurationMs: number,
  maxIterations = 1_000_000,
): Measurement {
  const warmupEndMs = performance.now() + Math.min(200, minDurationMs / 4);
  for (let i = 0; i < maxIterations && performance.now() < warmupEndMs; i++) step();
  let units = 0;
  const startMs = performance.now();
  let elapsedMs = 0;
  for (let i = 0; i < maxIterations; i++) {
    units += step();
    elapsedMs = performance.now() - startMs;
    if (elapsedMs >= minDurationMs) break;
  }
  return { label, units, elapsedMs };
}

export function formatRate(perSecond: number, unit: string): string {
  const prefixes = ['', 'k', 'M', 'G', 'T'];
  let value = perSecond;
  let i = 0;
  while (value >= 1000 && i < prefixes.length - 1) {
    value /= 1000;
    i++;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${prefixes[i]}${unit}/s`;
}

export function heading(title: string): void {
  process.stdout.write(`\n== ${title} ==\n`);
}
