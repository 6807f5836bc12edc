/** Validates a pack's report.json against the published JSON Schema with ajv (draft 2020-12). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { SCHEMA_PATH } from './json-schema.ts';

export type SchemaValidation = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export function validateEvidenceJson(json: unknown): SchemaValidation {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')));
  if (validate(json)) return { ok: true };
  const first = validate.errors?.[0];
  return {
    ok: false,
    reason: `does not match reports/schema/report.schema.json: ${first?.instancePath || '$'} ${first?.message ?? ''} (${validate.errors?.length ?? 0} error(s))`,
  };
}

export function validateReportJson(dir: string): SchemaValidation {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
  } catch (error) {
    return { ok: false, reason: `not readable JSON (${(error as Error).message})` };
  }
  return validateEvidenceJson(json);
}
