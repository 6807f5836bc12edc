/**
 * The JSON Schema of report.json, generated from the zod model (zod 4's `toJSONSchema`) and
 * published as `reports/schema/report.schema.json` (`npx tsx reports/json-schema.ts` rewrites it; a
 * test fails when the published file is stale).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { EvidenceSchema } from './model.ts';

export const SCHEMA_PATH = fileURLToPath(new URL('./schema/report.schema.json', import.meta.url));

export function evidenceJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(EvidenceSchema, { target: 'draft-2020-12', io: 'output' }),
    $id: 'urn:croupier:evidence-pack:v1',
    title: 'Croupier evidence pack (report.json), format version 1',
  } as Record<string, unknown>;
}

export function schemaText(): string {
  return `${JSON.stringify(evidenceJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_PATH, schemaText());
  process.stdout.write(`wrote ${SCHEMA_PATH}\n`);
}
