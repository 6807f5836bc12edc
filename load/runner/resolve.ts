/**
 * After the run, what each session with an unknown play outcome is shown when it authenticates
 * again: its balance and its active round. The books checker compares them with the ledger, so an
 * unknown outcome is resolved the way a careful client resolves it (read the round), never by
 * guessing. Run once the offered load is over, against the still-running target, and only after
 * the target went quiet: a request the client gave up on (timed out) may still be waiting in the
 * server's backlog, and would change the books after the read.
 */
import type { StakeApiClient } from '../../rgs/wire/index.ts';
import type { History } from '../history.ts';
import { field, isApiAmount } from '../journey/replies.ts';
import { parseExposition } from './scrape.ts';

export interface SessionResolution {
  readonly balance: number | null;
  readonly activeBetID: string | null;
}

const MAX_SESSIONS = 20_000;
const QUIET_POLL_MS = 500;
const QUIET_POLLS = 3;
const QUIET_MAX_MS = 30_000;
const MAX_ATTEMPTS = 6;
const CONCURRENCY = 8;
const BACKOFF_MS = 500;

export async function resolveUnknownSessions(
  history: History,
  client: StakeApiClient,
): Promise<Map<string, SessionResolution>> {
  const sessions = [
    ...new Set(
      history.entries.flatMap((e) =>
        e.operation === 'play' && e.outcome === 'unknown' && e.sessionID !== null ? [e.sessionID] : [],
      ),
    ),
  ].slice(0, MAX_SESSIONS);
  const resolutions = new Map<string, SessionResolution>();
  let next = 0;
  const worker = async () => {
    // Bounded: each worker takes sessions until none is left.
    while (next < sessions.length) {
      const sessionID = sessions[next++]!;
      resolutions.set(sessionID, await authenticateUntilAnswered(client, sessionID));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return resolutions;
}

async function authenticateUntilAnswered(
  client: StakeApiClient,
  sessionID: string,
): Promise<SessionResolution> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const reply = await client.authenticate(sessionID);
    if (reply.outcome === 'ok') {
      const balance = field(reply.body, 'balance', 'amount');
      const round = field(reply.body, 'round');
      const betID = field(round, 'betID');
      return {
        balance: isApiAmount(balance) ? balance : null,
        activeBetID: field(round, 'active') === true && typeof betID === 'string' ? betID : null,
      };
    }
    // authenticate changes nothing of the money: resending it is always safe.
    const waitMs = reply.retryAfterMs ?? BACKOFF_MS * attempt;
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
  return { balance: null, activeBetID: null };
}

/**
 * Waits until the target's request counter (rgs_http_requests_total on /metrics) stops moving: it
 * grows by at most our own probe over QUIET_POLLS polls in a row. Without /metrics, waits one
 * request timeout (a request still queued by then has timed out on the server's side too).
 * Bounded by QUIET_MAX_MS.
 */
export async function waitUntilQuiet(baseUrl: string, requestTimeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + QUIET_MAX_MS;
  let previous: number | null = null;
  let quietPolls = 0;
  while (performance.now() < deadline) {
    const total = await requestsServed(baseUrl);
    if (total === null) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(requestTimeoutMs, QUIET_MAX_MS)));
      return false;
    }
    quietPolls = previous !== null && total - previous <= 1 ? quietPolls + 1 : 0;
    if (quietPolls >= QUIET_POLLS) return true;
    previous = total;
    await new Promise((resolve) => setTimeout(resolve, QUIET_POLL_MS));
  }
  return false;
}

async function requestsServed(baseUrl: string): Promise<number | null> {
  try {
    const response = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) return null;
    const sums = parseExposition(await response.text());
    return sums.get('rgs_http_requests_total') ?? null;
  } catch {
    return null;
  }
}
