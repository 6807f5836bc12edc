/**
 * Complement symbol groups ("any symbol but cherry"): a group with `complement: true` is every
 * regular symbol except those listed. Checked by equivalence: classic-sevens' ANY7 written as "every
 * regular symbol but the bars and the cherry" is the same game (same match tables, same exact RTP).
 */
import { describe, expect, it } from 'vitest';
import { analyzeGame } from '../sim/exact/index.ts';
import { loadDemoGame, loadGame } from './index.ts';

const classic = () => JSON.parse(JSON.stringify(loadDemoGame('classic-sevens').definition));

describe('complement symbol groups', () => {
  it('ANY7 as "any regular symbol but the bars and the cherry" is the same game', () => {
    const json = classic();
    json.groups[0] = { id: 'ANY7', symbols: ['BAR3', 'BAR2', 'BAR1', 'CH'], complement: true };
    const complement = loadGame(json);
    const listed = loadDemoGame('classic-sevens');
    if (complement.model.type !== 'reels' || listed.model.type !== 'reels') throw new Error('reels');
    expect(complement.model.linePays.map((p) => p.positions)).toEqual(
      listed.model.linePays.map((p) => p.positions),
    );
    expect(analyzeGame(complement, 'base').rtp.equals(analyzeGame(listed, 'base').rtp)).toBe(true);
    // The format records the difference: a different definition, a different math hash.
    expect(complement.mathHash).not.toBe(listed.mathHash);
  });

  it('blanks, wilds and scatters are never members; a wild still substitutes for the group', () => {
    const json = classic();
    json.groups.push({ id: 'NOT_CH', symbols: ['CH'], complement: true });
    json.pays.push({ id: '3-not-cherry', type: 'run', symbol: 'NOT_CH', count: 3, pay: 2 });
    const game = loadGame(json);
    if (game.model.type !== 'reels') throw new Error('reels');
    const pay = game.model.linePays.find((p) => p.id === '3-not-cherry')!;
    const at = (id: string) =>
      pay.positions[0]![game.model.type === 'reels' ? game.model.symbolIndex.get(id)! : 0];
    expect([at('7R'), at('BAR1'), at('CH'), at('BL'), at('2X')]).toEqual([1, 1, 0, 0, 2]);
  });

  it('a complement that leaves no regular symbol is refused, naming the field (negative control)', () => {
    const json = classic();
    json.groups.push({
      id: 'NOTHING',
      symbols: ['7R', '7W', '7B', 'BAR3', 'BAR2', 'BAR1', 'CH'],
      complement: true,
    });
    expect(() => loadGame(json)).toThrow(/groups\[2\]\.symbols.*complement group leaves no regular symbol/s);
  });
});
