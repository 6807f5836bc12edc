/**
 * Names the CLI's help lists, with no imports: `croupier sim --help` shows them without loading
 * the simulator (issue 12: any command starts in under 0.3 s).
 */

/** The simulation stream generators rng/ provides (reproducible, non-overlapping streams). */
export const STREAM_KINDS = ['xoshiro128ss', 'philox4x32'] as const;
