/**
 * Progress of a certify run, per stage: a live line redrawn in place on a TTY, plain timestamped
 * lines otherwise (CI logs, pipes). Writes to the stream it is given (stderr from the CLI).
 */
export interface StageProgress {
  start(stage: string, what: string): void;
  /** A sub-step inside the current stage (shown live on a TTY; logged otherwise). */
  note(text: string): void;
  finish(stage: string, elapsedMs: number, reused: boolean): void;
  info(text: string): void;
}

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

const REDRAW_INTERVAL_MS = 200;
/** Plain logs: a note like the last one (the same but for its numbers) at most this often, so CI logs stay short. */
const LOG_REPEAT_INTERVAL_MS = 10_000;
const shape = (text: string) => text.replace(/\d[\d.,]*/g, '#');

export function createStageProgress(stream: ProgressStream): StageProgress {
  const tty = stream.isTTY === true;
  const stamp = () => new Date().toISOString();
  let current = '';
  let startedMs = 0;
  let lastDrawMs = 0;
  let live = false;
  let lastLogged = '';
  let lastLoggedMs = 0;
  const clearLive = () => {
    if (live) stream.write('\r\x1b[2K');
    live = false;
  };
  return {
    start(stage, what) {
      current = stage;
      startedMs = performance.now();
      if (tty) {
        clearLive();
        stream.write(`▶ ${stage}: ${what}`);
        live = true;
      } else stream.write(`${stamp()} start  ${stage}: ${what}\n`);
    },
    note(text) {
      if (!tty) {
        const nowMs = performance.now();
        const similar = shape(text) === shape(lastLogged);
        if (similar && nowMs - lastLoggedMs < LOG_REPEAT_INTERVAL_MS) return;
        lastLogged = text;
        lastLoggedMs = nowMs;
        stream.write(`${stamp()}        ${current}: ${text}\n`);
        return;
      }
      const nowMs = performance.now();
      if (nowMs - lastDrawMs < REDRAW_INTERVAL_MS) return;
      lastDrawMs = nowMs;
      clearLive();
      stream.write(`▶ ${current} (${((nowMs - startedMs) / 1000).toFixed(0)} s): ${text}`);
      live = true;
    },
    finish(stage, elapsedMs, reused) {
      const how = reused ? 'reused (inputs unchanged)' : `${(elapsedMs / 1000).toFixed(1)} s`;
      if (tty) {
        clearLive();
        stream.write(`✔ ${stage}: ${how}\n`);
      } else stream.write(`${stamp()} done   ${stage}: ${how}\n`);
    },
    info(text) {
      if (tty) {
        clearLive();
        stream.write(`${text}\n`);
      } else stream.write(`${stamp()} ${text}\n`);
    },
  };
}

/** Progress that prints nothing (library callers, tests). */
export const SILENT_PROGRESS: StageProgress = { start() {}, note() {}, finish() {}, info() {} };
