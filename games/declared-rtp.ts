/**
 * Declared RTP (a mode's `declaredRtp`, the figure of the studio's PAR sheet) against an exact RTP.
 * The declaration states its own precision: "96.50" claims the exact RTP rounded half-up to two
 * decimals of a percent is 96.50. Integer arithmetic only: the exact RTP is a ratio of integers.
 */

export interface DeclaredRtpCheck {
  readonly declared: string;
  /** The exact RTP in percent, rounded half-up to the declaration's decimals. */
  readonly exactRounded: string;
  readonly matches: boolean;
}

const DECLARED = /^(\d{1,3})(?:\.(\d{1,8}))?$/;

/** Percent of `numerator / denominator` (a fraction of the stake), rounded half-up to `places` decimals. */
export function percentRoundedHalfUp(numerator: bigint, denominator: bigint, places: number): string {
  if (denominator <= 0n || numerator < 0n) throw new RangeError('an RTP is a non-negative fraction');
  if (!(Number.isInteger(places) && places >= 0 && places <= 18))
    throw new RangeError('places must be 0..18');
  const scale = 10n ** BigInt(places);
  const scaled = (numerator * 100n * scale * 2n + denominator) / (denominator * 2n);
  const whole = scaled / scale;
  if (places === 0) return whole.toString();
  return `${whole}.${(scaled % scale).toString().padStart(places, '0')}`;
}

/** Compares a declared RTP with the exact one (`numerator / denominator` of the stake). */
export function checkDeclaredRtp(declared: string, numerator: bigint, denominator: bigint): DeclaredRtpCheck {
  const match = DECLARED.exec(declared);
  if (match === null) throw new RangeError(`declared RTP "${declared}" is not a percentage like "96.50"`);
  const places = match[2]?.length ?? 0;
  const exactRounded = percentRoundedHalfUp(numerator, denominator, places);
  return { declared, exactRounded, matches: exactRounded === declared };
}

/** RTP warnings for authors: above 100% (the house loses), or below a jurisdiction's minimum. */
export function rtpWarnings(
  rtpPercent: number,
  minimumPercent: number | null,
  where: string,
  weightedReels = false,
): readonly string[] {
  const warnings: string[] = [];
  if (rtpPercent > 100) {
    const hint = weightedReels
      ? '; with weighted virtual reels, check the row rule: the weighted stop shows in the TOP row'
      : '';
    warnings.push(
      `${where}: RTP ${rtpPercent.toFixed(4)}% exceeds 100% (the player wins in the long run${hint})`,
    );
  }
  if (minimumPercent !== null && rtpPercent < minimumPercent) {
    warnings.push(`${where}: RTP ${rtpPercent.toFixed(4)}% is below the minimum of ${minimumPercent}%`);
  }
  return warnings;
}
