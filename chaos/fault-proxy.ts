/**
 * A TCP fault proxy on `node:net`: put it between a client (the RGS) and a server (PostgreSQL,
 * Redis) and change, at runtime, what the link does: latency with jitter, a bandwidth limit,
 * connection resets, a blackhole, and — for PostgreSQL — the ambiguous commit: the server commits,
 * and the client never hears it.
 *
 * Why these choices:
 * - One ordered queue per direction per connection. A chunk's release time is
 *   max(arrival + latency ± jitter, the previous chunk's release) so bytes never reorder (TCP does
 *   not reorder either), and, with a bandwidth limit, the link is busy for bytes / rate after each
 *   release (a token-free serialisation model, the same as netem's `rate`).
 * - The blackhole HOLDS bytes (bounded) instead of dropping them: a partitioned TCP link
 *   retransmits, so when it heals the held bytes arrive. New connections during a blackhole are
 *   accepted but their upstream connect waits, as a SYN would be retransmitted. Past the hold bound
 *   the connection is reset (as a peer's retransmission timeout would end it).
 * - The ambiguous commit parses the server→client PostgreSQL stream into messages (type byte +
 *   int32 length, Frontend/Backend Protocol §55.7) and, when a CommandComplete ('C') carries the tag
 *   `COMMIT`, forwards what came before it and destroys both sockets instead of forwarding it. The
 *   server has committed; the client sees a closed connection. SSLRequest/GSSENCRequest replies are
 *   single unframed bytes and are handled; an encrypted stream is passed through opaque.
 * - Random choices (jitter, which commit to drop, which chunk resets) come from a seeded
 *   splitmix32 so a drill is reproducible from its seed. This file imports nothing of ours, so other
 *   parts' tests can take it alone.
 *
 * Reference: PostgreSQL 16 documentation, §55.2 (message flow, SSL negotiation) and §55.7
 * (message formats: CommandComplete 'C', Int32 length including itself, tag as a C string).
 */
import { createServer, type Server, Socket } from 'node:net';

/** What the link does now. Every field is optional; an empty fault is a clean pass-through. */
export interface FaultSpec {
  /** Added one-way delay on every chunk, both directions (milliseconds). */
  readonly latencyMs?: number;
  /** Uniform jitter: each chunk's delay is latencyMs ± jitterMs, never below 0. */
  readonly jitterMs?: number;
  /** Bytes per second each direction of each connection may carry; undefined = unlimited. */
  readonly bandwidthBytesPerSec?: number;
  /** Probability that a forwarded chunk resets its connection instead (0..1). */
  readonly resetProbability?: number;
  /** Reset every new connection at once (connection refused, as seen by a pool). */
  readonly refuseConnections?: boolean;
  /** Hold every byte (and every new upstream connect) until the blackhole is lifted. */
  readonly blackhole?: boolean;
  /**
   * PostgreSQL only: fraction (0..1) of `COMMIT` CommandComplete replies to drop by destroying
   * the client connection after the server committed.
   */
  readonly dropCommitReplyFraction?: number;
  /** Bound on how many COMMIT replies are dropped in total (undefined = no bound). */
  readonly dropCommitReplyMax?: number;
}

export type ProxyProtocol = 'postgres' | 'raw';

export interface FaultProxyOptions {
  readonly targetHost: string;
  readonly targetPort: number;
  /** Loopback by default; the proxy refuses any other listen address (drills stay local). */
  readonly listenHost?: '127.0.0.1' | '::1' | 'localhost';
  /** 0 (default) = a free port chosen by the OS. */
  readonly listenPort?: number;
  /** 'postgres' enables the COMMIT-reply fault; 'raw' forwards opaque bytes. */
  readonly protocol?: ProxyProtocol;
  /** Seed for jitter, reset and drop choices (default 1). */
  readonly seed?: number;
  readonly fault?: FaultSpec;
  /** Bound on bytes held per direction (blackhole, latency, bandwidth) before a reset (default 16 MiB). */
  readonly maxHeldBytes?: number;
  /** Bound on live connections; further ones are reset (default 1024). */
  readonly maxConnections?: number;
}

export interface FaultProxyCounters {
  readonly connectionsAccepted: number;
  readonly connectionsActive: number;
  readonly connectionsRefused: number;
  /** Connections the proxy reset (resetProbability, resetAll, hold bound, refused). */
  readonly resets: number;
  readonly bytesClientToServer: number;
  readonly bytesServerToClient: number;
  /** CommandComplete `COMMIT` messages seen from the server (postgres protocol). */
  readonly commitsSeen: number;
  /** COMMIT replies the client never got. */
  readonly commitRepliesDropped: number;
}

export interface FaultProxy {
  readonly host: string;
  readonly port: number;
  /** Replace the whole fault (not merged); lifting a blackhole releases what it held. */
  setFault(fault: FaultSpec): void;
  readonly fault: FaultSpec;
  counters(): FaultProxyCounters;
  /** Reset (RST) every live connection now; returns how many. */
  resetAll(): number;
  /** Close the listener and destroy every connection; idempotent. */
  stop(): Promise<void>;
}

const DEFAULT_MAX_HELD_BYTES = 16 * 1024 * 1024;
const DEFAULT_MAX_CONNECTIONS = 1024;
const PG_SSL_REQUEST_CODE = 80877103;
const PG_GSSENC_REQUEST_CODE = 80877104;
const PG_MAX_MESSAGE_BYTES = 1 << 30;

/** splitmix32: small, seedable, good enough for fault choices (not for money or games). */
function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

function assertFault(fault: FaultSpec): void {
  const nonNegative = (name: string, value: number | undefined) => {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0))
      throw new RangeError(`fault.${name} must be a finite number >= 0, got ${value}`);
  };
  const fraction = (name: string, value: number | undefined) => {
    if (value !== undefined && !(value >= 0 && value <= 1))
      throw new RangeError(`fault.${name} must be within 0..1, got ${value}`);
  };
  nonNegative('latencyMs', fault.latencyMs);
  nonNegative('jitterMs', fault.jitterMs);
  nonNegative('dropCommitReplyMax', fault.dropCommitReplyMax);
  if (fault.bandwidthBytesPerSec !== undefined && !(fault.bandwidthBytesPerSec > 0))
    throw new RangeError(`fault.bandwidthBytesPerSec must be > 0, got ${fault.bandwidthBytesPerSec}`);
  fraction('resetProbability', fault.resetProbability);
  fraction('dropCommitReplyFraction', fault.dropCommitReplyFraction);
}

type QueueItem = { readonly data: Buffer; readonly releaseAt: number } | { readonly cut: true };

interface Shared {
  fault: FaultSpec;
  random: () => number;
  maxHeldBytes: number;
  counts: Mutable<FaultProxyCounters>;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** One direction of one connection: an ordered, delayed, rate-limited queue. */
class Pipe {
  private readonly queue: QueueItem[] = [];
  private heldBytes = 0;
  private lastReleaseAt = 0;
  private linkFreeAt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly shared: Shared,
    private readonly source: () => Socket | undefined,
    private readonly sink: () => Socket | undefined,
    private readonly onReset: () => void,
    private readonly onCut: () => void,
  ) {}

  /** Queue bytes for delivery under the current fault. */
  push(data: Buffer): void {
    if (data.length === 0) return;
    const fault = this.shared.fault;
    const now = Date.now();
    const jitterMs = fault.jitterMs ?? 0;
    const delayMs = Math.max(0, (fault.latencyMs ?? 0) + (this.shared.random() * 2 - 1) * jitterMs);
    let releaseAt = Math.max(
      now + (jitterMs > 0 || (fault.latencyMs ?? 0) > 0 ? delayMs : 0),
      this.lastReleaseAt,
    );
    if (fault.bandwidthBytesPerSec !== undefined) {
      const start = Math.max(releaseAt, this.linkFreeAt);
      this.linkFreeAt = start + (data.length * 1000) / fault.bandwidthBytesPerSec;
      releaseAt = this.linkFreeAt;
    }
    this.lastReleaseAt = releaseAt;
    this.queue.push({ data, releaseAt });
    this.heldBytes += data.length;
    if (this.heldBytes > this.shared.maxHeldBytes) {
      this.onReset();
      return;
    }
    if (this.heldBytes > this.shared.maxHeldBytes / 2) this.source()?.pause();
    this.drain();
  }

  /** After these bytes, end the connection without forwarding anything more (ambiguous commit). */
  cut(): void {
    this.queue.push({ cut: true });
    this.drain();
  }

  drain(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const sink = this.sink();
    if (sink === undefined || this.shared.fault.blackhole === true) return;
    const now = Date.now();
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      if ('cut' in head) {
        this.queue.length = 0;
        this.onCut();
        return;
      }
      if (head.releaseAt > now) {
        this.timer = setTimeout(() => this.drain(), Math.ceil(head.releaseAt - now));
        return;
      }
      this.queue.shift();
      this.heldBytes -= head.data.length;
      const resetProbability = this.shared.fault.resetProbability ?? 0;
      if (resetProbability > 0 && this.shared.random() < resetProbability) {
        this.onReset();
        return;
      }
      sink.write(head.data);
    }
    this.source()?.resume();
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
    this.heldBytes = 0;
  }
}

/**
 * Splits the server→client PostgreSQL stream into whole messages and decides, per COMMIT reply,
 * whether to drop it. Returns what to forward and whether to cut the connection after it.
 */
class PostgresReplyParser {
  private buffered: Buffer = Buffer.alloc(0);
  /** Unframed one-byte replies still expected (SSLRequest / GSSENCRequest answers). */
  pendingSingleByteReplies = 0;
  opaque = false;

  constructor(private readonly shouldDrop: () => boolean) {}

  /** Look at a client→server chunk during startup for SSL/GSS negotiation requests. */
  noteClientBytes(data: Buffer): void {
    if (this.opaque || data.length < 8 || data.readInt32BE(0) !== 8) return;
    const code = data.readInt32BE(4);
    if (code === PG_SSL_REQUEST_CODE || code === PG_GSSENC_REQUEST_CODE) this.pendingSingleByteReplies++;
  }

  feed(data: Buffer): { forward: Buffer; cut: boolean } {
    if (this.opaque) return { forward: data, cut: false };
    this.buffered = this.buffered.length === 0 ? data : Buffer.concat([this.buffered, data]);
    let offset = 0;
    while (this.pendingSingleByteReplies > 0 && offset < this.buffered.length) {
      const answer = String.fromCharCode(this.buffered[offset]!);
      offset++;
      this.pendingSingleByteReplies--;
      if (answer === 'S' || answer === 'G') {
        // Encrypted from here on: pass everything through untouched.
        this.opaque = true;
        const rest = this.buffered;
        this.buffered = Buffer.alloc(0);
        return { forward: rest, cut: false };
      }
    }
    for (;;) {
      if (this.buffered.length - offset < 5) break;
      const length = this.buffered.readInt32BE(offset + 1);
      if (length < 4 || length > PG_MAX_MESSAGE_BYTES) {
        // Not a stream we understand: stop parsing rather than corrupt it.
        this.opaque = true;
        const rest = this.buffered;
        this.buffered = Buffer.alloc(0);
        return { forward: rest, cut: false };
      }
      const end = offset + 1 + length;
      if (this.buffered.length < end) break;
      if (
        this.buffered[offset] === 0x43 /* 'C' */ &&
        this.isCommitTag(offset + 5, end) &&
        this.shouldDrop()
      ) {
        const forward = this.buffered.subarray(0, offset);
        this.buffered = Buffer.alloc(0);
        return { forward, cut: true };
      }
      offset = end;
    }
    const forward = this.buffered.subarray(0, offset);
    this.buffered = this.buffered.subarray(offset);
    return { forward, cut: false };
  }

  private isCommitTag(start: number, end: number): boolean {
    // The tag is a C string: "COMMIT\0".
    return end - start === 7 && this.buffered.toString('latin1', start, end - 1) === 'COMMIT';
  }
}

/** Start a proxy listening on loopback that forwards to targetHost:targetPort under `fault`. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const listenHost = options.listenHost ?? '127.0.0.1';
  if (!['127.0.0.1', '::1', 'localhost'].includes(listenHost))
    throw new RangeError(`fault proxy listens on loopback only, not ${listenHost}`);
  const protocol = options.protocol ?? 'raw';
  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const initialFault = options.fault ?? {};
  assertFault(initialFault);
  const shared: Shared = {
    fault: initialFault,
    random: splitmix32(options.seed ?? 1),
    maxHeldBytes: options.maxHeldBytes ?? DEFAULT_MAX_HELD_BYTES,
    counts: {
      connectionsAccepted: 0,
      connectionsActive: 0,
      connectionsRefused: 0,
      resets: 0,
      bytesClientToServer: 0,
      bytesServerToClient: 0,
      commitsSeen: 0,
      commitRepliesDropped: 0,
    },
  };
  const connections = new Set<Connection>();

  const shouldDropCommit = (): boolean => {
    shared.counts.commitsSeen++;
    const fault = shared.fault;
    const fraction = fault.dropCommitReplyFraction ?? 0;
    if (fraction <= 0) return false;
    if (
      fault.dropCommitReplyMax !== undefined &&
      shared.counts.commitRepliesDropped >= fault.dropCommitReplyMax
    )
      return false;
    if (fraction < 1 && shared.random() >= fraction) return false;
    shared.counts.commitRepliesDropped++;
    return true;
  };

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    shared.counts.connectionsAccepted++;
    if (shared.fault.refuseConnections === true || connections.size >= maxConnections) {
      shared.counts.connectionsRefused++;
      shared.counts.resets++;
      client.resetAndDestroy();
      return;
    }
    const connection = new Connection(client, options, shared, protocol, shouldDropCommit, () =>
      connections.delete(connection),
    );
    connections.add(connection);
    shared.counts.connectionsActive = connections.size;
    connection.open();
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.listenPort ?? 0, listenHost, () => {
      server.off('error', fail);
      done();
    });
  });
  const address = server.address();
  if (address === null || typeof address !== 'object') throw new Error('fault proxy: no listen address');
  let stopped: Promise<void> | undefined;

  return {
    host: listenHost,
    port: address.port,
    get fault() {
      return shared.fault;
    },
    setFault(fault: FaultSpec) {
      assertFault(fault);
      const wasBlackhole = shared.fault.blackhole === true;
      shared.fault = fault;
      if (wasBlackhole && fault.blackhole !== true)
        for (const connection of connections) connection.release();
    },
    counters() {
      return { ...shared.counts, connectionsActive: connections.size };
    },
    resetAll() {
      const live = [...connections];
      for (const connection of live) connection.reset();
      return live.length;
    },
    stop() {
      stopped ??= new Promise<void>((done) => {
        for (const connection of [...connections]) connection.destroy();
        server.close(() => done());
      });
      return stopped;
    },
  };
}

/** One proxied client connection and its upstream. */
class Connection {
  private upstream: Socket | undefined;
  private readonly toServer: Pipe;
  private readonly toClient: Pipe;
  private readonly parser: PostgresReplyParser | undefined;
  private closed = false;

  constructor(
    private readonly client: Socket,
    private readonly options: FaultProxyOptions,
    private readonly shared: Shared,
    protocol: ProxyProtocol,
    shouldDropCommit: () => boolean,
    private readonly onClosed: () => void,
  ) {
    this.parser = protocol === 'postgres' ? new PostgresReplyParser(shouldDropCommit) : undefined;
    this.toServer = new Pipe(
      shared,
      () => this.client,
      () => this.upstream,
      () => this.reset(),
      () => this.destroy(),
    );
    this.toClient = new Pipe(
      shared,
      () => this.upstream,
      () => this.client,
      () => this.reset(),
      () => this.destroy(),
    );
  }

  open(): void {
    this.client.setNoDelay(true);
    this.client.on('error', () => this.destroy());
    this.client.on('close', () => this.destroy());
    this.client.on('data', (data: Buffer) => {
      this.shared.counts.bytesClientToServer += data.length;
      this.parser?.noteClientBytes(data);
      this.toServer.push(data);
    });
    this.client.resume();
    if (this.shared.fault.blackhole !== true) this.connectUpstream();
  }

  /** The blackhole was lifted: connect if we have not, and deliver what was held. */
  release(): void {
    if (this.closed) return;
    if (this.upstream === undefined) this.connectUpstream();
    this.toServer.drain();
    this.toClient.drain();
  }

  private connectUpstream(): void {
    const upstream = new Socket();
    this.upstream = upstream;
    upstream.setNoDelay(true);
    upstream.on('error', () => this.destroy());
    upstream.on('close', () => this.destroy());
    upstream.on('data', (data: Buffer) => {
      this.shared.counts.bytesServerToClient += data.length;
      if (this.parser === undefined) {
        this.toClient.push(data);
        return;
      }
      const { forward, cut } = this.parser.feed(data);
      this.toClient.push(forward);
      if (cut) {
        upstream.pause();
        this.toClient.cut();
      }
    });
    upstream.connect(this.options.targetPort, this.options.targetHost, () => this.toServer.drain());
  }

  reset(): void {
    if (this.closed) return;
    this.shared.counts.resets++;
    this.client.resetAndDestroy();
    if (this.upstream !== undefined && !this.upstream.destroyed) this.upstream.resetAndDestroy();
    this.destroy();
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.toServer.dispose();
    this.toClient.dispose();
    this.client.destroy();
    this.upstream?.destroy();
    this.onClosed();
  }
}
