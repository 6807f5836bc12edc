/**
 * Exact figures of math-sdk publications against values worked out by hand from the fixtures'
 * tables (test/fixtures/publications/SOURCE.md), and the books-vs-table check with a negative control.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPublication } from '../../games/index.ts';
import { FIXTURES_DIR } from '../../test/support/paths.ts';
import { analyzePublicationMode, checkBooksConsistency } from './publication.ts';
import { Rational } from './rational.ts';

const PUBLICATIONS = join(FIXTURES_DIR, 'publications');

describe('exact figures of a publication mode', () => {
  const tiny = loadPublication(join(PUBLICATIONS, 'tiny-dice'));

  it('base: RTP, hit rate, P(win < stake), SD and max win of a hand-computed table', () => {
    const a = analyzePublicationMode(tiny.modes[0]!);
    // Σw = 100; Σw·p = 30·100 + 13·200 + 4·500 + 1·2000 = 9600  ->  9600 / 100 / 100 = 24/25.
    expect(a.rtp.equals(Rational.of(24, 25))).toBe(true);
    expect(a.hitRate.equals(Rational.of(48, 100))).toBe(true);
    // Below the stake (1×): only the 52 non-paying rows (a 1× win equals the stake).
    expect(a.probabilityWinBelowStake.equals(Rational.of(52, 100))).toBe(true);
    // E[X²] = (30·1 + 13·4 + 4·25 + 1·400) / 100 = 5.82; Var = 5.82 − 0.96² = 4.8984.
    expect(a.sdPerRoundStakes).toBeCloseTo(Math.sqrt(4.8984), 12);
    expect(a.volatilityIndex95).toBeCloseTo(1.96 * Math.sqrt(4.8984), 12);
    expect(a.maxWin.payoutMultiplier).toBe(2000);
    expect(a.maxWin.stakes.equals(Rational.of(20))).toBe(true);
    expect(a.maxWin.probability.equals(Rational.of(1, 100))).toBe(true);
    expect(a.maxWin.oddsOneIn).toBeCloseTo(100, 9);
    expect(a.maxWin.meetsAdvertisedAwardRule).toBe(true);
  });

  it('bonus: the cost divides the return (cost 100: 94000 / 10 / 100 / 100 = 47/50)', () => {
    const a = analyzePublicationMode(tiny.modes[1]!);
    expect(a.rtp.equals(Rational.of(47, 50))).toBe(true);
    expect(a.maxWin.stakes.equals(Rational.of(17, 10))).toBe(true); // 170× the bet = 1.7× the 100× cost
    // Every bonus payout (50×, 90×, 170×) against a stake of 100×: 3 + 5 of 10 weights are below.
    expect(a.probabilityWinBelowStake.equals(Rational.of(8, 10))).toBe(true);
  });

  it('64-bit weights summing beyond 2^64, cost 2.5: exact in BigInt', () => {
    const big = loadPublication(join(PUBLICATIONS, 'big-weights'));
    const a = analyzePublicationMode(big.modes[0]!);
    const twoTo62 = 1n << 62n;
    // Σw·p = 2^63·250 + 3·2^62·1000 = 3500·2^62; Σw = 9·2^62 − 1; RTP = 3500·2^62 / (Σw·100·2.5).
    expect(a.totalWeight).toBe(9n * twoTo62 - 1n);
    expect(a.rtp.equals(Rational.of(14n * twoTo62, 9n * twoTo62 - 1n))).toBe(true);
    expect(a.rtp.toNumber()).toBeGreaterThan(1); // a raw RTP above 100% is reported, not refused
  });
});

describe('books against the lookup table', () => {
  it('a consistent publication passes, every mode', () => {
    const tiny = loadPublication(join(PUBLICATIONS, 'tiny-dice'));
    for (const mode of tiny.modes) {
      const check = checkBooksConsistency(mode);
      expect(check).toMatchObject({
        consistent: true,
        booksRead: mode.table.rows,
        problemCount: 0,
        missingBookCount: 0,
      });
    }
  });

  it('negative control: a book paying differently from its row, and a row without a book, fail', () => {
    const bad = loadPublication(join(PUBLICATIONS, 'bad-books'));
    const check = checkBooksConsistency(bad.modes[0]!);
    expect(check.consistent).toBe(false);
    expect(check.problems).toEqual([
      { id: 3, line: 4, tablePayout: 500, bookPayout: 400, problem: 'payout-differs' },
    ]);
    expect(check.missingBookIds).toEqual([4]);
  });
});
