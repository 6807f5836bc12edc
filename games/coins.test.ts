/**
 * Pays that differ by bet: one definition with payByCoins columns and a 3-coin mode is the same game
 * as the one-file-per-coin-count definition it replaces (every pay ×3 except the non-proportional
 * top award, costMultiplier 3): same exact RTP, same rounds.
 */
import { describe, expect, it } from 'vitest';
import { createStream } from '../rng/index.ts';
import { analyzeGame } from '../sim/exact/index.ts';
import { loadDemoGame, loadGame, playRound } from './index.ts';

const classic = () => JSON.parse(JSON.stringify(loadDemoGame('classic-sevens').definition));

describe('pays that differ by bet', () => {
  const columns = classic();
  columns.pays[0].payByCoins = [2500, 5000, 10000];
  columns.modes.push({ id: 'three-coins', reelSet: columns.modes[0].reelSet, costMultiplier: 3, coins: 3 });
  const threeCoinFile = classic();
  for (const p of threeCoinFile.pays) p.pay *= 3;
  threeCoinFile.pays[0].pay = 10000;
  threeCoinFile.modes[0].costMultiplier = 3;

  it('a 3-coin mode equals the separate 3-coin file (exact RTP and round by round)', () => {
    const game = loadGame(columns);
    const separate = loadGame(threeCoinFile);
    const a = analyzeGame(game, 'three-coins');
    expect(a.rtp.equals(analyzeGame(separate, 'base').rtp)).toBe(true);
    // The one-coin mode is untouched.
    expect(
      analyzeGame(game, 'base').rtp.equals(analyzeGame(loadDemoGame('classic-sevens'), 'base').rtp),
    ).toBe(true);
    const bet = {
      coinValueMinor: game.definition.bet.coinValuesMinor[0]!,
      betLevel: game.definition.bet.betLevels[0]!,
    };
    const s1 = createStream('xoshiro128ss', 9n, 0);
    const s2 = createStream('xoshiro128ss', 9n, 0);
    for (let i = 0; i < 3000; i++)
      expect(playRound(game, 'three-coins', bet, s1).totalWinUnits).toBe(
        playRound(separate, 'base', bet, s2).totalWinUnits,
      );
  });

  it('negative control: a proportional top award (7,500 for 3 coins) is a different game', () => {
    const proportional = classic();
    proportional.modes.push({
      id: 'three-coins',
      reelSet: proportional.modes[0].reelSet,
      costMultiplier: 3,
      coins: 3,
    });
    const a = analyzeGame(loadGame(proportional), 'three-coins').rtp;
    expect(a.equals(analyzeGame(loadGame(columns), 'three-coins').rtp)).toBe(false);
  });

  it('refuses a first column other than pay and too few columns for a mode, naming the fields', () => {
    const bad = classic();
    bad.pays[0].payByCoins = [2400, 4800];
    bad.modes.push({ id: 'three', reelSet: bad.modes[0].reelSet, costMultiplier: 3, coins: 3 });
    expect(() => loadGame(bad)).toThrow(/pays\[0\]\.payByCoins\[0\].*pay-by-coins-first/s);
    expect(() => loadGame(bad)).toThrow(/pays\[0\]\.payByCoins\b.*pay-by-coins-short/s);
  });
});
