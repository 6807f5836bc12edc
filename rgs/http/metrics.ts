/**
 * Prometheus metrics (prom-client), on a registry owned by one server instance (no global state,
 * so tests can run several servers in one process).
 *
 * Labels are bounded: `route` is the route pattern (never the raw URL), `code` an error code,
 * `game`/`mode` come from the core's game configuration. No session or player ids.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export class RgsMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly errors: Counter<'route' | 'code'>;
  readonly durationSeconds: Histogram<'method' | 'route'>;
  readonly rounds: Counter<'game' | 'mode'>;
  readonly wins: Counter<'game' | 'mode'>;
  readonly wageredMinor: Counter<'game'>;
  readonly paidMinor: Counter<'game'>;
  readonly wsConnections: Gauge;
  private readonly wagered = new Map<string, number>();
  private readonly paid = new Map<string, number>();

  constructor(options: { readonly defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'rgs_http_requests_total',
      help: 'HTTP requests by route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.errors = new Counter({
      name: 'rgs_http_errors_total',
      help: 'Error responses by route pattern and error code',
      labelNames: ['route', 'code'],
      registers,
    });
    this.durationSeconds = new Histogram({
      name: 'rgs_http_request_duration_seconds',
      help: 'Request duration by route pattern',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.rounds = new Counter({
      name: 'rgs_rounds_total',
      help: 'Rounds played (bets accepted)',
      labelNames: ['game', 'mode'],
      registers,
    });
    this.wins = new Counter({
      name: 'rgs_wins_total',
      help: 'Rounds with a non-zero payout',
      labelNames: ['game', 'mode'],
      registers,
    });
    this.wageredMinor = new Counter({
      name: 'rgs_wagered_api_units_total',
      help: 'Amount debited for rounds, API units (6 implied decimals)',
      labelNames: ['game'],
      registers,
    });
    this.paidMinor = new Counter({
      name: 'rgs_paid_api_units_total',
      help: 'Payout of rounds, API units (6 implied decimals)',
      labelNames: ['game'],
      registers,
    });
    this.wsConnections = new Gauge({
      name: 'rgs_websocket_connections',
      help: 'Open WebSocket connections',
      registers,
    });
    const wagered = this.wagered;
    const paid = this.paid;
    new Gauge({
      name: 'rgs_observed_rtp',
      help: 'Observed return to player per game since start: paid / wagered',
      labelNames: ['game'],
      registers,
      collect() {
        this.reset();
        for (const [game, stake] of wagered) {
          if (stake > 0) this.set({ game }, (paid.get(game) ?? 0) / stake);
        }
      },
    });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** A bet was accepted: cost debited, payout decided (credited now or at end-round). */
  recordRound(game: string, mode: string, costMinor: bigint, payoutMinor: bigint): void {
    this.rounds.inc({ game, mode });
    if (payoutMinor > 0n) this.wins.inc({ game, mode });
    // Doubles are exact to 2^53 API units (9e9 major units) per process lifetime: ample for metrics.
    this.wageredMinor.inc({ game }, Number(costMinor));
    this.paidMinor.inc({ game }, Number(payoutMinor));
    this.wagered.set(game, (this.wagered.get(game) ?? 0) + Number(costMinor));
    this.paid.set(game, (this.paid.get(game) ?? 0) + Number(payoutMinor));
  }
}
