/**
 * `croupier rgs start` (serve the Stake Engine API) and `croupier rgs token` (a short-lived operator
 * token for /session/start and DELETE /session/:id), added to the `rgs` group.
 *
 * Configuration: flags override environment variables (rgs/config.ts lists them); a bad value is
 * one line on stderr and exit 2. `start` runs until SIGINT/SIGTERM, then shuts down gracefully.
 */
import type { Command } from 'commander';
import type { RgsConfig, RgsFlags } from '../rgs/config.ts';
import { OPERATOR_TOKEN_DEFAULT_TTL_S, OPERATOR_TOKEN_MAX_TTL_S } from '../rgs/names.ts';
import { CliError, EXIT_BAD_INPUT } from './errors.ts';

type Rgs = typeof import('../rgs/index.ts');

/** rgs/ (fastify, PGlite, pg, ioredis, jose) loads when a command runs, never for `--help` (issue 12). */
const loadRgs = (): Promise<Rgs> => import('../rgs/index.ts');

/** The flags and environment checked (rgs/config.ts: zod only), before the server is loaded. */
async function configOrThrow(flags: RgsFlags): Promise<RgsConfig> {
  const { loadRgsConfig } = await import('../rgs/config.ts');
  const loaded = loadRgsConfig(process.env, flags);
  if (!loaded.ok) throw new CliError(loaded.message, EXIT_BAD_INPUT);
  return loaded.config;
}

/** Waits for SIGINT or SIGTERM (once), then removes the listeners. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

export function registerRgsStart(rgs: Command): void {
  rgs
    .command('start')
    .description(
      'Serve the Stake Engine RGS API (wallet, bets, replay), the operator API, WebSocket pushes,\n' +
        '/health, /ready and /metrics. Without --database-url: embedded PGlite in the data dir;\n' +
        'without --redis-url: in-process sessions (single node only).',
    )
    .option('--port <port>', 'TCP port (0: any free port) [env RGS_PORT, default 7420]')
    .option('--host <host>', 'listen address [env RGS_HOST, default 127.0.0.1]')
    .option('--tls', 'HTTPS with a loopback CA generated (once) in <data-dir>/tls [env RGS_TLS]')
    .option('--database-url <url>', 'PostgreSQL URL [env DATABASE_URL]')
    .option('--redis-url <url>', 'Redis URL [env REDIS_URL]')
    .option('--data-dir <dir>', 'data directory [env RGS_DATA_DIR, default .croupier/rgs]')
    .option(
      '--games <paths...>',
      'serve these games instead of the demo games: game definition files or folders of them,\n' +
        'each validated at start (the first is the default game unless RGS_DEFAULT_GAME is set)',
    )
    .addHelpText(
      'after',
      '\nEvery setting, with its environment variable, default and meaning: croupier rgs config\n' +
        '(the same table: docs/rgs-config.md).',
    )
    .action(async ({ games: gamePaths, ...flags }: RgsFlags & { games?: string[] }) => {
      const gameServe = gamePaths === undefined ? null : await import('./game-serve.ts');
      const served = gamePaths === undefined ? null : gameServe!.servedGamesOrThrow(gamePaths);
      const configured = await configOrThrow(flags);
      const rgs = await loadRgs();
      const config =
        served !== null && process.env.RGS_DEFAULT_GAME === undefined
          ? { ...configured, defaultGameId: served.ids[0]! }
          : configured;
      const signal = untilSignal();
      let running: Awaited<ReturnType<Rgs['startRgs']>>;
      try {
        running = await rgs.startRgs(
          config,
          served === null ? {} : { createCore: gameServe!.coreFactoryWithGames(served) },
        );
      } catch (error) {
        throw new CliError((error as Error).message, EXIT_BAD_INPUT);
      }
      const out = (line: string) => process.stderr.write(`croupier rgs: ${line}\n`);
      out(`serving ${running.baseUrl} (rgs_url=${running.rgsUrl})`);
      if (served !== null) out(`games: ${served.ids.join(', ')} (default ${config.defaultGameId})`);
      out(
        `database: ${running.databaseKind === 'postgres' ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`}; ` +
          `sessions: ${running.sessionsKind === 'redis' ? 'Redis' : 'in-process (single node only)'}`,
      );
      if (running.caPath !== null)
        out(`TLS CA: ${running.caPath} (trust it with NODE_EXTRA_CA_CERTS=${running.caPath})`);
      out(
        `operator token: croupier rgs token${running.operatorSecretPath !== null ? ` --data-dir ${config.dataDir}` : ' (with RGS_OPERATOR_SECRET set)'}`,
      );
      const received = await signal;
      out(`${received}: shutting down (grace ${config.shutdownGraceMs} ms)`);
      const { abandoned } = await running.stop();
      if (abandoned > 0) out(`${abandoned} request(s) were still in flight at the deadline`);
    });

  rgs
    .command('config')
    .description(
      'every setting of rgs start: flag, environment variable, default and meaning (generated from\n' +
        'rgs/config.ts); which variables this environment sets (values are not shown: some are secrets)',
    )
    .option('--markdown', 'the Markdown table of docs/rgs-config.md')
    .action(async (flags: { markdown?: boolean }) => {
      const { rgsConfigMarkdown, rgsConfigReference } = await import('../rgs/config.ts');
      if (flags.markdown) {
        process.stdout.write(rgsConfigMarkdown());
        return;
      }
      for (const row of rgsConfigReference()) {
        const set = process.env[row.env] !== undefined && process.env[row.env] !== '' ? '  [set here]' : '';
        const flag = row.flag === null ? '' : ` (${row.flag})`;
        const fallback = row.fallback === null ? 'unset' : row.fallback;
        process.stdout.write(`${row.env}${flag}  default ${fallback}${set}\n    ${row.description}\n`);
      }
    });

  rgs
    .command('token')
    .description(
      'Print a short-lived operator token (HS256 JWT) for /session/start and DELETE /session/:id,\n' +
        'signed with RGS_OPERATOR_SECRET or the secret generated in <data-dir>/operator-secret.',
    )
    .option('--data-dir <dir>', 'data directory [env RGS_DATA_DIR, default .croupier/rgs]')
    .option(
      '--ttl <seconds>',
      `lifetime, 1..${OPERATOR_TOKEN_MAX_TTL_S}`,
      String(OPERATOR_TOKEN_DEFAULT_TTL_S),
    )
    .action(async (flags: { dataDir?: string; ttl: string }) => {
      const config = await configOrThrow(flags.dataDir !== undefined ? { dataDir: flags.dataDir } : {});
      const ttl = Number(flags.ttl);
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > OPERATOR_TOKEN_MAX_TTL_S) {
        throw new CliError(`--ttl must be a whole number of seconds in 1..${OPERATOR_TOKEN_MAX_TTL_S}`);
      }
      const rgs = await loadRgs();
      const { secret } = rgs.resolveOperatorSecret(config);
      process.stdout.write(`${await rgs.signOperatorToken(secret, ttl)}\n`);
    });
}
