/** Units and routes of the wire, against the server's own definitions (the error table is one object, `rgs/http/errors.ts` uses the wire's). */
import { describe, expect, it } from 'vitest';
import { API_UNITS_PER_MAJOR as CORE_API_UNITS_PER_MAJOR } from '../core/contract.ts';
import { API_UNITS_PER_GAME_MINOR } from '../core/games.ts';
import { MAX_API_AMOUNT } from '../http/schemas.ts';
import {
  API_UNITS_PER_CENT,
  API_UNITS_PER_MAJOR,
  apiUnitsFromCents,
  formatApiUnits,
  isApiUnits,
  MAX_API_UNITS,
  replayPath,
} from './index.ts';

describe('wire units', () => {
  it('agree with the server: major, cent (the "game minor") and the amount bound', () => {
    expect(BigInt(API_UNITS_PER_MAJOR)).toBe(CORE_API_UNITS_PER_MAJOR);
    expect(BigInt(API_UNITS_PER_CENT)).toBe(API_UNITS_PER_GAME_MINOR);
    expect(MAX_API_UNITS).toBe(MAX_API_AMOUNT);
  });

  it('convert cents exactly and refuse fractions', () => {
    expect(apiUnitsFromCents(20)).toBe(200_000);
    expect(() => apiUnitsFromCents(0.5)).toThrow(/cents/);
    expect(() => apiUnitsFromCents(Number.MAX_SAFE_INTEGER)).toThrow(/cents/);
  });

  it('format exactly (no float rounding)', () => {
    expect(formatApiUnits(33_400_000)).toBe('33.4');
    expect(formatApiUnits(1)).toBe('0.000001');
    expect(formatApiUnits(-2_500_000)).toBe('-2.5');
    expect(formatApiUnits(MAX_API_UNITS)).toBe('1000000000');
  });

  it('recognise API amounts: safe non-negative integers within the bound', () => {
    expect(isApiUnits(0)).toBe(true);
    expect(isApiUnits(1.5)).toBe(false);
    expect(isApiUnits(-1)).toBe(false);
    expect(isApiUnits('100')).toBe(false);
    expect(isApiUnits(MAX_API_UNITS + 1)).toBe(false);
  });
});

describe('wire routes and errors', () => {
  it('encode replay segments so a version like 1+<hash> or a slash reads back as written', () => {
    expect(replayPath('g', '1+ab/c', 'BASE', 'r-1')).toBe('/bet/replay/g/1%2Bab%2Fc/BASE/r-1');
  });
});
