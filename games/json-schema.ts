/**
 * The JSON Schema of the definition format, generated from the zod schema (zod v4's
 * z.toJSONSchema) so the two cannot drift; games/schema/game.schema.json is this output, checked in
 * for editors and external tools (json-schema.test.ts fails when it is stale).
 * The JSON Schema covers structure only; cross-reference rules are in validate.ts.
 */
import { z } from 'zod';
import { GameDefinitionSchema } from './definition.ts';

export const GAME_SCHEMA_ID = 'https://croupier.dev/schemas/game-definition-v1.json';

export function gameJsonSchema(): Record<string, unknown> {
  // io: 'input' describes documents as authors write them (fields with defaults are optional).
  const schema = z.toJSONSchema(GameDefinitionSchema, { io: 'input', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  return { ...schema, $id: GAME_SCHEMA_ID, title: 'Croupier game definition (format version 1)' };
}
