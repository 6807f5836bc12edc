/**
 * The game argument of the commands: a game definition file, a math-sdk publication folder, or the
 * name of a shipped demo game. Problems become a CliError (exit 2) naming the file and listing
 * every problem, one per line.
 */
import {
  DEMO_GAME_FILES,
  type DemoGameName,
  GameFileError,
  type GameInput,
  GameInputsError,
  loadGameInput,
  loadGameInputs,
} from '../games/index.ts';
import { CliError, EXIT_BAD_INPUT } from './errors.ts';

/** A demo game's name stands for its file. */
export function resolveGamePath(argument: string): string {
  return Object.hasOwn(DEMO_GAME_FILES, argument) ? DEMO_GAME_FILES[argument as DemoGameName] : argument;
}

export function gameInputOrThrow(argument: string): GameInput {
  try {
    return loadGameInput(resolveGamePath(argument));
  } catch (error) {
    if (error instanceof GameFileError) throw new CliError(error.message, EXIT_BAD_INPUT);
    throw error;
  }
}

/** Several game paths (files or folders): every invalid one reported at once. */
export function gameInputsOrThrow(paths: readonly string[]): GameInput[] {
  try {
    return loadGameInputs(paths.map(resolveGamePath));
  } catch (error) {
    if (error instanceof GameInputsError) throw new CliError(error.message, EXIT_BAD_INPUT);
    throw error;
  }
}
