import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors.ts';
import { endRoundRequestBase, playRequestBase } from './idempotency.ts';
import {
  presentBalance,
  presentBetConfig,
  presentRound,
  presentSessionStatus,
  servedMode,
} from './present.ts';
import type { RequestContext } from './request-context.ts';
import { AuthenticateBody, apiAmountToMinor, PlayBody, parseInput, SessionBody } from './schemas.ts';

export function walletRoutes(app: FastifyInstance, rc: RequestContext): void {
  const {
    core,
    sessions,
    metrics,
    push,
    store,
    handle,
    playerSession,
    unwrap,
    unwrapMoney,
    netPosition,
    sessionTimer,
    idempotencyHeader,
  } = rc;
  // ------------------------------------------------------------------------------------------
  // Stake Engine wallet API

  app.post(
    '/wallet/authenticate',
    handle(async (request) => {
      const body = parseInput(AuthenticateBody, request.body, 'request');
      if (body instanceof ApiError) return body;
      const session = await playerSession(body.sessionID, { requireAuthenticated: false });
      if (session instanceof ApiError) return session;
      const balance = unwrap(await core.balance(session.playerId, session.currency));
      if (balance instanceof ApiError) return balance;
      const config = unwrap(core.betConfig(session.gameId, session.currency));
      if (config instanceof ApiError) return config;
      const round = unwrap(await core.currentRound(session.playerId, session.gameId));
      if (round instanceof ApiError) return round;
      const commitment = unwrap(await core.nextSeedCommitment(session.playerId));
      if (commitment instanceof ApiError) return commitment;
      const marked = await store(sessions.markAuthenticated(session.sessionId, balance.amountMinor));
      if (marked === null) return new ApiError('ERR_IS', 'session expired or was revoked');
      return {
        balance: presentBalance(balance),
        config: presentBetConfig(config, marked.flags),
        round: round === null ? null : presentRound(round),
        meta: {
          jurisdiction: marked.jurisdiction,
          language: body.language ?? marked.language,
          sessionExpiresAt: new Date(marked.expiresAtMs).toISOString(),
          nextServerSeedCommitment: commitment,
          ...netPosition(marked, balance.amountMinor),
          ...sessionTimer(marked),
        },
      };
    }),
  );

  app.post(
    '/wallet/balance',
    handle(async (request) => {
      const body = parseInput(SessionBody, request.body, 'request');
      if (body instanceof ApiError) return body;
      const session = await playerSession(body.sessionID, { requireAuthenticated: true });
      if (session instanceof ApiError) return session;
      const balance = unwrap(await core.balance(session.playerId, session.currency));
      if (balance instanceof ApiError) return balance;
      const position = netPosition(session, balance.amountMinor);
      const timer = sessionTimer(session);
      return {
        balance: presentBalance(balance),
        ...position,
        ...(Object.keys(position).length + Object.keys(timer).length > 0
          ? { meta: { ...position, ...timer } }
          : {}),
      };
    }),
  );

  app.post(
    '/wallet/play',
    handle(async (request) => {
      const body = parseInput(PlayBody, request.body, 'request');
      if (body instanceof ApiError) return body;
      const header = idempotencyHeader(request);
      if (header instanceof ApiError) return header;
      const session = await playerSession(body.sessionID, { requireAuthenticated: true });
      if (session instanceof ApiError) return session;
      if (body.currency !== undefined && body.currency !== session.currency) {
        return new ApiError(
          'ERR_VAL',
          `currency ${body.currency} is not this session's (${session.currency})`,
        );
      }
      const amountMinor = apiAmountToMinor(body.amount);
      // The mode as served: a name in another case (web-sdk's BASE) is the same mode, and the
      // same money call (the derived key and the request hash use the served name).
      const offer = unwrap(core.betConfig(session.gameId, session.currency));
      if (offer instanceof ApiError) return offer;
      const mode = servedMode(offer, body.mode) ?? body.mode;
      // The player's latest round (ERR_BE when active, and the derived key) is read by the core in
      // its first statement (latestRoundView): no separate read. Minimum round duration, reality
      // checks, loss limits and self-exclusion are the core's too: it decides under the player's
      // lock, per player (not per session), and audits each refusal with its reason (ERR_GLE, with
      // Retry-After for the minimum round duration).
      const key = playRequestBase({
        playerId: session.playerId,
        gameId: session.gameId,
        mode,
        amountMinor,
        currency: session.currency,
        header,
      });
      const played = unwrapMoney(
        await core.play({
          requestId: key.requestId,
          latestRoundView: { gameId: session.gameId, keyed: key.keyed },
          playerId: session.playerId,
          sessionId: session.sessionId,
          currency: session.currency,
          gameId: session.gameId,
          mode,
          amountMinor,
        }),
        header !== undefined,
      );
      if (played instanceof ApiError) return played;
      const round = presentRound(played.round);
      const balance = presentBalance(played.balance);
      // A replayed answer (same Idempotency-Key) booked nothing: no metrics, no pushes.
      if (played.replayed !== true) {
        metrics.recordRound(
          played.round.gameId,
          played.round.mode,
          played.round.costMinor,
          played.round.payoutMinor,
        );
        push(session.playerId, { type: 'round', round });
        push(session.playerId, { type: 'balance', balance });
      }
      return { balance, round, ...netPosition(session, played.balance.amountMinor) };
    }),
  );

  app.post(
    '/wallet/end-round',
    handle(async (request) => {
      const body = parseInput(SessionBody, request.body, 'request');
      if (body instanceof ApiError) return body;
      const header = idempotencyHeader(request);
      if (header instanceof ApiError) return header;
      const session = await playerSession(body.sessionID, { requireAuthenticated: true });
      if (session instanceof ApiError) return session;
      // The round to end (and the derived key) is read by the core (latestRoundView): ERR_BNF
      // when this game has none.
      const key = endRoundRequestBase(session.playerId, header);
      const ended = unwrapMoney(
        await core.endRound({
          requestId: key.requestId,
          latestRoundView: { gameId: session.gameId, keyed: key.keyed },
          playerId: session.playerId,
          sessionId: session.sessionId,
        }),
        // Exact on resend even without a header: the derived key names the round it ends.
        true,
      );
      if (ended instanceof ApiError) return ended;
      const balance = presentBalance(ended.balance);
      if (ended.round !== undefined) {
        push(session.playerId, {
          type: 'round',
          round: { ...presentRound(ended.round), active: false, status: 'closed' },
        });
      }
      push(session.playerId, { type: 'balance', balance });
      return { balance, ...netPosition(session, ended.balance.amountMinor) };
    }),
  );

  app.post(
    '/session/reality-check',
    handle(async (request) => {
      const body = parseInput(SessionBody, request.body, 'request');
      if (body instanceof ApiError) return body;
      const session = await playerSession(body.sessionID, { requireAuthenticated: true });
      if (session instanceof ApiError) return session;
      const checked = unwrap(
        await core.realityCheck({ playerId: session.playerId, sessionId: session.sessionId }),
      );
      if (checked instanceof ApiError) return checked;
      return { realityCheck: presentSessionStatus(checked), acknowledged: checked.acknowledged };
    }),
  );
}
