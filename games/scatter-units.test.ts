/**
 * Scatter pays in line-bet units: `unit: "line-bet"` makes a scatter pay count win units (line bets)
 * instead of stakes. Equivalence: jungle-twenty's scatter pays of 2/10/50 stakes written as
 * 40/200/1000 line bets (20 lines) are the same game; 3 line bets is a twentieth of 3 stakes.
 */
import { describe, expect, it } from 'vitest';
import { createStream } from '../rng/index.ts';
import { analyzeGame } from '../sim/exact/index.ts';
import { loadDemoGame, loadGame, playRound } from './index.ts';

const jungle = () => JSON.parse(JSON.stringify(loadDemoGame('jungle-twenty').definition));

describe('scatter pays in line-bet units', () => {
  it('2/10/50 stakes = 40/200/1000 line bets: same exact RTP and same rounds', () => {
    const json = jungle();
    for (const p of json.scatterPays) {
      p.pay *= 20;
      p.unit = 'line-bet';
    }
    const lineBet = loadGame(json);
    const stake = loadDemoGame('jungle-twenty');
    expect(analyzeGame(lineBet, 'base').rtp.equals(analyzeGame(stake, 'base').rtp)).toBe(true);
    const bet = { coinValueMinor: 1, betLevel: 1 };
    const a = createStream('xoshiro128ss', 5n, 0);
    const b = createStream('xoshiro128ss', 5n, 0);
    for (let i = 0; i < 2000; i++)
      expect(playRound(lineBet, 'base', bet, a).totalWinUnits).toBe(
        playRound(stake, 'base', bet, b).totalWinUnits,
      );
  });

  it('a line-bet pay is not multiplied by the stake (negative control: the RTPs differ)', () => {
    const json = jungle();
    json.scatterPays[0].unit = 'line-bet';
    json.scatterPays[1].unit = 'line-bet';
    json.scatterPays[2].unit = 'line-bet';
    const a = analyzeGame(loadGame(json), 'base');
    const b = analyzeGame(loadDemoGame('jungle-twenty'), 'base');
    const scatterShare = (x: typeof a) =>
      x.pays.filter((p) => p.kind === 'scatter').reduce((s, p) => s + p.rtp.toNumber(), 0);
    expect(scatterShare(a) / scatterShare(b)).toBeCloseTo(1 / 20, 12);
  });

  it('mixed units for one scatter symbol are refused, naming the field', () => {
    const json = jungle();
    json.scatterPays[1].unit = 'line-bet';
    expect(() => loadGame(json)).toThrow(/scatterPays\[1\]\.unit/);
  });
});
