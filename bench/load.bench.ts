/**
 * The load runner's own speed: requests per second it drives from one core (this process is one
 * thread) against a trivial endpoint (`GET /health` of a minimal Node server in a child process),
 * side by side with wrk (Debian `wrk`, one thread) against the same server, in the same run.
 *
 * Both keep the same number of connections busy. The runner goes through its real path: the
 * open-model engine (arrivals on a schedule above the server's capacity, capped at the connection
 * count, so it runs flat out) and rgs/wire's client, recording each latency from its intended start
 * into an HdrHistogram. Figures: achieved requests/s, requests per CPU-second of this process
 * (per core), and the ratio to wrk. Targets: ≥ 10 000 requests/s per core, ≥ 0.5 × wrk.
 */
import { execFileSync, spawn } from 'node:child_process';
import { newHistogram, runOpenModel } from '../load/index.ts';
import { StakeApiClient } from '../rgs/wire/index.ts';
import { formatRate, heading } from './harness.ts';

const CONNECTIONS = 64;
const TARGET_PER_CORE = 10_000;
const TARGET_VS_WRK = 0.5;

const SERVER = `
const http = require('node:http');
const body = JSON.stringify({ status: 'ok' });
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

async function startServer(): Promise<{ port: number; stop(): void }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
  return { port, stop: () => child.kill('SIGTERM') };
}

async function runner(baseUrl: string, durationMs: number) {
  const client = new StakeApiClient({ baseUrl, maxSockets: CONNECTIONS, maxInFlight: CONNECTIONS + 1 });
  const histogram = newHistogram();
  const ratePerS = 200_000;
  const count = Math.ceil((ratePerS * durationMs) / 1_000);
  let completed = 0;
  const cpuBefore = process.cpuUsage();
  const result = await runOpenModel({
    arrivals: (function* () {
      for (let i = 0; i < count; i++) yield (i * 1_000) / ratePerS;
    })(),
    maxConcurrentVisits: CONNECTIONS,
    deadlineMs: durationMs,
    drainMs: 2_000,
    visit: async (_index, arrivalMs, engine) => {
      const reply = await client.call('GET', '/health', 'read');
      if (reply.outcome !== 'ok') throw new Error(`health: ${reply.code}`);
      completed += 1;
      histogram.recordValue(Math.max(1, Math.round((engine.clockMs() - arrivalMs) * 1_000)));
    },
  });
  const cpu = process.cpuUsage(cpuBefore);
  client.close();
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const seconds = result.durationMs / 1_000;
  return { rps: completed / seconds, perCore: completed / cpuS, cpuShare: cpuS / seconds, completed };
}

function wrk(url: string, durationS: number): number | null {
  try {
    const out = execFileSync('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${durationS}s`, url], {
      encoding: 'utf8',
    });
    const match = /Requests\/sec:\s+([\d.]+)/.exec(out);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

export async function run(options: { quick: boolean }): Promise<void> {
  heading('load runner: requests/s from one core vs wrk (GET /health of a minimal server)');
  const durationS = options.quick ? 3 : 6;
  const server = await startServer();
  try {
    const baseUrl = `http://127.0.0.1:${server.port}`;
    const wrkRps = wrk(`${baseUrl}/health`, durationS);
    const ours = await runner(baseUrl, durationS * 1_000);
    const line = (label: string, value: string) => process.stdout.write(`  ${label.padEnd(34)} ${value}\n`);
    line('wrk -t1 -c64', wrkRps === null ? 'not installed (apt-get install wrk)' : formatRate(wrkRps, 'req'));
    line('croupier runner (64 connections)', `${formatRate(ours.rps, 'req')} (${ours.completed} requests)`);
    line(
      'runner per CPU-second (per core)',
      `${formatRate(ours.perCore, 'req')} (process CPU ${(ours.cpuShare * 100).toFixed(0)}%)`,
    );
    line(
      'per-core target',
      `${ours.perCore >= TARGET_PER_CORE ? 'met' : 'MISSED'} (≥ ${TARGET_PER_CORE} req/s)`,
    );
    if (wrkRps !== null) {
      const ratio = ours.rps / wrkRps;
      line(
        'runner / wrk',
        `${ratio.toFixed(2)}× (target ≥ ${TARGET_VS_WRK}×: ${ratio >= TARGET_VS_WRK ? 'met' : 'MISSED'})`,
      );
    }
  } finally {
    server.stop();
  }
}
