/** `croupier math`'s work (its flags: math-command.ts): loaded only when the command runs. */
import { writeFileSync } from 'node:fs';
import { checkDeclaredRtp, type Game, type Publication, rtpWarnings } from '../games/index.ts';
import {
  ADVERTISED_AWARD_MAX_ODDS,
  analyzeGame,
  analyzePublicationMode,
  CapDpWorkLimitError,
  checkBooksConsistency,
  DEFAULT_MAX_CAP_DP_WORK,
  EnumerationTooLargeError,
  type ExactAnalysis,
  ExactAnalysisUnsupportedError,
  type PublicationModeAnalysis,
  parSheetCsv,
  parSheetJson,
  parSheetText,
  type Rational,
} from '../sim/exact/index.ts';
import { CliError, EXIT_BAD_INPUT, EXIT_CHECK_FAILED } from './errors.ts';
import { gameInputOrThrow } from './game-input.ts';
import { formatTable, printJson } from './output.ts';
import { parseCount } from './sim-run.ts';

export interface MathOptions {
  mode?: string;
  json?: boolean;
  csv?: string;
  minRtp?: string;
  books?: boolean;
  maxWork?: string;
}

function warn(lines: readonly string[]): void {
  for (const line of lines) process.stderr.write(`croupier: warning: ${line}\n`);
}

const percent = (r: Rational, places = 4) => `${r.mulInt(100).toDecimal(places)}%`;

function analyzeOrThrow(game: Game, mode: string, maxDpWork: number): ExactAnalysis {
  try {
    return analyzeGame(game, mode, { maxDpWork });
  } catch (error) {
    if (error instanceof CapDpWorkLimitError) {
      const needed = Number(error.work.cellKindUpdates.toPrecision(2)) * 1.1;
      throw new CliError(
        `${game.definition.id} mode ${mode}: ${error.message}; raise it with --max-work ${needed.toExponential(1).replace('e+', 'e')} ` +
          '(minutes to hours), or measure the RTP with croupier sim',
        EXIT_BAD_INPUT,
      );
    }
    if (error instanceof ExactAnalysisUnsupportedError || error instanceof EnumerationTooLargeError) {
      throw new CliError(error.message, EXIT_BAD_INPUT);
    }
    throw error;
  }
}

/** A game definition: PAR sheet, declared RTP against exact (exit 1 on a mismatch), warnings. */
function definitionAction(game: Game, options: MathOptions, minRtp: number | null): void {
  const maxDpWork =
    options.maxWork === undefined
      ? DEFAULT_MAX_CAP_DP_WORK
      : parseCount(options.maxWork, '--max-work', 1, 2 ** 53 - 1);
  const mode = options.mode ?? game.definition.modes[0]!.id;
  const modeDefinition = game.definition.modes.find((m) => m.id === mode);
  if (modeDefinition === undefined) {
    const known = game.definition.modes.map((m) => m.id).join(', ');
    throw new CliError(`unknown mode '${mode}' (modes: ${known})`, EXIT_BAD_INPUT);
  }
  const analysis = analyzeOrThrow(game, mode, maxDpWork);
  if (options.csv) {
    try {
      writeFileSync(options.csv, parSheetCsv(analysis));
    } catch (error) {
      throw new CliError(`cannot write ${options.csv}: ${(error as NodeJS.ErrnoException).code ?? error}`);
    }
  }
  const declared =
    modeDefinition.declaredRtp === undefined
      ? null
      : checkDeclaredRtp(modeDefinition.declaredRtp, analysis.rtp.num, analysis.rtp.den);
  const def = game.definition;
  const weighted =
    def.type === 'reels' && Object.values(def.reelSets).some((set) => set.reels.some((r) => r.weights));
  warn(rtpWarnings(analysis.rtp.toNumber() * 100, minRtp, `${def.id} mode ${mode}`, weighted));
  if (options.json) {
    printJson({ ...(parSheetJson(analysis) as Record<string, unknown>), declaredRtp: declared });
  } else {
    process.stdout.write(parSheetText(analysis, formatTable));
    process.stdout.write(
      declared === null
        ? 'declared RTP: none (add modes[].declaredRtp to state the PAR sheet figure)\n'
        : `declared RTP ${declared.declared}%: exact rounds to ${declared.exactRounded}%: ${declared.matches ? 'MATCH' : 'MISMATCH'}\n`,
    );
  }
  if (declared !== null && !declared.matches) {
    throw new CliError(
      `${game.definition.id} mode ${mode}: declared RTP ${declared.declared}% but the exact RTP ${analysis.rtp.num}/${analysis.rtp.den} rounds to ${declared.exactRounded}%`,
      EXIT_CHECK_FAILED,
    );
  }
}

function oddsText(oddsOneIn: number): string {
  return oddsOneIn < 1e6 ? oddsOneIn.toFixed(2) : oddsOneIn.toExponential(4);
}

function publicationModeText(a: PublicationModeAnalysis): string {
  const lines = [
    `mode ${a.mode}  cost ${a.cost}× bet  ${a.rows.toLocaleString('en-US')} rows  Σ weight ${a.totalWeight}`,
    `  RTP ${percent(a.rtp)}  (exact ${a.rtp.num}/${a.rtp.den})`,
    `  hit rate ${percent(a.hitRate)}${a.hitRate.isZero() ? '' : ` (1 in ${oddsText(1 / a.hitRate.toNumber())})`}`,
    `  P(win < stake) ${percent(a.probabilityWinBelowStake)}`,
    `  SD per round ${a.sdPerRoundStakes.toFixed(4)} stakes  volatility index ${a.volatilityIndex90.toFixed(3)} (90%)  ${a.volatilityIndex95.toFixed(3)} (95%)`,
    `  max win ${a.maxWin.payoutMultiplier / 100}× bet (${a.maxWin.stakes.toDecimal(4)} stakes), 1 in ${oddsText(a.maxWin.oddsOneIn)}: ` +
      `1-in-${ADVERTISED_AWARD_MAX_ODDS.toLocaleString('en-US')} advertised-award rule ${a.maxWin.meetsAdvertisedAwardRule ? 'met' : 'NOT met'}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** A math-sdk publication: exact figures per mode from the lookup tables, and the books check. */
function publicationAction(publication: Publication, options: MathOptions, minRtp: number | null): void {
  if (options.csv) throw new CliError('--csv applies to game definitions (a publication has no pay table)');
  const modes =
    options.mode === undefined ? publication.modes : publication.modes.filter((m) => m.name === options.mode);
  if (modes.length === 0) {
    const known = publication.modes.map((m) => m.name).join(', ');
    throw new CliError(`unknown mode '${options.mode}' (modes: ${known})`, EXIT_BAD_INPUT);
  }
  const results = modes.map((mode) => {
    const analysis = analyzePublicationMode(mode);
    warn(rtpWarnings(analysis.rtp.toNumber() * 100, minRtp, `${publication.id} mode ${mode.name}`));
    const books = options.books === false ? null : checkBooksConsistency(mode);
    return { analysis, books };
  });
  if (options.json) {
    printJson({
      publication: publication.id,
      dir: publication.dir,
      mathHash: publication.mathHash,
      modes: results.map(({ analysis: a, books }) => ({
        ...a,
        rtpPercent: a.rtp.mulInt(100).toDecimal(6),
        maxWin: { ...a.maxWin, probability: a.maxWin.probability },
        books,
      })),
    });
  } else {
    process.stdout.write(
      `publication ${publication.id} (${publication.dir})\nmath hash ${publication.mathHash}\n`,
    );
    for (const { analysis, books } of results) {
      process.stdout.write(publicationModeText(analysis));
      if (books === null) process.stdout.write('  books: not checked (--no-books)\n');
      else if (books.consistent)
        process.stdout.write(`  books: ${books.booksRead} read, every payout equals its lookup-table row\n`);
      else {
        process.stdout.write(
          `  books: ${books.booksRead} read, ${books.problemCount} problem(s), ${books.missingBookCount} row(s) without a book: INCONSISTENT\n`,
        );
        for (const p of books.problems) {
          process.stdout.write(
            `    line ${p.line}: id ${p.id}: ${p.problem} (table ${p.tablePayout ?? 'none'}, book ${p.bookPayout})\n`,
          );
        }
        if (books.missingBookIds.length > 0)
          process.stdout.write(
            `    rows without a book: ids ${books.missingBookIds.join(', ')}${books.missingBookCount > books.missingBookIds.length ? ', …' : ''}\n`,
          );
      }
    }
  }
  const inconsistent = results
    .filter((r) => r.books !== null && !r.books.consistent)
    .map((r) => r.analysis.mode);
  if (inconsistent.length > 0) {
    throw new CliError(
      `${publication.id}: the books of mode(s) ${inconsistent.join(', ')} disagree with the lookup table`,
      EXIT_CHECK_FAILED,
    );
  }
}

/** `minRtp`: --min-rtp, parsed before this module was loaded (flags.ts). */
export function mathAction(target: string, options: MathOptions, minRtp: number | null): void {
  const input = gameInputOrThrow(target);
  if (input.kind === 'publication') publicationAction(input.publication, options, minRtp);
  else definitionAction(input.game, options, minRtp);
}
