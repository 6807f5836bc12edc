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

export class WsHub {
  private readonly byPlayer = new Map<string, Set<WebSocket>>();
  private total = 0;

  constructor(private readonly onCountChange: (count: number) => void = () => {}) {}

  get size(): number {
    return this.total;
  }

  /** Registers a socket; false (and the caller closes it) when a bound is reached. */
  add(playerId: string, socket: WebSocket): boolean {
    const sockets = this.byPlayer.get(playerId) ?? new Set<WebSocket>();
    if (sockets.size >= SOCKETS_PER_PLAYER_MAX || this.total >= SOCKETS_TOTAL_MAX) return false;
    sockets.add(socket);
    this.byPlayer.set(playerId, sockets);
    this.total += 1;
    this.onCountChange(this.total);
    socket.once('close', () => {
      if (sockets.delete(socket)) {
        this.total -= 1;
        this.onCountChange(this.total);
      }
      if (sockets.size === 0 && this.byPlayer.get(playerId) === sockets) this.byPlayer.delete(playerId);
    });
    return true;
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
