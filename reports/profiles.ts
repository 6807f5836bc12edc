/**
 * Size profiles of `croupier certify`. Every figure is recorded in the pack (`run.sizes`).
 *
 * The RNG batteries run on the served path (certification's runServedPath): NIST SP 800-22 on the
 * DRBG's output and on each game's provably-fair stream, GLI on every mapping (reel set, free-spin
 * reel set, weighted table) through that stream.
 * - `quick`: all demo games in under 5 minutes on 2 cores. NIST 20 sequences x 10^6 bits per stream
 *   (the §4.2.2 uniformity P-value_T needs 55 sequences: reported, not counted), GLI 4 x 2.5·10^5
 *   draws per mapping (raised per mapping until every test applies), Monte Carlo 2·10^7 rounds per
 *   mode, 16 concurrent plays on one RGS account; a math-sdk publication's weighted-draw battery
 *   10^6 served draws per mode (about 11 µs each).
 * - `lab`: lab-scale sizes. NIST 100 x 10^6 bits per stream (uniformity assessed), GLI 10 x 10^6 =
 *   10^7 scaled draws per mapping, 10^9 Monte Carlo rounds per mode, 64 concurrent plays, 10^7
 *   weighted draws per publication mode. Expect
 *   hours on 2 cores; it resumes where it stopped.
 * - `tiny` is for tests only (not offered on the command line).
 */
import type { ProfileSizes } from './model.ts';
import { CLI_PROFILES } from './names.ts';

export const PROFILES = {
  quick: {
    nistSequences: 20,
    nistBits: 1_000_000,
    gliSequences: 4,
    gliDraws: 250_000,
    simRoundsPerMode: 20_000_000,
    weightedDraws: 1_000_000,
    rgsConcurrentPlays: 16,
  },
  lab: {
    nistSequences: 100,
    nistBits: 1_000_000,
    gliSequences: 10,
    gliDraws: 1_000_000,
    simRoundsPerMode: 1_000_000_000,
    weightedDraws: 10_000_000,
    rgsConcurrentPlays: 64,
  },
  tiny: {
    nistSequences: 2,
    nistBits: 20_000,
    gliSequences: 2,
    gliDraws: 20_000,
    simRoundsPerMode: 200_000,
    weightedDraws: 200_000,
    rgsConcurrentPlays: 4,
  },
} as const satisfies Record<string, ProfileSizes>;

export type ProfileName = keyof typeof PROFILES;
export { CLI_PROFILES };

export function isProfileName(name: string): name is ProfileName {
  return Object.hasOwn(PROFILES, name);
}
