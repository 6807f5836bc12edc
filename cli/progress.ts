/**
 * Progress of long runs on stderr: rate and ETA. On a terminal, one line redrawn at most every
 * 200 ms; elsewhere (CI logs, pipes) a plain line every 10 s, the first after 10 s, so short runs
 * and the tests stay quiet while a long run in CI shows it is alive.
 *
 * ETA: the rate is measured from the first progress report on, not from the start: the start-up
 * (worker threads spawning, games compiling) is not work that the rest of the run repeats, and
 * counting it made the first ETA many times too long.
 */
export interface Progress {
  update(done: number): void;
  done(): void;
}

const REDRAW_INTERVAL_MS = 200;
const LOG_INTERVAL_MS = 10_000;

interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export function createProgress(
  label: string,
  total: number,
  unit: string,
  stream: ProgressStream = process.stderr,
  nowMs: () => number = () => performance.now(),
): Progress {
  const tty = stream.isTTY === true;
  const startedMs = nowMs();
  const interval = tty ? REDRAW_INTERVAL_MS : LOG_INTERVAL_MS;
  let lastDrawMs = tty ? 0 : startedMs;
  let firstReport: { atMs: number; done: number } | null = null;
  let drewLine = false;
  const describe = (done: number) => {
    const now = nowMs();
    const fraction = total > 0 ? done / total : 1;
    const sinceFirstS = firstReport === null ? 0 : (now - firstReport.atMs) / 1000;
    // Under half a second of measured work the rate is noise (two chunks finishing together): '?'.
    const rate =
      firstReport !== null && sinceFirstS >= 0.5 ? (done - firstReport.done) / sinceFirstS : Number.NaN;
    const etaS = rate > 0 ? (total - done) / rate : Number.NaN;
    const eta = Number.isFinite(etaS) ? `${etaS.toFixed(0)}s` : '?';
    const speed = Number.isFinite(rate) ? formatRate(rate, unit) : `? ${unit}/s`;
    return { fraction, text: `${(fraction * 100).toFixed(1)}% ${speed} ETA ${eta}` };
  };
  const draw = (done: number) => {
    const { fraction, text } = describe(done);
    if (tty) {
      const width = 24;
      const filled = Math.round(fraction * width);
      stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}   `);
    } else {
      stream.write(
        `${label}: ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} ${unit}, ${text}\n`,
      );
    }
    drewLine = true;
  };
  return {
    update(done) {
      const now = nowMs();
      if (firstReport === null && done > 0) firstReport = { atMs: now, done };
      if (now - lastDrawMs < interval) return;
      lastDrawMs = now;
      draw(done);
    },
    done() {
      if (tty) {
        draw(total);
        stream.write('\n');
      } else if (drewLine) {
        stream.write(
          `${label}: done, ${total.toLocaleString('en-US')} ${unit} in ${((nowMs() - startedMs) / 1000).toFixed(1)} s\n`,
        );
      }
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
