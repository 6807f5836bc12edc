/**
 * `croupier load k8s`: a scenario as Kubernetes objects for the k6-operator
 * (github.com/grafana/k6-operator): a ConfigMap holding the bundled k6 script (ES2017, so any k6
 * runner image runs it) and a `TestRun` (k6.io/v1alpha1) that runs it on `parallelism` pods. The
 * operator splits the scenario across the pods with k6 execution segments, so the arrival rates in
 * the script are the totals. The TestRun is validated offline against the operator's CRD schema
 * (crd/k6.io_testruns.yaml, see crd/SOURCE.md) before it is emitted.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { bundleK6Script, K6_SCRIPTS, type K6ScriptName } from '../k6-build/build.ts';

export class ManifestError extends Error {}

export interface K8sOptions {
  readonly scenario: string;
  readonly parallelism: number;
  /** The RGS's base URL as the runner pods reach it. */
  readonly target: string;
  readonly namespace?: string;
  /** Secret holding the operator token (key `token`), created by the operator of the cluster. */
  readonly tokenSecret?: string;
  readonly scale?: number;
  readonly durationS?: number;
  readonly seed?: number;
}

/** A ConfigMap holds at most 1 MiB (Kubernetes' object size limit for ConfigMaps). */
const CONFIG_MAP_MAX_BYTES = 1_048_576;
const MAX_PARALLELISM = 1_000;
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function isK6Script(name: string): name is K6ScriptName {
  return (K6_SCRIPTS as readonly string[]).includes(name);
}

export async function k8sManifests(
  options: K8sOptions,
): Promise<{ configMap: object; testRun: object; yaml: string }> {
  if (!isK6Script(options.scenario))
    throw new ManifestError(`unknown scenario ${options.scenario}; known: ${K6_SCRIPTS.join(', ')}`);
  if (
    !Number.isInteger(options.parallelism) ||
    options.parallelism < 1 ||
    options.parallelism > MAX_PARALLELISM
  )
    throw new ManifestError(`--parallelism must be a whole number in 1..${MAX_PARALLELISM}`);
  const namespace = options.namespace ?? 'default';
  if (!NAME.test(namespace)) throw new ManifestError(`--namespace ${namespace} is not a Kubernetes name`);
  const name = `croupier-${options.scenario}`;
  const file = `${options.scenario}.js`;
  const script = await bundleK6Script(options.scenario);
  if (Buffer.byteLength(script) > CONFIG_MAP_MAX_BYTES - 4_096)
    throw new ManifestError(
      `the bundled script (${Buffer.byteLength(script)} bytes) does not fit in a ConfigMap`,
    );
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${name}-script`, namespace, labels: { 'app.kubernetes.io/part-of': 'croupier' } },
    data: { [file]: script },
  };
  const env = [
    { name: 'BASE_URL', value: options.target },
    {
      name: 'OPERATOR_TOKEN',
      valueFrom: { secretKeyRef: { name: options.tokenSecret ?? 'croupier-operator-token', key: 'token' } },
    },
    ...(options.scale !== undefined ? [{ name: 'SCALE', value: String(options.scale) }] : []),
    ...(options.durationS !== undefined ? [{ name: 'DURATION', value: String(options.durationS) }] : []),
    ...(options.seed !== undefined ? [{ name: 'SEED', value: String(options.seed) }] : []),
    { name: 'SUMMARY_FILE', value: `/tmp/${options.scenario}-summary.json` },
  ];
  const testRun = {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/part-of': 'croupier' } },
    spec: {
      parallelism: options.parallelism,
      script: { configMap: { name: configMap.metadata.name, file } },
      arguments: `--tag testid=${name}`,
      runner: { env },
      cleanup: 'post',
    },
  };
  validateTestRun(testRun);
  // Literal block scalars: the script must reach the pod byte for byte (a folded one would rewrap it).
  const yaml = `${stringify(configMap, { blockQuote: 'literal' })}---\n${stringify(testRun)}`;
  return { configMap, testRun, yaml };
}

let validator: ((value: unknown) => string[]) | null = null;

/** The TestRun CRD's openAPIV3Schema, compiled once with ajv (Kubernetes x- keywords allowed). */
export function testRunValidator(): (value: unknown) => string[] {
  if (validator !== null) return validator;
  const crd = parse(readFileSync(new URL('./crd/k6.io_testruns.yaml', import.meta.url), 'utf8')) as {
    spec: { versions: { name: string; schema: { openAPIV3Schema: object } }[] };
  };
  const version = crd.spec.versions.find((v) => v.name === 'v1alpha1');
  if (version === undefined) throw new ManifestError('the TestRun CRD has no v1alpha1 schema');
  const ajv = new Ajv({ allErrors: true, strict: false });
  // The OpenAPI formats Kubernetes schemas use: int32/int64 ranges and RFC 3339 times.
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && Math.abs(n) <= 2 ** 31,
  });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat('date-time', { type: 'string', validate: (s: string) => !Number.isNaN(Date.parse(s)) });
  const validate = ajv.compile(version.schema.openAPIV3Schema);
  validator = (value) =>
    validate(value)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
  return validator;
}

export function validateTestRun(testRun: unknown): void {
  const problems = testRunValidator()(testRun);
  if (problems.length > 0)
    throw new ManifestError(`the TestRun does not match the k6-operator CRD: ${problems.join('; ')}`);
}

/** Reads back a YAML stream of manifests (tests, and anyone checking the output). */
export function parseManifests(text: string): unknown[] {
  return parseAllDocuments(text).map((doc) => doc.toJS());
}
