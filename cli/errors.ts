/**
 * Exit codes of every `croupier` command:
 * 0 ok; 1 a check failed (a test, a verification, a verdict); 2 bad usage or bad input.
 */
export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

/** A failure the user can act on: printed as one line, never with a stack trace (unless --verbose). */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT_BAD_INPUT) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}
