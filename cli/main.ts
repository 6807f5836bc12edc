import { Command, CommanderError } from 'commander';
import { CliError, EXIT_BAD_INPUT } from './errors.ts';
import { CROUPIER_VERSION } from './version.ts';

type Register = (program: Command) => void;

/**
 * The command groups, in help order, each loaded only when needed: a group's module pulls in its
 * parts (the RGS alone loads fastify, PGlite, pg, ioredis), so loading every group would cost
 * about 0.6 s at every start (issue 12: any command starts in under 0.3 s).
 */
const COMMAND_GROUPS: Readonly<Record<string, () => Promise<Register>>> = {
  rng: async () => (await import('./rng-commands.ts')).registerRngCommands,
  math: async () => (await import('./math-command.ts')).registerMathCommand,
  sim: async () => (await import('./sim-command.ts')).registerSimCommand,
  certify: async () => (await import('./certify-command.ts')).registerCertifyCommand,
  verify: async () => (await import('./verify-command.ts')).registerVerifyCommand,
  game: async () => (await import('./game-command.ts')).registerGameCommand,
  load: async () => (await import('./load-command.ts')).registerLoadCommand,
  chaos: async () => (await import('./chaos-command.ts')).registerChaosCommand,
  rgs: async () => {
    const [group, start] = await Promise.all([import('./rgs-command.ts'), import('./rgs-start.ts')]);
    return (program) => start.registerRgsStart(group.registerRgsCommand(program));
  },
};

/**
 * The groups a command line needs: the one it names; none for a bare `--version`; all of them
 * otherwise (help, or an unknown command, whose suggestion needs every name). The root options
 * take no values, so the first word not starting with "-" is the command.
 */
function groupsFor(argv: readonly string[]): string[] {
  const words = argv.slice(2);
  const command = words.find((word) => !word.startsWith('-'));
  if (command !== undefined && command in COMMAND_GROUPS) return [command];
  if (command === undefined && (words.includes('--version') || words.includes('-V'))) return [];
  return Object.keys(COMMAND_GROUPS);
}

/** Builds the command tree for a command line (all of it without one). Each concern registers its own group. */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
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
  const names = argv === undefined ? Object.keys(COMMAND_GROUPS) : groupsFor(argv);
  const registers = await Promise.all(names.map((name) => COMMAND_GROUPS[name]?.()));
  for (const register of registers) register?.(program);
  return program;
}

/** Runs the CLI and returns the process exit code: 0 ok, 1 a check failed, 2 bad usage or input. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = await buildProgram(argv);
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
