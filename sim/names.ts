/**
 * Names the CLI's help lists, with no imports: `croupier sim --help` shows them without loading
 * the simulator (issue 12: any command starts in under 0.3 s).
 */

/** The simulation stream generators rng/ provides (reproducible, non-overlapping streams). */
export const STREAM_KINDS = ['xoshiro128ss', 'philox4x32'] as const;

/**
 * Default refusal threshold of `croupier math`, in cell × kind updates of the DP that would run.
 * The forward DP runs only below 2.5e10 (capped.ts; its estimate is an upper bound: jungle-twenty
 * 50× estimates 1.9e10 and takes ~1.5 s); above, the backward recursion does ~1e8 exact updates a
 * second on one core here (jungle-twenty 500×: 1.3e9 in 14 s), so 2e10 is a few minutes.
 */
export const DEFAULT_MAX_CAP_DP_WORK = 2e10;
