/**
 * `croupier math`: the flags only. The analysis (games/, sim/exact, zod) is loaded when the command
 * runs (math-run.ts), so `croupier math --help` starts without it (issue 12: under 0.3 s).
 */
import type { Command } from 'commander';
import { DEMO_GAME_FILES } from '../games/names.ts';
import { DEFAULT_MAX_CAP_DP_WORK } from '../sim/names.ts';
import { parseMinRtpPercent } from './flags.ts';
import type { MathOptions } from './math-run.ts';

/** `croupier math <game>`: exact RTP and PAR sheet of a game definition or a math-sdk publication. */
export function registerMathCommand(program: Command): void {
  program
    .command('math')
    .summary('exact analysis of a game or a math-sdk publication: RTP, PAR sheet, declared RTP check')
    .description(
      'exact analysis of a game: RTP as an exact fraction, PAR sheet, volatility, declared RTP check;\n' +
        'for a Stake Engine math-sdk publication folder: exact figures per mode from its lookup tables\n' +
        'and a check that every book pays what its lookup-table row says',
    )
    .argument(
      '<game>',
      `game definition JSON, a math-sdk publication folder (with index.json), or a demo game: ${Object.keys(DEMO_GAME_FILES).join(', ')}`,
    )
    .option('--mode <id>', 'mode to analyse (default: the first mode; a publication: every mode)')
    .option('--json', 'machine-readable output (exact values as numerator/denominator strings)')
    .option('--csv <file>', 'also write the per-pay PAR table as CSV to this file')
    .option('--min-rtp <percent>', "warn when the RTP is below this (the jurisdiction's minimum)")
    .option('--no-books', 'publication: skip the books-against-lookup-table check')
    .option(
      '--max-work <updates>',
      `a max-win cap with free spins: refuse when the capped-feature DP would do more cell updates than this (default ${DEFAULT_MAX_CAP_DP_WORK.toExponential(0).replace('e+', 'e')}, minutes on one core); a cap far in the tail needs no DP`,
    )
    .action(async (target: string, options: MathOptions) => {
      const minRtp = parseMinRtpPercent(options.minRtp);
      const { mathAction } = await import('./math-run.ts');
      mathAction(target, options, minRtp);
    });
}
