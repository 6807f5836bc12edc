/**
 * The Jepsen-style books checker: a client-side History (load/history.ts) against the RGS's
 * ledger, rounds and audit log, read only through the RGS's public tools (rgs/index.ts:
 * readBooksView, verifyRgsDatabase). It answers the question a drill asks: was money lost, doubled,
 * or taken without being asked for?
 *
 * How rounds are matched to what clients asked for (the Knossos-style "which operation could
 * this be" step, simplified to one booking per intent):
 * 1. An acknowledged play names its round (betID): that round must exist, once, in the player's
 *    session, for the amount and mode asked, with the payout the client was shown.
 * 2. Every other round of the history's players is attributed to an intent of the same session,
 *    amount and mode whose attempt window contains the booking time: first an unknown intent not
 *    yet booked (that is how an unknown outcome resolves), then a refused intent (a booking the
 *    client was told did not happen), then an intent already booked (a double booking). A round no
 *    intent could explain is a debit nobody asked for.
 * The windows are run-relative: a round's booking time minus the history's `startedAt`, with a
 * tolerance for the two clocks. Greedy in booking order, which is exact when each session plays
 * one bet at a time (as the Stake API requires: one active round per player).
 */
import type { BooksCheck, History, InvariantVerdict } from '../../load/index.ts';
import {
  type BookedRound,
  type BooksView,
  readBooksView,
  type SqlClient,
  verifyRgsDatabase,
} from '../../rgs/index.ts';
import { couldBeBookedAt, type PlayIntent, playIntents } from './intents.ts';
import { recoveryAfter } from './recovery.ts';

export interface CheckBooksOptions {
  /** Clock tolerance between client and server (default 1000 ms). */
  readonly clockToleranceMs?: number;
  /** Problems kept per invariant (default 20). */
  readonly problemsMax?: number;
  /** Adds the `recovered-within` invariant. */
  readonly recovery?: { readonly faultEndMs: number; readonly boundMs: number };
  /** Skip the audit chain (a PGlite copy without audit, for example); default false. */
  readonly skipAudit?: boolean;
  /**
   * What each session learnt by re-authenticating after the run (`resolveByAuthenticate`): the
   * balance and active round it was shown must be the ledger's, so an unknown outcome can be
   * resolved by the client alone.
   */
  readonly resolutions?: ReadonlyMap<string, SessionResolution>;
}

export interface SessionResolution {
  /** balance.amount of /wallet/authenticate (API units), or null when it did not answer. */
  readonly balance: number | null;
  /** round.betID of an active round it showed, or null. */
  readonly activeBetID: string | null;
}

class Verdicts {
  private readonly list: { name: string; checked: number; problems: string[]; count: number }[] = [];
  constructor(private readonly problemsMax: number) {}

  open(name: string): { check(): void; fail(problem: string): void } {
    const verdict = { name, checked: 0, problems: [] as string[], count: 0 };
    this.list.push(verdict);
    return {
      check: () => {
        verdict.checked++;
      },
      fail: (problem: string) => {
        verdict.count++;
        if (verdict.problems.length < this.problemsMax) verdict.problems.push(problem);
      },
    };
  }

  result(): InvariantVerdict[] {
    return this.list.map((v) => ({
      name: v.name,
      ok: v.count === 0,
      checked: v.checked,
      problems:
        v.count > v.problems.length
          ? [...v.problems, `… and ${v.count - v.problems.length} more`]
          : v.problems,
    }));
  }
}

interface Attribution {
  lost: number;
  doubled: number;
  unrequested: number;
  bookedUnknown: Set<string>;
  bookingsPerIntent: Map<string, BookedRound[]>;
}

function checkAcknowledged(
  intents: PlayIntent[],
  rounds: Map<string, BookedRound>,
  v: Verdicts,
  a: Attribution,
): Set<string> {
  const once = v.open('acknowledged-bet-once');
  const claimed = new Map<string, string>();
  for (const intent of intents) {
    if (intent.status !== 'ok') continue;
    once.check();
    if (intent.ackedBetIds.size > 1) {
      a.doubled += intent.ackedBetIds.size - 1;
      once.fail(`${intent.id}: one intent acknowledged as ${intent.ackedBetIds.size} different rounds`);
    }
    for (const betId of intent.ackedBetIds) {
      const round = rounds.get(betId);
      if (round === undefined) {
        a.lost++;
        once.fail(`${intent.id}: acknowledged round ${betId} is not in the ledger`);
        continue;
      }
      const other = claimed.get(betId);
      if (other !== undefined) {
        a.lost++;
        once.fail(`${intent.id}: round ${betId} was already acknowledged to ${other}`);
        continue;
      }
      claimed.set(betId, intent.id);
      const list = a.bookingsPerIntent.get(intent.id) ?? [];
      list.push(round);
      a.bookingsPerIntent.set(intent.id, list);
      if (round.sessionId !== intent.sessionID)
        once.fail(`${intent.id}: round ${betId} is in session ${round.sessionId}`);
      if (round.amountMinor !== BigInt(intent.amount) || round.mode !== intent.mode)
        once.fail(
          `${intent.id}: round ${betId} booked ${round.amountMinor} ${round.mode}, asked ${intent.amount} ${intent.mode}`,
        );
      for (const attempt of intent.attempts) {
        const payout = attempt.entry.payout;
        if (attempt.entry.betID === betId && payout !== undefined && BigInt(payout) !== round.payoutMinor)
          once.fail(`${intent.id}: told payout ${payout}, ledger round ${betId} pays ${round.payoutMinor}`);
      }
    }
  }
  return new Set(claimed.keys());
}

function attributeRest(
  intents: PlayIntent[],
  view: BooksView,
  claimed: Set<string>,
  runStartMs: number,
  v: Verdicts,
  a: Attribution,
): void {
  const unrequested = v.open('no-unrequested-debit');
  const doubled = v.open('no-doubled-bet');
  const refused = v.open('refused-bet-not-booked');
  const bySession = new Map<string, PlayIntent[]>();
  for (const intent of intents)
    bySession.set(intent.sessionID, [...(bySession.get(intent.sessionID) ?? []), intent]);
  for (const round of view.rounds) {
    unrequested.check();
    doubled.check();
    if (claimed.has(round.roundId)) continue;
    const atMs = round.startedAtMs - runStartMs;
    const candidates = (bySession.get(round.sessionId) ?? []).filter(
      (intent) =>
        BigInt(intent.amount) === round.amountMinor &&
        intent.mode === round.mode &&
        couldBeBookedAt(intent, atMs),
    );
    const booked = (intent: PlayIntent) => (a.bookingsPerIntent.get(intent.id)?.length ?? 0) > 0;
    const pick =
      candidates.find((i) => i.status === 'unknown' && !booked(i)) ??
      candidates.find((i) => i.status === 'failed' && !booked(i)) ??
      candidates.find((i) => booked(i));
    if (pick === undefined) {
      a.unrequested++;
      unrequested.fail(
        `round ${round.roundId} (session ${round.sessionId}, ${round.costMinor} debited at +${atMs} ms) matches no request`,
      );
      continue;
    }
    const already = a.bookingsPerIntent.get(pick.id) ?? [];
    already.push(round);
    a.bookingsPerIntent.set(pick.id, already);
    if (already.length > 1) {
      a.doubled++;
      doubled.fail(
        `${pick.id}: booked ${already.length} times (rounds ${already.map((r) => r.roundId).join(', ')})`,
      );
    } else if (pick.status === 'failed') {
      refused.fail(
        `${pick.id}: the client was refused (${pick.attempts.map((t) => t.entry.status ?? '-').join('/')}) but round ${round.roundId} was booked`,
      );
    } else if (pick.status === 'unknown') {
      a.bookedUnknown.add(pick.id);
    }
  }
  for (const intent of intents) if (intent.status === 'failed') refused.check();
}

function checkUnknown(
  intents: PlayIntent[],
  view: BooksView,
  resolutions: ReadonlyMap<string, SessionResolution> | undefined,
  v: Verdicts,
  a: Attribution,
): { total: number; booked: number } {
  const resolvable = v.open('unknown-bet-resolvable');
  const unknown = intents.filter((intent) => intent.status === 'unknown');
  if (unknown.length > 0 && resolutions === undefined)
    resolvable.fail(`${unknown.length} unknown outcomes and no re-authentication to resolve them`);
  const sessions = new Set(unknown.map((intent) => intent.sessionID));
  const balances = new Map(
    view.accounts.filter((x) => x.playerId !== null).map((x) => [x.playerId!, x.balanceMinor]),
  );
  for (const sessionID of resolutions === undefined ? [] : sessions) {
    resolvable.check();
    const seen = resolutions?.get(sessionID);
    const rounds = view.rounds.filter((r) => r.sessionId === sessionID);
    const playerId = rounds[0]?.playerId;
    if (seen === undefined || seen.balance === null) {
      resolvable.fail(`session ${sessionID}: re-authentication did not answer`);
      continue;
    }
    if (playerId !== undefined && BigInt(seen.balance) !== balances.get(playerId))
      resolvable.fail(
        `session ${sessionID}: authenticate shows ${seen.balance}, the ledger ${balances.get(playerId)}`,
      );
    const active = view.rounds.find((r) => r.playerId === playerId && r.status === 'active')?.roundId ?? null;
    if (playerId !== undefined && seen.activeBetID !== active)
      resolvable.fail(
        `session ${sessionID}: authenticate shows active round ${seen.activeBetID}, the ledger ${active}`,
      );
  }
  return { total: unknown.length, booked: a.bookedUnknown.size };
}

function checkMoney(view: BooksView, v: Verdicts): void {
  const sumZero = v.open('postings-sum-zero');
  sumZero.check();
  for (const tx of view.unbalanced)
    sumZero.fail(`transaction ${tx.txId} (${tx.kind}): ${tx.postings} postings sum to ${tx.sumMinor}`);
  const negative = v.open('no-negative-balance');
  const equal = v.open('balances-equal-postings');
  for (const account of view.accounts) {
    equal.check();
    if (account.balanceMinor !== account.postingsSumMinor)
      equal.fail(
        `account ${account.accountId} (${account.kind}): balance ${account.balanceMinor}, postings ${account.postingsSumMinor}`,
      );
    if (account.kind !== 'player') continue;
    negative.check();
    if (account.balanceMinor < 0n)
      negative.fail(`account ${account.accountId} of player ${account.playerId}: ${account.balanceMinor}`);
  }
  const explained = v.open('balance-explained-by-rounds');
  const balances = new Map(
    view.accounts.filter((x) => x.playerId !== null).map((x) => [x.playerId!, x.balanceMinor]),
  );
  for (const p of view.players) {
    explained.check();
    const balance = balances.get(p.playerId);
    const expected = p.depositsMinor - p.costsMinor + p.winsMinor + p.refundsMinor;
    if (balance !== expected)
      explained.fail(
        `player ${p.playerId}: balance ${balance}, deposits − costs + wins + refunds = ${expected}`,
      );
  }
}

function checkRounds(view: BooksView, v: Verdicts): void {
  const settled = v.open('win-credited-once');
  const state = v.open('round-closed-resumable-or-voided');
  const activePerPlayer = new Map<string, number>();
  for (const round of view.rounds) {
    settled.check();
    state.check();
    if (round.settlements > 1) settled.fail(`round ${round.roundId}: settled ${round.settlements} times`);
    if (round.status === 'closed' && round.creditedMinor !== round.payoutMinor)
      settled.fail(`round ${round.roundId}: payout ${round.payoutMinor}, credited ${round.creditedMinor}`);
    if (round.status === 'active' && round.creditedMinor !== 0n)
      settled.fail(`round ${round.roundId}: credited while active`);
    if (!round.audited) state.fail(`round ${round.roundId}: no round.played audit record`);
    if (round.status === 'voided' && (round.voidReason === null || round.voidReason === ''))
      state.fail(`round ${round.roundId}: voided without a reason`);
    if (round.status === 'active')
      activePerPlayer.set(round.playerId, (activePerPlayer.get(round.playerId) ?? 0) + 1);
  }
  for (const [player, count] of activePerPlayer)
    if (count > 1) state.fail(`player ${player}: ${count} active rounds (only one can be resumed)`);
}

/** Check a history against the database; never writes. */
export async function checkBooks(
  history: History,
  db: SqlClient,
  options: CheckBooksOptions = {},
): Promise<BooksCheck> {
  const runStartMs = Date.parse(history.startedAt);
  if (!Number.isFinite(runStartMs))
    throw new RangeError(`history.startedAt is not an ISO time: ${history.startedAt}`);
  const v = new Verdicts(options.problemsMax ?? 20);
  const intents = playIntents(history, options.clockToleranceMs ?? 1_000);
  const sessionIds = [
    ...new Set(history.entries.flatMap((e) => (e.sessionID === null ? [] : [e.sessionID]))),
  ];
  const view = await readBooksView(db, { sessionIds });
  const rounds = new Map(view.rounds.map((r) => [r.roundId, r]));
  const a: Attribution = {
    lost: 0,
    doubled: 0,
    unrequested: 0,
    bookedUnknown: new Set(),
    bookingsPerIntent: new Map(),
  };
  const claimed = checkAcknowledged(intents, rounds, v, a);
  attributeRest(intents, view, claimed, runStartMs, v, a);
  const unknown = checkUnknown(intents, view, options.resolutions, v, a);
  checkMoney(view, v);
  checkRounds(view, v);
  const verification = await verifyRgsDatabase(db, { audit: options.skipAudit !== true });
  const ledger = v.open('ledger-verifies');
  ledger.check();
  for (const problem of verification.ledger.problems) ledger.fail(problem);
  if (!verification.ledger.ok && verification.ledger.problems.length === 0)
    ledger.fail('ledger verification failed');
  const audit = v.open('audit-chain-verifies');
  audit.check();
  for (const problem of verification.audit.problems) audit.fail(problem);
  if (!verification.audit.ok && verification.audit.problems.length === 0)
    audit.fail('audit verification failed');
  if (options.recovery !== undefined) {
    const recovered = v.open('recovered-within');
    recovered.check();
    const r = recoveryAfter(history, options.recovery.faultEndMs);
    if (r.recoveryMs === null) recovered.fail('the run ended before service recovered');
    else if (r.recoveryMs > options.recovery.boundMs)
      recovered.fail(`recovered after ${r.recoveryMs} ms, bound ${options.recovery.boundMs} ms`);
  }
  const invariants = v.result();
  return {
    ok: invariants.every((i) => i.ok),
    invariants,
    acknowledgedBets: intents.filter((i) => i.status === 'ok').length,
    unknownBets: { total: unknown.total, booked: unknown.booked, notBooked: unknown.total - unknown.booked },
    lost: a.lost,
    doubled: a.doubled,
    unrequested: a.unrequested,
  };
}
