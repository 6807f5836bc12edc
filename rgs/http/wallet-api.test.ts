/**
 * End to end through HTTP with the Stake-style client: the real RGS core on the run's PostgreSQL
 * (a fresh database for this file) and sessions in the run's Redis (own key prefix).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { rawRequest, StakeApiError, type StakeClient } from '../../test/support/stake-client.ts';
import { createTestDatabase, type TestDatabase } from '../db/testing.ts';
import { createRgsCore, type RgsCoreService } from '../index.ts';
import { postgresReadiness } from '../server.ts';
import { RedisSessionStore } from '../sessions/index.ts';
import { type Harness, startHarness, TEST_OPERATOR_SECRET } from './harness.test-support.ts';
import { signOperatorToken } from './operator-auth.ts';

const GAME = 'jungle-twenty';
const START_BALANCE = 1_000_000_000; // 1000.00
const WIN_SEARCH_MAX_ROUNDS = 300;

let database: TestDatabase;
let core: RgsCoreService;
let h: Harness;

beforeAll(async () => {
  database = await createTestDatabase(inject('databaseUrl'), 'rgs_http');
  core = await createRgsCore({ db: { url: database.url } });
  const sessions = await RedisSessionStore.connect({
    url: inject('redisUrl'),
    prefix: `test:${randomBytes(4).toString('hex')}:`,
  });
  h = await startHarness({
    core,
    sessions,
    options: { defaultGameId: GAME, rateLimitPerWindow: 1_000 },
    readiness: [postgresReadiness(database.url)],
  });
});

afterAll(async () => {
  await h?.close();
  await database?.drop();
});

async function newPlayer(extra: Record<string, unknown> = {}): Promise<StakeClient> {
  return await h.startSession({ currency: 'USD', balance: START_BALANCE, gameID: GAME, ...extra });
}

/** Plays until a round stays active (a win awaiting end-round); bounded. */
async function playUntilActive(client: StakeClient, amount: number) {
  for (let i = 0; i < WIN_SEARCH_MAX_ROUNDS; i++) {
    const played = await client.play(amount);
    if (played.round.active) return played;
  }
  throw new Error(`no winning round in ${WIN_SEARCH_MAX_ROUNDS} plays`);
}

describe('wallet flow', () => {
  test('authenticate → play → end-round → balance, amounts exact in API units', async () => {
    const client = await newPlayer();
    const auth = await client.authenticate();
    expect(auth.balance).toEqual({ amount: START_BALANCE, currency: 'USD' });
    expect(auth.config.gameID).toBe(GAME);
    expect(auth.config.betLevels).toContain(auth.config.defaultBetLevel);
    expect(auth.config.betModes.base?.costMultiplier).toBe(1);
    expect(auth.config.betModes.base?.rtp).toMatch(/^\d+\.\d+$/);
    expect(auth.config.jurisdiction).toMatchObject({ disabledAutoplay: false, minimumRoundDuration: 0 });
    expect(auth.round).toBeNull();

    const bet = auth.config.defaultBetLevel;
    let balance = auth.balance.amount;
    for (let i = 0; i < 5; i++) {
      const played = await client.play(bet);
      expect(played.round.amount).toBe(bet);
      expect(played.round.state.length).toBeGreaterThan(0);
      expect(Number.isInteger(played.round.payout)).toBe(true);
      if (played.round.active) {
        // The win is credited by end-round.
        expect(played.balance.amount).toBe(balance - bet);
        const ended = await client.endRound();
        expect(ended.balance.amount).toBe(balance - bet + played.round.payout);
      } else {
        // Zero-win rounds come back closed (web-sdk never calls end-round for them).
        expect(played.round.payout).toBe(0);
        expect(played.balance.amount).toBe(balance - bet);
      }
      balance = balance - bet + played.round.payout;
      expect((await client.balance()).balance.amount).toBe(balance);
    }
  });

  test('resume after disconnect: authenticate returns the active round; event is kept', async () => {
    const client = await newPlayer();
    const auth = await client.authenticate();
    const played = await playUntilActive(client, auth.config.defaultBetLevel);
    expect(await client.event('3')).toEqual({ event: '3' });

    // "Disconnect": a fresh page load authenticates again with the same session.
    const resumed = await client.authenticate();
    expect(resumed.round?.betID).toBe(played.round.betID);
    expect(resumed.round?.active).toBe(true);
    expect(resumed.round?.event).toBe('3');
    expect(resumed.balance.amount).toBe(played.balance.amount);

    // A second play while a round is active is refused and changes nothing.
    const refused = await client.raw('/wallet/play', {
      sessionID: client.sessionID,
      amount: auth.config.defaultBetLevel,
      mode: 'base',
    });
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ error: 'ERR_BE' });

    const ended = await client.endRound();
    expect(ended.balance.amount).toBe(played.balance.amount + played.round.payout);
    // A replayed end-round (lost response) converges: same balance, or ERR_BNF — never a double credit.
    const again = await client.raw('/wallet/end-round', { sessionID: client.sessionID });
    if (again.status === 200) expect(again.json).toMatchObject({ balance: ended.balance });
    else expect(again.json).toMatchObject({ error: 'ERR_BNF' });
    expect((await client.balance()).balance.amount).toBe(ended.balance.amount);
  });

  test('racing plays: money exact without a key; one bet with a shared Idempotency-Key', async () => {
    const client = await newPlayer();
    const auth = await client.authenticate();
    const bet = auth.config.defaultBetLevel;
    const body = { sessionID: client.sessionID, amount: bet, mode: 'base' };
    type Played = { round: { betID: string; active: boolean; payout: number } };

    // Without a key, two identical plays cannot be told apart from two intended bets once the
    // first has closed (a zero-win round closes inside /play). What must hold: every refusal is
    // ERR_BE, and the balance is exact for the rounds that were accepted.
    const [a, b] = await Promise.all([client.raw('/wallet/play', body), client.raw('/wallet/play', body)]);
    const accepted = [a, b].filter((r) => r.status === 200).map((r) => r.json as Played);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    for (const r of [a, b].filter((r) => r.status !== 200)) expect(r.json).toMatchObject({ error: 'ERR_BE' });
    let expectedBalance = START_BALANCE;
    for (const played of new Map(accepted.map((p) => [p.round.betID, p])).values()) {
      expectedBalance += played.round.payout - bet;
    }
    if (accepted.some((p) => p.round.active)) await client.endRound();
    expect((await client.balance()).balance.amount).toBe(expectedBalance);

    // With a shared key, racing plays are one bet.
    const raceKey = { 'Idempotency-Key': `race-${randomBytes(6).toString('hex')}` };
    const raced = await Promise.all([
      client.raw('/wallet/play', body, raceKey),
      client.raw('/wallet/play', body, raceKey),
    ]);
    const racedOk = raced.filter((r) => r.status === 200).map((r) => r.json as Played);
    expect(racedOk.length).toBeGreaterThanOrEqual(1);
    expect(new Set(racedOk.map((p) => p.round.betID)).size).toBe(1);
    for (const r of raced.filter((r) => r.status !== 200)) expect(r.json).toMatchObject({ error: 'ERR_BE' });
    if (racedOk[0]!.round.active) await client.endRound();
    const balanceAfterOne = expectedBalance - bet + racedOk[0]!.round.payout;
    expect((await client.balance()).balance.amount).toBe(balanceAfterOne);

    // With an explicit key a blind retry is exact, even after the round closed.
    const key = { 'Idempotency-Key': `retry-${randomBytes(6).toString('hex')}` };
    const p1 = await client.play(bet, 'base', key);
    if (p1.round.active) await client.endRound();
    const p2 = await client.play(bet, 'base', key);
    expect(p2.round.betID).toBe(p1.round.betID);
    expect((await client.balance()).balance.amount).toBe(balanceAfterOne - bet + p1.round.payout);
    // The same key with another payload is refused.
    const other = await client.raw('/wallet/play', { ...body, amount: bet * 2 }, key);
    expect(other.status).toBe(409);
    expect(other.json).toMatchObject({ error: 'ERR_IDEM' });
  });

  test('replay and game info', async () => {
    const client = await newPlayer();
    const auth = await client.authenticate();
    const played = await client.play(auth.config.defaultBetLevel);
    if (played.round.active) await client.endRound();
    const replay = await client.replay(GAME, String(played.round.version), 'base', played.round.betID);
    expect(replay).toMatchObject({
      status: 'REPRODUCED',
      payout: played.round.payout,
      round: { betID: played.round.betID, reproduced: true },
    });
    const unknown = await client.get(`/bet/replay/${GAME}/1/base/00000000-0000-0000-0000-000000000000`);
    expect(unknown.status).toBeGreaterThanOrEqual(400);
    expect(unknown.status).toBeLessThan(500);

    const info = await client.get(`/game/${GAME}/info?currency=USD`);
    expect(info.status).toBe(200);
    const body = info.json as { rtp: Record<string, string>; rules: string[]; betLevels: number[] };
    expect(body.rtp.base).toBe('95.45');
    expect(body.rules.join(' ')).toContain('return to player');
    expect((await client.get('/game/no-such-game/info')).json).toMatchObject({ error: 'ERR_VAL' });
  });
});

describe('hostile input changes nothing', () => {
  test('bad JSON, huge body, wrong content type, bad amounts and modes: 4xx, balance and rounds unchanged', async () => {
    const client = await newPlayer();
    const auth = await client.authenticate();
    const bet = auth.config.defaultBetLevel;
    const before = (await client.balance()).balance.amount;
    const sid = client.sessionID;

    const cases: Array<[string, unknown, Record<string, string>, number, string]> = [
      ['malformed JSON', '{"sessionID": "x", "amount": ', {}, 400, 'ERR_VAL'],
      ['JSON array', '[1,2,3]', {}, 400, 'ERR_VAL'],
      ['empty body', '', {}, 400, 'ERR_VAL'],
      [
        'proto poisoning',
        `{"sessionID":"${sid}","amount":${bet},"mode":"base","__proto__":{"x":1}}`,
        {},
        400,
        'ERR_VAL',
      ],
      [
        'huge body',
        JSON.stringify({ sessionID: sid, amount: bet, mode: 'base', pad: 'x'.repeat(100_000) }),
        {},
        413,
        'ERR_TOO_LARGE',
      ],
      [
        'text/plain',
        JSON.stringify({ sessionID: sid, amount: bet, mode: 'base' }),
        { 'content-type': 'text/plain' },
        415,
        'ERR_MEDIA_TYPE',
      ],
      [
        'form encoded',
        'sessionID=x&amount=1',
        { 'content-type': 'application/x-www-form-urlencoded' },
        415,
        'ERR_MEDIA_TYPE',
      ],
      ['negative amount', { sessionID: sid, amount: -bet, mode: 'base' }, {}, 400, 'ERR_VAL'],
      ['zero amount', { sessionID: sid, amount: 0, mode: 'base' }, {}, 400, 'ERR_VAL'],
      ['fractional amount', { sessionID: sid, amount: bet + 0.5, mode: 'base' }, {}, 400, 'ERR_VAL'],
      ['float artefact', { sessionID: sid, amount: 1.1 * 1_000_000, mode: 'base' }, {}, 400, 'ERR_VAL'],
      ['overflowing amount', `{"sessionID":"${sid}","amount":1e400,"mode":"base"}`, {}, 400, 'ERR_VAL'],
      ['beyond 2^53', `{"sessionID":"${sid}","amount":9007199254740993,"mode":"base"}`, {}, 400, 'ERR_VAL'],
      ['string amount', { sessionID: sid, amount: String(bet), mode: 'base' }, {}, 400, 'ERR_VAL'],
      ['null amount', { sessionID: sid, amount: null, mode: 'base' }, {}, 400, 'ERR_VAL'],
      ['missing amount', { sessionID: sid, mode: 'base' }, {}, 400, 'ERR_VAL'],
      ['unknown mode', { sessionID: sid, amount: bet, mode: 'no-such-mode' }, {}, 400, 'ERR_VAL'],
      ['not a bet level', { sessionID: sid, amount: bet + 1, mode: 'base' }, {}, 400, 'ERR_VAL'],
      ['other currency', { sessionID: sid, amount: bet, mode: 'base', currency: 'EUR' }, {}, 400, 'ERR_VAL'],
      [
        'more than the balance',
        { sessionID: sid, amount: auth.config.maxBet, mode: 'bonus' },
        {},
        400,
        'ERR_',
      ],
      [
        'bad Idempotency-Key',
        { sessionID: sid, amount: bet, mode: 'base' },
        { 'idempotency-key': 'a b' },
        400,
        'ERR_VAL',
      ],
      ['session id as number', { sessionID: 12345, amount: bet, mode: 'base' }, {}, 400, 'ERR_VAL'],
      [
        'unknown session',
        { sessionID: randomBytes(32).toString('base64url'), amount: bet, mode: 'base' },
        {},
        401,
        'ERR_IS',
      ],
    ];
    for (const [name, body, headers, status, code] of cases) {
      const response = await client.raw('/wallet/play', body, headers);
      expect(response.status, name).toBe(status);
      const json = response.json as { error: string; message: string };
      expect(json.error.startsWith(code), `${name}: ${json.error}`).toBe(true);
      expect(json.message, name).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
    }
    const after = await client.authenticate();
    expect(after.balance.amount).toBe(before);
    expect(after.round).toBeNull();
  });

  test("a session id is the only key: another player's session cannot be used or guessed", async () => {
    const alice = await newPlayer();
    const bob = await newPlayer({ balance: 5_000_000 });
    const aliceAuth = await alice.authenticate();
    await bob.authenticate();
    // Bob's calls only ever move Bob's money, whatever he puts in the body.
    const played = await bob.raw('/wallet/play', {
      sessionID: bob.sessionID,
      amount: aliceAuth.config.defaultBetLevel,
      mode: 'base',
      playerID: 'alice',
    });
    expect(played.status).toBe(200);
    expect((await alice.balance()).balance.amount).toBe(START_BALANCE);
    // Unknown and truncated session ids are ERR_IS; nothing is revealed about other sessions.
    for (const sessionID of [alice.sessionID.slice(0, -1), `${alice.sessionID}x`, 'a'.repeat(43)]) {
      const response = await alice.raw('/wallet/balance', { sessionID });
      expect(response.status).toBe(401);
      expect(response.json).toMatchObject({ error: 'ERR_IS' });
    }
    const tooLong = await alice.raw('/wallet/balance', { sessionID: 'a'.repeat(500) });
    expect(tooLong.status).toBe(400);
    expect((await alice.balance()).balance.amount).toBe(START_BALANCE);
  });

  test('calls before authenticate are ERR_IS; unknown routes ERR_NOT_FOUND', async () => {
    const client = await newPlayer();
    const response = await client.raw('/wallet/play', {
      sessionID: client.sessionID,
      amount: 1_000_000,
      mode: 'base',
    });
    expect(response.status).toBe(401);
    expect(response.json).toMatchObject({ error: 'ERR_IS' });
    const notFound = await client.raw('/wallet/nope', { sessionID: client.sessionID });
    expect(notFound.status).toBe(404);
    expect(notFound.json).toMatchObject({ error: 'ERR_NOT_FOUND' });
    expect((await client.authenticate()).balance.amount).toBe(START_BALANCE);
  });
});

describe('operator API and sessions', () => {
  test('session/start needs a valid, unexpired operator token', async () => {
    const body = { currency: 'USD' };
    const missing = await rawRequest(`${h.baseUrl}/session/start`, { method: 'POST', body });
    expect(missing.status).toBe(401);
    expect(missing.json).toMatchObject({ error: 'ERR_OPT' });
    const forged = await signOperatorToken('another-secret-that-is-long-enough-0123', 60);
    const bad = await rawRequest(`${h.baseUrl}/session/start`, {
      method: 'POST',
      body,
      headers: { authorization: `Bearer ${forged}` },
    });
    expect(bad.json).toMatchObject({ error: 'ERR_OPT' });
    const expired = await signOperatorToken(TEST_OPERATOR_SECRET, 60, Date.now() - 120_000);
    const late = await rawRequest(`${h.baseUrl}/session/start`, {
      method: 'POST',
      body,
      headers: { authorization: `Bearer ${expired}` },
    });
    expect(late.status).toBe(401);
    expect(late.json).toMatchObject({ error: 'ERR_ATE' });
    const token = await h.operatorToken();
    const good = await rawRequest(`${h.baseUrl}/session/start`, {
      method: 'POST',
      body: { currency: 'USD', balance: 1.5 },
      headers: { authorization: `Bearer ${token}` },
    });
    expect(good.json).toMatchObject({ error: 'ERR_VAL' });
  });

  test('launch URL carries rgs_url (host only), sessionID, lang, currency, device', async () => {
    const token = await h.operatorToken();
    const response = await rawRequest(`${h.baseUrl}/session/start`, {
      method: 'POST',
      body: { currency: 'EUR', balance: 0, language: 'de', device: 'mobile', gameID: GAME },
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    const { url, sessionID } = response.json as { url: string; sessionID: string };
    const params = new URL(url).searchParams;
    expect(params.get('rgs_url')).toBe(h.rgsUrl);
    expect(params.get('sessionID')).toBe(sessionID);
    expect(params.get('lang')).toBe('de');
    expect(params.get('currency')).toBe('EUR');
    expect(params.get('device')).toBe('mobile');
    expect(sessionID).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test('revocation: DELETE /session/:id (operator only) ends the session at once', async () => {
    const client = await newPlayer();
    await client.authenticate();
    const anonymous = await rawRequest(`${h.baseUrl}/session/${client.sessionID}`, { method: 'DELETE' });
    expect(anonymous.status).toBe(401);
    expect((await client.balance()).balance.amount).toBe(START_BALANCE);
    const token = await h.operatorToken();
    const revoked = await rawRequest(`${h.baseUrl}/session/${client.sessionID}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(revoked.status).toBe(200);
    await expect(client.balance()).rejects.toMatchObject({ status: 401, code: 'ERR_IS' });
    const twice = await rawRequest(`${h.baseUrl}/session/${client.sessionID}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(twice.json).toMatchObject({ error: 'ERR_IS' });
  });
});

describe('transport', () => {
  test('CORS preflight and headers for browser front ends', async () => {
    const preflight = await rawRequest(`${h.baseUrl}/wallet/play`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://team.cdn.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(String(preflight.headers['access-control-allow-methods'])).toContain('POST');
    expect(String(preflight.headers['access-control-allow-headers']).toLowerCase()).toContain('content-type');
    const client = await newPlayer();
    const response = await client.raw(
      '/wallet/authenticate',
      { sessionID: client.sessionID },
      { origin: 'https://x.example' },
    );
    expect(response.headers['access-control-allow-origin']).toBe('*');
  });

  test('WebSocket pushes balance and round after play and end-round; bad sessions are refused', async () => {
    const client = await newPlayer();
    const auth = await client.authenticate();
    const socket = await client.openSocket();
    try {
      const played = await playUntilActive(client, auth.config.defaultBetLevel);
      // Drain to the pushes of the winning round (earlier zero-win rounds pushed too).
      let round = await socket.next('round');
      while ((round.round as { betID: string }).betID !== played.round.betID)
        round = await socket.next('round');
      expect(await socket.next('balance')).toMatchObject({ balance: played.balance });
      const ended = await client.endRound();
      expect(await socket.next('round')).toMatchObject({
        round: { betID: played.round.betID, active: false },
      });
      expect(await socket.next('balance')).toMatchObject({ balance: ended.balance });
    } finally {
      socket.close();
    }
    const stranger = Object.assign(Object.create(Object.getPrototypeOf(client)), client, {
      sessionID: randomBytes(32).toString('base64url'),
    }) as StakeClient;
    await expect(stranger.openSocket()).rejects.toBeInstanceOf(StakeApiError);
  });

  test('metrics: request counts, durations, rounds, wins, observed RTP', async () => {
    const response = await rawRequest(`${h.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.text).toMatch(
      /rgs_http_requests_total\{method="POST",route="\/wallet\/play",status="200"\} \d+/,
    );
    expect(response.text).toMatch(/rgs_http_request_duration_seconds_bucket\{.*route="\/wallet\/play"/);
    expect(response.text).toMatch(/rgs_http_errors_total\{route="\/wallet\/play",code="ERR_VAL"\} \d+/);
    expect(response.text).toMatch(new RegExp(`rgs_rounds_total\\{game="${GAME}",mode="base"\\} \\d+`));
    expect(response.text).toMatch(new RegExp(`rgs_wins_total\\{game="${GAME}",mode="base"\\} \\d+`));
    expect(response.text).toMatch(new RegExp(`rgs_observed_rtp\\{game="${GAME}"\\} [\\d.]+`));
    // No session ids or player ids in labels.
    expect(response.text).not.toMatch(/[A-Za-z0-9_-]{43}/);
  });

  test('health and ready', async () => {
    expect((await rawRequest(`${h.baseUrl}/health`)).json).toEqual({ status: 'ok' });
    const ready = await rawRequest(`${h.baseUrl}/ready`);
    expect(ready.status).toBe(200);
    expect(ready.json).toMatchObject({ ready: true, checks: { redis: 'ok', postgres: 'ok' } });
  });
});
