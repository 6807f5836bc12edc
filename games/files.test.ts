/** The one loader for a game argument: a definition file or a math-sdk publication folder. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES_DIR } from '../test/support/paths.ts';
import { DEMO_GAME_FILES } from './demo.ts';
import { expandGamePaths, GameInputsError, loadGameInput, loadGameInputs } from './files.ts';
import { GameFileError, jsonErrorOffset, lineColumnOf, parseJsonText } from './json-file.ts';

const PUBLICATIONS = join(FIXTURES_DIR, 'publications');

describe('loadGameInput', () => {
  it('a definition file and a publication folder', () => {
    const definition = loadGameInput(DEMO_GAME_FILES['lucky-wheel']);
    expect(definition.kind).toBe('definition');
    expect(definition.kind === 'definition' && definition.game.definition.id).toBe('lucky-wheel');
    const publication = loadGameInput(join(PUBLICATIONS, 'tiny-dice'));
    expect(publication.kind).toBe('publication');
    expect(publication.kind === 'publication' && publication.publication.modes.map((m) => m.name)).toEqual([
      'base',
      'bonus',
    ]);
  });

  it('a missing path is a GameFileError naming it', () => {
    expect(() => loadGameInput('/nonexistent/game.json')).toThrow(GameFileError);
    expect(() => loadGameInput('/nonexistent/game.json')).toThrow(
      '/nonexistent/game.json: cannot read: ENOENT',
    );
  });
});

describe('expandGamePaths and loadGameInputs', () => {
  it('a folder of publications expands to each, sorted', () => {
    expect(expandGamePaths([PUBLICATIONS]).map((p) => p.split('/').pop())).toEqual([
      'bad-books',
      'big-weights',
      'tiny-dice',
    ]);
  });

  it('collects every failing file before reporting', () => {
    const dir = mkdtempSync(join(tmpdir(), 'croupier-files-'));
    writeFileSync(join(dir, 'a.json'), '{');
    writeFileSync(join(dir, 'b.json'), '{"formatVersion": 2}');
    let error: unknown;
    try {
      loadGameInputs([dir, DEMO_GAME_FILES['wizard-fruit']]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GameInputsError);
    expect((error as GameInputsError).failures.map((f) => f.file)).toEqual([
      join(dir, 'a.json'),
      join(dir, 'b.json'),
    ]);
    const empty = mkdtempSync(join(tmpdir(), 'croupier-files-'));
    expect(() => loadGameInputs([empty])).toThrow(/no game files/);
  });
});

describe('JSON errors are located', () => {
  it('line and column of the offending character (Node 20 names no position for an unexpected token)', () => {
    expect(lineColumnOf('ab\ncd\nef', 4)).toEqual({ line: 2, column: 2 });
    expect(parseJsonText('{\n  "a": 1,\n  "b": }')).toEqual({
      ok: false,
      message: expect.stringMatching(/^line 3, column 8: not valid JSON/),
    });
    expect(parseJsonText('[1,\n  ]')).toEqual({
      ok: false,
      message: expect.stringMatching(/^line 2, column 3: not valid JSON/),
    });
    expect(parseJsonText('{"a": 1}x')).toEqual({
      ok: false,
      message: 'line 1, column 9: not valid JSON: Unexpected non-whitespace character after JSON',
    });
    expect(jsonErrorOffset('{"a":[1,{"b":null}],"c":"\\u00e9"}')).toBe(-1);
    expect(parseJsonText('{"a": ')).toEqual({
      ok: false,
      message: expect.stringMatching(/^line 1, column 7: not valid JSON/),
    });
  });
});
