/**
 * JSON files with located errors: a syntax error gives its line and column, and every error names
 * the file. Shared by game definitions and publication index files.
 */
import { readFileSync } from 'node:fs';

/** A file (or folder) that cannot be used as a game, with every problem found in it. */
export class GameFileError extends Error {
  readonly code = 'invalid-game-file';
  readonly file: string;
  readonly problems: readonly string[];
  /** `summary` heads the list, e.g. "invalid game definition". */
  constructor(file: string, problems: readonly string[], summary?: string) {
    const head =
      summary === undefined
        ? ''
        : ` ${summary}${problems.length > 1 ? ` (${problems.length} problems)` : ''}:`;
    const body = problems.length === 1 ? ` ${problems[0]}` : `\n${problems.map((p) => `  ${p}`).join('\n')}`;
    super(`${file}:${head}${body}`);
    this.name = 'GameFileError';
    this.file = file;
    this.problems = problems;
  }
}

/** 1-based line and column of a character offset. */
export function lineColumnOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * JSON.parse with a syntax error located: "line L, column C: <reason>". Node reports a character
 * position (and, from Node 22, also line and column); the reason is kept, the position recomputed.
 */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    const position = /at position (\d+)/.exec(raw);
    const reason = raw
      .replace(/\s*in JSON at position \d+.*$/s, '')
      .replace(/\s*\(line \d+ column \d+\)$/, '');
    const offset = position ? Number(position[1]) : /end of JSON input/.test(raw) ? text.length : null;
    if (offset === null) return { ok: false, message: `not valid JSON: ${reason}` };
    const { line, column } = lineColumnOf(text, offset);
    return { ok: false, message: `line ${line}, column ${column}: not valid JSON: ${reason}` };
  }
}

/** Reads and parses a JSON file; GameFileError (file, line, column) when it cannot. */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new GameFileError(path, [`cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`]);
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw new GameFileError(path, [parsed.message]);
  return parsed.value;
}
