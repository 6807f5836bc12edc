/**
 * `croupier game validate FILE...`: checks game definitions (and math-sdk publication folders) the
 * way an author needs: every problem of every file, each with its JSON path (JSON syntax errors with
 * line and column); for a valid definition, the exact RTP of each mode against its declared RTP,
 * and warnings for an RTP above 100% or below the jurisdiction's minimum (--min-rtp).
 * Exit 0 when every file is valid and every declaration matches, 1 otherwise.
 * This is the command's work, loaded only when it runs; its flags are in game-command.ts.
 */
import {
  checkDeclaredRtp,
  GameFileError,
  type GameInput,
  gameJsonSchema,
  loadGameInput,
  rtpWarnings,
} from '../games/index.ts';
import {
  analyzeGame,
  analyzePublicationMode,
  CapDpWorkLimitError,
  DEFAULT_MAX_CAP_DP_WORK,
  EnumerationTooLargeError,
  ExactAnalysisUnsupportedError,
} from '../sim/exact/index.ts';
import { CliError, EXIT_CHECK_FAILED } from './errors.ts';
import { resolveGamePath } from './game-input.ts';
import { printJson } from './output.ts';

export interface ValidateOptions {
  minRtp?: string;
  rtp?: boolean;
  json?: boolean;
}

interface FileReport {
  readonly file: string;
  readonly valid: boolean;
  readonly problems: readonly string[];
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
}

/** Exact RTP per mode of a valid definition, declared against exact, and warnings. */
function definitionRtpReport(input: Extract<GameInput, { kind: 'definition' }>, minRtp: number | null) {
  const def = input.game.definition;
  const notes: string[] = [];
  const warnings: string[] = [];
  const problems: string[] = [];
  const weighted =
    def.type === 'reels' && Object.values(def.reelSets).some((set) => set.reels.some((r) => r.weights));
  for (const mode of def.modes) {
    let rtp: { num: bigint; den: bigint; value: number };
    try {
      const analysis = analyzeGame(input.game, mode.id, { maxDpWork: DEFAULT_MAX_CAP_DP_WORK });
      rtp = { num: analysis.rtp.num, den: analysis.rtp.den, value: analysis.rtp.toNumber() };
    } catch (error) {
      if (
        error instanceof ExactAnalysisUnsupportedError ||
        error instanceof EnumerationTooLargeError ||
        error instanceof CapDpWorkLimitError
      ) {
        notes.push(
          `mode ${mode.id}: exact RTP not computed (${error.message}); simulate it with croupier sim`,
        );
        continue;
      }
      throw error;
    }
    const exactText = `${(rtp.value * 100).toFixed(4)}%`;
    if (mode.declaredRtp === undefined) {
      notes.push(`mode ${mode.id}: exact RTP ${exactText}; no declaredRtp`);
    } else {
      const check = checkDeclaredRtp(mode.declaredRtp, rtp.num, rtp.den);
      if (check.matches)
        notes.push(`mode ${mode.id}: exact RTP ${exactText}, declared ${check.declared}%: match`);
      else
        problems.push(
          `modes[${def.modes.indexOf(mode)}].declaredRtp: declared ${check.declared}% but the exact RTP ${rtp.num}/${rtp.den} rounds to ${check.exactRounded}% (declared-rtp-mismatch)`,
        );
    }
    warnings.push(...rtpWarnings(rtp.value * 100, minRtp, `mode ${mode.id}`, weighted));
  }
  return { notes, warnings, problems };
}

function validateOne(file: string, options: ValidateOptions, minRtp: number | null): FileReport {
  let input: GameInput;
  try {
    input = loadGameInput(resolveGamePath(file));
  } catch (error) {
    if (!(error instanceof GameFileError)) throw error;
    return { file, valid: false, problems: error.problems, notes: [], warnings: [] };
  }
  if (input.kind === 'publication') {
    const { publication } = input;
    const notes = [`math-sdk publication, modes ${publication.modes.map((m) => m.name).join(', ')}`];
    const warnings: string[] = [];
    for (const mode of publication.modes) {
      const analysis = analyzePublicationMode(mode);
      notes.push(
        `mode ${mode.name}: ${mode.table.rows} rows, exact RTP ${analysis.rtp.mulInt(100).toDecimal(4)}% (books: croupier math checks them)`,
      );
      warnings.push(...rtpWarnings(analysis.rtp.toNumber() * 100, minRtp, `mode ${mode.name}`));
    }
    return { file, valid: true, problems: [], notes, warnings };
  }
  const def = input.game.definition;
  const head = `${def.type} game "${def.id}", ${def.modes.length} mode(s), math hash ${input.game.mathHash.slice(0, 16)}`;
  if (options.rtp === false) return { file, valid: true, problems: [], notes: [head], warnings: [] };
  const rtp = definitionRtpReport(input, minRtp);
  return {
    file,
    valid: rtp.problems.length === 0,
    problems: rtp.problems,
    notes: [head, ...rtp.notes],
    warnings: rtp.warnings,
  };
}

function printReport(report: FileReport): void {
  const lines = [
    report.valid ? `${report.file}: OK` : `${report.file}: ${report.problems.length} problem(s)`,
    ...report.problems.map((p) => `  ${p}`),
    ...report.notes.map((n) => `  ${n}`),
    ...report.warnings.map((w) => `  warning: ${w}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** `minRtp`: --min-rtp, parsed before this module was loaded (flags.ts). */
export function validateAction(
  files: readonly string[],
  options: ValidateOptions,
  minRtp: number | null,
): void {
  const reports = files.map((file) => validateOne(file, options, minRtp));
  if (options.json) printJson({ files: reports, valid: reports.every((r) => r.valid) });
  else reports.forEach(printReport);
  const invalid = reports.filter((r) => !r.valid).length;
  if (invalid > 0)
    throw new CliError(`${invalid} of ${reports.length} file(s) have problems`, EXIT_CHECK_FAILED);
}

export function schemaAction(): void {
  printJson(gameJsonSchema());
}
