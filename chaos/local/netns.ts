/**
 * A network namespace for one RGS node, joined to the host by a veth pair, so that a drill can cut
 * the node off the network for real (`ip link set <veth> down`: packets stop, connections hang, no
 * reset) and heal it. The node reaches PostgreSQL and Redis (which listen on 127.0.0.1) through small
 * TCP relays on the host end of the veth; players reach the node at its namespace address.
 *
 * Needs root and iproute2 (`ip`); `netnsSupport()` says why not when it is unavailable, and the
 * drill is then skipped with that message. The namespace, the veth pair and the relays are removed
 * by destroy(), and on process exit.
 */
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createServer, type Server, Socket } from 'node:net';

const IP_TIMEOUT_MS = 5_000;

export type NetnsSupport = { readonly ok: true } | { readonly ok: false; readonly reason: string };

function ip(args: readonly string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: IP_TIMEOUT_MS });
}

/** Can this process create network namespaces and veth pairs? Tries one and removes it. */
export function netnsSupport(): NetnsSupport {
  if (process.platform !== 'linux') return { ok: false, reason: 'network namespaces need Linux' };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'network partitions need root (ip netns, veth)' };
  const name = `crprobe${process.pid}`;
  try {
    ip(['netns', 'add', name]);
  } catch (error) {
    const message = (error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message;
    return {
      ok: false,
      reason: `cannot create a network namespace (${message.split('\n')[0]}); is iproute2 installed?`,
    };
  }
  try {
    ip(['netns', 'del', name]);
  } catch {
    // Removed below on exit at worst.
  }
  return { ok: true };
}

export interface Netns {
  readonly name: string;
  /** The node's address (inside the namespace) and the host end's. */
  readonly nsAddress: string;
  readonly hostAddress: string;
  /** Prefix for a command to run inside the namespace. */
  readonly execPrefix: readonly string[];
  /** A relay on the host end to a loopback port; returns the host-end port. */
  relay(targetPort: number): Promise<number>;
  /** Cut the link (both directions); heal() restores it. */
  partition(): void;
  heal(): void;
  destroy(): Promise<void>;
}

const liveNamespaces = new Set<string>();
let exitHook = false;

function removeSync(name: string): void {
  try {
    ip(['netns', 'del', name]);
  } catch {
    // Already gone.
  }
  liveNamespaces.delete(name);
}

export async function createNetns(tag: string): Promise<Netns> {
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const name of [...liveNamespaces]) removeSync(name);
    });
  }
  const suffix = `${process.pid % 100_000}${tag}`.slice(0, 8);
  const name = `croupier-${suffix}`;
  const hostIf = `crh${suffix}`;
  const nsIf = `crn${suffix}`;
  const subnet = `10.${200 + randomInt(50)}.${randomInt(256)}.${4 * randomInt(64)}`;
  const base = subnet.split('.').map(Number);
  const hostAddress = `${base[0]}.${base[1]}.${base[2]}.${base[3]! + 1}`;
  const nsAddress = `${base[0]}.${base[1]}.${base[2]}.${base[3]! + 2}`;
  liveNamespaces.add(name);
  try {
    ip(['netns', 'add', name]);
    ip(['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf]);
    ip(['link', 'set', nsIf, 'netns', name]);
    ip(['addr', 'add', `${hostAddress}/30`, 'dev', hostIf]);
    ip(['link', 'set', hostIf, 'up']);
    ip(['netns', 'exec', name, 'ip', 'addr', 'add', `${nsAddress}/30`, 'dev', nsIf]);
    ip(['netns', 'exec', name, 'ip', 'link', 'set', nsIf, 'up']);
    ip(['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
  } catch (error) {
    removeSync(name);
    throw new Error(`could not set up network namespace ${name}: ${(error as Error).message.split('\n')[0]}`);
  }
  const relays: Server[] = [];
  const sockets = new Set<Socket>();
  return {
    name,
    nsAddress,
    hostAddress,
    execPrefix: ['ip', 'netns', 'exec', name],
    async relay(targetPort) {
      const server = createServer((inbound) => {
        const outbound = new Socket();
        sockets.add(inbound);
        sockets.add(outbound);
        const close = () => {
          inbound.destroy();
          outbound.destroy();
          sockets.delete(inbound);
          sockets.delete(outbound);
        };
        inbound.on('error', close).on('close', close);
        outbound.on('error', close).on('close', close);
        outbound.connect(targetPort, '127.0.0.1', () => {
          inbound.pipe(outbound);
          outbound.pipe(inbound);
        });
      });
      await new Promise<void>((done, fail) => {
        server.once('error', fail);
        server.listen(0, hostAddress, () => done());
      });
      relays.push(server);
      return (server.address() as { port: number }).port;
    },
    partition: () => ip(['link', 'set', hostIf, 'down']),
    heal: () => ip(['link', 'set', hostIf, 'up']),
    async destroy() {
      for (const socket of sockets) socket.destroy();
      await Promise.all(relays.map((server) => new Promise((done) => server.close(done))));
      removeSync(name);
    },
  };
}
