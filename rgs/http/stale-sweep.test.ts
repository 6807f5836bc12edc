/**
 * Incomplete games: the composed server applies the jurisdiction's incomplete-round policy on a
 * timer. A winning round left active (the client went away before /wallet/end-round) is settled
 * once it is older than RGS_STALE_ROUND_AFTER_MS: under the default policy ('complete') its payout
 * is credited exactly once and the round closes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { rawRequest, StakeClient } from '../../test/support/stake-client.ts';
import { loadRgsConfig } from '../config.ts';
import { type RunningRgs, startRgs } from '../server.ts';
import { signOperatorToken } from './operator-auth.ts';

const START_BALANCE = 1_000_000_000;
const MAX_PLAYS = 200;
const SETTLE_DEADLINE_MS = 10_000;

let dataDir: string;
let rgs: RunningRgs;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'croupier-rgs-stale-'));
  const loaded = loadRgsConfig({
    RGS_PORT: '0',
    RGS_DATA_DIR: dataDir,
    RGS_LOG_LEVEL: 'silent',
    RGS_STALE_ROUND_AFTER_MS: '1000',
    RGS_STALE_SWEEP_INTERVAL_MS: '200',
  });
  if (!loaded.ok) throw new Error(loaded.message);
  rgs = await startRgs(loaded.config);
});

afterAll(async () => {
  await rgs?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('a winning round abandoned before end-round is completed by the sweep, credited once', async () => {
  const secret = readFileSync(rgs.operatorSecretPath!, 'utf8').trim();
  const started = await rawRequest(`${rgs.baseUrl}/session/start`, {
    method: 'POST',
    body: { currency: 'EUR', balance: START_BALANCE },
    headers: { authorization: `Bearer ${await signOperatorToken(secret, 60)}` },
  });
  expect(started.status).toBe(200);
  const client = StakeClient.fromLaunchUrl((started.json as { url: string }).url, { scheme: 'http' });
  const auth = await client.authenticate();
  const bet = auth.config.defaultBetLevel;

  // Play until a round wins (it stays active until end-round), then walk away from it.
  let balance = START_BALANCE;
  let abandoned: { betID: string; payout: number } | null = null;
  for (let i = 0; i < MAX_PLAYS && abandoned === null; i++) {
    const played = await client.play(bet);
    balance = played.balance.amount;
    if (played.round.active) abandoned = { betID: played.round.betID, payout: played.round.payout };
  }
  expect(abandoned).not.toBeNull();
  expect(abandoned!.payout).toBeGreaterThan(0);

  const deadline = Date.now() + SETTLE_DEADLINE_MS;
  let settled = (await client.balance()).balance.amount;
  while (settled !== balance + abandoned!.payout && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    settled = (await client.balance()).balance.amount;
  }
  expect(settled).toBe(balance + abandoned!.payout);
  const resumed = await client.authenticate();
  expect(resumed.round).toMatchObject({ betID: abandoned!.betID, active: false });
  // Later sweeps do not credit it again.
  await new Promise((resolve) => setTimeout(resolve, 600));
  expect((await client.balance()).balance.amount).toBe(balance + abandoned!.payout);
});
