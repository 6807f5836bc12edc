import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RandomSource } from '../../rng/index.ts';
import { createStream } from '../../rng/index.ts';
import { FIXTURES_DIR } from '../../test/support/paths.ts';
import { BooksError } from './books.ts';
import { loadPublication } from './publication.ts';
import { PublicationBooks, publicationMoney } from './serve.ts';

const PUBLICATIONS = join(FIXTURES_DIR, 'publications');

function words(list: readonly number[]): RandomSource {
  let next = 0;
  return {
    id: 'scripted',
    nextUint32: () => list[next++]!,
    fillBytes: () => {
      throw new Error('not used');
    },
  };
}

describe('serving a publication mode', () => {
  const tiny = loadPublication(join(PUBLICATIONS, 'tiny-dice'));
  const base = PublicationBooks.load(tiny.modes[0]!);

  it('a drawn round is the book of the drawn row, with its events', () => {
    // Σw = 100: u = 99 falls in the last row (id 4, weight 1, the 20× win).
    const round = base.play(words([99]));
    expect(round.simulationId).toBe(4);
    expect(round.payoutMultiplier).toBe(2000);
    expect(round.events.at(-1)).toEqual({ index: 3, type: 'finalWin', amount: 2000 });
    expect(base.play(words([0])).simulationId).toBe(0);
  });

  it('draws each book in proportion to its weight (seeded, 100,000 rounds, 99.9% bounds)', () => {
    const source = createStream('xoshiro128ss', 7n, 0);
    const counts = new Map<number, number>();
    const rounds = 100_000;
    for (let i = 0; i < rounds; i++) {
      const id = base.play(source).simulationId;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const weights = [52, 30, 13, 4, 1];
    weights.forEach((w, id) => {
      const p = w / 100;
      const sd = Math.sqrt(rounds * p * (1 - p));
      expect(Math.abs((counts.get(id) ?? 0) - rounds * p)).toBeLessThan(3.3 * sd);
    });
  });

  it('replay: the book of a simulation id; an unknown id is null', () => {
    expect(base.book(3)).toMatchObject({ simulationId: 3, payoutMultiplier: 500 });
    expect(base.book(99)).toBeNull();
    const bonus = PublicationBooks.load(tiny.modes[1]!);
    expect(bonus.book(0)).toBeNull(); // the bonus mode's ids start at 1
    expect(bonus.book(1)?.payoutMultiplier).toBe(5000);
  });

  it('refuses books that disagree with the table, and a publication beyond the memory bound', () => {
    const bad = loadPublication(join(PUBLICATIONS, 'bad-books'));
    expect(() => PublicationBooks.load(bad.modes[0]!)).toThrow(BooksError);
    expect(() => PublicationBooks.load(bad.modes[0]!)).toThrow(/book 3 pays 400, its lookup-table row 500/);
    expect(() => PublicationBooks.load(tiny.modes[0]!, 100)).toThrow(/exceed 100 bytes/);
  });

  it('money: cost × bet charged, payoutMultiplier / 100 × bet paid, exactly or not at all', () => {
    expect(publicationMoney(1_000_000n, tiny.modes[0]!, 2000)).toEqual({
      costMinor: 1_000_000n,
      payoutMinor: 20_000_000n,
    });
    expect(publicationMoney(1_000_000n, tiny.modes[1]!, 17000)).toEqual({
      costMinor: 100_000_000n,
      payoutMinor: 170_000_000n,
    });
    const big = loadPublication(join(PUBLICATIONS, 'big-weights'));
    expect(publicationMoney(1_000_000n, big.modes[0]!, 250)).toEqual({
      costMinor: 2_500_000n,
      payoutMinor: 2_500_000n,
    });
    expect(publicationMoney(1_000_001n, big.modes[0]!, 0)).toBeNull(); // 2.5 × an odd bet
    expect(publicationMoney(150n, tiny.modes[0]!, 2001)).toBeNull(); // 150 × 20.01 is not whole
  });
});
