/**
 * One RGS node as a real process the drill owns: `node bin/croupier.js rgs start` on a loopback
 * port, waited for until GET /ready answers 200, and controlled like the throwaway services:
 * kill9() (a crash), pause()/resume() (SIGSTOP/SIGCONT), stop() (SIGTERM, graceful), restart()
 * (same port, database, Redis and data dir, so launch URLs stay valid), destroy().
 *
 * Why these choices:
 * - The port is kept across restarts: sessions live in Redis and their launch URLs name the node,
 *   as a pod restart behind a stable Service name would.
 * - bin/croupier.js registers tsx in-process, so the pid we hold IS the server and signals reach it.
 * - Every node is SIGKILLed on process exit and on SIGINT/SIGTERM/SIGHUP (a drill interrupted with
 *   Ctrl-C leaves nothing running), and its data dir removed.
 * - Output is kept in a bounded ring for failure messages.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freeLoopbackPort } from './services.ts';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
const CROUPIER_BIN = join(REPO_ROOT, 'bin', 'croupier.js');
const DEFAULT_START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
const KILL_TIMEOUT_MS = 5_000;
const READY_POLL_INTERVAL_MS = 100;
const READY_PROBE_TIMEOUT_MS = 2_000;
const OUTPUT_MAX_LINES = 400;

export interface RgsNodeOptions {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** Extra environment (RGS_RATE_LIMIT, RGS_SHUTDOWN_GRACE_MS, …). */
  readonly env?: Readonly<Record<string, string>>;
  readonly startTimeoutMs?: number;
  /** Shared operator secret (two nodes of one deployment share it); default random. */
  readonly operatorSecret?: string;
  /** A name for messages ("rgs-a"). */
  readonly name?: string;
  /** Listen address and URL host (default 127.0.0.1); a network namespace's address for partitions. */
  readonly host?: string;
  /** Run the node through this prefix (`ip netns exec NAME`); the prefix execs, so the pid is the node's. */
  readonly execPrefix?: readonly string[];
}

export interface RgsNode {
  readonly name: string;
  /** http://127.0.0.1:<port>, stable across restarts. */
  readonly url: string;
  readonly port: number;
  readonly operatorSecret: string;
  readonly pid: number | undefined;
  readonly running: boolean;
  output(): string;
  /** GET /ready status (0 when nothing answered); never throws. */
  readyStatus(): Promise<number>;
  waitReady(timeoutMs?: number): Promise<void>;
  kill9(): Promise<void>;
  pause(): void;
  resume(): void;
  /** SIGTERM and wait (SIGKILL after a bound); resolves with the exit code. */
  stop(): Promise<number | null>;
  restart(): Promise<void>;
  destroy(): Promise<void>;
}

const liveChildren = new Set<ChildProcess>();
const liveDataDirs = new Set<string>();
let hooksInstalled = false;

function killAllSync(): void {
  for (const child of liveChildren) {
    try {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
  liveChildren.clear();
  for (const dir of liveDataDirs) rmSync(dir, { recursive: true, force: true });
  liveDataDirs.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.once('exit', killAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, killAllSync);
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      done(true);
    });
  });
}

/** GET url, status only (0 on any transport failure), bounded. */
export async function httpStatus(url: string, timeoutMs = READY_PROBE_TIMEOUT_MS): Promise<number> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

export async function startRgsNode(options: RgsNodeOptions): Promise<RgsNode> {
  installHooks();
  const dataDir = mkdtempSync(join(tmpdir(), 'croupier-chaos-rgs-'));
  liveDataDirs.add(dataDir);
  const port = await freeLoopbackPort();
  const host = options.host ?? '127.0.0.1';
  const url = `http://${host}:${port}`;
  const operatorSecret = options.operatorSecret ?? randomBytes(32).toString('base64url');
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const name = options.name ?? `rgs-${port}`;
  let child: ChildProcess | undefined;
  const lines: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.length === 0) continue;
      lines.push(line);
      if (lines.length > OUTPUT_MAX_LINES) lines.splice(0, lines.length - OUTPUT_MAX_LINES);
    }
  };
  const output = () => lines.join('\n');
  const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null;

  const waitReady = async (timeoutMs = startTimeoutMs): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    for (let i = 0; i < Math.ceil(timeoutMs / READY_POLL_INTERVAL_MS) + 1 && Date.now() < deadline; i++) {
      if (!alive())
        throw new Error(
          `${name} exited (${child?.exitCode ?? child?.signalCode}):\n${output().slice(-2000)}`,
        );
      if ((await httpStatus(`${url}/ready`)) === 200) return;
      await sleep(READY_POLL_INTERVAL_MS);
    }
    throw new Error(`${name} not ready within ${timeoutMs} ms:\n${output().slice(-2000)}`);
  };

  const spawnServer = async (): Promise<void> => {
    const args = [CROUPIER_BIN, 'rgs', 'start', '--port', String(port), '--host', host];
    args.push('--database-url', options.databaseUrl, '--redis-url', options.redisUrl, '--data-dir', dataDir);
    const prefix = options.execPrefix ?? [];
    const [command, ...commandArgs] = [...prefix, process.execPath, ...args] as [string, ...string[]];
    const started = spawn(command, commandArgs, {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        RGS_OPERATOR_SECRET: operatorSecret,
        RGS_LOG_LEVEL: 'warn',
        RGS_SHUTDOWN_GRACE_MS: '5000',
        RGS_RATE_LIMIT: '100000',
        ...options.env,
        DATABASE_URL: '',
        REDIS_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    liveChildren.add(started);
    started.stdout?.on('data', collect);
    started.stderr?.on('data', collect);
    started.once('exit', () => liveChildren.delete(started));
    await waitReady();
  };

  const kill9 = async (): Promise<void> => {
    const current = child;
    if (current === undefined || !alive()) return;
    current.kill('SIGKILL');
    current.kill('SIGCONT');
    if (!(await exited(current, KILL_TIMEOUT_MS)))
      throw new Error(`${name} (${current.pid}) survived SIGKILL`);
  };

  const stop = async (): Promise<number | null> => {
    const current = child;
    if (current === undefined) return null;
    if (!alive()) return current.exitCode;
    current.kill('SIGCONT');
    current.kill('SIGTERM');
    if (!(await exited(current, STOP_TIMEOUT_MS))) {
      current.kill('SIGKILL');
      await exited(current, KILL_TIMEOUT_MS);
    }
    return current.exitCode;
  };

  try {
    await spawnServer();
  } catch (error) {
    await kill9().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
    liveDataDirs.delete(dataDir);
    throw error;
  }

  const node: RgsNode = {
    name,
    url,
    port,
    operatorSecret,
    get pid() {
      return alive() ? child?.pid : undefined;
    },
    get running() {
      return alive();
    },
    output,
    readyStatus: () => httpStatus(`${url}/ready`),
    waitReady,
    kill9,
    pause() {
      if (alive()) child?.kill('SIGSTOP');
    },
    resume() {
      if (alive()) child?.kill('SIGCONT');
    },
    stop,
    async restart() {
      if (alive()) await stop();
      await spawnServer();
    },
    async destroy() {
      await stop().catch(() => kill9());
      rmSync(dataDir, { recursive: true, force: true });
      liveDataDirs.delete(dataDir);
    },
  };
  return node;
}
