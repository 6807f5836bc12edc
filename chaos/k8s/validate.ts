/**
 * Offline validation of rendered Chaos Mesh resources against the CRDs' OpenAPI v3 schemas (the
 * `openAPIV3Schema` of version v1alpha1), with ajv. The CRDs are the project's copies in
 * chaos/k8s/crds (see its SOURCE.md). Kubernetes' schema extensions (`x-kubernetes-*`) and formats
 * are not JSON Schema keywords: ajv runs non-strict and ignores them, as the API server's structural
 * checks would add only defaulting and pruning on top.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import yaml from 'js-yaml';
import type { ChaosResource } from './render.ts';

export const CRD_DIR = join(import.meta.dirname, 'crds');

interface Crd {
  spec: {
    names: { kind: string };
    versions: { name: string; schema: { openAPIV3Schema: Record<string, unknown> } }[];
  };
}

export interface CrdValidator {
  readonly kinds: readonly string[];
  /** Problems (empty when valid), each naming the resource and the JSON path. */
  validate(resource: ChaosResource): string[];
}

const SCHEMA_DEPTH_MAX = 200;

/**
 * OpenAPI 3.0 schemas write exclusive bounds as booleans next to minimum/maximum (the draft-04
 * form); JSON Schema 2019+ (ajv) wants the bound itself in exclusiveMinimum/exclusiveMaximum.
 */
export function openApiToJsonSchema(node: unknown, depth = 0): unknown {
  if (depth > SCHEMA_DEPTH_MAX) throw new RangeError('CRD schema nested too deep');
  if (Array.isArray(node)) return node.map((item) => openApiToJsonSchema(item, depth + 1));
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = openApiToJsonSchema(value, depth + 1);
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[flag] !== 'boolean') continue;
    if (out[flag] === true && typeof out[bound] === 'number') {
      out[flag] = out[bound];
      delete out[bound];
    } else {
      delete out[flag];
    }
  }
  return out;
}

export function loadCrdValidator(dir: string = CRD_DIR): CrdValidator {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const validators = new Map<string, ValidateFunction>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    // js-yaml, not client-node's loadYaml: that one maps the CRD onto its typed model, which renames
    // `enum` to `_enum` and would silently drop every enum check.
    const crd = yaml.load(readFileSync(join(dir, file), 'utf8')) as Crd;
    const version = crd.spec.versions.find((v) => v.name === 'v1alpha1');
    if (version === undefined) throw new Error(`${file}: no v1alpha1 version`);
    validators.set(
      crd.spec.names.kind,
      ajv.compile(openApiToJsonSchema(version.schema.openAPIV3Schema) as object),
    );
  }
  return {
    kinds: [...validators.keys()],
    validate(resource) {
      const validate = validators.get(resource.kind);
      if (validate === undefined) return [`${resource.metadata.name}: no CRD for kind ${resource.kind}`];
      if (validate(resource as unknown)) return [];
      return (validate.errors ?? []).map(
        (e) => `${resource.kind}/${resource.metadata.name}${e.instancePath}: ${e.message}`,
      );
    },
  };
}
