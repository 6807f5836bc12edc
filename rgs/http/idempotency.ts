/**
 * Idempotency keys for the core's money calls, derived server-side: the Stake front-end API has no
 * client key (shared/protocols/stake-engine-rgs.md, "Idempotency semantics").
 *
 * - play: a hash of (player, game, mode, amount, currency), then the player's latest round id in
 *   that game or "none" (`<hash>:<round id>`). Two identical plays racing (double click, a proxy
 *   retry while the first is in flight) get the same key, so the core books one bet and answers both
 *   with the same round. Once that round exists, the next play carries a different latest round: a
 *   retry after a lost response hits the active round (ERR_BE) and the client recovers it with
 *   /wallet/authenticate, as the protocol says. Keyed on the ledger's own state, a crash between
 *   commit and response cannot make the next play collide with an old key.
 * - end-round: a hash of the player, then the round id being closed (the active round, or the last
 *   one if it is already closed). A replayed end-round after a lost response carries the same key, so
 *   the core returns the same balance; if the core does not know the key it answers ERR_BNF and the
 *   balance comes from /wallet/authenticate.
 * The latest round is read by the core itself (PlayRequest.latestRoundView, keyed): in the statement
 * that takes the player's lock, with the snapshot from before the lock is waited for — what a
 * separate read before the call saw, one round trip less. `playRequestId` / `endRoundRequestId` give
 * the full key; the HTTP layer passes the part before the round id (`playRequestBase`, …).
 * - Croupier extension: an `Idempotency-Key` header (1-128 of [A-Za-z0-9_.:-]) replaces the derived
 *   key, scoped to the player and the call, so a client that sends one gets exact retries; reusing
 *   it with a different payload is ERR_IDEM (409).
 *
 * Note: without the header, a zero-win round closes at once (active:false), so a blind retry of
 * that play after a lost response is a new bet: that is the protocol's, and the client must call
 * /wallet/authenticate after a timeout rather than re-sending /wallet/play.
 */
import { createHash } from 'node:crypto';
import { viewRequestId } from '../core/contract.ts';

function digest(parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.length}:${part};`);
  return hash.digest('hex').slice(0, 40);
}

export interface PlayKeyInput {
  readonly playerId: string;
  readonly gameId: string;
  readonly mode: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly header: string | undefined;
}

/**
 * The requestId the HTTP layer passes to core.play and whether the core completes it with the
 * latest round (LatestRoundView.keyed): with the header, the key is the header's alone.
 */
export function playRequestBase(input: PlayKeyInput): {
  readonly requestId: string;
  readonly keyed: boolean;
} {
  if (input.header !== undefined) {
    return { requestId: `hp-${digest([input.playerId, 'play', input.header])}`, keyed: false };
  }
  return {
    requestId: `p-${digest([
      input.playerId,
      input.gameId,
      input.mode,
      input.amountMinor.toString(),
      input.currency,
    ])}`,
    keyed: true,
  };
}

/** The full key of a play whose view of the player's latest round in the game is `latestRoundId`. */
export function playRequestId(input: PlayKeyInput & { readonly latestRoundId: string | null }): string {
  const base = playRequestBase(input);
  return base.keyed ? viewRequestId(base.requestId, input.latestRoundId) : base.requestId;
}

/** The requestId the HTTP layer passes to core.endRound, as playRequestBase. */
export function endRoundRequestBase(
  playerId: string,
  header: string | undefined,
): { readonly requestId: string; readonly keyed: boolean } {
  if (header !== undefined)
    return { requestId: `he-${digest([playerId, 'end-round', header])}`, keyed: false };
  return { requestId: `e-${digest([playerId])}`, keyed: true };
}

export function endRoundRequestId(playerId: string, roundId: string, header: string | undefined): string {
  const base = endRoundRequestBase(playerId, header);
  return base.keyed ? viewRequestId(base.requestId, roundId) : base.requestId;
}
