import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors.ts';
import { presentRound } from './present.ts';
import { DEFAULT_RECALL_ROUNDS, type RequestContext, ROUND_ID } from './request-context.ts';
import { EventBody, minorToApiAmount, parseInput, RecallBody, ReplayParams } from './schemas.ts';

export function betRoutes(app: FastifyInstance, rc: RequestContext): void {
  const { core, sessions, options, now, store, handle, playerSession, rateLimited, unwrap } = rc;

  app.post(
    '/bet/event',
    handle(async (request) => {
      const body = parseInput(EventBody, request.body, 'request');
      if (body instanceof ApiError) return body;
      const session = await playerSession(body.sessionID, { requireAuthenticated: true });
      if (session instanceof ApiError) return session;
      const result = await core.setEvent(session.playerId, body.event, session.gameId);
      // web-sdk posts events for rounds that already closed (a zero win closes inside /play) and
      // ignores the answer: accepted, nothing to mark (`stored: false`), not a 404 per round.
      if (!result.ok && result.error.code === 'ERR_BNF') return { event: body.event, stored: false };
      const stored = unwrap(result);
      if (stored instanceof ApiError) return stored;
      return { event: stored.event };
    }),
  );

  app.get(
    '/bet/replay/:game/:version/:mode/:event',
    handle(async (request) => {
      // Unauthenticated and costly (the evaluator re-runs): limited per client address.
      const decision = await store(
        sessions.rateLimit(
          `replay:${request.ip}`,
          options.replayRateLimitPerWindow,
          options.rateLimitWindowMs,
          now(),
        ),
      );
      if (!decision.allowed) return rateLimited(decision.retryAfterMs, options.replayRateLimitPerWindow);
      const params = parseInput(ReplayParams, request.params, 'replay path');
      if (params instanceof ApiError) return params;
      // {event} is our round id (betID): outcomes are generated live, there are no book ids. The
      // docs' example (a book id such as 42) is a round that does not exist here: 404, not 400.
      const notFound = new ApiError(
        'ERR_BNF',
        'no closed round with this game, version, mode and id ({event} is the betID; a round is replayable once closed)',
      );
      if (!ROUND_ID.test(params.event)) return notFound;
      const stored = unwrap(await core.round(params.event));
      if (stored instanceof ApiError) return stored;
      // `1+<hash>` in a launch URL's query reads back as "1 <hash>" (URLSearchParams): the same.
      const version = params.version.replaceAll(' ', '+');
      // The whole path must name the round, and an active round's outcome is not served to an
      // unauthenticated caller (the player has it; a link must not show it before it closes).
      if (
        stored.gameId !== params.game ||
        stored.gameVersion !== version ||
        stored.mode.toLowerCase() !== params.mode.toLowerCase() ||
        stored.status === 'active'
      ) {
        return notFound;
      }
      const report = unwrap(await core.replay(params.event));
      if (report instanceof ApiError) return report;
      // Both documented shapes ({payoutMultiplier, costMultiplier, state} and {round, status}), as
      // a superset. No session here (the replay URL is shared): no balances, no seeds, no player.
      const costMultiplier =
        stored.amountMinor > 0n ? Number(stored.costMinor) / Number(stored.amountMinor) : 0;
      return {
        round: {
          betID: report.roundId,
          roundID: report.roundId,
          gameID: stored.gameId,
          version: stored.gameVersion,
          mode: stored.mode,
          amount: minorToApiAmount(stored.amountMinor),
          payout: minorToApiAmount(report.storedPayoutMinor),
          payoutMultiplier: Number(stored.payoutMultiplier),
          costMultiplier,
          replayedPayout: minorToApiAmount(report.replayedPayoutMinor),
          reproduced: report.reproduced,
          ...(report.simulationId !== undefined ? { simulationId: report.simulationId } : {}),
          state: stored.state,
        },
        status: report.reproduced ? 'REPRODUCED' : 'MISMATCH',
        payout: minorToApiAmount(report.storedPayoutMinor),
        payoutMultiplier: Number(stored.payoutMultiplier),
        costMultiplier,
        state: stored.state,
      };
    }),
  );

  app.post(
    '/bet/recall',
    handle(async (request) => {
      const body = parseInput(RecallBody, request.body, 'request');
      if (body instanceof ApiError) return body;
      const session = await playerSession(body.sessionID, { requireAuthenticated: true });
      if (session instanceof ApiError) return session;
      const rounds = unwrap(await core.recall(session.playerId, body.limit ?? DEFAULT_RECALL_ROUNDS));
      if (rounds instanceof ApiError) return rounds;
      // Newest first: the last game, then the ones before it, each with its steps (book events,
      // free spins included), wager, win and the balances before and after.
      return { rounds: rounds.map(presentRound) };
    }),
  );
}
