import { describe, expect, it } from 'vitest';
import { bundleK6Script } from '../k6-build/build.ts';
import { k8sManifests, ManifestError, parseManifests, validateTestRun } from './index.ts';

describe('croupier load k8s', () => {
  it('emits a ConfigMap with the bundled script and a TestRun the k6-operator CRD accepts', async () => {
    const { yaml } = await k8sManifests({
      scenario: 'friday-night',
      parallelism: 4,
      target: 'http://rgs.croupier.svc:7420',
      namespace: 'load',
      scale: 2,
    });
    const [configMap, testRun] = parseManifests(yaml) as [
      { kind: string; metadata: { name: string }; data: Record<string, string> },
      {
        kind: string;
        spec: {
          parallelism: number;
          script: { configMap: { name: string; file: string } };
          runner: { env: { name: string; value?: string }[] };
        };
      },
    ];
    expect(configMap.kind).toBe('ConfigMap');
    expect(testRun.kind).toBe('TestRun');
    // The script arrives byte for byte (a literal block scalar, not a folded one).
    expect(configMap.data['friday-night.js']).toBe(await bundleK6Script('friday-night'));
    expect(testRun.spec.script.configMap).toEqual({ name: configMap.metadata.name, file: 'friday-night.js' });
    expect(testRun.spec.parallelism).toBe(4);
    expect(testRun.spec.runner.env).toContainEqual({ name: 'SCALE', value: '2' });
    expect(() => validateTestRun(testRun)).not.toThrow();
  });

  it('the CRD check refuses what the operator would refuse (negative controls)', async () => {
    const { testRun } = (await k8sManifests({
      scenario: 'baseline',
      parallelism: 1,
      target: 'http://x:1',
    })) as {
      testRun: { spec: Record<string, unknown> };
    };
    const without = (key: string) => ({
      ...testRun,
      spec: Object.fromEntries(Object.entries(testRun.spec).filter(([k]) => k !== key)),
    });
    expect(() => validateTestRun(without('parallelism'))).toThrow(/parallelism/);
    expect(() => validateTestRun(without('script'))).toThrow(/script/);
    expect(() => validateTestRun({ ...testRun, spec: { ...testRun.spec, parallelism: 'four' } })).toThrow(
      ManifestError,
    );
    expect(() => validateTestRun({ ...testRun, spec: { ...testRun.spec, cleanup: 'never' } })).toThrow(
      /cleanup/,
    );
  });

  it('refuses a bad parallelism or scenario by name', async () => {
    await expect(
      k8sManifests({ scenario: 'baseline', parallelism: 0, target: 'http://x:1' }),
    ).rejects.toThrow(/--parallelism/);
    await expect(k8sManifests({ scenario: 'tuesday', parallelism: 1, target: 'http://x:1' })).rejects.toThrow(
      /unknown scenario/,
    );
  });
});
