/**
 * Names the CLI's help lists, with no imports: `croupier certify --help` and `verify --help` show
 * them without loading the report renderers, echarts and the PDF browser (issue 12: any command
 * starts in under 0.3 s).
 */

/** The profiles `croupier certify --profile` offers (their sizes: profiles.ts). */
export const CLI_PROFILES = ['quick', 'lab'] as const;

/** The jurisdictions targeted when `--jurisdiction` is not given (their rules: jurisdictions.ts). */
export const DEFAULT_JURISDICTIONS = ['uk', 'mga', 'on'] as const;

/** The sections `croupier verify --rerun` recomputes (rerun.ts). */
export const RERUN_SECTIONS = ['rng', 'par', 'simulation', 'all'] as const;
