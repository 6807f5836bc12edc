import { Command, CommanderError } from 'commander';
import { registerCertifyCommand } from './certify-command.ts';
import { CliError, EXIT_BAD_INPUT } from './errors.ts';
import { registerMathCommand } from './math-command.ts';
import { registerRgsCommand } from './rgs-command.ts';
import { registerRgsStart } from './rgs-start.ts';
import { registerRngCommands } from './rng-commands.ts';
import { registerSimCommand } from './sim-command.ts';
import { registerVerifyCommand } from './verify-command.ts';
import { CROUPIER_VERSION } from './version.ts';

/** Builds the whole command tree. Each concern registers its own group. */
export function buildProgram(): Command {
  const program = new Command()
    .name('croupier')
    .description(
      'Simulation and certification harness around a reference Remote Gaming Server:\n' +
        'RNG kernel, game math, RNG batteries, RGS, load and chaos drills, evidence reports.',
    )
    .version(CROUPIER_VERSION)
    .option('--verbose', 'print stack traces for errors')
    .showHelpAfterError('(run with --help for usage)')
    // Before any subcommand is added: commander copies this setting into each one it creates,
    // so usage errors anywhere come back here and exit 2 instead of calling process.exit.
    .exitOverride();
  registerRngCommands(program);
  registerMathCommand(program);
  registerSimCommand(program);
  registerCertifyCommand(program);
  registerVerifyCommand(program);
  registerRgsStart(registerRgsCommand(program));
  return program;
}

/** Runs the CLI and returns the process exit code: 0 ok, 1 a check failed, 2 bad usage or input. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  const verbose = argv.includes('--verbose');
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0; usage errors were already printed.
      return error.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    }
    const exitCode = error instanceof CliError ? error.exitCode : EXIT_BAD_INPUT;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`croupier: ${message}\n`);
    if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return exitCode;
  }
}
