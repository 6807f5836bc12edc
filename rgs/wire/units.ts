/**
 * Units of money on the wire.
 *
 * The Stake Engine API carries every amount (balance, bet `amount`, `payout`, `minBet`, `maxBet`,
 * `stepBet`, `betLevels`) as a JSON integer with 6 implied decimals: 1_000_000 = 1.00 of the
 * currency (shared/protocols/stake-engine-rgs.md, "Money"). We call that unit the **API unit**
 * (`apiUnits` in names) and nothing else.
 *
 * Names elsewhere in the code base, mapped (one meaning per word from here on):
 * - `…Minor` in `rgs/core/contract.ts` (`amountMinor`, `costMinor`, bigint) = API units;
 * - "game minor" in `rgs/core/games.ts` and `coinValueMinor` in `games/` = **cents** (hundredths of
 *   the major unit): 1 cent = API_UNITS_PER_CENT = 10_000 API units
 *   (`API_UNITS_PER_GAME_MINOR` there is this constant);
 * - a major unit (1.00 of the currency) = API_UNITS_PER_MAJOR = 1_000_000 API units.
 *
 * On the wire amounts are plain numbers; every one must be a safe integer (exact in a double).
 */

/** API units in one major unit of a currency (6 implied decimals). */
export const API_UNITS_PER_MAJOR = 1_000_000;
/** API units in one cent (a hundredth of the major unit), the unit game definitions use. */
export const API_UNITS_PER_CENT = 10_000;
/**
 * The largest amount the RGS accepts (10^9 major units): far above any bet or balance, far below
 * 2^53, so every accepted amount is exact in a double (rgs/http/schemas.ts uses the same bound).
 */
export const MAX_API_UNITS = 1_000_000_000 * API_UNITS_PER_MAJOR;

/** True when `value` is a whole number of API units the RGS can carry: a safe integer in [0, MAX]. */
export function isApiUnits(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_API_UNITS;
}

/** Cents (hundredths of the major unit) to API units, exactly; throws on a non-integer or overflow. */
export function apiUnitsFromCents(cents: number): number {
  const apiUnits = cents * API_UNITS_PER_CENT;
  if (!Number.isSafeInteger(cents) || !Number.isSafeInteger(apiUnits)) {
    throw new RangeError(`cents must be a safe integer whose API units are exact, got ${cents}`);
  }
  return apiUnits;
}

/** API units as a decimal string of the major unit, exactly (display and reports; never parsed back). */
export function formatApiUnits(apiUnits: number): string {
  if (!Number.isSafeInteger(apiUnits))
    throw new RangeError(`API units must be a safe integer, got ${apiUnits}`);
  const sign = apiUnits < 0 ? '-' : '';
  const magnitude = Math.abs(apiUnits);
  const whole = Math.floor(magnitude / API_UNITS_PER_MAJOR);
  const fraction = String(magnitude % API_UNITS_PER_MAJOR)
    .padStart(6, '0')
    .replace(/0+$/, '');
  return fraction === '' ? `${sign}${whole}` : `${sign}${whole}.${fraction}`;
}
