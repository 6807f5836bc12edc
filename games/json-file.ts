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
 * Offset of the first JSON syntax error (RFC 8259), or -1: Node 20's JSON.parse names no position
 * for an unexpected token, so the error is located here. Iterative (a stack of open containers),
 * one pass, no allocation per character.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const n = text.length;
  const stack: number[] = []; // 1: in an array, 2: in an object
  const space = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const value = (): boolean => {
    space();
    const c = text[i];
    if (c === '"') return string();
    if (c === '{' || c === '[') return true;
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return true;
      }
    }
    return false;
  };
  const string = (): boolean => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c < 32) return false;
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) return false;
        i += 2;
        continue;
      }
      i++;
    }
    return false;
  };
  const number = (): boolean => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (match === null) return false;
    i += match[0].length;
    return true;
  };
  // Each step reads one value (opening a container pushes it) or closes one.
  for (let steps = 0; steps <= n + 1; steps++) {
    space();
    const top = stack.at(-1);
    if (top === 2 && text[i] !== '}') {
      if (text[i] !== '"' || !string()) return i;
      space();
      if (text[i] !== ':') return i;
      i++;
    }
    if ((top === 1 && text[i] === ']') || (top === 2 && text[i] === '}')) {
      // Closing after a value or an empty container (a trailing comma was caught after the comma).
      stack.pop();
      i++;
    } else {
      space();
      const start = text[i];
      if (!value()) return i;
      if (start === '{' || start === '[') {
        stack.push(start === '[' ? 1 : 2);
        i++;
        continue;
      }
    }
    space();
    if (stack.length === 0) return i === n ? -1 : i;
    const closer = stack.at(-1) === 1 ? ']' : '}';
    if (text[i] === ',') {
      i++;
      space();
      if (text[i] === closer) return i;
    } else if (text[i] !== closer) {
      return i;
    }
  }
  return i;
}

/**
 * JSON.parse with a syntax error located: "line L, column C: <reason>". The reason is Node's (without
 * the quoted input it may echo); the position is Node's when it gives one, else jsonErrorOffset's.
 */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    const position = /at position (\d+)/.exec(raw);
    const reason = raw
      .replace(/\s*(in JSON )?at position \d+.*$/s, '')
      .replace(/\s*\(line \d+ column \d+\)$/, '')
      .replace(/^(Unexpected token '.*?'),\s*".*" is not valid JSON$/s, '$1');
    const offset = position ? Number(position[1]) : jsonErrorOffset(text);
    if (offset < 0) return { ok: false, message: `not valid JSON: ${reason}` };
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
