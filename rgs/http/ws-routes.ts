import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors.ts';
import type { RequestContext } from './request-context.ts';
import { parseInput, WsQuery } from './schemas.ts';

export function wsRoutes(app: FastifyInstance, rc: RequestContext): void {
  const { hub, sendError, playerSession, state } = rc;
  // ------------------------------------------------------------------------------------------
  // WebSocket: the session is checked before the upgrade (401 on failure, no socket opened).

  app.route({
    method: 'GET',
    url: '/ws',
    // A plain GET (no Upgrade header) gets a JSON error rather than an empty 404.
    handler: async (request, reply) =>
      sendError(
        request,
        reply,
        new ApiError('ERR_VAL', 'GET /ws needs a WebSocket upgrade (Upgrade: websocket)'),
      ),
    preValidation: async (request, reply) => {
      const query = parseInput(WsQuery, request.query, 'query');
      if (query instanceof ApiError) return sendError(request, reply, query);
      try {
        const session = await playerSession(query.sessionID, { requireAuthenticated: false });
        if (session instanceof ApiError) return sendError(request, reply, session);
        request.rgsSession = session;
      } catch {
        return sendError(request, reply, new ApiError('ERR_MAINTENANCE', 'session store unavailable'));
      }
    },
    wsHandler: (socket, request) => {
      const session = request.rgsSession!;
      const ofSession = { sessionId: session.sessionId, expiresAtMs: session.expiresAtMs };
      if (state.draining || !hub.add(session.playerId, socket, ofSession)) {
        socket.close(1013, 'try again later');
        return;
      }
      socket.on('message', () => {
        // Push only: client messages are ignored (maxPayload bounds them).
      });
      socket.send(JSON.stringify({ type: 'hello', gameID: session.gameId }));
    },
  });
}
