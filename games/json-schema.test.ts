import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GAME_SCHEMA_ID, gameJsonSchema } from './json-schema.ts';

describe('JSON Schema of the definition format', () => {
  it('games/schema/game.schema.json is the current zod export (regenerate it when the format changes)', () => {
    const file = JSON.parse(readFileSync(join(import.meta.dirname, 'schema', 'game.schema.json'), 'utf8'));
    expect(file).toEqual(gameJsonSchema());
    expect(file.$id).toBe(GAME_SCHEMA_ID);
    expect(JSON.stringify(file)).toContain('formatVersion');
    expect(JSON.stringify(file)).toContain('costMultiplier');
  });
});
