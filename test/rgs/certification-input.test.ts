/**
 * The certification battery's "live RGS" input (certification/inputs-rgs.ts) against a real
 * `croupier rgs start --tls` process: a small sample of rounds played through the HTTP API, their
 * base-game reel stops turned into the GLI battery's channels with the certified game definition.
 *
 * The stops really come from the RGS's RNG path: each closed round's revealed server seed, client
 * seed and nonce, replayed through the one evaluator, give exactly the recorded stops. Negative
 * controls: a sample with constant stops fails the GLI frequency test; a sample claiming another
 * math hash is refused.
 */

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { arraySource, gliFrequencyTest } from '../../certification/index.ts';
import { type LiveRgsSample, rgsStopChannels, sampleRgsStops } from '../../certification/inputs-rgs.ts';
import { loadDemoGame, playRound } from '../../games/index.ts';
import { createTestDatabase, type TestDatabase } from '../../rgs/db/testing.ts';
import { ProvablyFairSource } from '../../rng/index.ts';
import { REPO_ROOT } from '../support/paths.ts';
import { type RgsProcess, runCroupier, startRgsProcess } from '../support/rgs-process.ts';

const GAME = 'jungle-twenty';
const ROUNDS = 120;

let db: TestDatabase;
let rgs: RgsProcess;
let sample: LiveRgsSample;

beforeAll(async () => {
  db = await createTestDatabase(inject('databaseUrl'), 'rgs_cert');
  rgs = await startRgsProcess({ databaseUrl: db.url, redisUrl: inject('redisUrl'), tls: true });
});

afterAll(async () => {
  await rgs?.destroy();
  await db?.drop();
});

describe('live RGS input for the certification batteries', () => {
  test('samples N rounds over HTTPS: stops from round.state, identity recorded', async () => {
    sample = await sampleRgsStops({
      baseUrl: rgs.url,
      operatorToken: await rgs.operatorToken(),
      gameId: GAME,
      rounds: ROUNDS,
      sessions: 3,
      ca: rgs.ca!,
    });
    const game = loadDemoGame(GAME);
    expect(sample.rounds).toHaveLength(ROUNDS);
    expect(sample.identity).toMatchObject({
      kind: 'rgs',
      gameId: GAME,
      mathHash: game.mathHash,
      rounds: ROUNDS,
    });
    expect(new Set(sample.rounds.map((r) => r.roundId)).size).toBe(ROUNDS);
    expect(new Set(sample.rounds.map((r) => r.playerId)).size).toBe(3);
    const channels = rgsStopChannels(sample, game);
    expect(channels).toHaveLength(sample.rounds[0]!.stops.length);
    for (const channel of channels) {
      expect(channel.draws).toHaveLength(ROUNDS);
      for (const stop of channel.draws) expect(stop).toBeLessThan(channel.description.range);
      const result = gliFrequencyTest(arraySource(channel.draws, channel.description), channel.draws.length);
      expect(result.pValues.every((p) => Number.isFinite(p) && p >= 0 && p <= 1)).toBe(true);
    }
  });

  test('every recorded stop is what the evaluator draws from the revealed seed (the real RNG path)', () => {
    const game = loadDemoGame(GAME);
    let replayed = 0;
    for (const round of sample.rounds) {
      const fairness = round.fairness as { serverSeed: string | null; clientSeed: string; nonce: number };
      expect(fairness.serverSeed).toMatch(/^[0-9a-f]{64}$/);
      // The bet choice does not change the stop draw; the default bet is coin 1 × level 1 here.
      const outcome = playRound(
        game,
        'base',
        { coinValueMinor: 1, betLevel: 1 },
        new ProvablyFairSource({
          serverSeed: Uint8Array.from(Buffer.from(fairness.serverSeed!, 'hex')),
          clientSeed: fairness.clientSeed,
          nonce: fairness.nonce,
        }),
      );
      expect(outcome.base?.stops).toEqual(round.stops);
      replayed++;
    }
    expect(replayed).toBe(ROUNDS);
  });

  test('negative controls: constant stops fail the frequency test; another math hash is refused', () => {
    const game = loadDemoGame(GAME);
    const stuck: LiveRgsSample = {
      ...sample,
      rounds: sample.rounds.map((r) => ({ ...r, stops: r.stops.map(() => 0) })),
    };
    for (const channel of rgsStopChannels(stuck, game)) {
      const result = gliFrequencyTest(arraySource(channel.draws, channel.description), channel.draws.length);
      expect(Math.min(...result.pValues)).toBeLessThan(1e-6);
    }
    const other = loadDemoGame('classic-sevens');
    expect(() => rgsStopChannels(sample, other)).toThrow(/certified/);
  });

  test('croupier rng test --rgs-url samples the live RGS, runs the GLI battery, and reruns from the sample', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'croupier-rgs-cli-'));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, rgs.ca!);
    const gameFile = join(REPO_ROOT, 'games/demo/jungle-twenty.json');
    const samplePath = join(dir, 'sample.json');
    const common = ['--battery', 'gli', '--game', gameFile, '--sequences', '2', '--workers', '0', '--json'];
    const live = await runCroupier(
      [
        'rng',
        'test',
        ...common,
        '--rgs-url',
        rgs.url,
        '--ca',
        caFile,
        '--rounds',
        '200',
        '--sample-out',
        samplePath,
      ],
      { env: { CROUPIER_OPERATOR_TOKEN: await rgs.operatorToken() } },
    );
    expect(live.stderr).toContain('recorded 200 served rounds');
    expect(live.code).toBe(0);
    const report = JSON.parse(live.stdout) as {
      input: { kind: string; rounds: number };
      verdict: string;
      rerun: string;
    };
    expect(report.input).toMatchObject({ kind: 'rgs', rounds: 200 });
    expect(report.rerun).toContain(`--rgs-sample ${samplePath}`);
    expect(JSON.parse(readFileSync(samplePath, 'utf8')).rounds).toHaveLength(200);
    // The recorded sample reruns offline to the same report.
    const again = await runCroupier(['rng', 'test', ...common, '--rgs-sample', samplePath]);
    expect(again.code).toBe(0);
    const rerun = JSON.parse(again.stdout) as { gli: unknown };
    expect(rerun.gli).toEqual((JSON.parse(live.stdout) as { gli: unknown }).gli);
    // Bad usage: the NIST battery cannot run on served stops.
    const nist = await runCroupier([
      'rng',
      'test',
      '--battery',
      'nist',
      '--game',
      gameFile,
      '--rgs-sample',
      samplePath,
    ]);
    expect(nist.code).toBe(2);
    expect(nist.stderr).toContain('GLI battery only');
  });
});
