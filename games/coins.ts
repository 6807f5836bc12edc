/**
 * Pays that differ by bet. A mode playing c coins (mode.coins) pays each line/ways pay from its
 * payByCoins column c (2,400 / 4,800 / 10,000 for 1, 2, 3 coins on a classic machine), or c × pay
 * without one, and c × each scatter pay. The game is prepared once per coin count: the evaluator,
 * the compiled kernels and the exact analysis take the mode's prepared game from `gameForMode`, so
 * all three read the same tables (and the definition and math hash stay the game's own).
 */
import type { ReelGameDefinition } from './definition.ts';
import { findMode, type Game, prepareReels } from './model.ts';

const byGame = new WeakMap<Game, Map<number, Game>>();

/** The prepared game a mode plays: the game itself unless the mode plays more than one coin. */
export function gameForMode(game: Game, mode: string): Game {
  const coins = findMode(game, mode).coins ?? 1;
  if (coins === 1 || game.definition.type !== 'reels') return game;
  let cache = byGame.get(game);
  if (cache === undefined) {
    cache = new Map();
    byGame.set(game, cache);
  }
  const hit = cache.get(coins);
  if (hit !== undefined) return hit;
  const def = game.definition;
  const column: ReelGameDefinition = {
    ...def,
    pays: def.pays.map((p) => ({ ...p, pay: p.payByCoins?.[coins - 1] ?? p.pay * coins })),
    ...(def.scatterPays ? { scatterPays: def.scatterPays.map((p) => ({ ...p, pay: p.pay * coins })) } : {}),
  };
  const derived: Game = Object.freeze({
    definition: game.definition,
    mathHash: game.mathHash,
    model: prepareReels(column),
  });
  cache.set(coins, derived);
  return derived;
}
