/**
 * Constants the CLI's help shows and rgs/config.ts checks, with no imports: `croupier rgs --help`
 * lists them, and `rgs start` checks its flags, without loading the server, the database drivers
 * and the cache client (issue 12: any command starts in under 0.3 s).
 */

/** Where every `rgs` command keeps its embedded database, TLS files and operator secret. */
export const DEFAULT_RGS_DATA_DIR = '.croupier/rgs';

/** Lifetime of an operator token when none is asked for, and the longest one issued or accepted. */
export const OPERATOR_TOKEN_DEFAULT_TTL_S = 300;
export const OPERATOR_TOKEN_MAX_TTL_S = 3_600;

/** The shortest operator secret (RGS_OPERATOR_SECRET) accepted: HS256 needs a key of at least 256 bits. */
export const OPERATOR_SECRET_MIN_CHARS = 32;
