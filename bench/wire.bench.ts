/**
 * The wire client's own cost (rgs/wire StakeApiClient), beside a baseline measured in the same run:
 * the smallest hand-written keep-alive client (node:http Agent, Buffer chunks, one JSON.parse) that
 * the RGS benchmark used before the wire existed. Both play against the same canned node:http server
 * in a worker thread (a fixed /wallet/play answer of a realistic size), with the same concurrency.
 *
 * Figures: requests/s, and the client's busy time per request (this thread's event-loop
 * utilisation × wall time ÷ requests): the load runner's budget is 100 µs per request (10,000
 * requests/s per core). The server shares the machine, so requests/s is for this machine; the
 * ratio to the baseline and the µs per request are the point.
 */
import http from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { formatTable } from '../cli/output.ts';
import { StakeApiClient } from '../rgs/wire/index.ts';
import { heading } from './harness.ts';

const CONCURRENCY = 64;
const MAX_SOCKETS = 64;

/** A canned RGS: /wallet/play answers a play reply the size of a real one (~1.5 kB). */
const SERVER_SOURCE = `
const http = require('node:http');
const { parentPort } = require('node:worker_threads');
const round = { betID: '0192f0c4-8a1e-7cc2-9d4b-3f1f7a5e9b21', amount: 1000000, payout: 0,
  payoutMultiplier: 0, active: false, mode: 'base', event: null,
  state: Array.from({ length: 6 }, (_, i) => ({ index: i, type: 'reveal', gameType: 'basegame',
    reelSet: 'base', stops: [3, 17, 22, 9, 40], board: [['A', 'K', 'Q'], ['J', 'T', 'N'], ['W', 'S', 'A'], ['K', 'Q', 'J'], ['T', 'N', 'W']] })) };
const body = JSON.stringify({ balance: { amount: 99000000, currency: 'USD' }, round });
const server = http.createServer({ keepAliveTimeout: 60000 }, (req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.on('message', () => server.close(() => process.exit(0)));
`;

type PlayOnce = () => Promise<boolean>;

/** The baseline: the RGS benchmark's former hand-written keep-alive JSON client. */
function baselineClient(port: number, agent: http.Agent): PlayOnce {
  return () =>
    new Promise((done, fail) => {
      const text = JSON.stringify({
        sessionID: 'bench-session-0000000000000000000000000000',
        amount: 1_000_000,
        mode: 'base',
      });
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: '/wallet/play',
          method: 'POST',
          agent,
          timeout: 10_000,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', fail);
          res.on('end', () => {
            const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { round?: unknown };
            done(res.statusCode === 200 && json.round !== undefined);
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', fail);
      req.end(text);
    });
}

function wireClient(client: StakeApiClient): PlayOnce {
  return async () => {
    const result = await client.play('bench-session-0000000000000000000000000000', 1_000_000, 'base');
    return result.outcome === 'ok';
  };
}

interface Run {
  readonly requests: number;
  readonly failures: number;
  readonly seconds: number;
  readonly busyUsPerRequest: number;
}

async function drive(play: PlayOnce, durationMs: number): Promise<Run> {
  let requests = 0;
  let failures = 0;
  const startElu = performance.eventLoopUtilization();
  const start = performance.now();
  const end = start + durationMs;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = 0; i < 10_000_000 && performance.now() < end; i++) {
        if (await play()) requests++;
        else failures++;
      }
    }),
  );
  const wallMs = performance.now() - start;
  const elu = performance.eventLoopUtilization(startElu);
  return {
    requests,
    failures,
    seconds: wallMs / 1000,
    busyUsPerRequest: (elu.active * 1000) / Math.max(1, requests + failures),
  };
}

export async function run(options: { quick: boolean }): Promise<void> {
  const seconds = options.quick ? 2 : 5;
  heading(
    `rgs/wire client vs a minimal hand-written keep-alive client, ${CONCURRENCY} in flight, ${seconds} s each`,
  );
  const server = new Worker(SERVER_SOURCE, { eval: true });
  const port = await new Promise<number>((done) => server.once('message', done));
  const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  const client = new StakeApiClient({ baseUrl: `http://127.0.0.1:${port}`, maxSockets: MAX_SOCKETS });
  try {
    // Warm-up (JIT, sockets), not measured; then alternate so drift hits both alike.
    await drive(baselineClient(port, agent), 500);
    await drive(wireClient(client), 500);
    const baseline = await drive(baselineClient(port, agent), seconds * 1000);
    const wire = await drive(wireClient(client), seconds * 1000);
    const rate = (r: Run) => r.requests / r.seconds;
    const row = (label: string, r: Run) => [
      label,
      Math.round(rate(r)),
      r.failures,
      r.busyUsPerRequest.toFixed(1),
      `${((rate(r) / rate(baseline)) * 100).toFixed(0)}%`,
    ];
    process.stdout.write(
      `${formatTable(
        ['client', 'requests/s', 'failures', 'client busy µs/request', 'vs baseline'],
        [row('baseline (hand-written)', baseline), row('rgs/wire StakeApiClient', wire)],
      )}\n`,
    );
  } finally {
    client.close();
    agent.destroy();
    server.postMessage('stop');
    await new Promise((done) => server.once('exit', done));
  }
}

// `node bin/run-ts.js bench/wire.bench.ts [--quick]` runs this suite alone.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await run({ quick: process.argv.includes('--quick') });
}
