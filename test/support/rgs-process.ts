/**
 * A real `croupier rgs start` process for end-to-end and chaos tests (and the RGS benchmark):
 * spawned as `node bin/croupier.js rgs start --port … --database-url … --redis-url … [--tls
 * --data-dir …]`, waited for until GET /ready answers 200, and controlled like the throwaway
 * services of services.ts: kill9() (a crash), stop() (SIGTERM, graceful), restart() (same port,
 * database, Redis and data dir, so launch URLs and the TLS CA stay valid), destroy().
 *
 * Why these choices:
 * - The port is chosen once (a free loopback port) and kept across restarts: sessions live in
 *   Redis and their launch URLs name `rgs_url` (host:port), so a client keeps talking to the same
 *   address after a crash, as a real front end would after a pod restart behind a stable name.
 * - The operator secret is passed as RGS_OPERATOR_SECRET (random per handle), so tests sign
 *   operator tokens in-process instead of spawning `croupier rgs token` for each session.
 * - bin/croupier.js registers tsx in-process (no wrapper child), so the pid we hold IS the server
 *   and SIGKILL reaches it. Every process we start is SIGKILLed on exit (exit and signal hooks), and
 *   its data dir removed: nothing outlives the test run.
 * - Output is kept in a bounded ring (last OUTPUT_MAX_LINES lines) for failure messages and for
 *   tests that check what the server logged.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { signOperatorToken } from '../../rgs/http/operator-auth.ts';
import { freeLoopbackPort } from './services.ts';
import { rawRequest, StakeClient } from './stake-client.ts';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
const CROUPIER_BIN = join(REPO_ROOT, 'bin', 'croupier.js');

const DEFAULT_START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
const KILL_TIMEOUT_MS = 5_000;
const READY_POLL_INTERVAL_MS = 100;
const READY_PROBE_TIMEOUT_MS = 2_000;
const OUTPUT_MAX_LINES = 400;

export interface RgsProcessOptions {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** HTTPS with the loopback CA generated in the data dir (default false: plain HTTP). */
  readonly tls?: boolean;
  /** Data dir (TLS CA, keys); default a fresh temporary directory, removed by destroy(). */
  readonly dataDir?: string;
  /** Extra environment (RGS_RATE_LIMIT, RGS_SHUTDOWN_GRACE_MS, RGS_LOG_LEVEL, …). */
  readonly env?: Readonly<Record<string, string>>;
  /** Bound on spawn → /ready 200, per start. */
  readonly startTimeoutMs?: number;
  /** Extra `rgs start` arguments (e.g. `--games FILE`). */
  readonly args?: readonly string[];
}

export interface SessionStartBody {
  readonly currency: string;
  readonly balance?: number;
  readonly jurisdiction?: string;
  readonly gameID?: string;
  readonly language?: string;
  readonly device?: 'mobile' | 'desktop';
  readonly playerID?: string;
}

export type PlayerClient = StakeClient & { readonly playerID: string };

export interface RgsProcess {
  /** `http(s)://127.0.0.1:<port>`, stable across restarts. */
  readonly url: string;
  /** host:port, as `rgs_url` in launch URLs. */
  readonly rgsUrl: string;
  readonly port: number;
  readonly scheme: 'http' | 'https';
  /** PEM of the generated loopback CA (TLS only). */
  readonly ca: string | undefined;
  readonly caPath: string | undefined;
  readonly dataDir: string;
  readonly operatorSecret: string;
  /** Pid of the running server; undefined when it is not running. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** The last lines the server wrote (stdout and stderr). */
  output(): string;
  /** A short-lived operator token for /session/start. */
  operatorToken(ttlSeconds?: number): Promise<string>;
  /** POST /session/start as the operator; the launch URL's client plus the player id. */
  startSession(body: SessionStartBody, clientOptions?: { timeoutMs?: number }): Promise<PlayerClient>;
  /** GET /ready: status and body (never throws; status 0 when nothing answered). */
  ready(): Promise<{ readonly status: number; readonly json: unknown }>;
  /** Polls /ready until 200, bounded; throws with the output tail on timeout. */
  waitReady(timeoutMs?: number): Promise<void>;
  /** SIGKILL the server (a crash); resolves once it has exited. */
  kill9(): Promise<void>;
  /** SIGTERM and wait for the graceful shutdown (SIGKILL after a bound); resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Start again (after kill9/stop, or stop first if running) on the same port and data; waits for /ready. */
  restart(): Promise<void>;
  /** stop() (or kill) and remove the data dir if we created it. */
  destroy(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Exit hooks: kill every live server process synchronously when the test process goes away.

const liveChildren = new Set<ChildProcess>();
let hooksInstalled = false;

function killAllSync(): void {
  for (const child of liveChildren) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
  liveChildren.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.once('exit', killAllSync);
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Resolves true when the child has exited within timeoutMs. */
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

export async function startRgsProcess(options: RgsProcessOptions): Promise<RgsProcess> {
  installHooks();
  const tls = options.tls ?? false;
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'croupier-rgs-proc-'));
  const port = await freeLoopbackPort();
  const scheme: 'http' | 'https' = tls ? 'https' : 'http';
  const rgsUrl = `127.0.0.1:${port}`;
  const url = `${scheme}://${rgsUrl}`;
  const operatorSecret = randomBytes(32).toString('base64url');
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const caPath = tls ? join(dataDir, 'tls', 'ca.pem') : undefined;
  let ca: string | undefined;
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

  const probe = async (): Promise<{ status: number; json: unknown }> => {
    try {
      const response = await rawRequest(`${url}/ready`, {
        timeoutMs: READY_PROBE_TIMEOUT_MS,
        ...(ca !== undefined ? { ca } : {}),
      });
      return { status: response.status, json: response.json };
    } catch {
      return { status: 0, json: undefined };
    }
  };

  const waitReady = async (timeoutMs = startTimeoutMs): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    const attempts = Math.ceil(timeoutMs / READY_POLL_INTERVAL_MS) + 1;
    for (let i = 0; i < attempts && Date.now() < deadline; i++) {
      if (child === undefined || child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `croupier rgs start exited (${child?.exitCode ?? child?.signalCode}):\n${output().slice(-3000)}`,
        );
      }
      if (tls && ca === undefined) {
        try {
          ca = readFileSync(caPath!, 'utf8');
        } catch {
          // Not generated yet.
        }
      }
      if ((tls ? ca !== undefined : true) && (await probe()).status === 200) return;
      await sleep(READY_POLL_INTERVAL_MS);
    }
    throw new Error(`croupier rgs start not ready within ${timeoutMs} ms:\n${output().slice(-3000)}`);
  };

  const spawnServer = async (): Promise<void> => {
    const args = [
      CROUPIER_BIN,
      'rgs',
      'start',
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--database-url',
      options.databaseUrl,
      '--redis-url',
      options.redisUrl,
      '--data-dir',
      dataDir,
      ...(tls ? ['--tls'] : []),
      ...(options.args ?? []),
    ];
    const started = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        RGS_OPERATOR_SECRET: operatorSecret,
        RGS_LOG_LEVEL: 'warn',
        RGS_SHUTDOWN_GRACE_MS: '5000',
        ...options.env,
        // Not inherited: the test process's own services must not leak into the server's config.
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
    if (current === undefined || current.exitCode !== null || current.signalCode !== null) return;
    current.kill('SIGKILL');
    if (!(await exited(current, KILL_TIMEOUT_MS)))
      throw new Error(`rgs process ${current.pid} survived SIGKILL`);
  };

  const stop = async (): Promise<number | null> => {
    const current = child;
    if (current === undefined) return null;
    if (current.exitCode !== null || current.signalCode !== null) return current.exitCode;
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
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }

  const handle: RgsProcess = {
    url,
    rgsUrl,
    port,
    scheme,
    get ca() {
      return ca;
    },
    caPath,
    dataDir,
    operatorSecret,
    get pid() {
      return child !== undefined && child.exitCode === null && child.signalCode === null
        ? child.pid
        : undefined;
    },
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    output,
    operatorToken: (ttlSeconds = 120) => signOperatorToken(operatorSecret, ttlSeconds),
    async startSession(body, clientOptions = {}) {
      const token = await signOperatorToken(operatorSecret, 60);
      const response = await rawRequest(`${url}/session/start`, {
        method: 'POST',
        body,
        headers: { authorization: `Bearer ${token}` },
        ...(ca !== undefined ? { ca } : {}),
      });
      if (response.status !== 200) throw new Error(`session/start: ${response.status} ${response.text}`);
      const { url: launchUrl, playerID } = response.json as { url: string; playerID: string };
      const client = StakeClient.fromLaunchUrl(launchUrl, {
        scheme,
        ...(ca !== undefined ? { ca } : {}),
        ...(clientOptions.timeoutMs !== undefined ? { timeoutMs: clientOptions.timeoutMs } : {}),
      });
      return Object.assign(client, { playerID });
    },
    ready: probe,
    waitReady,
    kill9,
    stop,
    async restart() {
      if (handle.running) await stop();
      await spawnServer();
    },
    async destroy() {
      await stop().catch(() => kill9());
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}

/** Runs `node bin/croupier.js <args>` to completion (bounded); exit code and output. */
export async function runCroupier(
  args: readonly string[],
  options: { readonly timeoutMs?: number; readonly env?: Readonly<Record<string, string>> } = {},
): Promise<{ readonly code: number | null; readonly stdout: string; readonly stderr: string }> {
  const child = spawn(process.execPath, [CROUPIER_BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveChildren.add(child);
  installHooks();
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    if (stdout.length < 1 << 20) stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 1 << 20) stderr += chunk.toString('utf8');
  });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const code = await new Promise<number | null>((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      liveChildren.delete(child);
      done(exitCode);
    });
  });
  return { code, stdout, stderr };
}
