/**
 * Scrapes the target's Prometheus `/metrics` during the run (when it has one) and keeps a bounded
 * time series per metric: the sum over its labels (histogram buckets skipped, `_sum`/`_count`
 * kept). Parsing follows the text exposition format (prometheus.io/docs/instrumenting/exposition_formats):
 * `name{labels} value [timestamp]`, `#` lines are comments.
 */
export interface MetricPoint {
  readonly tMs: number;
  readonly value: number;
}

const KEPT =
  /^(rgs_|process_cpu_seconds_total$|process_resident_memory_bytes$|nodejs_eventloop_lag_p99_seconds$)/;
const MAX_SERIES = 64;
const MAX_POINTS = 7_200;
const SCRAPE_TIMEOUT_MS = 1_000;

/** Sums of every kept metric in one exposition text. */
export function parseExposition(text: string): Map<string, number> {
  const sums = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const name = match[1]!;
    if (name.endsWith('_bucket') || !KEPT.test(name)) continue;
    const value = Number(match[3]);
    if (!Number.isFinite(value)) continue;
    if (!sums.has(name) && sums.size >= MAX_SERIES) continue;
    sums.set(name, (sums.get(name) ?? 0) + value);
  }
  return sums;
}

export class MetricsScraper {
  readonly series = new Map<string, MetricPoint[]>();
  scrapes = 0;
  failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private inFlight = false;

  constructor(
    private readonly url: string,
    private readonly clockMs: () => number,
    private readonly intervalMs = 1_000,
  ) {}

  start(): void {
    void this.scrapeOnce();
    this.timer = setInterval(() => void this.scrapeOnce(), this.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.scrapeOnce();
  }

  private async scrapeOnce(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    const tMs = this.clockMs();
    try {
      const response = await fetch(this.url, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
      if (!response.ok) throw new Error(`status ${response.status}`);
      for (const [name, value] of parseExposition(await response.text())) {
        const points = this.series.get(name) ?? [];
        if (points.length < MAX_POINTS) points.push({ tMs: Math.round(tMs), value });
        this.series.set(name, points);
      }
      this.scrapes += 1;
    } catch {
      // No /metrics, or the target is too busy to answer within the bound: a gap in the series.
      this.failures += 1;
    } finally {
      this.inFlight = false;
    }
  }
}
