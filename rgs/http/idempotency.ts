/**
 * Idempotency keys for the core's money calls, derived server-side: the Stake front-end API has no
 * client key (shared/protocols/stake-engine-rgs.md, "Idempotency semantics").
 *
 * - play: a hash of (player, game, the player's latest round id or "none", mode, amount, currency).
 *   Two identical plays racing (double click, a proxy retry while the first is in flight) get the
 *   same key, so the core books one bet and answers both with the same round. Once that round
 *   exists, the next play hashes a different latest round: a retry after a lost response hits the
 *   active round (ERR_BE) and the client recovers it with /wallet/authenticate, as the protocol
 *   says. Keyed on the ledger's own state, a crash between commit and response cannot make the
 *   next play collide with an old key.
 * - end-round: a hash of the round id being closed (the active round, or the last one if it is
 *   already closed). A replayed end-round after a lost response carries the same key, so the core
 *   returns the same balance; if the core does not know the key it answers ERR_BNF and the balance
 *   comes from /wallet/authenticate.
 * - Croupier extension: an `Idempotency-Key` header (1-128 of [A-Za-z0-9_.:-]) replaces the derived
 *   key, scoped to the player and the call, so a client that sends one gets exact retries; reusing
 *   it with a different payload is ERR_IDEM (409).
 *
 * Note: without the header, a zero-win round closes at once (active:false), so a blind retry of
 * that play after a lost response is a new bet: that is the protocol's, and the client must call
 * /wallet/authenticate after a timeout rather than re-sending /wallet/play.
 */
import { createHash } from 'node:crypto';

function digest(parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.length}:${part};`);
  return hash.digest('hex').slice(0, 40);
}

export interface PlayKeyInput {
  readonly playerId: string;
  readonly gameId: string;
  readonly latestRoundId: string | null;
  readonly mode: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly header: string | undefined;
}

export function playRequestId(input: PlayKeyInput): string {
  if (input.header !== undefined) return `hp-${digest([input.playerId, 'play', input.header])}`;
  return `p-${digest([
    input.playerId,
    input.gameId,
    input.latestRoundId ?? 'none',
    input.mode,
    input.amountMinor.toString(),
    input.currency,
  ])}`;
}

export function endRoundRequestId(playerId: string, roundId: string, header: string | undefined): string {
  if (header !== undefined) return `he-${digest([playerId, 'end-round', header])}`;
  return `e-${digest([playerId, roundId])}`;
}
