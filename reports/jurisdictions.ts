/**
 * Jurisdictions a pack can target, and each one's minimum-RTP rule as data with its source.
 *
 * `referenceVerified` is true only where the rule's own text was read (the quoted source); a figure
 * known only from a secondary source is kept, marked unverified, so a lab sees both the figure and
 * the doubt. `minimumRtp: null` means no statutory minimum was found: the check is then
 * not-applicable, never a silent pass.
 */
import { DEFAULT_JURISDICTIONS } from './names.ts';

export interface Jurisdiction {
  readonly id: string;
  readonly name: string;
  readonly regulator: string;
  /** Minimum theoretical RTP as a fraction, or null when none is known. */
  readonly minimumRtp: number | null;
  readonly rule: string;
  readonly source: string;
  readonly referenceVerified: boolean;
  /** Minimum time between the starts of two rounds in ms (UK RTS 14 spin speed), or null. */
  readonly minRoundIntervalMs: number | null;
}

export const JURISDICTIONS: readonly Jurisdiction[] = [
  {
    id: 'uk',
    name: 'Great Britain',
    regulator: 'Gambling Commission (UKGC)',
    minimumRtp: null,
    rule: 'no minimum RTP; RTP must be shown to the player (RTS 3)',
    source: 'UKGC Remote gambling and software technical standards (RTS); reference unverified',
    referenceVerified: false,
    minRoundIntervalMs: 2500,
  },
  {
    id: 'mga',
    name: 'Malta',
    regulator: 'Malta Gaming Authority (MGA)',
    minimumRtp: null,
    rule: 'no current minimum RTP found in the sources checked',
    source: 'MGA Gaming Player Protection Directive; reference unverified',
    referenceVerified: false,
    minRoundIntervalMs: null,
  },
  {
    id: 'on',
    name: 'Ontario',
    regulator: 'Alcohol and Gaming Commission of Ontario (AGCO)',
    minimumRtp: null,
    rule: 'no minimum RTP found in the Registrar’s Standards for Internet Gaming',
    source: 'AGCO Registrar’s Standards for Internet Gaming; reference unverified',
    referenceVerified: false,
    minRoundIntervalMs: null,
  },
  {
    id: 'nv',
    name: 'Nevada',
    regulator: 'Nevada Gaming Commission',
    minimumRtp: 0.75,
    rule: 'a gaming device must pay out at least 75% of the amount wagered',
    source: 'Nevada Gaming Commission Regulation 14 (figure from secondary sources); reference unverified',
    referenceVerified: false,
    minRoundIntervalMs: null,
  },
  {
    id: 'nj',
    name: 'New Jersey',
    regulator: 'Division of Gaming Enforcement',
    minimumRtp: 0.83,
    rule: 'a slot machine must pay out at least 83% (figure from secondary sources)',
    source: 'N.J.A.C. 13:69E; reference unverified',
    referenceVerified: false,
    minRoundIntervalMs: null,
  },
  {
    id: 'sd',
    name: 'South Dakota (Deadwood)',
    regulator: 'South Dakota Commission on Gaming',
    minimumRtp: 0.8,
    rule: '“The slot machine must pay out at least 80 percent”; max posted payout at least 1 in 50,000,000',
    source: 'S.D. Admin. R. 20:18:17:22(1) (text read on casetext.com, current through June 2024)',
    referenceVerified: true,
    minRoundIntervalMs: null,
  },
];

export { DEFAULT_JURISDICTIONS };

export function findJurisdiction(id: string): Jurisdiction | undefined {
  return JURISDICTIONS.find((j) => j.id === id);
}

export type MinRtpResult = 'pass' | 'fail' | 'not-applicable';

/** The minimum-RTP check of one game mode: fail when the exact RTP is below the rule. */
export function minimumRtpResult(j: Jurisdiction, exactRtp: number): MinRtpResult {
  if (j.minimumRtp === null) return 'not-applicable';
  return exactRtp >= j.minimumRtp ? 'pass' : 'fail';
}
