/**
 * One player's visit, as a person would tell it:
 *
 *   the operator starts a session (/session/start) → the game authenticates (/wallet/authenticate)
 *   → a few rounds with think time: bet from the game's betLevels, mode by the scenario's mix
 *     (/wallet/play) → on a win, sometimes a progress marker (/bet/event), then /wallet/end-round
 *   → now and then a balance check (/wallet/balance), or a dropped connection and a resume through
 *     /wallet/authenticate.
 *
 * Retries are bounded (journey.maxAttempts sends per intent) and spaced by Retry-After or an
 * exponential backoff, with jitter. A play whose outcome is unknown (no reply, a 5xx that is not
 * shedding) is never resent blindly: the player re-authenticates and reads the round first; only
 * when the round is not there is the same intent (same Idempotency-Key) sent again.
 *
 * The journey is written once, against a small port (send, pause, random, check): the k6 scripts
 * (load/k6/) and the Node runner (load/runner/) each implement the port. Plain TypeScript, no
 * imports from Node or k6.
 */
import type { Endpoint, Journey } from '../scenarios/model.ts';
import type { PlayerProfile } from './player.ts';
import { classifyReply, field, isApiAmount, type JourneyReply, type ReplyKind } from './replies.ts';

export interface JourneyCall {
  readonly endpoint: Endpoint;
  readonly path: string;
  readonly body: Readonly<Record<string, unknown>>;
  /** Sent as Authorization: Bearer (operator calls only). */
  readonly operatorToken?: string;
  readonly idempotencyKey?: string;
  /** 1 for the first send of an intent. */
  readonly attempt: number;
  readonly sessionID: string | null;
  readonly amount?: number;
  readonly mode?: string;
}

export interface JourneyPort {
  /** Sends one POST; resolves with status 0 when no reply came. Never rejects. */
  send(call: JourneyCall): Promise<JourneyReply>;
  pause(ms: number): Promise<void>;
  /** Uniform in [0, 1), from a seeded stream. */
  random(): number;
  /** Records a named check (k6's `check`). */
  check(name: string, ok: boolean): void;
  nowMs(): number;
}

export interface Visit {
  /** Unique within the run; prefixes every Idempotency-Key of the visit. */
  readonly visitId: string;
  readonly player: PlayerProfile;
  readonly operatorToken: string;
  readonly journey: Journey;
  /** The game the player opens (/session/start's gameID); absent: the server's default game. */
  readonly gameID?: string;
}

export type VisitEnd = 'completed' | 'abandoned';

interface GameView {
  readonly betLevels: readonly number[];
  readonly costByMode: Readonly<Record<string, number>>;
  readonly minimumRoundMs: number;
}

/** What the player knows: the session, the game, the last round seen and the balance. */
interface PlayerState {
  sessionID: string;
  game: GameView;
  lastBetID: string | null;
  activeRound: boolean;
  balance: number | null;
  lastPlayAtMs: number;
}

const DISCONNECT_PAUSE_MULTIPLIER = 3;

export async function runVisit(port: JourneyPort, visit: Visit): Promise<VisitEnd> {
  const sessionID = await startSession(port, visit);
  if (sessionID === null) return 'abandoned';
  const state = await authenticate(port, visit, sessionID);
  if (state === null) return 'abandoned';
  if (state.activeRound && !(await endRound(port, visit, state, 'resume'))) return 'abandoned';
  const [fewest, most] = visit.journey.playsPerVisit;
  const plays = fewest + Math.floor(port.random() * (most - fewest + 1));
  for (let index = 0; index < plays; index++) {
    await port.pause(thinkMs(port, visit.journey) + minimumRoundWaitMs(port, state));
    const played = await playRound(port, visit, state, index);
    if (played === 'stop') return 'abandoned';
    if (state.activeRound) {
      if (port.random() < visit.journey.eventProbability) await sendEvent(port, visit, state, index);
      if (port.random() < visit.journey.disconnectProbability) {
        // The connection drops mid-round; the game comes back through authenticate and resumes.
        await port.pause(thinkMs(port, visit.journey) * DISCONNECT_PAUSE_MULTIPLIER);
        if (!(await resync(port, visit, state))) return 'abandoned';
      }
      if (state.activeRound) {
        await port.pause(thinkMs(port, visit.journey));
        if (!(await endRound(port, visit, state, String(index)))) return 'abandoned';
      }
    }
    if (port.random() < visit.journey.balanceProbability) await checkBalance(port, visit, state);
  }
  return 'completed';
}

function thinkMs(port: JourneyPort, journey: Journey): number {
  const [least, most] = journey.thinkTimeMs;
  return least + port.random() * (most - least);
}

/** Jurisdictions with a minimum round duration refuse a faster play (ERR_GLE): wait it out. */
function minimumRoundWaitMs(port: JourneyPort, state: PlayerState): number {
  if (state.game.minimumRoundMs <= 0) return 0;
  return Math.max(0, state.lastPlayAtMs + state.game.minimumRoundMs + 50 - port.nowMs());
}

/**
 * Sends one intent until it is ok, or a reply that retrying cannot fix, or maxAttempts sends.
 * `retryUnknown`: whether an unknown outcome may be resent as is (never for a play).
 */
async function sendWithRetries(
  port: JourneyPort,
  visit: Visit,
  make: (attempt: number) => JourneyCall,
  retryUnknown: boolean,
): Promise<{ readonly reply: JourneyReply; readonly kind: ReplyKind }> {
  let attempt = 1;
  for (;;) {
    const reply = await port.send(make(attempt));
    const kind = classifyReply(reply);
    port.check('reply is accepted or shed with Retry-After', kind === 'ok' || kind === 'shed');
    // A refusal that names a time to come back (ERR_GLE: minimum round duration) did not happen
    // either: it is resent after the pause, like shedding.
    const retryable =
      kind === 'shed' ||
      (kind === 'failed' && reply.retryAfterMs !== null) ||
      (kind === 'unknown' && retryUnknown);
    if (!retryable || attempt >= visit.journey.maxAttempts) return { reply, kind };
    await port.pause(backoffMs(port, visit.journey, attempt, reply.retryAfterMs));
    attempt += 1;
  }
}

/** Retry-After when the server gave one, else exponential backoff; either way with jitter. */
export function backoffMs(port: JourneyPort, journey: Journey, attempt: number, retryAfterMs: number | null) {
  const base = retryAfterMs ?? journey.backoffMs * 2 ** (attempt - 1);
  return base * (0.5 + port.random());
}

async function startSession(port: JourneyPort, visit: Visit): Promise<string | null> {
  const { player } = visit;
  const { reply, kind } = await sendWithRetries(
    port,
    visit,
    (attempt) => ({
      endpoint: 'session-start',
      path: '/session/start',
      body: {
        currency: player.currency,
        balance: player.balance,
        jurisdiction: player.jurisdiction,
        language: player.language,
        device: player.device,
        ...(visit.gameID !== undefined ? { gameID: visit.gameID } : {}),
      },
      operatorToken: visit.operatorToken,
      attempt,
      sessionID: null,
    }),
    true,
  );
  const sessionID = field(reply.body, 'sessionID');
  const ok = kind === 'ok' && typeof sessionID === 'string';
  if (kind === 'ok') port.check('session/start returns a sessionID', ok);
  return ok ? (sessionID as string) : null;
}

async function authenticate(port: JourneyPort, visit: Visit, sessionID: string): Promise<PlayerState | null> {
  const { reply, kind } = await sendWithRetries(
    port,
    visit,
    (attempt) => ({
      endpoint: 'authenticate',
      path: '/wallet/authenticate',
      body: { sessionID, language: visit.player.language },
      attempt,
      sessionID,
    }),
    true,
  );
  if (kind !== 'ok') return null;
  const game = gameViewOf(reply.body);
  const balance = field(reply.body, 'balance', 'amount');
  port.check('authenticate returns the bet config and balance', game !== null && isApiAmount(balance));
  if (game === null || !isApiAmount(balance)) return null;
  const round = field(reply.body, 'round');
  const betID = field(round, 'betID');
  return {
    sessionID,
    game,
    lastBetID: typeof betID === 'string' ? betID : null,
    activeRound: field(round, 'active') === true,
    balance,
    lastPlayAtMs: 0,
  };
}

function gameViewOf(body: unknown): GameView | null {
  const levels = field(body, 'config', 'betLevels');
  const modes = field(body, 'config', 'betModes');
  if (!Array.isArray(levels) || levels.length === 0 || !levels.every(isApiAmount)) return null;
  if (modes === null || typeof modes !== 'object') return null;
  const costByMode: Record<string, number> = {};
  for (const [mode, info] of Object.entries(modes as Record<string, unknown>)) {
    const cost = field(info, 'costMultiplier');
    if (typeof cost === 'number' && cost > 0) costByMode[mode] = cost;
  }
  const minimumRound = field(body, 'config', 'jurisdiction', 'minimumRoundDuration');
  return {
    betLevels: [...levels].sort((a, b) => a - b),
    costByMode,
    minimumRoundMs: typeof minimumRound === 'number' ? minimumRound : 0,
  };
}

/** A mode by the scenario's mix, among those the game offers (the first offered if none match). */
export function pickMode(port: JourneyPort, journey: Journey, offered: readonly string[]): string {
  const weighted = offered.filter((mode) => (journey.modeMix[mode] ?? 0) > 0);
  if (weighted.length === 0) return offered[0]!;
  const total = weighted.reduce((sum, mode) => sum + journey.modeMix[mode]!, 0);
  let draw = port.random() * total;
  for (const mode of weighted) {
    draw -= journey.modeMix[mode]!;
    if (draw < 0) return mode;
  }
  return weighted[weighted.length - 1]!;
}

export function pickBet(port: JourneyPort, journey: Journey, betLevels: readonly number[]): number {
  const usable = betLevels.slice(0, Math.max(1, journey.betLevelsUsed));
  return usable[Math.floor(port.random() * usable.length)]!;
}

/**
 * One play. 'played' when the round is known (from the reply or, after an unknown outcome, from
 * authenticate); 'skipped' when the play surely did not happen and the retries are spent; 'stop'
 * when the visit cannot go on (no session, no balance, the round cannot be read).
 */
async function playRound(
  port: JourneyPort,
  visit: Visit,
  state: PlayerState,
  index: number,
): Promise<'played' | 'skipped' | 'stop'> {
  const modes = Object.keys(state.game.costByMode);
  if (modes.length === 0) return 'stop';
  const mode = pickMode(port, visit.journey, modes);
  const amount = pickBet(port, visit.journey, state.game.betLevels);
  const idempotencyKey = `${visit.visitId}-p${index}`;
  // Sends of this intent so far, across shed retries and resends after a resolved unknown.
  let sent = 0;
  const make = (): JourneyCall => {
    sent += 1;
    return {
      endpoint: 'play',
      path: '/wallet/play',
      body: { sessionID: state.sessionID, amount, mode, currency: visit.player.currency },
      idempotencyKey,
      attempt: sent,
      sessionID: state.sessionID,
      amount,
      mode,
    };
  };
  while (sent < visit.journey.maxAttempts) {
    // Shed replies are resent by sendWithRetries; an unknown outcome comes back here.
    const { reply, kind } = await sendWithRetries(port, visit, make, false);
    // The server started the round somewhere before its reply: count the minimum round duration
    // from the reply, so the next play is never early.
    state.lastPlayAtMs = port.nowMs();
    if (kind === 'ok') return adoptPlayedRound(port, state, reply, amount * state.game.costByMode[mode]!);
    if (kind === 'shed') return 'skipped';
    if (kind === 'failed') return (await resync(port, visit, state)) ? 'skipped' : 'stop';
    // Unknown: read the round before anything else; resend only if the play did not happen.
    const before = state.lastBetID;
    if (!(await resync(port, visit, state))) return 'stop';
    if (state.lastBetID !== before) return 'played';
  }
  return 'skipped';
}

function adoptPlayedRound(port: JourneyPort, state: PlayerState, reply: JourneyReply, cost: number) {
  const round = field(reply.body, 'round');
  const betID = field(round, 'betID');
  const payout = field(round, 'payout');
  const balance = field(reply.body, 'balance', 'amount');
  const active = field(round, 'active') === true;
  const wellFormed = typeof betID === 'string' && isApiAmount(payout) && isApiAmount(balance);
  port.check('play returns the round and the balance', wellFormed);
  if (!wellFormed) return 'stop' as const;
  if (state.balance !== null) {
    // The debit is the bet times the mode's cost; a round closed at once (no win) is credited now.
    const expected = state.balance - cost + (active ? 0 : payout);
    port.check('balance after play follows the round', balance === expected);
  }
  state.lastBetID = betID;
  state.activeRound = active;
  state.balance = balance;
  return 'played' as const;
}

/** Re-authenticates and takes the server's word for the round and the balance. */
async function resync(port: JourneyPort, visit: Visit, state: PlayerState): Promise<boolean> {
  const fresh = await authenticate(port, visit, state.sessionID);
  if (fresh === null) return false;
  state.game = fresh.game;
  state.lastBetID = fresh.lastBetID;
  state.activeRound = fresh.activeRound;
  state.balance = fresh.balance;
  return true;
}

/** Ends the active round; an unknown outcome is resolved by reading the round (authenticate). */
async function endRound(port: JourneyPort, visit: Visit, state: PlayerState, tag: string): Promise<boolean> {
  const idempotencyKey = `${visit.visitId}-e${tag}`;
  const { reply, kind } = await sendWithRetries(
    port,
    visit,
    (attempt) => ({
      endpoint: 'end-round',
      path: '/wallet/end-round',
      body: { sessionID: state.sessionID },
      idempotencyKey,
      attempt,
      sessionID: state.sessionID,
    }),
    // The same Idempotency-Key makes a resent end-round converge on the first one's answer.
    true,
  );
  if (kind === 'ok') {
    const balance = field(reply.body, 'balance', 'amount');
    port.check('end-round returns the balance', isApiAmount(balance));
    state.activeRound = false;
    state.balance = isApiAmount(balance) ? balance : null;
    return true;
  }
  // Shed past the retries, refused, or unknown: the server's view decides what happens next.
  return (await resync(port, visit, state)) && !state.activeRound;
}

async function sendEvent(port: JourneyPort, visit: Visit, state: PlayerState, index: number): Promise<void> {
  const { reply, kind } = await sendWithRetries(
    port,
    visit,
    (attempt) => ({
      endpoint: 'event',
      path: '/bet/event',
      body: { sessionID: state.sessionID, event: String(index) },
      attempt,
      sessionID: state.sessionID,
    }),
    true,
  );
  if (kind === 'ok') port.check('bet/event echoes the event', field(reply.body, 'event') === String(index));
}

async function checkBalance(port: JourneyPort, visit: Visit, state: PlayerState): Promise<void> {
  const { reply, kind } = await sendWithRetries(
    port,
    visit,
    (attempt) => ({
      endpoint: 'balance',
      path: '/wallet/balance',
      body: { sessionID: state.sessionID },
      attempt,
      sessionID: state.sessionID,
    }),
    true,
  );
  if (kind !== 'ok') return;
  const balance = field(reply.body, 'balance', 'amount');
  port.check('balance is an integer amount', isApiAmount(balance));
  if (state.balance !== null && !state.activeRound)
    port.check('balance matches what the rounds said', balance === state.balance);
}
