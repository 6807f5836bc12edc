/**
 * Reading game inputs from disk: a game definition file (JSON) or a Stake Engine math-sdk
 * publication folder (index.json, lookup tables, books; games/publication/). Errors name the file
 * and every problem: JSON syntax errors with line and column, definition problems with their JSON
 * path. Everything that accepts a game (math, sim, certify, rng test, rgs start --games) reads
 * through `loadGameInput`.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GameFileError, readJsonFile } from './json-file.ts';
import { type Game, loadGame } from './model.ts';
import { loadPublication, PUBLICATION_INDEX, type Publication } from './publication/index.ts';
import { GameDefinitionError } from './validate.ts';

/** Every problem of a definition as "path: message (rule)" lines. */
export function definitionProblems(error: GameDefinitionError): string[] {
  return error.issues.map((issue) => `${issue.path || '(root)'}: ${issue.message} (${issue.rule})`);
}

/** Reads and validates a game definition file: GameFileError listing every problem. */
export function loadDefinitionFile(path: string): Game {
  const json = readJsonFile(path);
  try {
    return loadGame(json);
  } catch (error) {
    if (error instanceof GameDefinitionError)
      throw new GameFileError(path, definitionProblems(error), 'invalid game definition');
    throw error;
  }
}

/** A game as given on a command line: a definition, or a math-sdk publication. */
export type GameInput =
  | { readonly kind: 'definition'; readonly path: string; readonly game: Game }
  | { readonly kind: 'publication'; readonly path: string; readonly publication: Publication };

/** A path is a publication when it is a folder holding index.json (or that index.json itself). */
export function isPublicationPath(path: string): boolean {
  try {
    if (statSync(path).isDirectory()) return existsSync(join(path, PUBLICATION_INDEX));
  } catch {
    return false;
  }
  return false;
}

/**
 * Loads one game input: a game definition file, or a math-sdk publication folder (its index.json,
 * lookup tables and the books' presence are checked; books are read when needed, streaming).
 * Throws GameFileError naming the path and every problem.
 */
export function loadGameInput(path: string): GameInput {
  if (isPublicationPath(path)) return { kind: 'publication', path, publication: loadPublication(path) };
  return { kind: 'definition', path, game: loadDefinitionFile(path) };
}

/** The most game files one folder argument may expand to (a bound on start-up work). */
const MAX_GAMES_PER_FOLDER = 1_000;

/**
 * Expands paths into game inputs: a file is a definition; a folder is a publication when it holds
 * index.json, otherwise every `*.json` in it (sorted), and every sub-folder that is a publication.
 */
export function expandGamePaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const path of paths) {
    let directory = false;
    try {
      directory = statSync(path).isDirectory();
    } catch {
      out.push(path); // loading it reports "cannot read"
      continue;
    }
    if (!directory || isPublicationPath(path)) {
      out.push(path);
      continue;
    }
    const entries = readdirSync(path, { withFileTypes: true })
      .filter(
        (e) =>
          (e.isFile() && e.name.endsWith('.json')) ||
          (e.isDirectory() && isPublicationPath(join(path, e.name))),
      )
      .map((e) => join(path, e.name))
      .sort();
    if (entries.length === 0)
      throw new GameFileError(path, ['no game files (*.json) or publications (index.json) in this folder']);
    if (entries.length > MAX_GAMES_PER_FOLDER)
      throw new GameFileError(path, [`more than ${MAX_GAMES_PER_FOLDER} games`]);
    out.push(...entries);
  }
  return out;
}

/** Several files were invalid: every file with every problem. */
export class GameInputsError extends Error {
  readonly code = 'invalid-game-files';
  readonly failures: readonly GameFileError[];
  constructor(failures: readonly GameFileError[]) {
    super(`${failures.length} invalid game input(s):\n${failures.map((f) => f.message).join('\n')}`);
    this.name = 'GameInputsError';
    this.failures = failures;
  }
}

/** Loads every game input of `paths` (expanded), or throws GameInputsError listing every failure. */
export function loadGameInputs(paths: readonly string[]): GameInput[] {
  const inputs: GameInput[] = [];
  const failures: GameFileError[] = [];
  let expanded: string[];
  try {
    expanded = expandGamePaths(paths);
  } catch (error) {
    if (error instanceof GameFileError) throw new GameInputsError([error]);
    throw error;
  }
  for (const path of expanded) {
    try {
      inputs.push(loadGameInput(path));
    } catch (error) {
      if (!(error instanceof GameFileError)) throw error;
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new GameInputsError(failures);
  return inputs;
}
