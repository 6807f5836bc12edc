/**
 * RGS server configuration: environment variables, overridden by command-line flags, validated
 * with zod at start. A bad value stops the start with ONE line naming the variable/flag and the
 * reason (never a stack). Secrets (operator secret, URL passwords) never appear in messages.
 *
 * Every setting is one entry of FIELDS below: its flag, environment variable, zod schema, default
 * and meaning. The reference users read (`croupier rgs config`, docs/rgs-config.md, checked
 * against this table by a test) is generated from it, so it cannot drift.
 */
import { z } from 'zod';
// names.ts, not the modules that use these: this schema loads with zod alone (the CLI checks the
// flags and environment of `rgs start` before it loads the server; issue 12: start-up time).
import { DEFAULT_RGS_DATA_DIR, OPERATOR_SECRET_MIN_CHARS } from './names.ts';

export interface RgsConfig {
  readonly port: number;
  readonly host: string;
  readonly tls: boolean;
  readonly databaseUrl: string | null;
  readonly redisUrl: string | null;
  readonly dataDir: string;
  readonly operatorSecret: string | null;
  readonly sessionTtlS: number;
  readonly rateLimitPerWindow: number;
  readonly rateWindowMs: number;
  /** GET /bet/replay per client address per window. */
  readonly replayRateLimitPerWindow: number;
  /** Budget of a call's database work (the core's requestDeadlineMs). */
  readonly requestDeadlineMs: number;
  /** When set, GET /metrics needs `Authorization: Bearer <token>` (per-game stakes are business data). */
  readonly metricsToken: string | null;
  readonly bodyLimitBytes: number;
  readonly shutdownGraceMs: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  readonly corsOrigins: '*' | readonly string[];
  readonly launchBaseUrl: string;
  readonly publicHost: string | null;
  readonly defaultGameId: string;
  readonly defaultJurisdiction: string;
  /** Rounds still active this long after they started get their jurisdiction's incomplete-round policy. */
  readonly staleRoundAfterMs: number;
  /** How often the server applies that policy (0: never). */
  readonly staleSweepIntervalMs: number;
  /** Admission control (rgs/http/admission.ts): requests worked on at once (0: no bound). */
  readonly maxInFlight: number;
  /** Shed new work while the event loop runs this late, ms (0: off). */
  readonly maxEventLoopLagMs: number;
}

/** Flags as commander gives them (strings, booleans); undefined when not given. */
export interface RgsFlags {
  readonly port?: string | number;
  readonly host?: string;
  readonly tls?: boolean;
  readonly databaseUrl?: string;
  readonly redisUrl?: string;
  readonly dataDir?: string;
}

const intIn = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);

const urlWithScheme = (schemes: readonly string[]) =>
  z.string().refine(
    (value) => {
      try {
        return schemes.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL starting with ${schemes.map((s) => `${s}//`).join(' or ')}`,
  );

const FIELDS = {
  port: {
    flag: '--port',
    env: 'RGS_PORT',
    description: 'TCP port to listen on (0: any free port)',
    schema: intIn(0, 65_535),
    fallback: '7420',
  },
  host: {
    flag: '--host',
    env: 'RGS_HOST',
    description: 'listen address',
    schema: z.string().regex(/^[A-Za-z0-9.:-]{1,255}$/, 'must be a host name or IP address'),
    fallback: '127.0.0.1',
  },
  tls: {
    flag: '--tls',
    env: 'RGS_TLS',
    description: 'HTTPS with a loopback CA generated once in <data-dir>/tls (1/true/yes or 0/false/no)',
    schema: z
      .enum(['1', '0', 'true', 'false', 'yes', 'no'], 'must be true or false')
      .transform((v) => ['1', 'true', 'yes'].includes(v)),
    fallback: 'false',
  },
  databaseUrl: {
    flag: '--database-url',
    env: 'DATABASE_URL',
    description: 'PostgreSQL URL of the ledger; unset: embedded PGlite in <data-dir>/pglite',
    schema: urlWithScheme(['postgres:', 'postgresql:']),
    fallback: undefined,
  },
  redisUrl: {
    flag: '--redis-url',
    env: 'REDIS_URL',
    description: 'Redis URL of the sessions; unset: in-process sessions (single node only)',
    schema: urlWithScheme(['redis:', 'rediss:']),
    fallback: undefined,
  },
  dataDir: {
    flag: '--data-dir',
    env: 'RGS_DATA_DIR',
    description: 'data directory (embedded database, operator secret, TLS CA)',
    schema: z.string().min(1, 'must not be empty'),
    fallback: DEFAULT_RGS_DATA_DIR,
  },
  operatorSecret: {
    flag: undefined,
    env: 'RGS_OPERATOR_SECRET',
    description: 'HS256 secret of operator tokens; unset: generated once into <data-dir>/operator-secret',
    schema: z
      .string()
      .min(OPERATOR_SECRET_MIN_CHARS, `must be at least ${OPERATOR_SECRET_MIN_CHARS} characters`),
    fallback: undefined,
  },
  sessionTtlS: {
    flag: undefined,
    env: 'RGS_SESSION_TTL_S',
    description: 'session lifetime without activity, seconds',
    schema: intIn(10, 7 * 86_400),
    fallback: '14400',
  },
  rateLimitPerWindow: {
    flag: undefined,
    env: 'RGS_RATE_LIMIT',
    description: 'requests per player per window',
    schema: intIn(1, 100_000),
    fallback: '50',
  },
  replayRateLimitPerWindow: {
    flag: undefined,
    env: 'RGS_REPLAY_RATE_LIMIT',
    description: 'GET /bet/replay per client address per window',
    schema: intIn(1, 100_000),
    fallback: '20',
  },
  requestDeadlineMs: {
    flag: undefined,
    env: 'RGS_REQUEST_DEADLINE_MS',
    description:
      'database budget of one call (pool wait, statements, locks); past it the call is 503 not-applied',
    schema: intIn(100, 60_000),
    fallback: '6000',
  },
  metricsToken: {
    flag: undefined,
    env: 'RGS_METRICS_TOKEN',
    description: 'when set, GET /metrics needs Authorization: Bearer <token>',
    schema: z.string().regex(/^[A-Za-z0-9._~+/=-]{16,256}$/, 'must be 16-256 token characters'),
    fallback: undefined,
  },
  rateWindowMs: {
    flag: undefined,
    env: 'RGS_RATE_WINDOW_MS',
    description: 'length of the rate-limit window, ms',
    schema: intIn(100, 3_600_000),
    fallback: '1000',
  },
  bodyLimitBytes: {
    flag: undefined,
    env: 'RGS_BODY_LIMIT_BYTES',
    description: 'largest request body, bytes',
    schema: intIn(256, 1_048_576),
    fallback: '4096',
  },
  shutdownGraceMs: {
    flag: undefined,
    env: 'RGS_SHUTDOWN_GRACE_MS',
    description: 'on SIGTERM, how long requests in flight may finish, ms',
    schema: intIn(0, 300_000),
    fallback: '10000',
  },
  logLevel: {
    flag: undefined,
    env: 'RGS_LOG_LEVEL',
    description: 'log level: fatal, error, warn, info, debug or silent',
    schema: z.enum(
      ['fatal', 'error', 'warn', 'info', 'debug', 'silent'],
      'must be fatal, error, warn, info, debug or silent',
    ),
    fallback: 'info',
  },
  corsOrigins: {
    flag: undefined,
    env: 'RGS_CORS_ORIGINS',
    description: '* or a comma-separated list of allowed http(s)://host[:port] origins',
    schema: z.string().transform((value, ctx) => {
      if (value.trim() === '*') return '*' as const;
      const origins = value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      for (const origin of origins) {
        if (!/^https?:\/\/[A-Za-z0-9.:[\]-]+$/.test(origin)) {
          ctx.addIssue({
            code: 'custom',
            message: 'must be * or a comma-separated list of http(s)://host[:port] origins',
          });
          return z.NEVER;
        }
      }
      return origins;
    }),
    fallback: '*',
  },
  launchBaseUrl: {
    flag: undefined,
    env: 'RGS_LAUNCH_BASE_URL',
    description: 'where the game front end is served (launch URLs: <base>/<gameID>/index.html?sessionID=...)',
    schema: urlWithScheme(['http:', 'https:']),
    fallback: 'http://localhost:5173',
  },
  publicHost: {
    flag: undefined,
    env: 'RGS_PUBLIC_HOST',
    description: 'rgs_url in launch URLs (host[:port]); unset: the Host the operator called',
    schema: z.string().regex(/^[A-Za-z0-9.:[\]-]{1,255}$/, 'must be host[:port] without a scheme'),
    fallback: undefined,
  },
  defaultGameId: {
    flag: undefined,
    env: 'RGS_DEFAULT_GAME',
    description: 'game of a /session/start without gameID (with --games: the first game)',
    schema: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a game id'),
    fallback: 'jungle-twenty',
  },
  defaultJurisdiction: {
    flag: undefined,
    env: 'RGS_DEFAULT_JURISDICTION',
    description: 'jurisdiction of a /session/start without one',
    schema: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be a jurisdiction name'),
    fallback: 'default',
  },
  staleRoundAfterMs: {
    flag: undefined,
    env: 'RGS_STALE_ROUND_AFTER_MS',
    description:
      "rounds still active this long after they started get their jurisdiction's incomplete-round policy, ms",
    schema: intIn(1_000, 30 * 86_400_000),
    fallback: String(86_400_000),
  },
  staleSweepIntervalMs: {
    flag: undefined,
    env: 'RGS_STALE_SWEEP_INTERVAL_MS',
    description:
      'how often the server applies that policy, ms (0: never; rounds then stay active until the player returns)',
    schema: intIn(0, 86_400_000),
    fallback: '60000',
  },
  maxInFlight: {
    flag: undefined,
    env: 'RGS_MAX_IN_FLIGHT',
    description:
      'admission bound: requests worked on at once; past it new work gets 503 not-applied with Retry-After (0: no bound)',
    schema: intIn(0, 100_000),
    fallback: '128',
  },
  maxEventLoopLagMs: {
    flag: undefined,
    env: 'RGS_MAX_EVENT_LOOP_LAG_MS',
    description: 'shed new work while the event loop runs this late, ms (0: off; 100 in production)',
    schema: intIn(0, 60_000),
    fallback: '0',
  },
} as const;

type FieldName = keyof typeof FIELDS;

export type ConfigResult =
  | { readonly ok: true; readonly config: RgsConfig }
  | { readonly ok: false; readonly message: string };

/** Reads env + flags (flags win) and validates; on failure one line: `<flag or env>: <reason>`. */
export function loadRgsConfig(
  env: Readonly<Record<string, string | undefined>>,
  flags: RgsFlags = {},
): ConfigResult {
  const values: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(FIELDS) as [FieldName, (typeof FIELDS)[FieldName]][]) {
    const flagValue = (flags as Record<string, unknown>)[name];
    const envValue = env[field.env];
    let raw: string | undefined;
    let source: string = field.env;
    if (flagValue !== undefined && field.flag !== undefined) {
      raw = String(flagValue);
      source = field.flag;
    } else if (envValue !== undefined && envValue !== '') {
      raw = envValue;
    } else {
      raw = field.fallback;
    }
    if (raw === undefined) {
      values[name] = null;
      continue;
    }
    const parsed = (field.schema as z.ZodType).safeParse(raw);
    if (!parsed.success) {
      const reason = parsed.error.issues[0]?.message ?? 'is invalid';
      return { ok: false, message: `invalid RGS configuration: ${source} ${reason}` };
    }
    values[name] = parsed.data;
  }
  return { ok: true, config: values as unknown as RgsConfig };
}

export interface ConfigReferenceRow {
  readonly flag: string | null;
  readonly env: string;
  /** As the server applies it when neither the flag nor the variable is set; null: unset. */
  readonly fallback: string | null;
  readonly description: string;
}

/** Every setting of `croupier rgs start`, from FIELDS (the one source of the flags, variables and defaults). */
export function rgsConfigReference(): ConfigReferenceRow[] {
  return Object.values(FIELDS).map((field) => ({
    flag: field.flag ?? null,
    env: field.env,
    fallback: field.fallback ?? null,
    description: field.description,
  }));
}

/** The reference as a Markdown table (docs/rgs-config.md and `croupier rgs config`). */
export function rgsConfigMarkdown(): string {
  // Markdown: a pipe ends a cell, and <data-dir> would be read as an HTML tag.
  const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  const rows = rgsConfigReference().map(
    (row) =>
      `| ${row.flag === null ? '' : `\`${row.flag}\``} | \`${row.env}\` | ${row.fallback === null ? '(unset)' : `\`${cell(row.fallback)}\``} | ${cell(row.description)} |`,
  );
  return [
    '# `croupier rgs start`: flags and environment variables',
    '',
    'Generated from `rgs/config.ts` (`croupier rgs config` prints the same); a test keeps this file equal to it.',
    'A flag wins over its variable; a bad value stops the start with one line naming the flag or variable.',
    '',
    '| flag | environment variable | default | meaning |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
