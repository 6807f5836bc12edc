import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/paths.ts';
import {
  findPostgresBinDir,
  findRedisServer,
  probePostgres,
  probeRedis,
  type ServerHandle,
  ServiceBinaryMissingError,
  startPostgres,
  startRedis,
  sweepStaleServiceDirs,
} from './support/services.ts';

// Private servers (never the run's shared ones), driven through the chaos controls.

function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

async function connect(url: string, options: pg.ClientConfig = {}): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, ...options });
  client.on('error', () => {}); // a killed server makes the client emit 'error'; queries reject anyway
  await client.connect();
  return client;
}

describe('PostgreSQL controls', () => {
  let server: ServerHandle;

  beforeAll(async () => {
    server = await startPostgres();
  });

  afterAll(async () => {
    await server?.destroy();
  });

  it('kill9 loses the connection; restart recovers every committed row and no uncommitted one', async () => {
    const setup = await connect(server.url);
    await setup.query('create table bets (id int primary key, amount_minor bigint not null)');
    await setup.query('insert into bets values (1, 500)'); // committed (autocommit)
    await setup.end();
    const open = await connect(server.url);
    await open.query('begin');
    await open.query('insert into bets values (2, 700)'); // never committed
    const firstPid = server.pid!;

    await server.kill9();

    expect(server.running).toBe(false);
    expect(server.pid).toBeUndefined();
    expect(isAlive(firstPid)).toBe(false);
    await expect(open.query('select 1')).rejects.toThrow();
    await expect(probePostgres(server.url)).rejects.toThrow(/ECONNREFUSED/);

    await server.restart(); // crash recovery replays the WAL

    expect(server.pid).not.toBe(firstPid);
    const after = await connect(server.url);
    const rows = await after.query('select id, amount_minor::int as amount from bets order by id');
    expect(rows.rows).toEqual([{ id: 1, amount: 500 }]);
    await after.end();
  });

  it('pause makes queries and new connections time out; resume makes it answer again', async () => {
    const client = await connect(server.url, { query_timeout: 500 });
    expect((await client.query('select 2 as two')).rows).toEqual([{ two: 2 }]);

    server.pause();
    try {
      await expect(client.query('select 3')).rejects.toThrow(/timeout/i);
      await expect(connect(server.url, { connectionTimeoutMillis: 500 })).rejects.toThrow(/timeout/i);
    } finally {
      server.resume();
    }

    const fresh = await connect(server.url, { query_timeout: 5_000 });
    expect((await fresh.query('select 4 as four')).rows).toEqual([{ four: 4 }]);
    await fresh.end();
    await client.end();
  });

  it('stop is graceful, restart reuses the port and data, destroy removes everything', async () => {
    const { port, url, rootDir, dataDir } = server;
    const pid = server.pid!;
    await server.stop();
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false); // clean shutdown
    await server.restart();
    expect(server.port).toBe(port);
    expect(server.url).toBe(url);
    const client = await connect(url);
    expect((await client.query('select count(*)::int as n from bets')).rows).toEqual([{ n: 1 }]);
    await client.end();

    const lastPid = server.pid!;
    await server.destroy();
    expect(isAlive(lastPid)).toBe(false);
    expect(existsSync(rootDir)).toBe(false);
    await expect(probePostgres(url)).rejects.toThrow();
    await expect(server.restart()).rejects.toThrow(/destroyed/);
  });
});

describe('Redis controls', () => {
  const servers: ServerHandle[] = [];

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.destroy()));
  });

  async function redisClient(url: string): Promise<Redis> {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {});
    await client.connect();
    return client;
  }

  it('without persistence (the default), kill9 + restart loses every key', async () => {
    const server = await startRedis();
    servers.push(server);
    const before = await redisClient(server.url);
    await before.set('session:1', 'alive');
    before.disconnect();

    await server.kill9();
    await expect(probeRedis(server.url)).rejects.toThrow();
    await server.restart();

    const after = await redisClient(server.url);
    expect(await after.get('session:1')).toBeNull();
    after.disconnect();
  });

  it("with persistence 'aof' (appendfsync always), an acknowledged write survives kill9", async () => {
    const server = await startRedis({ persistence: 'aof' });
    servers.push(server);
    const before = await redisClient(server.url);
    expect(await before.set('session:2', 'kept')).toBe('OK');
    before.disconnect();

    await server.kill9();
    await server.restart();

    const after = await redisClient(server.url);
    expect(await after.get('session:2')).toBe('kept');
    after.disconnect();
  });

  it('pause makes commands time out; resume makes it answer again', async () => {
    const server = await startRedis();
    servers.push(server);
    const client = new Redis(server.url, { lazyConnect: true, commandTimeout: 300, maxRetriesPerRequest: 0 });
    client.on('error', () => {});
    await client.connect();

    server.pause();
    try {
      await expect(client.ping()).rejects.toThrow(/timed out/i);
    } finally {
      server.resume();
    }

    client.disconnect();
    const fresh = await redisClient(server.url);
    expect(await fresh.ping()).toBe('PONG');
    fresh.disconnect();
  });
});

describe('binary discovery', () => {
  let fakeRoot: string;

  function fakeBinDir(dir: string, names: readonly string[]): string {
    mkdirSync(dir, { recursive: true });
    for (const name of names) {
      writeFileSync(join(dir, name), '#!/bin/sh\nexit 0\n');
      chmodSync(join(dir, name), 0o755);
    }
    return dir;
  }

  beforeAll(() => {
    fakeRoot = mkdtempSync(join(tmpdir(), 'croupier-discovery-'));
  });

  afterAll(() => {
    rmSync(fakeRoot, { recursive: true, force: true });
  });

  it('finds initdb + postgres on PATH first', () => {
    const onPath = fakeBinDir(join(fakeRoot, 'path-bin'), ['initdb', 'postgres']);
    const elsewhere = join(fakeRoot, 'nothing-here');
    expect(findPostgresBinDir({ path: `${elsewhere}:${onPath}`, postgresRoots: [], pgConfig: null })).toBe(
      onPath,
    );
  });

  it('then takes the highest complete version under the Debian root, comparing numerically', () => {
    const root = join(fakeRoot, 'usr-lib-postgresql');
    fakeBinDir(join(root, '9.6', 'bin'), ['initdb', 'postgres']);
    const thirteen = fakeBinDir(join(root, '13', 'bin'), ['initdb', 'postgres']);
    fakeBinDir(join(root, '15', 'bin'), ['initdb']); // client-only install: no server
    expect(findPostgresBinDir({ path: '', postgresRoots: [root], pgConfig: null })).toBe(thirteen);
  });

  it('then asks pg_config --bindir', () => {
    const serverDir = fakeBinDir(join(fakeRoot, 'pgconfig-bin'), ['initdb', 'postgres']);
    const pgConfig = join(fakeRoot, 'pg_config');
    writeFileSync(pgConfig, `#!/bin/sh\necho ${serverDir}\n`);
    chmodSync(pgConfig, 0o755);
    expect(findPostgresBinDir({ path: '', postgresRoots: [], pgConfig })).toBe(serverDir);
  });

  it('says in one line what to install when PostgreSQL or Redis is missing', () => {
    const missing = {
      path: join(fakeRoot, 'empty'),
      postgresRoots: [join(fakeRoot, 'none')],
      pgConfig: null,
    };
    expect(() => findPostgresBinDir(missing)).toThrow(ServiceBinaryMissingError);
    expect(() => findPostgresBinDir(missing)).toThrow(
      /^[^\n]*apt-get install -y postgresql[^\n]*DATABASE_URL[^\n]*$/,
    );
    expect(() => findRedisServer(missing)).toThrow(ServiceBinaryMissingError);
    expect(() => findRedisServer(missing)).toThrow(
      /^[^\n]*apt-get install -y redis-server[^\n]*REDIS_URL[^\n]*$/,
    );
  });
});

describe('cleanup when the process that started the servers dies', () => {
  let parent: string;
  const children: ChildProcess[] = [];

  beforeAll(() => {
    // A private TMPDIR for the child, traversable by the postgres user when we are root.
    parent = mkdtempSync(join(tmpdir(), 'croupier-crash-'));
    chmodSync(parent, 0o755);
  });

  afterAll(() => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    sweepStaleServiceDirs(parent); // servers of a child that misbehaved
    rmSync(parent, { recursive: true, force: true });
  });

  interface Started {
    child: ChildProcess;
    servers: { pid: number; rootDir: string }[];
    exited: Promise<void>;
  }

  /** A child process that starts servers, reports them, then crashes or waits as told. */
  async function startChild(
    kinds: readonly ('postgres' | 'redis')[],
    then: 'throw' | 'wait',
  ): Promise<Started> {
    const servicesUrl = pathToFileURL(join(REPO_ROOT, 'test/support/services.ts')).href;
    const script = `
      import { register } from 'tsx/esm/api';
      register();
      const services = await import(${JSON.stringify(servicesUrl)});
      const servers = [];
      for (const kind of ${JSON.stringify(kinds)}) {
        servers.push(kind === 'postgres' ? await services.startPostgres() : await services.startRedis());
      }
      process.stdout.write(JSON.stringify(servers.map((s) => ({ pid: s.pid, rootDir: s.rootDir }))) + '\\n');
      if (${JSON.stringify(then)} === 'throw') setTimeout(() => { throw new Error('test file crashed'); }, 10);
      else setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: REPO_ROOT,
      env: { ...process.env, TMPDIR: parent },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const line = await new Promise<string>((done, fail) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('\n')) done(stdout.slice(0, stdout.indexOf('\n')));
      });
      child.once('exit', () => fail(new Error(`child exited before reporting: ${stderr}`)));
    });
    const servers = JSON.parse(line) as Started['servers'];
    for (const server of servers) expect(isAlive(server.pid)).toBe(true);
    return { child, servers, exited };
  }

  function expectGone(servers: Started['servers']): void {
    for (const server of servers) {
      expect(isAlive(server.pid)).toBe(false);
      expect(existsSync(server.rootDir)).toBe(false);
    }
  }

  it('an uncaught exception (a crashing test file) kills its servers and removes their files', async () => {
    const { servers, exited } = await startChild(['redis'], 'throw');
    await exited;
    expectGone(servers);
  });

  it('SIGTERM (how vitest stops a worker) kills PostgreSQL and Redis and removes their files', async () => {
    const { child, servers, exited } = await startChild(['postgres', 'redis'], 'wait');
    child.kill('SIGTERM');
    await exited;
    expect(child.signalCode).toBe('SIGTERM'); // the default action still happens after our cleanup
    expectGone(servers);
  });

  it('after a SIGKILL, the next sweep kills the orphaned server and removes its directory', async () => {
    const { child, servers, exited } = await startChild(['redis'], 'wait');
    child.kill('SIGKILL');
    await exited;
    const [orphan] = servers;
    expect(isAlive(orphan!.pid)).toBe(true); // nothing could run in the killed process

    const live = mkdtempSync(join(parent, `croupier-svc-${process.pid}-redis-`)); // a live owner: kept
    const removed = sweepStaleServiceDirs(parent);

    expect(removed).toEqual([orphan!.rootDir]);
    expectGone(servers);
    expect(existsSync(live)).toBe(true);
  });
});
