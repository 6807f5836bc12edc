import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  DEMO_GAME_FILES,
  type DemoGameName,
  type Game,
  GameDefinitionError,
  loadGameFile,
} from '../games/index.ts';
import {
  analyzeGame,
  EnumerationTooLargeError,
  ExactAnalysisUnsupportedError,
  parSheetCsv,
  parSheetJson,
  parSheetText,
} from '../sim/exact/index.ts';
import { CliError, EXIT_BAD_INPUT } from './errors.ts';
import { formatTable, printJson } from './output.ts';

interface MathOptions {
  mode?: string;
  json?: boolean;
  csv?: string;
}

/** A game file path, or the name of a shipped demo game (e.g. `jungle-twenty`). */
function resolveGame(argument: string): Game {
  const path = Object.hasOwn(DEMO_GAME_FILES, argument)
    ? DEMO_GAME_FILES[argument as DemoGameName]
    : argument;
  try {
    return loadGameFile(path);
  } catch (error) {
    if (error instanceof GameDefinitionError) throw new CliError(`${path}: ${error.message}`, EXIT_BAD_INPUT);
    throw new CliError((error as Error).message, EXIT_BAD_INPUT);
  }
}

/** `croupier math <game-file>`: exact RTP and PAR sheet of a game definition. */
export function registerMathCommand(program: Command): void {
  program
    .command('math')
    .description(
      'exact (full-cycle) analysis of a game definition: RTP as an exact fraction, PAR sheet, volatility',
    )
    .argument(
      '<game-file>',
      `game definition JSON, or a demo game: ${Object.keys(DEMO_GAME_FILES).join(', ')}`,
    )
    .option('--mode <id>', 'game mode to analyse (default: the first mode)')
    .option('--json', 'machine-readable output (exact values as numerator/denominator strings)')
    .option('--csv <file>', 'also write the per-pay PAR table as CSV to this file')
    .action((file: string, options: MathOptions) => {
      const game = resolveGame(file);
      const mode = options.mode ?? game.definition.modes[0]!.id;
      if (!game.definition.modes.some((m) => m.id === mode)) {
        const known = game.definition.modes.map((m) => m.id).join(', ');
        throw new CliError(`unknown mode '${mode}' (modes: ${known})`, EXIT_BAD_INPUT);
      }
      let analysis: ReturnType<typeof analyzeGame>;
      try {
        analysis = analyzeGame(game, mode);
      } catch (error) {
        if (error instanceof ExactAnalysisUnsupportedError || error instanceof EnumerationTooLargeError) {
          throw new CliError(error.message, EXIT_BAD_INPUT);
        }
        throw error;
      }
      if (options.csv) {
        try {
          writeFileSync(options.csv, parSheetCsv(analysis));
        } catch (error) {
          throw new CliError(
            `cannot write ${options.csv}: ${(error as NodeJS.ErrnoException).code ?? error}`,
          );
        }
      }
      if (options.json) {
        printJson(parSheetJson(analysis));
        return;
      }
      process.stdout.write(parSheetText(analysis, formatTable));
    });
}
