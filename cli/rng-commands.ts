import type { Command } from 'commander';

/** `croupier rng …`: the RNG kernel's commands (list, sample, selftest). */
export function registerRngCommands(program: Command): void {
  program.command('rng').description('the RNG kernel: list generators, sample raw output, self-test');
}
