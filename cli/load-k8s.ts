/** `croupier load k8s SCENARIO --parallelism N`: a k6-operator TestRun and its script ConfigMap. */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError, EXIT_BAD_INPUT } from './errors.ts';
import { parseNumberFlag } from './load-command.ts';

interface K8sFlags {
  parallelism: string;
  target?: string;
  namespace?: string;
  tokenSecret?: string;
  scale?: string;
  duration?: string;
  seed?: string;
  out?: string;
}

export function registerLoadK8s(load: Command): void {
  load
    .command('k8s')
    .argument('<scenario>', 'baseline | friday-night | spike-and-recover | soak')
    .description(
      'Print (or --out) a ConfigMap with the bundled k6 script and a k6-operator TestRun that runs\n' +
        'it on N pods, validated against the k6-operator CRD. Apply with kubectl apply -f.',
    )
    .requiredOption('--parallelism <n>', 'runner pods (the operator splits the load between them)')
    .option('--target <url>', 'the RGS base URL as the pods reach it', 'http://croupier-rgs:7420')
    .option('--namespace <ns>', 'namespace of both objects', 'default')
    .option(
      '--token-secret <name>',
      'Secret with the operator token under key "token"',
      'croupier-operator-token',
    )
    .option('--scale <x>', 'SCALE for the script')
    .option('--duration <seconds>', 'DURATION for the script')
    .option('--seed <n>', 'SEED for the script')
    .option('--out <file>', 'write the YAML here instead of stdout')
    .action(async (scenario: string, flags: K8sFlags) => {
      const parallelism = parseNumberFlag('--parallelism', flags.parallelism, 1, 1_000)!;
      const scale = parseNumberFlag('--scale', flags.scale, 0.001, 100);
      const durationS = parseNumberFlag('--duration', flags.duration, 1, 86_400);
      const seed = parseNumberFlag('--seed', flags.seed, 0, 2 ** 32 - 1);
      // load/ is loaded once the flags are checked (issue 12: `--help` never waits for it).
      const { k8sManifests, ManifestError } = await import('../load/index.ts');
      let yaml: string;
      try {
        ({ yaml } = await k8sManifests({
          scenario,
          parallelism,
          target: flags.target!,
          ...(flags.namespace ? { namespace: flags.namespace } : {}),
          ...(flags.tokenSecret ? { tokenSecret: flags.tokenSecret } : {}),
          ...(scale !== undefined ? { scale } : {}),
          ...(durationS !== undefined ? { durationS } : {}),
          ...(seed !== undefined ? { seed } : {}),
        }));
      } catch (error) {
        if (error instanceof ManifestError) throw new CliError(error.message, EXIT_BAD_INPUT);
        throw error;
      }
      if (flags.out) {
        writeFileSync(flags.out, yaml);
        process.stderr.write(`wrote ${flags.out}\n`);
      } else process.stdout.write(yaml);
    });
}
