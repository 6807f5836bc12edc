/**
 * WebSocket push: after a play or end-round, the player's open sockets (any of their sessions on
 * this node) get `{type:"balance", balance}` and `{type:"round", round}` messages.
 *
 * The hub holds this node's sockets. With several nodes behind a load balancer a player's socket
 * and their wallet calls may land on different nodes, so app.ts publishes every push through the
 * session store (Redis pub/sub) and each node hands what it receives to its hub. Bounded: sockets
 * per player and in total.
 */
import type { WebSocket } from 'ws';

export const SOCKETS_PER_PLAYER_MAX = 8;
export const SOCKETS_TOTAL_MAX = 10_000;
/** A socket whose unsent buffer grows past this is too slow: it is closed, never buffered forever. */
const SOCKET_BUFFER_MAX_BYTES = 1 << 20;

/** Close code of a socket whose session was revoked or expired (4000-4999: application codes). */
export const WS_CLOSE_SESSION_ENDED = 4001;
/** setTimeout's bound: a session expiring later is re-armed when this fires. */
const TIMER_MAX_MS = 2_147_483_647;

/** The session a socket belongs to: it is closed when that session is revoked or expires. */
export interface SocketSession {
  readonly sessionId: string;
  readonly expiresAtMs: number;
}

export class WsHub {
  private readonly byPlayer = new Map<string, Set<WebSocket>>();
  private readonly bySession = new Map<string, Set<WebSocket>>();
  private total = 0;

  constructor(
    private readonly onCountChange: (count: number) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.total;
  }

  /** Registers a socket; false (and the caller closes it) when a bound is reached. */
  add(playerId: string, socket: WebSocket, session: SocketSession): boolean {
    const sockets = this.byPlayer.get(playerId) ?? new Set<WebSocket>();
    if (sockets.size >= SOCKETS_PER_PLAYER_MAX || this.total >= SOCKETS_TOTAL_MAX) return false;
    sockets.add(socket);
    this.byPlayer.set(playerId, sockets);
    const ofSession = this.bySession.get(session.sessionId) ?? new Set<WebSocket>();
    ofSession.add(socket);
    this.bySession.set(session.sessionId, ofSession);
    this.total += 1;
    this.onCountChange(this.total);
    let expiry: NodeJS.Timeout | undefined;
    const arm = () => {
      const remainingMs = session.expiresAtMs - this.now();
      if (remainingMs <= 0) {
        socket.close(WS_CLOSE_SESSION_ENDED, 'session expired');
        return;
      }
      expiry = setTimeout(arm, Math.min(remainingMs, TIMER_MAX_MS));
      expiry.unref();
    };
    arm();
    socket.once('close', () => {
      clearTimeout(expiry);
      if (sockets.delete(socket)) {
        this.total -= 1;
        this.onCountChange(this.total);
      }
      if (sockets.size === 0 && this.byPlayer.get(playerId) === sockets) this.byPlayer.delete(playerId);
      ofSession.delete(socket);
      if (ofSession.size === 0 && this.bySession.get(session.sessionId) === ofSession) {
        this.bySession.delete(session.sessionId);
      }
    });
    return true;
  }

  /** Closes this node's sockets of a revoked session. */
  closeSession(sessionId: string, reason = 'session revoked'): void {
    for (const socket of this.bySession.get(sessionId) ?? []) socket.close(WS_CLOSE_SESSION_ENDED, reason);
  }

  publish(playerId: string, message: unknown): void {
    const sockets = this.byPlayer.get(playerId);
    if (sockets === undefined) return;
    const text = JSON.stringify(message);
    for (const socket of sockets) {
      if (socket.readyState !== socket.OPEN) continue;
      if (socket.bufferedAmount > SOCKET_BUFFER_MAX_BYTES) {
        socket.terminate();
        continue;
      }
      socket.send(text);
    }
  }

  /** Closes every socket (1001 going away), for shutdown. */
  closeAll(): void {
    for (const sockets of this.byPlayer.values()) {
      for (const socket of sockets) socket.close(1001, 'server shutting down');
    }
  }
}
