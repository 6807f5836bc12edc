import type { FastifyInstance, FastifyRequest } from 'fastify';
import { newSessionId } from '../sessions/index.ts';
import { ApiError } from './errors.ts';
import { verifyOperatorAuthorization } from './operator-auth.ts';
import { presentJurisdiction } from './present.ts';
import { REVOKED_SESSION_KEY, type RequestContext } from './request-context.ts';
import { apiAmountToMinor, parseInput, SessionIdParams, SessionStartBody } from './schemas.ts';

export function operatorRoutes(app: FastifyInstance, rc: RequestContext): void {
  const { core, sessions, options, hub, now, push, store, handle, unwrap, state, operatorKey } = rc;
  // ------------------------------------------------------------------------------------------
  // Operator API (Bearer token)

  const operator = async (request: FastifyRequest): Promise<ApiError | null> =>
    await verifyOperatorAuthorization(request.headers.authorization, operatorKey, now());

  app.post(
    '/session/start',
    handle(async (request) => {
      const denied = await operator(request);
      if (denied) return denied;
      const body = parseInput(SessionStartBody, request.body, 'request');
      if (body instanceof ApiError) return body;
      const gameId = body.gameID ?? options.defaultGameId;
      const config = unwrap(core.betConfig(gameId, body.currency));
      if (config instanceof ApiError) return config;
      let playerId: string;
      if (body.playerID !== undefined) {
        if (body.balance !== undefined || body.jurisdiction !== undefined) {
          return new ApiError('ERR_VAL', 'balance and jurisdiction belong to a new player, not to playerID');
        }
        const known = unwrap(await core.balance(body.playerID, body.currency));
        if (known instanceof ApiError) return known;
        playerId = body.playerID;
      } else {
        const created = unwrap(
          await core.createPlayer({
            currency: body.currency,
            initialBalanceMinor:
              body.balance === undefined ? options.defaultBalanceMinor : apiAmountToMinor(body.balance),
            jurisdiction: body.jurisdiction ?? options.defaultJurisdiction,
          }),
        );
        if (created instanceof ApiError) return created;
        playerId = created.playerId;
      }
      const jurisdiction = unwrap(await core.jurisdiction(playerId));
      if (jurisdiction instanceof ApiError) return jurisdiction;
      const sessionId = newSessionId();
      const createdAtMs = now();
      // The core's clock of the session (reality checks, net position) starts now too.
      const started = unwrap(await core.startSession({ playerId, sessionId }));
      if (started instanceof ApiError) return started;
      const language = body.language ?? 'en';
      const device = body.device ?? 'desktop';
      await store(
        sessions.create({
          sessionId,
          playerId,
          gameId,
          currency: body.currency,
          language,
          device,
          jurisdiction: jurisdiction.name,
          flags: jurisdiction.flags,
          createdAtMs,
          expiresAtMs: createdAtMs + options.sessionTtlMs,
        }),
      );
      // Never the request's Host header: a caller could point players at a host of its choosing.
      const rgsUrl = options.publicHost ?? state.boundHost;
      const url = new URL(
        `${options.launchBaseUrl.replace(/\/+$/, '')}/${encodeURIComponent(gameId)}/index.html`,
      );
      url.search = new URLSearchParams({
        sessionID: sessionId,
        lang: language,
        currency: body.currency,
        device,
        rgs_url: rgsUrl,
        social: String(jurisdiction.flags.socialCasino),
        demo: String(body.demo ?? false),
      }).toString();
      return {
        sessionID: sessionId,
        playerID: playerId,
        url: url.toString(),
        expiresAt: new Date(createdAtMs + options.sessionTtlMs).toISOString(),
        jurisdiction: { name: jurisdiction.name, ...presentJurisdiction(jurisdiction.flags) },
      };
    }),
  );

  app.delete(
    '/session/:id',
    handle(async (request) => {
      const denied = await operator(request);
      if (denied) return denied;
      const params = parseInput(SessionIdParams, request.params, 'session path');
      if (params instanceof ApiError) return params;
      const live = await store(sessions.get(params.id));
      const revoked = await store(sessions.revoke(params.id));
      if (!revoked) return new ApiError('ERR_IS', 'session is unknown, expired or already revoked');
      // Its sockets close at once: here, and on every other node through the push channel.
      hub.closeSession(params.id);
      if (live !== null) push(live.playerId, { [REVOKED_SESSION_KEY]: params.id });
      return { revoked: true };
    }),
  );
}
