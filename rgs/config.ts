/**
 * RGS server configuration: environment variables, overridden by command-line flags, validated
 * with zod at start. A bad value stops the start with ONE line naming the variable/flag and the
 * reason (never a stack). Secrets (operator secret, URL passwords) never appear in messages.
 *
 * | flag                 | env                        | default                      |
 * | --port               | RGS_PORT                   | 7420 (0: any free port)      |
 * | --host               | RGS_HOST                   | 127.0.0.1                    |
 * | --tls                | RGS_TLS (1/true/0/false)   | off (plain HTTP)             |
 * | --database-url       | DATABASE_URL               | none: embedded PGlite        |
 * | --redis-url          | REDIS_URL                  | none: in-process sessions    |
 * | --data-dir           | RGS_DATA_DIR               | .croupier/rgs                |
 * |                      | RGS_OPERATOR_SECRET        | none: generated into <data-dir>/operator-secret |
 * |                      | RGS_SESSION_TTL_S          | 14400                        |
 * |                      | RGS_RATE_LIMIT             | 50 requests per window per player |
 * |                      | RGS_RATE_WINDOW_MS         | 1000                         |
 * |                      | RGS_REPLAY_RATE_LIMIT      | 20 replays per window per client address |
 * |                      | RGS_REQUEST_DEADLINE_MS    | 6000 (database budget of one call) |
 * |                      | RGS_METRICS_TOKEN          | none: /metrics is open (set it to require a Bearer token) |
 * |                      | RGS_BODY_LIMIT_BYTES       | 4096                         |
 * |                      | RGS_SHUTDOWN_GRACE_MS      | 10000                        |
 * |                      | RGS_LOG_LEVEL              | info (fatal/error/warn/info/debug/silent) |
 * |                      | RGS_CORS_ORIGINS           | * (or a comma-separated list) |
 * |                      | RGS_LAUNCH_BASE_URL        | http://localhost:5173        |
 * |                      | RGS_PUBLIC_HOST            | the Host the operator called |
 * |                      | RGS_DEFAULT_GAME           | jungle-twenty                |
 * |                      | RGS_DEFAULT_JURISDICTION   | default                      |
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
  /** How often the server applies that policy (0: never; run `croupier rgs sweep` instead). */
  readonly staleSweepIntervalMs: number;
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
  port: { flag: '--port', env: 'RGS_PORT', schema: intIn(0, 65_535), fallback: '7420' },
  host: {
    flag: '--host',
    env: 'RGS_HOST',
    schema: z.string().regex(/^[A-Za-z0-9.:-]{1,255}$/, 'must be a host name or IP address'),
    fallback: '127.0.0.1',
  },
  tls: {
    flag: '--tls',
    env: 'RGS_TLS',
    schema: z
      .enum(['1', '0', 'true', 'false', 'yes', 'no'], 'must be true or false')
      .transform((v) => ['1', 'true', 'yes'].includes(v)),
    fallback: 'false',
  },
  databaseUrl: {
    flag: '--database-url',
    env: 'DATABASE_URL',
    schema: urlWithScheme(['postgres:', 'postgresql:']),
    fallback: undefined,
  },
  redisUrl: {
    flag: '--redis-url',
    env: 'REDIS_URL',
    schema: urlWithScheme(['redis:', 'rediss:']),
    fallback: undefined,
  },
  dataDir: {
    flag: '--data-dir',
    env: 'RGS_DATA_DIR',
    schema: z.string().min(1, 'must not be empty'),
    fallback: DEFAULT_RGS_DATA_DIR,
  },
  operatorSecret: {
    flag: undefined,
    env: 'RGS_OPERATOR_SECRET',
    schema: z
      .string()
      .min(OPERATOR_SECRET_MIN_CHARS, `must be at least ${OPERATOR_SECRET_MIN_CHARS} characters`),
    fallback: undefined,
  },
  sessionTtlS: {
    flag: undefined,
    env: 'RGS_SESSION_TTL_S',
    schema: intIn(10, 7 * 86_400),
    fallback: '14400',
  },
  rateLimitPerWindow: { flag: undefined, env: 'RGS_RATE_LIMIT', schema: intIn(1, 100_000), fallback: '50' },
  replayRateLimitPerWindow: {
    flag: undefined,
    env: 'RGS_REPLAY_RATE_LIMIT',
    schema: intIn(1, 100_000),
    fallback: '20',
  },
  requestDeadlineMs: {
    flag: undefined,
    env: 'RGS_REQUEST_DEADLINE_MS',
    schema: intIn(100, 60_000),
    fallback: '6000',
  },
  metricsToken: {
    flag: undefined,
    env: 'RGS_METRICS_TOKEN',
    schema: z.string().regex(/^[A-Za-z0-9._~+/=-]{16,256}$/, 'must be 16-256 token characters'),
    fallback: undefined,
  },
  rateWindowMs: {
    flag: undefined,
    env: 'RGS_RATE_WINDOW_MS',
    schema: intIn(100, 3_600_000),
    fallback: '1000',
  },
  bodyLimitBytes: {
    flag: undefined,
    env: 'RGS_BODY_LIMIT_BYTES',
    schema: intIn(256, 1_048_576),
    fallback: '4096',
  },
  shutdownGraceMs: {
    flag: undefined,
    env: 'RGS_SHUTDOWN_GRACE_MS',
    schema: intIn(0, 300_000),
    fallback: '10000',
  },
  logLevel: {
    flag: undefined,
    env: 'RGS_LOG_LEVEL',
    schema: z.enum(
      ['fatal', 'error', 'warn', 'info', 'debug', 'silent'],
      'must be fatal, error, warn, info, debug or silent',
    ),
    fallback: 'info',
  },
  corsOrigins: {
    flag: undefined,
    env: 'RGS_CORS_ORIGINS',
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
    schema: urlWithScheme(['http:', 'https:']),
    fallback: 'http://localhost:5173',
  },
  publicHost: {
    flag: undefined,
    env: 'RGS_PUBLIC_HOST',
    schema: z.string().regex(/^[A-Za-z0-9.:[\]-]{1,255}$/, 'must be host[:port] without a scheme'),
    fallback: undefined,
  },
  defaultGameId: {
    flag: undefined,
    env: 'RGS_DEFAULT_GAME',
    schema: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a game id'),
    fallback: 'jungle-twenty',
  },
  defaultJurisdiction: {
    flag: undefined,
    env: 'RGS_DEFAULT_JURISDICTION',
    schema: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be a jurisdiction name'),
    fallback: 'default',
  },
  staleRoundAfterMs: {
    flag: undefined,
    env: 'RGS_STALE_ROUND_AFTER_MS',
    schema: intIn(1_000, 30 * 86_400_000),
    fallback: String(86_400_000),
  },
  staleSweepIntervalMs: {
    flag: undefined,
    env: 'RGS_STALE_SWEEP_INTERVAL_MS',
    schema: intIn(0, 86_400_000),
    fallback: '60000',
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
