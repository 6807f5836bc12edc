/**
 * A progress line on stderr for long runs: rate and ETA, redrawn at most every 200 ms, and only
 * when stderr is a terminal (pipes and CI logs stay clean).
 */
export interface Progress {
  update(done: number): void;
  done(): void;
}

const REDRAW_INTERVAL_MS = 200;

export function createProgress(
  label: string,
  total: number,
  unit: string,
  stream = process.stderr,
): Progress {
  if (!stream.isTTY) return { update() {}, done() {} };
  const startedMs = performance.now();
  let lastDrawMs = 0;
  const draw = (done: number) => {
    const elapsedS = (performance.now() - startedMs) / 1000;
    const rate = elapsedS > 0 ? done / elapsedS : 0;
    const fraction = total > 0 ? done / total : 1;
    const etaS = rate > 0 ? (total - done) / rate : Number.NaN;
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    stream.write(
      `\r${label} [${bar}] ${(fraction * 100).toFixed(1)}% ${formatRate(rate, unit)} ETA ${Number.isFinite(etaS) ? `${etaS.toFixed(0)}s` : '?'}   `,
    );
  };
  return {
    update(done) {
      const nowMs = performance.now();
      if (nowMs - lastDrawMs < REDRAW_INTERVAL_MS) return;
      lastDrawMs = nowMs;
      draw(done);
    },
    done() {
      draw(total);
      stream.write('\n');
    },
  };
}

function formatRate(perSecond: number, unit: string): string {
  const prefixes = ['', 'k', 'M', 'G'];
  let value = perSecond;
  let i = 0;
  while (value >= 1000 && i < prefixes.length - 1) {
    value /= 1000;
    i++;
  }
  return `${value.toFixed(1)} ${prefixes[i]}${unit}/s`;
}
