/**
 * Property test: the compiled fast path returns exactly what the reference evaluator returns, round
 * by round, from identical draws, on every shipped game (base rounds, free spins with retriggers,
 * capped rounds). CROUPIER_PROPERTY_ROUNDS sets the rounds per game (default below; millions on
 * demand).
 */
import { describe, expect, it } from 'vitest';
import { compileGame } from './compile.ts';
import { DEMO_GAME_FILES, type DemoGameName, loadDemoGame } from './demo.ts';
import { playRound } from './evaluator.ts';
import { createRoundTally } from './kernel.ts';
import { loadGame } from './model.ts';
import { seededSource } from './test-source.ts';

const DEFAULT_ROUNDS: Record<DemoGameName, number> = {
  'jungle-twenty': 20_000,
  'classic-sevens': 50_000,
  'volcano-ways': 30_000,
  'lucky-wheel': 60_000,
  'wizard-fruit': 60_000,
};
const envRounds = Number(process.env.CROUPIER_PROPERTY_ROUNDS ?? '');

function roundsFor(name: DemoGameName): number {
  return Number.isInteger(envRounds) && envRounds > 0 ? envRounds : DEFAULT_ROUNDS[name];
}

describe('compiled fast path = reference evaluator', () => {
  for (const name of Object.keys(DEMO_GAME_FILES) as DemoGameName[]) {
    it(`${name}: identical round wins, triggers, cap hits and pay hits from identical draws`, () => {
      const game = loadDemoGame(name);
      const rounds = roundsFor(name);
      for (const mode of game.definition.modes) {
        const compiled = compileGame(game, mode.id);
        expect(compiled.mathHash).toBe(game.mathHash);
        const tally = createRoundTally(compiled.payIds.length);
        const refHits = new Float64Array(compiled.payIds.length);
        const payIndex = new Map(compiled.payIds.map((id, i) => [id, i]));
        const bet = {
          coinValueMinor: game.definition.bet.coinValuesMinor[0]!,
          betLevel: game.definition.bet.betLevels[0]!,
        };
        const refSource = seededSource(12345);
        const fastSource = seededSource(12345);
        let triggers = 0;
        let caps = 0;
        let freeSpinsSeen = 0;
        let winningRounds = 0;
        for (let i = 0; i < rounds; i++) {
          const ref = playRound(game, mode.id, bet, refSource);
          const fast = compiled.playRound(fastSource, tally);
          if (fast !== ref.totalWinUnits) {
            throw new Error(
              `round ${i}: compiled ${fast} != reference ${ref.totalWinUnits} (${JSON.stringify(ref.base?.stops)})`,
            );
          }
          if (ref.featureTriggered) triggers++;
          if (ref.capApplied) caps++;
          if (ref.totalWinUnits > 0) winningRounds++;
          freeSpinsSeen += ref.freeSpins.length;
          if (ref.tableOutcome) refHits[ref.tableOutcome.index]!++;
          for (const spin of [...(ref.base ? [ref.base] : []), ...ref.freeSpins]) {
            for (const w of spin.wins) refHits[payIndex.get(w.payId)!]!++;
          }
          // Both consumed the same number of draws: the streams stay in step.
        }
        expect(fastSource.nextUint32()).toBe(refSource.nextUint32());
        expect(tally.featureTriggers).toBe(triggers);
        expect(tally.capHits).toBe(caps);
        expect(Array.from(tally.payHits)).toEqual(Array.from(refHits));
        expect(winningRounds).toBeGreaterThan(0);
        if (game.model.type === 'reels' && game.model.freeSpins) expect(freeSpinsSeen).toBeGreaterThan(0);
      }
    });
  }

  it('a game whose cap ends free spins early: compiled and reference agree (forced by a tiny cap)', () => {
    const json = JSON.parse(JSON.stringify(loadDemoGame('jungle-twenty').definition));
    json.maxWin = { multiplier: 3 };
    const game = loadGame(json);
    const compiled = compileGame(game, 'base');
    const tally = createRoundTally(compiled.payIds.length);
    const a = seededSource(7);
    const b = seededSource(7);
    let capped = 0;
    let cappedInFeature = 0;
    for (let i = 0; i < 8_000; i++) {
      const ref = playRound(game, 'base', { coinValueMinor: 1, betLevel: 1 }, a);
      expect(compiled.playRound(b, tally)).toBe(ref.totalWinUnits);
      if (ref.capApplied) {
        capped++;
        expect(ref.totalWinUnits).toBe(60);
        if (ref.freeSpins.length > 0) cappedInFeature++;
      } else expect(ref.totalWinUnits).toBeLessThan(60);
    }
    expect(tally.capHits).toBe(capped);
    expect(cappedInFeature).toBeGreaterThan(0);
  });
});
