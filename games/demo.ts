/** The shipped demo games (games/demo/*.json) and loading a game definition file. */
import { readFileSync } from 'node:fs';
import { parseJsonText } from './json-file.ts';
import { type Game, loadGame } from './model.ts';
import { DEMO_GAME_FILES, type DemoGameName } from './names.ts';

export { DEMO_GAME_FILES, type DemoGameName };

/**
 * Reads, parses and validates a game definition file. Throws an Error naming the file for
 * unreadable or non-JSON input, and GameDefinitionError for an invalid definition.
 */
export function loadGameFile(path: string): Game {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(
      `cannot read game file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw new Error(`game file ${path}: ${parsed.message}`);
  return loadGame(parsed.value);
}

/**
 * The declared RTP of every demo game's modes (`modes[].declaredRtp`), read from the files
 * without compiling them: game id -> mode id -> declared percentage.
 */
export function demoDeclaredRtps(): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const path of Object.values(DEMO_GAME_FILES)) {
    const def = JSON.parse(readFileSync(path, 'utf8')) as {
      id: string;
      modes: { id: string; declaredRtp?: string }[];
    };
    out[def.id] = Object.fromEntries(
      def.modes.filter((m) => m.declaredRtp !== undefined).map((m) => [m.id, m.declaredRtp!]),
    );
  }
  return out;
}

export function loadDemoGame(name: DemoGameName): Game {
  return loadGameFile(DEMO_GAME_FILES[name]);
}
