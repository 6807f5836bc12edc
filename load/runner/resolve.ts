/**
 * After the run, what each session with an unknown play outcome is shown when it authenticates
 * again: its balance and its active round. The books checker compares them with the ledger, so an
 * unknown outcome is resolved the way a careful client resolves it (read the round), never by
 * guessing. Run once the offered load is over, against the still-running target.
 */
import type { StakeApiClient } from '../../rgs/wire/index.ts';
import type { History } from '../history.ts';
import { field, isApiAmount } from '../journey/replies.ts';

export interface SessionResolution {
  readonly balance: number | null;
  readonly activeBetID: string | null;
}

const MAX_SESSIONS = 20_000;
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
