/** `croupier sim k8s`: the flags only; the manifests are rendered by sim-k8s-run.ts, loaded when it runs. */
import type { Command } from 'commander';
import type { K8sOptions } from './sim-k8s-run.ts';

/** Adds `k8s` under the `sim` command. */
export function registerSimK8sCommand(sim: Command): void {
  sim
    .command('k8s')
    .description('write a Kubernetes Indexed Job that runs the simulation as K shards, plus the merge Job')
    .argument('<game>', 'game definition file (or a demo game name)')
    .option('--spins <n>', 'spins in the whole experiment, required (e.g. 1e10)')
    .option('--shards <k>', 'pods (shards), required')
    .option('--seed <s>', 'seed, decimal or 0x-hex (default: random, written into the Job)')
    .option('--image <ref>', 'container image built from the Dockerfile', 'croupier:latest')
    .option('--cpus-per-shard <n>', 'CPU cores (and worker threads) per pod', '2')
    .option('--storage <size>', 'results volume size', '1Gi')
    .option('--name <name>', 'object name prefix (default: sim-<game id>)')
    .option('--namespace <ns>', 'namespace of every object')
    .option('--chunk-size <n>', 'spins per chunk (default 1e6)')
    .option('--mode <m>', 'game mode')
    .option('--rng <kind>', 'stream generator')
    .option('--out-dir <dir>', 'folder for experiment.yaml and merge.yaml', 'k8s-sim')
    .action(async (target: string, options: K8sOptions) =>
      (await import('./sim-k8s-run.ts')).k8sAction(target, options),
    )
    .exitOverride();
}
