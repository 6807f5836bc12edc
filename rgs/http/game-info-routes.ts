import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors.ts';
import { gameRules, presentBetOffer } from './present.ts';
import type { RequestContext } from './request-context.ts';
import { GameInfoParams, GameInfoQuery, parseInput } from './schemas.ts';

export function gameInfoRoutes(app: FastifyInstance, rc: RequestContext): void {
  const { core, options, handle, unwrap } = rc;

  app.get(
    '/game/:gameID/info',
    handle(async (request) => {
      const params = parseInput(GameInfoParams, request.params, 'game path');
      if (params instanceof ApiError) return params;
      const query = parseInput(GameInfoQuery, request.query, 'query');
      if (query instanceof ApiError) return query;
      const config = unwrap(core.betConfig(params.gameID, query.currency ?? options.defaultCurrency));
      if (config instanceof ApiError) return config;
      return {
        ...presentBetOffer(config),
        rtp: Object.fromEntries(Object.entries(config.betModes).map(([mode, info]) => [mode, info.rtp])),
        rules: gameRules(config),
      };
    }),
  );
}
