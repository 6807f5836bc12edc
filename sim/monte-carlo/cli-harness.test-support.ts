/**
 * Test support (a `.test-support.ts` file: test code, so it may import the CLI): runs the `croupier sim` command tree on its own (independent of the other command
 * groups cli/main.ts wires in), mirroring `main()`'s error handling (one-line errors, exit codes
 * 0/1/2).
 * As a script (`node bin/run-ts.js sim/monte-carlo/cli-harness.test-support.ts sim …`) it sets the exit code.
 */
import { Command, CommanderError } from 'commander';
import { CliError, EXIT_BAD_INPUT } from '../../cli/errors.ts';
import { registerSimCommand } from '../../cli/sim-command.ts';

export async function runCroupier(argv: readonly string[]): Promise<number> {
  const program = new Command().name('croupier');
  registerSimCommand(program);
  program.exitOverride();
  try {
    await program.parseAsync(['node', 'croupier', ...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    const exitCode = error instanceof CliError ? error.exitCode : EXIT_BAD_INPUT;
    process.stderr.write(`croupier: ${error instanceof Error ? error.message : String(error)}\n`);
    return exitCode;
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '\0')) {
  process.exitCode = await runCroupier(process.argv.slice(2));
}
