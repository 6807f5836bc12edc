/**
 * Throwaway PostgreSQL and Redis servers for tests and chaos drills.
 *
 * Each server lives in its own temporary directory `<os.tmpdir()>/croupier-svc-<ownerPid>-<kind>-XXXXXX`
 * (data, log, pid file), listens on a free port chosen by the OS and on 127.0.0.1 only, and is
 * controlled through a {@link ServerHandle}: kill9 / pause / resume / restart / stop / destroy.
 *
 * Why these choices:
 * - The server is spawned directly (not through pg_ctl, runuser or a shell) so that `pid` is the
 *   server itself and signals reach it. As root, PostgreSQL gets the `postgres` OS user through
 *   Node's spawn `uid`/`gid` (setgid + setuid + setgroups([]) before exec, same effect as
 *   `setpriv`), because initdb and postgres refuse to run as root and `runuser` would sit between
 *   us and the server as a parent process.
 * - Servers run in their own session (`detached`), so a Ctrl-C in the terminal does not kill them
 *   behind our back: only this module stops them. Process exit and SIGINT/SIGTERM/SIGHUP hooks kill
 *   every live server and remove its directory, and {@link sweepStaleServiceDirs} cleans what a
 *   SIGKILLed run left behind (the owner pid is in the directory name).
 * - PostgreSQL keeps `fsync=on` and `synchronous_commit=on`: a committed transaction is on disk
 *   when COMMIT returns, so kill -9 drills test what production would do. (A process kill alone
 *   loses nothing that reached the kernel, but an OS crash would, with fsync off.) Only initdb runs
 *   with `--no-sync`: a cluster that does not survive an OS crash is of no use anyway.
 * - `dynamic_shared_memory_type=mmap` keeps dynamic shared memory in the data directory, so a
 *   killed server leaves nothing in /dev/shm; the small System V segment that PostgreSQL keeps as
 *   an interlock is removed by destroy() when the postmaster died without cleaning it.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  accessSync,
  chownSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';

/** Every service directory starts with this, under os.tmpdir(). */
export const SERVICE_DIR_PREFIX = 'croupier-svc-';

const DEFAULT_START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const KILL_TIMEOUT_MS = 5_000;
const PROBE_TIMEOUT_MS = 1_000;
const PROBE_INTERVAL_MS = 50;
const PORT_ATTEMPTS_MAX = 3;
const SWEEP_ENTRIES_MAX = 10_000;
const LOG_TAIL_LINES = 12;
const SERVER_PID_FILE = 'server.pid';

export const POSTGRES_MISSING_MESSAGE =
  'PostgreSQL server binaries (initdb, postgres) not found on PATH, in /usr/lib/postgresql/*/bin or via ' +
  'pg_config --bindir: install them (Debian: apt-get install -y postgresql, or run scripts/install-test-deps.sh) ' +
  'or set DATABASE_URL to a running server';

export const REDIS_MISSING_MESSAGE =
  'redis-server not found on PATH: install it (Debian: apt-get install -y redis-server, or run ' +
  'scripts/install-test-deps.sh) or set REDIS_URL to a running server';

/** A required server binary is not installed; the message is one line saying what to install. */
export class ServiceBinaryMissingError extends Error {
  override name = 'ServiceBinaryMissingError';
}

export type ServiceKind = 'postgres' | 'redis';

/** A throwaway server. Control methods are meant for chaos tests as much as for setup. */
export interface ServerHandle {
  readonly kind: ServiceKind;
  /** Connection URL (postgres://… or redis://…), stable across restarts. */
  readonly url: string;
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The server's data directory (PGDATA, or Redis's --dir), kept across restarts. */
  readonly dataDir: string;
  /** The temporary directory holding data, socket and log; removed by destroy(). */
  readonly rootDir: string;
  readonly logFile: string;
  /** Pid of the running server process (postmaster / redis-server); undefined when not running. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** SIGKILL the server and all its processes at once (a crash); resolves once the server has exited. */
  kill9(): Promise<void>;
  /** SIGSTOP the server and all its processes: connections stay open, nothing answers. */
  pause(): void;
  /** SIGCONT what pause() stopped. */
  resume(): void;
  /** Stop (gracefully, if running) and start again on the same data dir and port; resolves when ready. */
  restart(): Promise<void>;
  /** Graceful shutdown (PostgreSQL fast shutdown, Redis SIGTERM), escalating to SIGKILL after a bound. */
  stop(): Promise<void>;
  /** stop() and remove every file; the handle is unusable afterwards. */
  destroy(): Promise<void>;
}

export interface PostgresOptions {
  /** Bound on initdb + start + first successful query. */
  startTimeoutMs?: number;
  /** Extra `-c name=value` server settings over the defaults (POSTGRES_DEFAULT_SETTINGS), except listen_addresses. */
  settings?: Readonly<Record<string, string>>;
}

export interface RedisOptions {
  startTimeoutMs?: number;
  /**
   * 'none' (default): `--save "" --appendonly no`, everything is lost when the process dies.
   * 'aof': `--appendonly yes --appendfsync always`, every acknowledged write survives kill -9.
   */
  persistence?: 'none' | 'aof';
}

/** Where to look for binaries; the defaults are the real PATH and Debian's layout. */
export interface BinarySearch {
  path?: string;
  postgresRoots?: readonly string[];
  /** The pg_config to ask for --bindir; null skips that step. */
  pgConfig?: string | null;
}

// ---------------------------------------------------------------------------------------------
// Binary discovery

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function pathDirs(path: string | undefined): string[] {
  return (path ?? '').split(delimiter).filter((dir) => dir.length > 0);
}

function hasPostgresServer(dir: string): boolean {
  return isExecutableFile(join(dir, 'initdb')) && isExecutableFile(join(dir, 'postgres'));
}

function compareVersionsDescending(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pb[i] ?? 0) - (pa[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/**
 * The directory holding initdb and postgres: PATH first, then the highest version under
 * /usr/lib/postgresql/<version>/bin (Debian keeps them off PATH), then `pg_config --bindir`.
 */
export function findPostgresBinDir(search: BinarySearch = {}): string {
  const path = search.path ?? process.env.PATH;
  for (const dir of pathDirs(path)) {
    if (hasPostgresServer(dir)) return dir;
  }
  for (const root of search.postgresRoots ?? ['/usr/lib/postgresql']) {
    let versions: string[];
    try {
      versions = readdirSync(root).filter((name) => /^\d+(\.\d+)*$/.test(name));
    } catch {
      continue;
    }
    for (const version of versions.sort(compareVersionsDescending)) {
      const dir = join(root, version, 'bin');
      if (hasPostgresServer(dir)) return dir;
    }
  }
  const pgConfig = search.pgConfig === undefined ? 'pg_config' : search.pgConfig;
  if (pgConfig !== null) {
    try {
      const dir = execFileSync(pgConfig, ['--bindir'], {
        encoding: 'utf8',
        env: { ...process.env, PATH: path ?? '' },
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 5_000,
      }).trim();
      if (dir.length > 0 && hasPostgresServer(dir)) return dir;
    } catch {
      // pg_config missing or failing: fall through to the error below.
    }
  }
  throw new ServiceBinaryMissingError(POSTGRES_MISSING_MESSAGE);
}

/** The redis-server executable on PATH. */
export function findRedisServer(search: BinarySearch = {}): string {
  for (const dir of pathDirs(search.path ?? process.env.PATH)) {
    const file = join(dir, 'redis-server');
    if (isExecutableFile(file)) return file;
  }
  throw new ServiceBinaryMissingError(REDIS_MISSING_MESSAGE);
}

// ---------------------------------------------------------------------------------------------
// Processes

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** True if `work` settles within timeoutMs; the timer never outlives the call. */
async function settlesWithin(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((done) => {
    timer = setTimeout(() => done(false), timeoutMs);
  });
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function withTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface ProcStat {
  state: string;
  ppid: number;
}

function readProcStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Format: "pid (comm) state ppid ..."; comm may contain spaces and parentheses.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '?', ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

/** True while the process exists and is not a zombie. */
function isAlive(pid: number): boolean {
  if (existsSync('/proc/self/stat')) {
    const stat = readProcStat(pid);
    return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** All descendants of rootPid (PostgreSQL backends call setsid(), so the process group is not enough). */
function descendantPids(rootPid: number): number[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const childrenOf = new Map<number, number[]>();
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProcStat(Number(name));
    if (stat === undefined) continue;
    const siblings = childrenOf.get(stat.ppid) ?? [];
    siblings.push(Number(name));
    childrenOf.set(stat.ppid, siblings);
  }
  const found: number[] = [];
  const queue = [rootPid];
  while (queue.length > 0 && found.length < names.length) {
    const parent = queue.shift()!;
    for (const child of childrenOf.get(parent) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/** Signal a server and every process below it; SIGSTOP the root first so it cannot fork meanwhile. */
function signalTree(rootPid: number, sig: NodeJS.Signals): void {
  if (sig !== 'SIGCONT') signal(rootPid, 'SIGSTOP');
  const descendants = descendantPids(rootPid);
  signal(rootPid, sig);
  signal(-rootPid, sig); // the server's own process group (it leads its session)
  for (const pid of descendants) signal(pid, sig);
}

function waitGoneSync(pids: readonly number[], timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive) && Date.now() < deadline) sleepSync(10);
}

function killTreeSync(rootPid: number): void {
  signal(rootPid, 'SIGSTOP');
  const pids = [rootPid, ...descendantPids(rootPid)];
  for (const pid of pids) signal(pid, 'SIGKILL');
  waitGoneSync(pids, 300);
}

function logTail(logFile: string): string {
  try {
    const lines = readFileSync(logFile, 'utf8').trimEnd().split('\n');
    return lines.slice(-LOG_TAIL_LINES).join('\n');
  } catch {
    return '(no log)';
  }
}

/** A free loopback TCP port (the OS picks it; a tiny race with other listeners is accepted). */
export async function freeLoopbackPort(): Promise<number> {
  return await new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') done(address.port);
        else fail(new Error('could not get a free port'));
      });
    });
  });
}

interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

/** As root, the unprivileged user PostgreSQL runs as; undefined when we are not root. */
function postgresOsUser(): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    try {
      const id = (flag: string) =>
        Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
      return { name, uid: id('-u'), gid: id('-g') };
    } catch {
      // No such user; try the next.
    }
  }
  throw new Error(
    'running as root, PostgreSQL needs an unprivileged OS user: neither postgres nor nobody exists',
  );
}

/** The server must be able to reach its directory: every ancestor needs o+x when it runs as another user. */
function assertTraversable(dir: string, user: OsUser): void {
  for (let current = dirname(dir); ; current = dirname(current)) {
    const st = statSync(current);
    const allowed =
      st.uid === user.uid || (st.mode & 0o001) !== 0 || (st.gid === user.gid && (st.mode & 0o010) !== 0);
    if (!allowed) {
      throw new Error(
        `user ${user.name} cannot reach ${dir} (no search permission on ${current}); set TMPDIR`,
      );
    }
    if (current === dirname(current)) return;
  }
}

function createRootDir(kind: ServiceKind): string {
  return mkdtempSync(join(tmpdir(), `${SERVICE_DIR_PREFIX}${process.pid}-${kind}-`));
}

// ---------------------------------------------------------------------------------------------
// Registry and exit hooks: nothing we start outlives the process that started it.

const liveServers = new Set<ManagedServer>();
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const signalHandlers = new Map<NodeJS.Signals, () => void>();

/** Kill every server this process started and remove its files; synchronous, for exit paths. */
export function killAllServersSync(): void {
  for (const server of [...liveServers]) server.destroySync();
}

function onExit(): void {
  killAllServersSync();
}

function installHooks(): void {
  if (signalHandlers.size > 0) return;
  process.on('exit', onExit);
  for (const sig of SIGNALS) {
    const handler = () => {
      // Alone on this signal: after cleaning up, restore the default action (terminate) and
      // re-raise it. Otherwise someone else (vitest) decides how to exit.
      const alone = process.listenerCount(sig) === 1;
      killAllServersSync();
      if (alone) {
        uninstallHooks();
        process.kill(process.pid, sig);
      }
    };
    signalHandlers.set(sig, handler);
    process.on(sig, handler);
  }
}

function uninstallHooks(): void {
  process.off('exit', onExit);
  for (const [sig, handler] of signalHandlers) process.off(sig, handler);
  signalHandlers.clear();
}

function register(server: ManagedServer): void {
  liveServers.add(server);
  installHooks();
}

function unregister(server: ManagedServer): void {
  liveServers.delete(server);
  if (liveServers.size === 0) uninstallHooks();
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL System V interlock segment

interface ShmSegment {
  key: number;
  id: number;
}

function readPostmasterShm(dataDir: string): ShmSegment | undefined {
  try {
    // postmaster.pid line 7: "<shmem key> <shmem id>"
    const line = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[6] ?? '';
    const [key, id] = line.trim().split(/\s+/).map(Number);
    if (key === undefined || id === undefined || !Number.isInteger(key) || !Number.isInteger(id))
      return undefined;
    return { key, id };
  } catch {
    return undefined;
  }
}

/** Remove the segment a killed postmaster left, only if `ipcs` shows that same key and id. */
function removeShmSegment(segment: ShmSegment): void {
  try {
    const listing = execFileSync('ipcs', ['-m'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 2_000,
    });
    const ours = listing.split('\n').some((line) => {
      const [keyHex, id] = line.trim().split(/\s+/);
      return (
        keyHex?.startsWith('0x') && Number.parseInt(keyHex, 16) === segment.key && Number(id) === segment.id
      );
    });
    if (ours) execFileSync('ipcrm', ['-m', String(segment.id)], { stdio: 'ignore', timeout: 2_000 });
  } catch {
    // ipcs/ipcrm missing: the segment (a few hundred bytes) stays until reboot.
  }
}

// ---------------------------------------------------------------------------------------------
// Servers

interface Running {
  child: ChildProcess;
  pid: number;
  exited: Promise<void>;
  hasExited: boolean;
}

abstract class ManagedServer implements ServerHandle {
  abstract readonly kind: ServiceKind;
  readonly host = '127.0.0.1' as const;
  readonly dataDir: string;
  readonly logFile: string;
  #running: Running | undefined;
  #destroyed = false;
  /** Short-lived helpers (initdb) that destroySync() must kill too. */
  protected readonly helpers = new Set<ChildProcess>();

  constructor(
    readonly rootDir: string,
    public port: number,
    protected readonly startTimeoutMs: number,
  ) {
    this.dataDir = join(rootDir, 'data');
    this.logFile = join(rootDir, 'server.log');
  }

  abstract get url(): string;
  protected abstract command(): { file: string; args: string[]; uid?: number; gid?: number };
  /** One real round trip (connect + query); rejects when the server does not answer. */
  protected abstract probe(): Promise<void>;
  protected abstract gracefulSignal(): NodeJS.Signals;
  protected cleanupAfterDeath(): void {}

  get pid(): number | undefined {
    const running = this.#running;
    return running && !running.hasExited ? running.pid : undefined;
  }

  get running(): boolean {
    return this.pid !== undefined;
  }

  /** Spawn the server and wait for a real round trip, failing fast if the process dies. */
  async start(): Promise<void> {
    this.assertUsable();
    if (this.running) throw new Error(`${this.kind} on port ${this.port} is already running`);
    const deadline = Date.now() + this.startTimeoutMs;
    const { file, args, uid, gid } = this.command();
    const logFd = openSync(this.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(file, args, {
        cwd: this.rootDir,
        detached: true,
        stdio: ['ignore', logFd, logFd],
        env: { PATH: process.env.PATH ?? '', LANG: 'C', LC_ALL: 'C', TZ: 'UTC' },
        ...(uid === undefined ? {} : { uid, gid }),
      });
    } finally {
      closeSync(logFd);
    }
    child.unref();
    const running: Running = {
      child,
      pid: child.pid ?? -1,
      hasExited: false,
      exited: new Promise((done) => {
        const finish = () => {
          running.hasExited = true;
          done();
        };
        child.once('exit', finish);
        child.once('error', finish); // spawn failure: there will be no 'exit'
      }),
    };
    this.#running = running;
    if (child.pid === undefined) {
      await running.exited;
      throw new Error(`${this.kind}: could not spawn ${file}`);
    }
    writeFileSync(join(this.rootDir, SERVER_PID_FILE), `${child.pid}\n`);
    let lastError = 'no attempt';
    while (Date.now() < deadline) {
      if (running.hasExited) {
        throw new ServerExitedError(`${this.kind} exited during startup:\n${logTail(this.logFile)}`);
      }
      try {
        await withTimeout(this.probe(), PROBE_TIMEOUT_MS, `${this.kind} probe`);
        return;
      } catch (error) {
        lastError = (error as Error).message;
      }
      await sleep(PROBE_INTERVAL_MS);
    }
    await this.kill9();
    throw new Error(
      `${this.kind} on port ${this.port} not ready within ${this.startTimeoutMs} ms (${lastError}):\n${logTail(this.logFile)}`,
    );
  }

  async kill9(): Promise<void> {
    const running = this.#running;
    if (running === undefined || running.hasExited) return;
    signal(running.pid, 'SIGSTOP');
    const pids = [running.pid, ...descendantPids(running.pid)];
    for (const pid of pids) signal(pid, 'SIGKILL');
    await this.waitExit(running, KILL_TIMEOUT_MS);
    const deadline = Date.now() + KILL_TIMEOUT_MS;
    while (pids.some(isAlive) && Date.now() < deadline) await sleep(10);
  }

  pause(): void {
    const pid = this.requirePid('pause');
    signalTree(pid, 'SIGSTOP');
  }

  resume(): void {
    const pid = this.requirePid('resume');
    signalTree(pid, 'SIGCONT');
  }

  async stop(): Promise<void> {
    const running = this.#running;
    if (running === undefined || running.hasExited) return;
    signal(running.pid, this.gracefulSignal());
    signalTree(running.pid, 'SIGCONT'); // a paused server cannot act on the signal
    if (!(await settlesWithin(running.exited, STOP_TIMEOUT_MS))) await this.kill9();
  }

  async restart(): Promise<void> {
    this.assertUsable();
    await this.stop();
    // A killed PostgreSQL's children may hold its shared memory for a moment ("pre-existing shared
    // memory block is still in use"): retry startup until the deadline, with the same port and data.
    const deadline = Date.now() + this.startTimeoutMs;
    for (;;) {
      try {
        await this.start();
        return;
      } catch (error) {
        if (!(error instanceof ServerExitedError) || Date.now() >= deadline) throw error;
      }
      await sleep(100);
    }
  }

  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    try {
      await this.stop();
    } finally {
      this.destroySync();
    }
  }

  /** Synchronous teardown for exit hooks: SIGKILL everything, then remove the files. */
  destroySync(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    const running = this.#running;
    if (running !== undefined && !running.hasExited) killTreeSync(running.pid);
    for (const helper of this.helpers) if (helper.pid !== undefined) killTreeSync(helper.pid);
    this.cleanupAfterDeath();
    rmSync(this.rootDir, { recursive: true, force: true, maxRetries: 3 });
    unregister(this);
  }

  private async waitExit(running: Running, timeoutMs: number): Promise<void> {
    if (!(await settlesWithin(running.exited, timeoutMs)))
      throw new Error(`${this.kind} pid ${running.pid} did not exit within ${timeoutMs} ms`);
  }

  private requirePid(action: string): number {
    const pid = this.pid;
    if (pid === undefined)
      throw new Error(`cannot ${action}: ${this.kind} on port ${this.port} is not running`);
    return pid;
  }

  private assertUsable(): void {
    if (this.#destroyed) throw new Error(`${this.kind} on port ${this.port} was destroyed`);
  }
}

/** The server process died before answering (bad port, locked data dir…); startup may be retried. */
class ServerExitedError extends Error {
  override name = 'ServerExitedError';
}

/** Default server settings; see the module comment for fsync and dynamic shared memory. */
const POSTGRES_DEFAULT_SETTINGS: Readonly<Record<string, string>> = {
  listen_addresses: '127.0.0.1',
  fsync: 'on',
  synchronous_commit: 'on',
  full_page_writes: 'on',
  dynamic_shared_memory_type: 'mmap',
  huge_pages: 'off',
  shared_buffers: '32MB',
  max_connections: '200',
  jit: 'off',
  TimeZone: 'UTC',
  log_line_prefix: '%m [%p] ',
  log_min_messages: 'warning',
};

class PostgresServer extends ManagedServer {
  readonly kind = 'postgres';
  readonly socketDir: string;

  constructor(
    rootDir: string,
    port: number,
    startTimeoutMs: number,
    private readonly binDir: string,
    private readonly osUser: OsUser | undefined,
    private readonly settings: Readonly<Record<string, string>>,
  ) {
    super(rootDir, port, startTimeoutMs);
    this.socketDir = join(rootDir, 'sock');
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  protected command() {
    const args = ['-D', this.dataDir, '-p', String(this.port), '-k', this.socketDir];
    // listen_addresses is not negotiable: nothing of ours listens beyond 127.0.0.1.
    const settings = { ...POSTGRES_DEFAULT_SETTINGS, ...this.settings, listen_addresses: '127.0.0.1' };
    for (const [name, value] of Object.entries(settings)) {
      args.push('-c', `${name}=${value}`);
    }
    return { file: join(this.binDir, 'postgres'), args, uid: this.osUser?.uid, gid: this.osUser?.gid };
  }

  protected async probe(): Promise<void> {
    await probePostgres(this.url);
  }

  protected gracefulSignal(): NodeJS.Signals {
    return 'SIGINT'; // "fast" shutdown: roll back open transactions, disconnect clients, checkpoint
  }

  protected override cleanupAfterDeath(): void {
    // A clean shutdown deletes postmaster.pid; if it is still there the postmaster was killed.
    const segment = readPostmasterShm(this.dataDir);
    if (segment !== undefined) removeShmSegment(segment);
  }

  /** initdb with trust auth; pg_hba then admits the local socket and 127.0.0.1 only. */
  async initialize(): Promise<void> {
    const deadline = Date.now() + this.startTimeoutMs;
    if (this.osUser !== undefined) {
      assertTraversable(this.rootDir, this.osUser);
      chownSync(this.rootDir, this.osUser.uid, this.osUser.gid);
    }
    mkdirSync(this.socketDir, { mode: 0o700 });
    if (this.osUser !== undefined) chownSync(this.socketDir, this.osUser.uid, this.osUser.gid);
    const args = [
      '-D',
      this.dataDir,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ];
    const logFd = openSync(this.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(join(this.binDir, 'initdb'), args, {
        cwd: this.rootDir,
        stdio: ['ignore', logFd, logFd],
        env: { PATH: process.env.PATH ?? '', LANG: 'C', LC_ALL: 'C', TZ: 'UTC' },
        ...(this.osUser === undefined ? {} : { uid: this.osUser.uid, gid: this.osUser.gid }),
      });
    } finally {
      closeSync(logFd);
    }
    this.helpers.add(child);
    child.once('exit', () => this.helpers.delete(child));
    const code = await new Promise<number | string>((done) => {
      const timer = setTimeout(
        () => {
          child.kill('SIGKILL');
          done('timeout');
        },
        Math.max(1, deadline - Date.now()),
      );
      child.once('error', (error) => {
        clearTimeout(timer);
        done(error.message);
      });
      child.once('exit', (exitCode, sig) => {
        clearTimeout(timer);
        done(exitCode ?? sig ?? 'unknown');
      });
    });
    if (code !== 0) throw new Error(`initdb failed (${code}):\n${logTail(this.logFile)}`);
    const hba = ['local all all trust', 'host all all 127.0.0.1/32 trust', ''].join('\n');
    writeFileSync(join(this.dataDir, 'pg_hba.conf'), hba);
    if (this.osUser !== undefined)
      chownSync(join(this.dataDir, 'pg_hba.conf'), this.osUser.uid, this.osUser.gid);
  }
}

class RedisServer extends ManagedServer {
  readonly kind = 'redis';

  constructor(
    rootDir: string,
    port: number,
    startTimeoutMs: number,
    private readonly redisServer: string,
    private readonly persistence: 'none' | 'aof',
  ) {
    super(rootDir, port, startTimeoutMs);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  protected command() {
    const durability =
      this.persistence === 'aof'
        ? ['--appendonly', 'yes', '--appendfsync', 'always']
        : ['--appendonly', 'no'];
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dataDir,
      '--save',
      '',
      ...durability,
      '--daemonize',
      'no',
      // Keep the original argv visible (it names our directory), as the stale sweep checks.
      '--set-proc-title',
      'no',
    ];
    return { file: this.redisServer, args };
  }

  protected async probe(): Promise<void> {
    await probeRedis(this.url);
  }

  protected gracefulSignal(): NodeJS.Signals {
    return 'SIGTERM';
  }
}

// ---------------------------------------------------------------------------------------------
// Probes: a real connection and query, bounded.

/** Connect, run `select 1`, disconnect; rejects if the server does not answer within the probe bound. */
export async function probePostgres(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<void> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  client.on('error', () => {}); // errors surface through the promises below
  let answered = false;
  try {
    await withTimeout(
      (async () => {
        await client.connect();
        await client.query('select 1');
      })(),
      timeoutMs,
      'postgres probe',
    );
    answered = true;
  } finally {
    // A server that does not answer would not answer the goodbye either: drop the socket.
    if (answered) void client.end().catch(() => {});
    else client.connection.stream.destroy();
  }
}

/** Connect, PING, disconnect; rejects if the server does not answer within the probe bound. */
export async function probeRedis(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await withTimeout(
      (async () => {
        await client.connect();
        const reply = await client.ping();
        if (reply !== 'PONG') throw new Error(`unexpected PING reply ${reply}`);
      })(),
      timeoutMs,
      'redis probe',
    );
  } finally {
    client.disconnect();
  }
}

/** Retry a probe until it succeeds or the deadline passes (for servers we did not start: *_URL). */
export async function waitUntilAnswers(kind: ServiceKind, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no attempt';
  while (Date.now() < deadline) {
    try {
      await (kind === 'postgres' ? probePostgres(url) : probeRedis(url));
      return;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await sleep(PROBE_INTERVAL_MS * 4);
  }
  throw new Error(`no ${kind} answers at ${redactUrl(url)} within ${timeoutMs} ms: ${lastError}`);
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

// ---------------------------------------------------------------------------------------------
// Public constructors

async function startOnFreePort<S extends ManagedServer>(
  create: (port: number) => S,
  prepare?: (server: S) => Promise<void>,
): Promise<S> {
  const server = create(await freeLoopbackPort());
  register(server);
  try {
    await prepare?.(server);
    // The port is free when the OS hands it out, but another process may bind it before the
    // server does: then the server exits at startup and we try another port.
    for (let attempt = 1; ; attempt++) {
      try {
        await server.start();
        return server;
      } catch (error) {
        const portTaken = /address already in use/i.test(logTail(server.logFile));
        if (!(error instanceof ServerExitedError) || !portTaken || attempt >= PORT_ATTEMPTS_MAX) throw error;
      }
      server.port = await freeLoopbackPort();
    }
  } catch (error) {
    server.destroySync();
    throw error;
  }
}

/** Start a private PostgreSQL (fresh initdb) on a free 127.0.0.1 port; destroy() it when done. */
export async function startPostgres(options: PostgresOptions = {}): Promise<ServerHandle> {
  const binDir = findPostgresBinDir();
  const osUser = postgresOsUser();
  const rootDir = createRootDir('postgres');
  return await startOnFreePort(
    (port) =>
      new PostgresServer(rootDir, port, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS, binDir, osUser, {
        ...options.settings,
      }),
    (server) => server.initialize(),
  );
}

/** Start a private redis-server on a free 127.0.0.1 port; destroy() it when done. */
export async function startRedis(options: RedisOptions = {}): Promise<ServerHandle> {
  const redisServer = findRedisServer();
  const rootDir = createRootDir('redis');
  return await startOnFreePort((port) => {
    mkdirSync(join(rootDir, 'data'), { recursive: true });
    return new RedisServer(
      rootDir,
      port,
      options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
      redisServer,
      options.persistence ?? 'none',
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Stale directories from runs that were killed before they could clean up

function processUsesDir(pid: number, dir: string): boolean {
  try {
    const cwd = resolve(readlinkSync(`/proc/${pid}/cwd`));
    if (cwd === dir || cwd.startsWith(`${dir}/`)) return true;
  } catch {
    // Not readable: fall back to the command line.
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
  } catch {
    return false;
  }
}

/**
 * Remove `croupier-svc-<pid>-*` directories whose owner process is dead, first killing a server
 * still running from one (it must be running in that directory, so a reused pid is never hit).
 * Returns the directories removed.
 */
export function sweepStaleServiceDirs(parent: string = tmpdir()): string[] {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names.slice(0, SWEEP_ENTRIES_MAX)) {
    const match = new RegExp(`^${SERVICE_DIR_PREFIX}(\\d+)-`).exec(name);
    if (match === null) continue;
    const ownerPid = Number(match[1]);
    if (ownerPid === process.pid || isAlive(ownerPid)) continue;
    const dir = join(parent, name);
    try {
      const serverPid = Number(readFileSync(join(dir, SERVER_PID_FILE), 'utf8').trim());
      if (
        Number.isInteger(serverPid) &&
        serverPid > 1 &&
        isAlive(serverPid) &&
        processUsesDir(serverPid, dir)
      ) {
        killTreeSync(serverPid);
      }
    } catch {
      // No pid file: the server never started.
    }
    const segment = readPostmasterShm(join(dir, 'data'));
    if (segment !== undefined) removeShmSegment(segment);
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      removed.push(dir);
    } catch {
      // Another user's directory: not ours to remove.
    }
  }
  return removed;
}
