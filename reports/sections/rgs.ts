/**
 * §6 Functional evidence from the RGS and §7 wallet and ledger integrity.
 *
 * With no `--rgs-url`, an embedded RGS (PGlite on a temporary data folder, in-process sessions) is
 * started in this process and stopped at the end; with `--rgs-url` the same HTTP cases run against
 * that server (the cases that need its database, and the stale-round policy that needs its clock
 * settings, are then not applicable and say so). Every case talks through rgs/wire's one client
 * and is recorded as an HTTP transcript under `evidence/`, whose SHA-256 the report carries.
 *
 * These cases are not a stage: they run against a live server (fresh DRBG seeds), so they are
 * evidence of behaviour, not figures to recompute; `verify --rerun` does not cover them.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  canonicalJson,
  type Publication,
  PublicationBooks,
  type PublicationMode,
  publicationMoney,
} from '../../games/index.ts';
import {
  createRgsCore,
  embeddedDatabaseDir,
  loadRgsConfig,
  openRgsDatabase,
  type RgsConfig,
  type ServedGameSpec,
  StakeApiClient,
  signOperatorToken,
  startRgs,
  verifyRgsDatabase,
  type WireResult,
  type wire,
} from '../../rgs/index.ts';
import type { Artifacts } from '../collect.ts';
import type { ValidatedRequest } from '../inputs.ts';
import type { Check, Evidence } from '../model.ts';
import type { StageRunner } from '../stages.ts';
import { sha256OfText } from './software.ts';

type Case = NonNullable<Evidence['rgsFunctional']>['cases'][number];

export interface RgsEvidence {
  readonly url: string | null;
  readonly functional: NonNullable<Evidence['rgsFunctional']>;
  readonly ledger: NonNullable<Evidence['ledger']> | null;
  readonly checks: Check[];
}

/** Embedded RGS: rounds left active this long are settled by the jurisdiction's policy. */
// Long enough that a play and its end-round never straddle it on a loaded machine, short enough to show.
const EMBEDDED_STALE_AFTER_MS = 5_000;
const EMBEDDED_SWEEP_EVERY_MS = 500;
/** Bounds (TIGER_STYLE): plays to find a winning round, waits for the sweep. */
const MAX_PLAYS_FOR_A_WIN = 300;
const MAX_SWEEP_WAIT_MS = 30_000;
const RECALL_ROUNDS = 10;
const START_BALANCE = 1_000_000_000;

interface Exchange {
  readonly label: string;
  readonly atUtc: string;
  readonly request: { method: string; path: string; headers: Record<string, string>; body: unknown };
  readonly response: { outcome: string; status: number; headers: Record<string, string>; body: unknown };
}

/** One case's HTTP transcript: every request and response, as sent and received. */
class Transcript {
  readonly exchanges: Exchange[] = [];
  readonly facts: Record<string, unknown> = {};
  constructor(
    readonly id: string,
    readonly title: string,
  ) {}
}

const KEPT_HEADERS = ['content-type', 'croupier-outcome', 'retry-after', 'idempotency-key'];

/** Attempts of one replay while the server answers 429 (GET /bet/replay is rate-limited per address). */
const REPLAY_ATTEMPTS = 5;
const REPLAY_WAIT_MAX_MS = 5_000;

/**
 * A replay as a well-behaved client makes it: the RGS limits replays per client address
 * (RGS_REPLAY_RATE_LIMIT a window), so a 429 is waited out (its Retry-After, bounded) and asked
 * again, each attempt in the transcript; a case replaying many rounds is not failed by the limit.
 */
async function recordReplay<T>(
  t: Transcript,
  label: string,
  request: { method: string; path: string },
  call: () => Promise<WireResult<T>>,
): Promise<WireResult<T>> {
  let result = await record(t, label, request, call);
  for (
    let attempt = 1;
    attempt < REPLAY_ATTEMPTS && result.outcome === 'failed' && result.status === 429;
    attempt++
  ) {
    await new Promise((done) => setTimeout(done, Math.min(result.retryAfterMs ?? 1_000, REPLAY_WAIT_MAX_MS)));
    result = await record(t, `${label} (again after 429)`, request, call);
  }
  return result;
}

async function record<T>(
  t: Transcript,
  label: string,
  request: { method: string; path: string; body?: unknown; headers?: Record<string, string> },
  call: () => Promise<WireResult<T>>,
): Promise<WireResult<T>> {
  const result = await call();
  const headers: Record<string, string> = {};
  for (const h of KEPT_HEADERS) {
    const v = result.raw?.headers[h];
    if (v !== undefined) headers[h] = String(v);
  }
  t.exchanges.push({
    label,
    atUtc: new Date().toISOString(),
    request: {
      method: request.method,
      path: request.path,
      headers: request.headers ?? {},
      body: request.body ?? null,
    },
    response: { outcome: result.outcome, status: result.status, headers, body: result.body ?? null },
  });
  return result;
}

function mustOk<T>(r: WireResult<T>, what: string): T {
  if (r.outcome !== 'ok') throw new Error(`${what}: ${r.outcome} ${r.status} ${r.code}: ${r.message}`);
  return r.body;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const RAW = { keepRaw: true } as const;

interface Ctx {
  readonly client: StakeApiClient;
  readonly gameId: string;
  /** The mode the cases play: 'base' when the game has it, else its first mode. */
  readonly mode: string;
  readonly embedded: boolean;
  readonly concurrentPlays: number;
}

async function newPlayer(ctx: Ctx, t: Transcript, jurisdiction: string, balance: number) {
  const body = { currency: 'USD', balance, jurisdiction, gameID: ctx.gameId };
  const started = mustOk(
    await record(
      t,
      'operator: start a session',
      { method: 'POST', path: '/session/start', body, headers: { authorization: 'Bearer <operator token>' } },
      () => ctx.client.startSession(body, RAW),
    ),
    'session/start',
  );
  const auth = mustOk(await authenticate(ctx, t, started.sessionID, 'authenticate'), 'authenticate');
  return { sessionID: started.sessionID, auth };
}

function authenticate(ctx: Ctx, t: Transcript, sessionID: string, label: string) {
  return record(t, label, { method: 'POST', path: '/wallet/authenticate', body: { sessionID } }, () =>
    ctx.client.authenticate(sessionID, undefined, RAW),
  );
}

function play(
  ctx: Ctx,
  t: Transcript,
  sessionID: string,
  amount: number,
  label: string,
  idempotencyKey?: string,
) {
  const headers: Record<string, string> = idempotencyKey ? { 'idempotency-key': idempotencyKey } : {};
  return record(
    t,
    label,
    { method: 'POST', path: '/wallet/play', body: { sessionID, amount, mode: ctx.mode }, headers },
    () => ctx.client.play(sessionID, amount, ctx.mode, { keepRaw: true, idempotencyKey }),
  );
}

function endRound(ctx: Ctx, t: Transcript, sessionID: string) {
  return record(
    t,
    'end round (credit the win)',
    { method: 'POST', path: '/wallet/end-round', body: { sessionID } },
    () => ctx.client.endRound(sessionID, RAW),
  );
}

async function playWhole(ctx: Ctx, t: Transcript, sessionID: string, amount: number, label: string) {
  const played = mustOk(await play(ctx, t, sessionID, amount, label), label);
  if (played.round.active) mustOk(await endRound(ctx, t, sessionID), 'end-round');
  return played;
}

type Outcome = Pick<Case, 'result' | 'detail'>;

async function recallCase(ctx: Ctx, t: Transcript): Promise<Outcome> {
  const { sessionID, auth } = await newPlayer(ctx, t, 'default', START_BALANCE);
  const bet = auth.config.defaultBetLevel;
  const betIds: string[] = [];
  for (let i = 0; i < RECALL_ROUNDS + 2; i++)
    betIds.push((await playWhole(ctx, t, sessionID, bet, `play round ${i + 1}`)).round.betID);
  const balance = mustOk(
    await record(t, 'balance', { method: 'POST', path: '/wallet/balance', body: { sessionID } }, () =>
      ctx.client.balance(sessionID, RAW),
    ),
    'balance',
  ).balance.amount;
  const recalled = mustOk(
    await record(
      t,
      `recall the last ${RECALL_ROUNDS} rounds`,
      { method: 'POST', path: '/bet/recall', body: { sessionID, limit: RECALL_ROUNDS } },
      () => ctx.client.recall(sessionID, RECALL_ROUNDS, RAW),
    ),
    'recall',
  ).rounds;
  const expected = betIds.slice(-RECALL_ROUNDS).reverse();
  const sameRounds = recalled.map((r) => r.betID).join() === expected.join();
  const chained = recalled.every(
    (r, i) => i + 1 >= recalled.length || r.balanceBefore === recalled[i + 1]!.balanceAfter,
  );
  const lastMatchesBalance = recalled[0]?.balanceAfter === balance;
  const freeSpinSteps = recalled.reduce(
    (n, r) => n + r.state.filter((s) => JSON.stringify(s).includes('free')).length,
    0,
  );
  Object.assign(t.facts, { expected, balance, freeSpinSteps });
  const ok = sameRounds && chained && lastMatchesBalance && recalled.length === RECALL_ROUNDS;
  return {
    result: ok ? 'pass' : 'fail',
    detail: `${recalled.length} rounds recalled, newest first (${sameRounds ? 'the last round and the 9 before it' : 'NOT the rounds played'}); credits before/after chain ${chained ? 'round to round' : 'BROKEN'}; newest balance after ${lastMatchesBalance ? 'equals' : 'DIFFERS from'} the wallet; ${freeSpinSteps} free-spin step(s) in the recalled books`,
  };
}

async function replayCase(ctx: Ctx, t: Transcript): Promise<Outcome> {
  const { sessionID, auth } = await newPlayer(ctx, t, 'default', START_BALANCE);
  const bet = auth.config.defaultBetLevel;
  for (let i = 0; i < 5; i++) await playWhole(ctx, t, sessionID, bet, `play round ${i + 1}`);
  const rounds = mustOk(
    await record(t, 'recall', { method: 'POST', path: '/bet/recall', body: { sessionID, limit: 5 } }, () =>
      ctx.client.recall(sessionID, 5, RAW),
    ),
    'recall',
  ).rounds;
  let reproduced = 0;
  for (const r of rounds) {
    const path = `/bet/replay/${ctx.gameId}/${r.version}/${r.mode}/${r.betID}`;
    const replay = await recordReplay(t, `replay ${r.betID}`, { method: 'GET', path }, () =>
      ctx.client.replay(ctx.gameId, r.version ?? '', r.mode, r.betID, RAW),
    );
    if (replay.outcome === 'ok' && replay.body.status === 'REPRODUCED' && replay.body.payout === r.payout)
      reproduced++;
  }
  const missing = await record(
    t,
    'negative control: replay of a round that does not exist',
    { method: 'GET', path: `/bet/replay/${ctx.gameId}/1/base/00000000-0000-4000-8000-000000000000` },
    () => ctx.client.replay(ctx.gameId, '1', 'base', '00000000-0000-4000-8000-000000000000', RAW),
  );
  const ok = reproduced === rounds.length && rounds.length > 0 && missing.outcome === 'failed';
  return {
    result: ok ? 'pass' : 'fail',
    detail: `${reproduced}/${rounds.length} rounds reproduced from the revealed seed (same payout); a round that does not exist is refused (${missing.code ?? missing.status})`,
  };
}

/** Plays until a round pays (and so stays active until end-round): an incomplete round. */
async function leaveRoundActive(
  ctx: Ctx,
  t: Transcript,
  sessionID: string,
  bet: number,
): Promise<wire.WireRound | null> {
  for (let i = 0; i < MAX_PLAYS_FOR_A_WIN; i++) {
    const played = mustOk(await play(ctx, t, sessionID, bet, `play until a round pays (${i + 1})`), 'play');
    if (played.round.active) return played.round;
  }
  return null;
}

async function resumeCase(ctx: Ctx, t: Transcript): Promise<Outcome> {
  const details: string[] = [];
  let ok = true;
  for (const [jurisdiction, policy] of [
    ['default', 'complete'],
    ['social', 'void-refund'],
  ] as const) {
    if (!ctx.embedded && jurisdiction !== 'default') break;
    const { sessionID, auth } = await newPlayer(ctx, t, jurisdiction, START_BALANCE);
    const bet = auth.config.defaultBetLevel;
    const cost = bet * (auth.config.betModes[ctx.mode]?.costMultiplier ?? 1);
    const round = await leaveRoundActive(ctx, t, sessionID, bet);
    if (round === null) return { result: 'fail', detail: `no paying round in ${MAX_PLAYS_FOR_A_WIN} plays` };
    const resumed = mustOk(
      await authenticate(ctx, t, sessionID, 're-authenticate (client came back)'),
      'authenticate',
    );
    const resumes = resumed.round?.betID === round.betID && resumed.round.active;
    ok &&= resumes;
    details.push(
      `${jurisdiction}: the unfinished round ${resumes ? 'resumes' : 'does NOT resume'} on re-authenticate`,
    );
    if (!ctx.embedded) continue;
    const before = resumed.balance.amount;
    let settled: wire.WireRound | undefined;
    const deadline = Date.now() + MAX_SWEEP_WAIT_MS;
    while (Date.now() < deadline) {
      await sleep(EMBEDDED_SWEEP_EVERY_MS * 2);
      const recall = mustOk(
        await record(
          t,
          'recall after the deadline',
          { method: 'POST', path: '/bet/recall', body: { sessionID, limit: 1 } },
          () => ctx.client.recall(sessionID, 1, RAW),
        ),
        'recall',
      );
      settled = recall.rounds.find((r) => r.betID === round.betID && !r.active);
      if (settled) break;
    }
    const balance = mustOk(
      await record(
        t,
        'balance after the policy',
        { method: 'POST', path: '/wallet/balance', body: { sessionID } },
        () => ctx.client.balance(sessionID, RAW),
      ),
      'balance',
    ).balance.amount;
    const expectedBalance = policy === 'complete' ? before + round.payout : before + cost;
    const expectedStatus = policy === 'complete' ? 'closed' : 'voided';
    const applied = settled?.status === expectedStatus && balance === expectedBalance;
    ok &&= applied;
    details.push(
      `past the deadline (${EMBEDDED_STALE_AFTER_MS} ms here) policy ${policy}: round ${settled?.status ?? 'still active'}, balance ${before} → ${balance} (expected ${expectedBalance})`,
    );
  }
  if (!ctx.embedded)
    details.push('policy past the deadline not exercised: a remote RGS keeps its own stale-round clock');
  return { result: ok ? 'pass' : 'fail', detail: details.join('; ') };
}

/**
 * One retried play: the same call with the same Idempotency-Key must return the original answer
 * and charge once; the same key with another body must be refused (ERR_IDEM).
 */
async function retryOnce(
  ctx: Ctx,
  t: Transcript,
  sessionID: string,
  bet: number,
  otherBet: number,
  key: string,
  label: string,
) {
  const first = mustOk(
    await play(ctx, t, sessionID, bet, `${label}: play with an idempotency key`, key),
    'play',
  );
  const retry = await play(
    ctx,
    t,
    sessionID,
    bet,
    `${label}: the same call again (a retry after a lost reply)`,
    key,
  );
  const balance = mustOk(
    await record(t, 'balance', { method: 'POST', path: '/wallet/balance', body: { sessionID } }, () =>
      ctx.client.balance(sessionID, RAW),
    ),
    'balance',
  ).balance.amount;
  const conflicting = await play(
    ctx,
    t,
    sessionID,
    otherBet,
    `${label}: negative control, same key and another bet level`,
    key,
  );
  if (first.round.active) mustOk(await endRound(ctx, t, sessionID), 'end-round');
  // Same figures, whatever the key order of the JSON (canonical JSON, RFC 8785).
  const same = retry.outcome === 'ok' && canonicalJson(retry.body) === canonicalJson(first);
  const chargedOnce = balance === first.balance.amount;
  const refused = conflicting.outcome === 'failed' && conflicting.code === 'ERR_IDEM';
  const text = `${label}: the retry ${same ? 'returns the original answer' : `does NOT return the original answer (${retry.outcome} ${retry.code ?? ''})`}, charged ${chargedOnce ? 'once' : 'TWICE'}, the same key with another body ${refused ? 'is refused (ERR_IDEM)' : `gets ${conflicting.outcome} ${conflicting.code ?? ''}`}`;
  return { ok: same && chargedOnce && refused, winning: first.round.active, text };
}

async function idempotentCase(ctx: Ctx, t: Transcript): Promise<Outcome> {
  const { sessionID, auth } = await newPlayer(ctx, t, 'default', START_BALANCE);
  const bet = auth.config.defaultBetLevel;
  const otherBet = auth.config.betLevels.find((level) => level !== bet) ?? bet;
  const stamp = Date.now().toString(36);
  // Both kinds of round: a losing play (closed at once) and a winning one (active until end-round),
  // whose retry must not be mistaken for a second play on the active round.
  const results: { ok: boolean; text: string }[] = [];
  let sawLoss = false;
  let sawWin = false;
  for (let i = 0; i < MAX_PLAYS_FOR_A_WIN && !(sawLoss && sawWin); i++) {
    const r = await retryOnce(ctx, t, sessionID, bet, otherBet, `certify-${stamp}-${i}`, `play ${i + 1}`);
    if (r.winning ? sawWin : sawLoss) continue;
    if (r.winning) sawWin = true;
    else sawLoss = true;
    results.push({ ok: r.ok, text: `${r.winning ? 'winning' : 'losing'} round — ${r.text}` });
  }
  const ok = sawLoss && sawWin && results.every((r) => r.ok);
  return {
    result: ok ? 'pass' : 'fail',
    detail: `${results.map((r) => r.text).join('; ')}${sawWin ? '' : `; no winning round in ${MAX_PLAYS_FOR_A_WIN} plays`}`,
  };
}

async function concurrentCase(ctx: Ctx, t: Transcript): Promise<Outcome> {
  const probe = await newPlayer(ctx, t, 'default', 0);
  const bet = probe.auth.config.defaultBetLevel;
  const cost = bet * (probe.auth.config.betModes[ctx.mode]?.costMultiplier ?? 1);
  const affordable = 3;
  const funds = affordable * cost;
  const { sessionID } = await newPlayer(ctx, t, 'default', funds);
  const n = ctx.concurrentPlays;
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) => play(ctx, t, sessionID, bet, `concurrent play ${i + 1}/${n}`)),
  );
  const accepted = results.filter((r) => r.outcome === 'ok').length;
  const refusals = results.filter((r) => r.outcome !== 'ok').map((r) => r.code);
  const onlyExpectedRefusals = refusals.every((c) => c === 'ERR_IPB' || c === 'ERR_BE');
  const balance = mustOk(
    await record(t, 'balance', { method: 'POST', path: '/wallet/balance', body: { sessionID } }, () =>
      ctx.client.balance(sessionID, RAW),
    ),
    'balance',
  ).balance.amount;
  const rounds = mustOk(
    await record(
      t,
      'recall every round of the account',
      { method: 'POST', path: '/bet/recall', body: { sessionID, limit: 100 } },
      () => ctx.client.recall(sessionID, 100, RAW),
    ),
    'recall',
  ).rounds;
  // Wins credited meanwhile (a round settled by the embedded server's stale-round policy) fund more plays.
  const credited = rounds.filter((r) => r.status === 'closed').reduce((sum, r) => sum + r.payout, 0);
  const books = balance === funds - accepted * cost + credited && rounds.length === accepted;
  const neverOverdrawn = balance >= 0 && accepted * cost <= funds + credited;
  const exactlyAffordable = credited > 0 || rounds.some((r) => r.active) || accepted === affordable;
  const ok = books && neverOverdrawn && exactlyAffordable && onlyExpectedRefusals;
  return {
    result: ok ? 'pass' : 'fail',
    detail: `${n} concurrent plays on one account funded for ${affordable} rounds: ${accepted} accepted, ${refusals.length} refused (${[...new Set(refusals)].join(', ') || 'none'}); wins credited meanwhile ${credited}; balance ${balance} = funds − accepted costs + credited wins: ${books ? 'yes' : 'NO'}; never overdrawn: ${neverOverdrawn ? 'yes' : 'NO'}`,
  };
}

async function ukFlagsCase(ctx: Ctx, t: Transcript): Promise<Outcome> {
  const { sessionID, auth } = await newPlayer(ctx, t, 'UK', START_BALANCE);
  const j = auth.config.jurisdiction;
  const flags =
    j.disabledAutoplay === true &&
    j.disabledTurbo === true &&
    j.disabledSuperTurbo === true &&
    j.minimumRoundDuration === 2500;
  const bet = auth.config.defaultBetLevel;
  await playWhole(ctx, t, sessionID, bet, 'first round');
  const tooSoon = await play(ctx, t, sessionID, bet, 'a second round at once (under 2.5 s)');
  await sleep(2_600);
  const later = await play(ctx, t, sessionID, bet, 'a second round after 2.6 s');
  if (later.outcome === 'ok' && later.body.round.active) await endRound(ctx, t, sessionID);
  const refused = tooSoon.outcome === 'failed' && tooSoon.code === 'ERR_GLE';
  const ok = flags && refused && later.outcome === 'ok';
  return {
    result: ok ? 'pass' : 'fail',
    detail: `flags: autoplay ${j.disabledAutoplay ? 'off' : 'ON'}, turbo ${j.disabledTurbo ? 'off' : 'ON'}, super turbo ${j.disabledSuperTurbo ? 'off' : 'ON'}, minimum round ${j.minimumRoundDuration} ms; a round under 2.5 s after the last is ${refused ? 'refused (ERR_GLE)' : 'ACCEPTED'}; after 2.6 s ${later.outcome === 'ok' ? 'accepted' : 'refused'}`,
  };
}

/** Rounds per publication mode in the publication case (each replayed and compared with its book). */
const PUBLICATION_ROUNDS_PER_MODE = 12;

interface PublicationRoundCheck {
  readonly ok: boolean;
  readonly problems: string[];
}

/**
 * One served round of a publication against the publication itself: the debit is bet × cost, the
 * replay names the drawn simulation id, the round's state is that book's events and it pays
 * bet × payoutMultiplier / 100 (games/publication `publicationMoney`, exact integers).
 */
async function checkPublicationRound(
  ctx: Ctx,
  t: Transcript,
  sessionID: string,
  bet: number,
  served: PublicationBooks,
  before: number,
  label: string,
): Promise<PublicationRoundCheck & { after: number; simulationId: number | null }> {
  const mode: PublicationMode = served.mode;
  const problems: string[] = [];
  const played = mustOk(await play(ctx, t, sessionID, bet, label), label);
  const cost = Number(publicationMoney(BigInt(bet), mode, 0)!.costMinor);
  if (played.balance.amount !== before - cost)
    problems.push(`debit ${before - played.balance.amount}, expected bet × cost ${cost}`);
  let after = played.balance.amount;
  if (played.round.active) after = mustOk(await endRound(ctx, t, sessionID), 'end-round').balance.amount;
  const path = `/bet/replay/${ctx.gameId}/${played.round.version ?? ''}/${mode.name}/${played.round.betID}`;
  const replay = mustOk(
    await recordReplay(t, `replay ${played.round.betID}`, { method: 'GET', path }, () =>
      ctx.client.replay(ctx.gameId, played.round.version ?? '', mode.name, played.round.betID, RAW),
    ),
    'replay',
  );
  const simulationId = (replay.round as { simulationId?: unknown }).simulationId;
  const book = typeof simulationId === 'number' ? served.book(simulationId) : null;
  if (book === null) {
    problems.push(`replay names simulation id ${String(simulationId)}, not a row of ${mode.name}'s table`);
    return { ok: false, problems, after, simulationId: null };
  }
  const payout = Number(publicationMoney(BigInt(bet), mode, book.payoutMultiplier)!.payoutMinor);
  if (canonicalJson(played.round.state) !== canonicalJson(book.events))
    problems.push(`round.state differs from book ${book.simulationId}'s events`);
  if (played.round.payout !== payout)
    problems.push(`pays ${played.round.payout}, expected bet × ${book.payoutMultiplier}/100 = ${payout}`);
  if (after !== before - cost + payout) problems.push(`balance ${after}, expected ${before - cost + payout}`);
  if (replay.status !== 'REPRODUCED') problems.push(`replay status ${replay.status}`);
  t.facts.rounds = [
    ...((t.facts.rounds as unknown[]) ?? []),
    {
      betID: played.round.betID,
      mode: mode.name,
      simulationId,
      payoutMultiplier: book.payoutMultiplier,
      cost,
      payout,
    },
  ];
  return { ok: problems.length === 0, problems, after, simulationId: book.simulationId };
}

/** A book of another payout than `simulationId`'s, if the mode has one (the comparison's negative control). */
function otherBook(served: PublicationBooks, simulationId: number) {
  const { table } = served.mode;
  const drawn = served.book(simulationId)!;
  for (let row = 0; row < table.rows; row++)
    if (table.payouts[row] !== drawn.payoutMultiplier) return served.book(table.ids[row]!);
  return null;
}

/** Every mode of a publication played through HTTP; each round checked against its book. */
async function publicationCase(ctx: Ctx, t: Transcript, publication: Publication): Promise<Outcome> {
  const details: string[] = [];
  let ok = true;
  for (const mode of publication.modes) {
    const served = PublicationBooks.load(mode);
    const modeCtx: Ctx = { ...ctx, gameId: publication.id, mode: mode.name };
    const { sessionID, auth } = await newPlayer(modeCtx, t, 'default', START_BALANCE);
    const bet = auth.config.betLevels[0]!;
    let balance = auth.balance.amount;
    let passed = 0;
    const problems: string[] = [];
    let control = 'no other payout in this mode: comparison control not applicable';
    for (let i = 0; i < PUBLICATION_ROUNDS_PER_MODE; i++) {
      const r = await checkPublicationRound(
        modeCtx,
        t,
        sessionID,
        bet,
        served,
        balance,
        `${mode.name} round ${i + 1}`,
      );
      balance = r.after;
      if (r.ok) passed++;
      else problems.push(...r.problems.map((p) => `round ${i + 1}: ${p}`));
      if (i === 0 && r.simulationId !== null) {
        const other = otherBook(served, r.simulationId);
        const drawn = served.book(r.simulationId)!;
        if (other !== null) {
          const differs = canonicalJson(other.events) !== canonicalJson(drawn.events);
          ok &&= differs;
          control = `control: book ${other.simulationId} (payout ${other.payoutMultiplier}) ${differs ? 'does not match' : 'MATCHES'} the round that drew book ${drawn.simulationId}`;
        }
      }
    }
    ok &&= passed === PUBLICATION_ROUNDS_PER_MODE;
    details.push(
      `mode ${mode.name} (cost ${mode.cost.text}, bet ${bet} API units): ${passed}/${PUBLICATION_ROUNDS_PER_MODE} rounds debit bet × cost, return the replayed simulation id's book as round.state and pay bet × payoutMultiplier/100${problems.length ? ` — ${problems.slice(0, 3).join('; ')}` : ''}; ${control}`,
    );
  }
  return { result: ok ? 'pass' : 'fail', detail: details.join('; ') };
}

const CASES: readonly { id: string; title: string; run: (ctx: Ctx, t: Transcript) => Promise<Outcome> }[] = [
  {
    id: 'recall',
    title: 'Game recall: the last round and the 9 before it, with credits before and after',
    run: recallCase,
  },
  { id: 'replay', title: 'Replay reproduces the stored outcome from the revealed seed', run: replayCase },
  {
    id: 'resume',
    title: 'An incomplete round resumes on re-authenticate and is settled by the jurisdiction’s policy',
    run: resumeCase,
  },
  {
    id: 'idempotent-retry',
    title: 'An idempotent retry returns the original answer and charges once',
    run: idempotentCase,
  },
  {
    id: 'concurrent',
    title: 'Concurrent plays on one account: only the affordable ones go through',
    run: concurrentCase,
  },
  { id: 'uk-flags', title: 'UK: 2.5 s minimum between rounds, no autoplay or turbo', run: ukFlagsCase },
];

function writeTranscript(artifacts: Artifacts, t: Transcript, outcome: Outcome): Case {
  const path = `evidence/${t.id}.json`;
  const text = `${JSON.stringify({ case: t.id, title: t.title, result: outcome.result, detail: outcome.detail, facts: t.facts, exchanges: t.exchanges }, null, 2)}\n`;
  artifacts.set(path, text);
  return {
    id: t.id,
    title: t.title,
    result: outcome.result,
    detail: outcome.detail,
    transcript: path,
    transcriptSha256: sha256OfText(text),
    exchanges: t.exchanges.length,
  };
}

interface Server {
  readonly baseUrl: string;
  readonly operatorToken: string;
  readonly dataDir: string | null;
  stop(): Promise<void>;
}

async function embeddedServer(gameId: string, games: readonly ServedGameSpec[]): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), 'croupier-certify-rgs-'));
  const loaded = loadRgsConfig({
    RGS_PORT: '0',
    RGS_DATA_DIR: dataDir,
    RGS_LOG_LEVEL: 'silent',
    RGS_RATE_LIMIT: '100000',
    RGS_DEFAULT_GAME: gameId,
    RGS_STALE_ROUND_AFTER_MS: String(EMBEDDED_STALE_AFTER_MS),
    RGS_STALE_SWEEP_INTERVAL_MS: String(EMBEDDED_SWEEP_EVERY_MS),
  });
  let running: Awaited<ReturnType<typeof startRgs>>;
  let config: RgsConfig;
  try {
    if (!loaded.ok) throw new Error(`embedded RGS: ${loaded.message}`);
    config = loaded.config;
    // The games of this run, each as `rgs start --games` would serve it (definitions and publications).
    running = await startRgs(config, {
      createCore: (c, onFault) =>
        createRgsCore({
          onError: onFault,
          requestDeadlineMs: c.requestDeadlineMs,
          games,
          db: { pglite: true, dataDir: embeddedDatabaseDir(c.dataDir) },
        }),
    });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const { resolveOperatorSecret } = await import('../../rgs/index.ts');
  const token = await signOperatorToken(resolveOperatorSecret(config).secret, 3600);
  return {
    baseUrl: running.baseUrl,
    operatorToken: token,
    dataDir,
    async stop() {
      await running.stop();
    },
  };
}

/** §7 and the audit case: `rgs verify` on the stopped server's database, then on a tampered copy. */
async function verifyBooks(
  dataDir: string,
  artifacts: Artifacts,
): Promise<{ ledger: NonNullable<Evidence['ledger']>; audit: Case }> {
  const db = await openRgsDatabase({ dataDir: join(dataDir, 'pglite') });
  const report = await verifyRgsDatabase(db);
  await db.close();
  const copyDir = mkdtempSync(join(tmpdir(), 'croupier-certify-tamper-'));
  let tamperedAudit: { ok: boolean; problems: readonly string[] };
  let tampered = '';
  try {
    cpSync(join(dataDir, 'pglite'), join(copyDir, 'pglite'), { recursive: true });
    const copy = await openRgsDatabase({ dataDir: join(copyDir, 'pglite') });
    try {
      await copy.query('ALTER TABLE audit.events DISABLE TRIGGER events_append_only');
      const rows = await copy.query<{ chain_id: string; seq: bigint; payload: string }>(
        `SELECT chain_id, seq, payload FROM audit.events WHERE kind = 'round.played' ORDER BY chain_id, seq LIMIT 1`,
      );
      const target = rows[0];
      if (target === undefined) throw new Error('no round.played audit record to tamper with');
      const forged = target.payload.replace(/"payoutMinor":"(\d+)"/, '"payoutMinor":"999000000"');
      await copy.query('UPDATE audit.events SET payload = $3 WHERE chain_id = $1 AND seq = $2', [
        target.chain_id,
        target.seq,
        forged,
      ]);
      tampered = `${target.chain_id}#${target.seq}: payoutMinor set to 999000000 without recomputing the hash`;
      tamperedAudit = (await verifyRgsDatabase(copy, { ledger: false })).audit;
    } finally {
      await copy.close();
    }
  } finally {
    rmSync(copyDir, { recursive: true, force: true });
  }
  const t = new Transcript('audit', 'The audit chain verifies, and a tampered copy is detected');
  Object.assign(t.facts, { original: report.audit, tampering: tampered, tamperedCopy: tamperedAudit });
  const ok = report.audit.ok && !tamperedAudit.ok;
  const audit = writeTranscript(artifacts, t, {
    result: ok ? 'pass' : 'fail',
    detail: `the server's audit log: ${report.audit.checked} records ${report.audit.ok ? 'verify' : 'FAIL'}; a copy with one record altered (${tampered}) is ${tamperedAudit.ok ? 'NOT detected' : `detected: ${tamperedAudit.problems[0] ?? ''}`} (database checks, no HTTP)`,
  });
  const ledger = {
    subject: 'croupier rgs verify on the embedded RGS database after the functional cases',
    ok: report.ledger.ok,
    checks: [
      {
        name: 'postings sum to zero; no negative balance; balances equal postings; every round whole',
        ok: report.ledger.ok,
        detail: report.ledger.ok
          ? `${report.ledger.checked} checked`
          : report.ledger.problems.slice(0, 5).join('; '),
      },
      {
        name: 'audit hash chains',
        ok: report.audit.ok,
        detail: report.audit.ok
          ? `${report.audit.checked} records`
          : report.audit.problems.slice(0, 5).join('; '),
      },
    ],
  };
  return { ledger, audit };
}

/** The publication case of every math-sdk publication of the run. */
async function publicationCases(
  ctx: Ctx,
  v: ValidatedRequest,
  runner: StageRunner,
  artifacts: Artifacts,
): Promise<Case[]> {
  const cases: Case[] = [];
  for (const { publication } of v.publications) {
    const t = new Transcript(
      `publication-${publication.id}`,
      `math-sdk publication ${publication.id}: each served round is the drawn book, charged bet × cost and paid bet × payoutMultiplier / 100`,
    );
    runner.progress.note(t.title);
    let outcome: Outcome;
    try {
      outcome = await publicationCase(ctx, t, publication);
    } catch (error) {
      outcome = { result: 'fail', detail: `the case could not run: ${(error as Error).message}` };
    }
    cases.push(writeTranscript(artifacts, t, outcome));
  }
  return cases;
}

/** §6 when the embedded RGS refused to start with the run's games: one failed check saying why. */
function rgsNotStarted(gameId: string, message: string): RgsEvidence {
  return {
    url: null,
    functional: {
      rgs: 'embedded (in-process)',
      game: gameId,
      cases: [],
      notes: [`the embedded RGS refused to start with the games of this run: ${message}`],
    },
    ledger: null,
    checks: [
      {
        id: 'rgs/start',
        section: '6',
        title: 'The embedded RGS starts and serves the games of this run',
        result: 'fail',
        detail: message,
      },
    ],
  };
}

export async function collectRgsEvidence(
  v: ValidatedRequest,
  runner: StageRunner,
  artifacts: Artifacts,
): Promise<RgsEvidence> {
  const definition = v.games.find((g) => g.game.model.type === 'reels') ?? v.games[0];
  const firstPublication = v.publications[0]?.publication;
  const gameId = definition?.game.definition.id ?? firstPublication!.id;
  const modes = definition
    ? definition.game.definition.modes.map((m) => m.id)
    : firstPublication!.modes.map((m) => m.name);
  const specs: ServedGameSpec[] = [
    ...v.games.map(({ game }) => ({ game })),
    ...v.publications.map(({ publication }) => ({ publication })),
  ];
  runner.progress.start(
    'rgs',
    v.request.rgsUrl
      ? `functional cases against ${v.request.rgsUrl}`
      : 'embedded RGS (PGlite, temporary data folder): functional cases',
  );
  const startedMs = performance.now();
  let server: Server;
  try {
    server = v.request.rgsUrl
      ? { baseUrl: v.request.rgsUrl, operatorToken: v.request.operatorToken!, dataDir: null, async stop() {} }
      : await embeddedServer(gameId, specs);
  } catch (error) {
    // E.g. a game whose declared RTP is not its exact one: the RGS refuses to serve it. A failed
    // check in the pack, not a crash of the run.
    const elapsedMs = Math.round(performance.now() - startedMs);
    runner.timings.push({
      stage: 'rgs',
      elapsedMs,
      reused: false,
      inputSha256: sha256OfText('rgs:not-started'),
    });
    runner.progress.finish('rgs', elapsedMs, false);
    return rgsNotStarted(gameId, (error as Error).message);
  }
  const client = new StakeApiClient({ baseUrl: server.baseUrl, operatorToken: server.operatorToken });
  const ctx: Ctx = {
    client,
    gameId,
    mode: modes.includes('base') ? 'base' : modes[0]!,
    embedded: server.dataDir !== null,
    concurrentPlays: v.sizes.rgsConcurrentPlays,
  };
  const cases: Case[] = [];
  let ledger: RgsEvidence['ledger'] = null;
  try {
    for (const c of CASES) {
      runner.progress.note(c.title);
      const t = new Transcript(c.id, c.title);
      let outcome: Outcome;
      try {
        outcome = await c.run(ctx, t);
      } catch (error) {
        outcome = { result: 'fail', detail: `the case could not run: ${(error as Error).message}` };
      }
      cases.push(writeTranscript(artifacts, t, outcome));
    }
    cases.push(...(await publicationCases(ctx, v, runner, artifacts)));
  } finally {
    client.close();
    await server.stop();
  }
  if (server.dataDir !== null) {
    try {
      const books = await verifyBooks(server.dataDir, artifacts);
      ledger = books.ledger;
      cases.push(books.audit);
    } finally {
      rmSync(server.dataDir, { recursive: true, force: true });
    }
  }
  const elapsedMs = Math.round(performance.now() - startedMs);
  runner.timings.push({
    stage: 'rgs',
    elapsedMs,
    reused: false,
    inputSha256: sha256OfText(`rgs:${server.baseUrl}`),
  });
  runner.progress.finish('rgs', elapsedMs, false);
  const checks: Check[] = cases.map((c) => ({
    id: `rgs/${c.id}`,
    section: '6',
    title: c.title,
    result: c.result,
    detail: c.detail,
  }));
  if (ledger)
    checks.push({
      id: 'ledger/verify',
      section: '7',
      title: 'Wallet and ledger integrity (rgs verify)',
      result: ledger.ok ? 'pass' : 'fail',
      detail: ledger.checks.map((c) => `${c.name}: ${c.detail}`).join('; '),
    });
  const notes = [
    server.dataDir === null
      ? `remote RGS ${server.baseUrl}: database checks (§7, audit tampering) need its database and are not run`
      : `embedded RGS on a temporary PGlite folder, stale rounds settled after ${EMBEDDED_STALE_AFTER_MS} ms (production default: 24 h) so the policy can be shown`,
    'Server seeds come from fresh OS entropy, so these cases are evidence of behaviour, not figures `verify --rerun` recomputes.',
  ];
  return {
    url: server.dataDir === null ? server.baseUrl : null,
    functional: {
      rgs: server.dataDir === null ? server.baseUrl : 'embedded (in-process)',
      game: gameId,
      cases,
      notes,
    },
    ledger,
    checks,
  };
}
