/**
 * Validation of everything a certify run takes, before any long stage starts: game files (every
 * problem named with its file and JSON path), jurisdictions, the submission config file, the
 * optional load/chaos result files, the seed, the key file, and the RGS flags.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { z } from 'zod';
import { validateServedPlan } from '../certification/index.ts';
import {
  BooksError,
  DEMO_GAME_FILES,
  type Game,
  GameFileError,
  isPublicationPath,
  loadGame,
  loadPublication,
  PUBLICATION_INDEX,
  type Publication,
  validateGameDefinition,
} from '../games/index.ts';
import { type BookMismatch, checkBooksConsistency } from '../sim/index.ts';
import { findJurisdiction, type Jurisdiction } from './jurisdictions.ts';
import type { ProfileSizes } from './model.ts';
import { isProfileName, PROFILES, type ProfileName } from './profiles.ts';
import { CHAOS_FILE_KINDS, LOAD_FILE_KINDS } from './resilience.ts';

export interface CertifyRequest {
  /** Game definition files and math-sdk publication folders; empty: every demo game. */
  readonly games: readonly string[];
  readonly profile: string;
  readonly jurisdictions: readonly string[];
  readonly seedHex?: string;
  readonly rgsUrl?: string;
  readonly operatorToken?: string;
  /** Skip §6/§7 (no RGS at all): recorded as not run. */
  readonly noRgs?: boolean;
  readonly keyFile?: string;
  readonly configFile?: string;
  readonly loadFile?: string;
  readonly chaosFile?: string;
  readonly outDir: string;
  /** `--out` as typed (the rerun line repeats it, not this machine's absolute path). */
  readonly outArg?: string;
  readonly workers: number;
  /** The exact command line, for the record. */
  readonly argv: readonly string[];
}

/** Bad input the user must fix: every problem, one per line, each naming its file or flag. */
export class EvidenceInputError extends Error {
  readonly code = 'evidence-input';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.length === 1 ? problems[0]! : `${problems.length} problems:\n  ${problems.join('\n  ')}`);
    this.name = 'EvidenceInputError';
    this.problems = problems;
  }
}

export const SubmissionConfigSchema = z
  .object({
    product: z.string().min(1).optional(),
    submitter: z.record(z.string(), z.string()).default({}),
    declaredRtp: z
      .record(z.string(), z.record(z.string(), z.number().min(0).max(10)))
      .default({})
      .describe('declared RTP per game id and mode, as a fraction (0.96)'),
  })
  .strict();
export type SubmissionConfig = z.infer<typeof SubmissionConfigSchema>;

/** The load and chaos files, up front: an object naming what it is (§8 reads the rest, resilience.ts). */
const loadFileSchema = z
  .object({
    kind: z.enum(LOAD_FILE_KINDS, {
      error: 'not a croupier load result (croupier load run --out) or its evidence (croupier load report)',
    }),
  })
  .passthrough();
const chaosFileSchema = z
  .object({
    kind: z.enum(CHAOS_FILE_KINDS, { error: 'not a croupier chaos drill result (croupier chaos run --out)' }),
  })
  .passthrough();

export interface ValidatedGame {
  readonly file: string;
  readonly game: Game;
}

/** A Stake Engine math-sdk publication folder (index.json, lookup tables, books), checked whole. */
export interface ValidatedPublication {
  /** The folder, absolute. */
  readonly dir: string;
  /** As given on the command line. */
  readonly given: string;
  readonly publication: Publication;
}

export interface ValidatedRequest {
  readonly request: CertifyRequest;
  readonly profile: ProfileName;
  readonly sizes: ProfileSizes;
  /** Game definitions (the served-path batteries and the evaluator). */
  readonly games: readonly ValidatedGame[];
  readonly publications: readonly ValidatedPublication[];
  readonly jurisdictions: readonly Jurisdiction[];
  readonly config: SubmissionConfig;
  readonly load: Record<string, unknown> | null;
  readonly chaos: Record<string, unknown> | null;
}

function readJson(path: string, what: string, problems: string[]): unknown {
  if (!existsSync(path)) {
    problems.push(`${what} ${path}: file not found`);
    return undefined;
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    problems.push(`${what} ${path}: not valid JSON (${(error as Error).message})`);
    return undefined;
  }
}

function zodProblems(file: string, error: z.ZodError): string[] {
  return error.issues.map((i) => `${file}: ${i.path.length ? `$.${i.path.join('.')}` : '$'}: ${i.message}`);
}

/**
 * A publication folder: index.json, every lookup table (GameFileError names the file and line), and
 * every book against its row (the RGS refuses books that pay otherwise, so they are refused here
 * first, each problem with the books file and its line).
 */
function validatePublication(given: string, problems: string[]): ValidatedPublication | null {
  let publication: Publication;
  try {
    publication = loadPublication(resolve(given));
  } catch (error) {
    if (!(error instanceof GameFileError)) throw error;
    // Index problems name a field of index.json; lookup-table problems carry their file and line.
    const where = error.file.endsWith(PUBLICATION_INDEX) ? `${PUBLICATION_INDEX}: ` : '';
    problems.push(...error.problems.map((p) => `publication ${given}: ${where}${p}`));
    return null;
  }
  const before = problems.length;
  for (const mode of publication.modes) {
    const books = relative(process.cwd(), mode.eventsPath) || mode.eventsPath;
    try {
      const check = checkBooksConsistency(mode);
      for (const p of check.problems) problems.push(`${books}, book line ${p.line}: ${bookProblem(p)}`);
      if (check.problemCount > check.problems.length)
        problems.push(`${books}: and ${check.problemCount - check.problems.length} more book problem(s)`);
      if (check.missingBookCount > 0)
        problems.push(
          `${books}: ${check.missingBookCount} lookup-table row(s) of mode ${mode.name} have no book (ids ${check.missingBookIds.join(', ')}${check.missingBookCount > check.missingBookIds.length ? ', …' : ''})`,
        );
    } catch (error) {
      if (!(error instanceof BooksError)) throw error;
      problems.push(error.message);
    }
  }
  return problems.length === before ? { dir: resolve(given), given, publication } : null;
}

function bookProblem(p: BookMismatch): string {
  switch (p.problem) {
    case 'payout-differs':
      return `book id ${p.id} pays payoutMultiplier ${p.bookPayout}, its lookup-table row ${p.tablePayout}`;
    case 'id-not-in-table':
      return `book id ${p.id} has no lookup-table row`;
    case 'duplicate-book':
      return `book id ${p.id} appears twice`;
    case 'final-win-differs':
      return `book id ${p.id}: its closing finalWin amount differs from its payoutMultiplier ${p.bookPayout}`;
  }
}

function validateGames(
  files: readonly string[],
  problems: string[],
): { games: ValidatedGame[]; publications: ValidatedPublication[] } {
  const out: ValidatedGame[] = [];
  const publications: ValidatedPublication[] = [];
  const seen = new Map<string, string>();
  const claim = (id: string, given: string, what: string) => {
    const other = seen.get(id);
    if (other !== undefined) problems.push(`${what} ${given}: game id '${id}' also in ${other}`);
    seen.set(id, given);
  };
  for (const named of files) {
    // A publication's index.json stands for its folder.
    const given =
      basename(named) === PUBLICATION_INDEX && isPublicationPath(dirname(resolve(named)))
        ? dirname(named)
        : named;
    const file = resolve(given);
    if (isPublicationPath(file)) {
      const validated = validatePublication(given, problems);
      if (validated !== null) {
        claim(validated.publication.id, given, 'publication');
        publications.push(validated);
      }
      continue;
    }
    if (existsSync(file) && statSync(file).isDirectory()) {
      problems.push(
        `game folder ${given}: no index.json in it (a math-sdk publication is a folder with index.json; a game definition is a .json file)`,
      );
      continue;
    }
    const json = readJson(file, 'game file', problems);
    if (json === undefined) continue;
    const issues = validateGameDefinition(json);
    if (issues.length > 0) {
      for (const i of issues)
        problems.push(`game file ${given}: ${i.path ? `$.${i.path}` : '$'}: ${i.message} (${i.rule})`);
      continue;
    }
    const game = loadGame(json);
    claim(game.definition.id, given, 'game file');
    out.push({ file, game });
  }
  return { games: out, publications };
}

/** Checks every input; throws EvidenceInputError listing every problem (nothing has run yet). */
export function validateRequest(request: CertifyRequest): ValidatedRequest {
  const problems: string[] = [];
  if (!isProfileName(request.profile))
    problems.push(`--profile: unknown profile '${request.profile}' (quick, lab)`);
  const files = request.games.length > 0 ? request.games : Object.values(DEMO_GAME_FILES);
  const { games, publications } = validateGames(files, problems);
  const jurisdictions: Jurisdiction[] = [];
  for (const id of request.jurisdictions) {
    const j = findJurisdiction(id);
    if (j === undefined) problems.push(`--jurisdiction: unknown jurisdiction '${id}'`);
    else jurisdictions.push(j);
  }
  if (request.seedHex !== undefined && !/^([0-9a-f]{2}){1,64}$/i.test(request.seedHex))
    problems.push(`--seed: must be an even number of hex digits (2 to 128), got '${request.seedHex}'`);
  if (request.rgsUrl !== undefined) {
    if (!/^https?:\/\/[^/\s]+/.test(request.rgsUrl))
      problems.push(`--rgs-url: not an http(s) URL: '${request.rgsUrl}'`);
    if (request.operatorToken === undefined)
      problems.push('--rgs-url needs --operator-token (croupier rgs token)');
  }
  if (request.keyFile !== undefined && !existsSync(request.keyFile))
    problems.push(`--key ${request.keyFile}: file not found`);
  if (!Number.isSafeInteger(request.workers) || request.workers < 0 || request.workers > 256)
    problems.push(`--workers: must be an integer in [0, 256], got ${request.workers}`);
  let config: SubmissionConfig = { submitter: {}, declaredRtp: {} };
  if (request.configFile !== undefined) {
    const json = readJson(request.configFile, 'config file', problems);
    if (json !== undefined) {
      const parsed = SubmissionConfigSchema.safeParse(json);
      if (parsed.success) config = parsed.data;
      else problems.push(...zodProblems(`config file ${request.configFile}`, parsed.error));
    }
  }
  const resultFile = (path: string | undefined, what: string, schema: z.ZodType<Record<string, unknown>>) => {
    if (path === undefined) return null;
    const json = readJson(path, what, problems);
    if (json === undefined) return null;
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      problems.push(...zodProblems(`${what} ${path}`, parsed.error));
      return null;
    }
    return parsed.data as Record<string, unknown>;
  };
  if (problems.length === 0 && isProfileName(request.profile) && games.length > 0) {
    // The served-path batteries check their own plan (sizes, games) the same way, before any run.
    const sizes = PROFILES[request.profile];
    try {
      validateServedPlan({
        games: games.map((g) => g.file),
        seedHex: '00',
        nist: { sequences: sizes.nistSequences, bitsPerSequence: sizes.nistBits },
        gli: { sequences: sizes.gliSequences, drawsPerSequence: sizes.gliDraws },
        workers: Math.min(request.workers, 1),
      });
    } catch (error) {
      problems.push(`served-path batteries: ${(error as Error).message}`);
    }
  }
  const load = resultFile(request.loadFile, '--load', loadFileSchema);
  const chaos = resultFile(request.chaosFile, '--chaos', chaosFileSchema);
  if (problems.length > 0) throw new EvidenceInputError(problems);
  const profile = request.profile as ProfileName;
  return {
    request,
    profile,
    sizes: PROFILES[profile],
    games,
    publications,
    jurisdictions,
    config,
    load,
    chaos,
  };
}
