/**
 * `croupier game validate|schema`: the flags only; the checks (games/, sim/exact, zod) load when a
 * command runs (game-run.ts), so `croupier game --help` starts without them (issue 12).
 */
import type { Command } from 'commander';
import { parseMinRtpPercent } from './flags.ts';
import type { ValidateOptions } from './game-run.ts';

export function registerGameCommand(program: Command): void {
  const game = program
    .command('game')
    .description('game authoring: validate definitions and publications, print the JSON Schema');
  game
    .command('validate')
    .summary('check game files: every problem with its JSON path, declared vs exact RTP')
    .description(
      'check game definition files (or math-sdk publication folders): every problem with its JSON path,\n' +
        'JSON syntax errors with line and column; exact RTP per mode against modes[].declaredRtp;\n' +
        'warnings for an RTP above 100% or below --min-rtp. Exit 1 if any file has a problem.',
    )
    .argument('<files...>', 'game definition files, publication folders, or demo game names')
    .option('--min-rtp <percent>', "warn when an RTP is below this (the jurisdiction's minimum)")
    .option('--no-rtp', 'structure only: skip the exact RTP analysis')
    .option('--json', 'machine-readable report')
    .action(async (files: string[], options: ValidateOptions) => {
      const minRtp = parseMinRtpPercent(options.minRtp);
      const { validateAction } = await import('./game-run.ts');
      validateAction(files, options, minRtp);
    });
  game
    .command('schema')
    .description('print the JSON Schema of the game definition format (games/schema/game.schema.json)')
    .action(async () => (await import('./game-run.ts')).schemaAction());
}
