/**
 * The composed server (rgs/server.ts) as `croupier rgs start --tls` runs it in embedded mode:
 * PGlite in the data dir, in-process sessions, HTTPS with the generated loopback CA. Also the
 * compliance profile at the API (strict jurisdiction) and `croupier rgs token`.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { registerRgsStart } from '../../cli/rgs-start.ts';
import { rawRequest, StakeClient } from '../../test/support/stake-client.ts';
import { loadRgsConfig, type RgsConfig } from '../config.ts';
import { type RunningRgs, startRgs } from '../server.ts';
import { signOperatorToken } from './operator-auth.ts';

const GAME = 'jungle-twenty';
let dataDir: string;
let config: RgsConfig;
let rgs: RunningRgs;
let ca: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'croupier-rgs-tls-'));
  const loaded = loadRgsConfig({
    RGS_PORT: '0',
    RGS_TLS: 'true',
    RGS_DATA_DIR: dataDir,
    RGS_LOG_LEVEL: 'silent',
    RGS_SHUTDOWN_GRACE_MS: '2000',
  });
  if (!loaded.ok) throw new Error(loaded.message);
  config = loaded.config;
  rgs = await startRgs(config);
  ca = readFileSync(rgs.caPath!, 'utf8');
});

afterAll(async () => {
  await rgs?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function startSession(body: Record<string, unknown>): Promise<StakeClient & { playerID: string }> {
  const secret = readFileSync(rgs.operatorSecretPath!, 'utf8').trim();
  const token = await signOperatorToken(secret, 60);
  const response = await rawRequest(`${rgs.baseUrl}/session/start`, {
    method: 'POST',
    body,
    headers: { authorization: `Bearer ${token}` },
    ca,
  });
  expect(response.status).toBe(200);
  const { url, playerID } = response.json as { url: string; playerID: string };
  return Object.assign(StakeClient.fromLaunchUrl(url, { ca }), { playerID });
}

describe('TLS on loopback', () => {
  test('the generated CA is in the data dir (keys 0600) and HTTPS verifies against it', async () => {
    expect(rgs.scheme).toBe('https');
    expect(rgs.caPath).toBe(join(dataDir, 'tls', 'ca.pem'));
    expect(statSync(join(dataDir, 'tls', 'server-key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'tls', 'ca-key.pem')).mode & 0o777).toBe(0o600);
    const ok = await rawRequest(`https://127.0.0.1:${rgs.port}/health`, { ca });
    expect(ok.json).toEqual({ status: 'ok' });
    const viaLocalhost = await rawRequest(`https://localhost:${rgs.port}/health`, { ca });
    expect(viaLocalhost.status).toBe(200);
    // Without the CA the certificate is not trusted.
    await expect(rawRequest(`https://127.0.0.1:${rgs.port}/health`)).rejects.toThrow(/certificate/i);
  });

  test('a Stake-style client over https: authenticate → play → end-round → balance, and wss pushes', async () => {
    const client = await startSession({ currency: 'USD', balance: 50_000_000, gameID: GAME });
    expect(client.scheme).toBe('https');
    expect(client.rgsUrl).toBe(rgs.rgsUrl);
    const auth = await client.authenticate();
    const socket = await client.openSocket();
    try {
      const bet = auth.config.defaultBetLevel;
      const played = await client.play(bet);
      expect(await socket.next('round')).toMatchObject({ round: { betID: played.round.betID } });
      expect(await socket.next('balance')).toMatchObject({ balance: played.balance });
      if (played.round.active) await client.endRound();
      expect((await client.balance()).balance.amount).toBe(50_000_000 - bet + played.round.payout);
    } finally {
      socket.close();
    }
  });

  test('operator secret and CA are reused across restarts (the embedded database too)', async () => {
    const client = await startSession({ currency: 'USD', balance: 7_000_000, gameID: GAME });
    await client.authenticate();
    const caBefore = ca;
    const secretBefore = readFileSync(rgs.operatorSecretPath!, 'utf8');
    await rgs.stop();
    rgs = await startRgs(config);
    expect(readFileSync(rgs.caPath!, 'utf8')).toBe(caBefore);
    expect(readFileSync(rgs.operatorSecretPath!, 'utf8')).toBe(secretBefore);
    // In-process sessions end with the process (single node, documented); money is in the database.
    const stale = new StakeClient({ rgsUrl: rgs.rgsUrl, sessionID: client.sessionID, ca });
    await expect(stale.balance()).rejects.toMatchObject({ code: 'ERR_IS' });
    // The operator opens a new session for the same player: the wallet survived the restart.
    const resumed = await startSession({ currency: 'USD', gameID: GAME, playerID: client.playerID });
    expect((await resumed.authenticate()).balance.amount).toBe(7_000_000);
  });
});

describe('compliance at the API', () => {
  test('strict jurisdiction: flags in authenticate, minimum round duration enforced (ERR_GLE), net position', async () => {
    const client = await startSession({
      currency: 'USD',
      balance: 20_000_000,
      gameID: GAME,
      jurisdiction: 'strict',
    });
    const auth = await client.authenticate();
    expect(auth.config.jurisdiction).toMatchObject({
      disabledAutoplay: true,
      disabledTurbo: true,
      displayNetPosition: true,
      displayRTP: true,
      minimumRoundDuration: 2_500,
    });
    expect(auth.meta).toMatchObject({ jurisdiction: 'strict', netPosition: 0 });
    const bet = auth.config.defaultBetLevel;
    const played = await client.play(bet);
    if (played.round.active) await client.endRound();
    const balance = (await client.balance()).balance.amount;
    const tooSoon = await client.raw('/wallet/play', {
      sessionID: client.sessionID,
      amount: bet,
      mode: 'base',
    });
    expect(tooSoon.status).toBe(403);
    expect(tooSoon.json).toMatchObject({ error: 'ERR_GLE' });
    expect((tooSoon.json as { message: string }).message).toMatch(/minimum round duration/);
    const after = await client.balance();
    expect(after.balance.amount).toBe(balance);
    expect(after.netPosition).toBe(balance - 20_000_000);
  });
});

describe('croupier rgs token', () => {
  test('prints a token signed with the data dir secret that the server accepts; bad --ttl is exit-2 input', async () => {
    const rgsCommand = new Command('rgs').exitOverride();
    registerRgsStart(rgsCommand);
    let printed = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed += String(chunk);
      return true;
    });
    try {
      await rgsCommand.parseAsync(['token', '--data-dir', dataDir, '--ttl', '60'], { from: 'user' });
    } finally {
      spy.mockRestore();
    }
    const token = printed.trim();
    const response = await rawRequest(`${rgs.baseUrl}/session/start`, {
      method: 'POST',
      body: { currency: 'USD', gameID: GAME },
      headers: { authorization: `Bearer ${token}` },
      ca,
    });
    expect(response.status).toBe(200);
    await expect(
      rgsCommand.parseAsync(['token', '--data-dir', dataDir, '--ttl', '99999'], { from: 'user' }),
    ).rejects.toMatchObject({ exitCode: 2 });
  });
});
