/**
 * Validation of everything a certify run takes, before any long stage starts: game files (every
 * problem named with its file and JSON path), jurisdictions, the submission config file, the
 * optional load/chaos result files, the seed, the key file, and the RGS flags.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { validateServedPlan } from '../certification/index.ts';
import { DEMO_GAME_FILES, type Game, loadGame, validateGameDefinition } from '../games/index.ts';
import { findJurisdiction, type Jurisdiction } from './jurisdictions.ts';
import type { ProfileSizes } from './model.ts';
import { isProfileName, PROFILES, type ProfileName } from './profiles.ts';
import { CHAOS_FILE_KINDS, LOAD_FILE_KINDS } from './resilience.ts';

export interface CertifyRequest {
  /** Game definition files; empty: every demo game. */
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

export interface ValidatedRequest {
  readonly request: CertifyRequest;
  readonly profile: ProfileName;
  readonly sizes: ProfileSizes;
  readonly games: readonly ValidatedGame[];
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

function validateGames(files: readonly string[], problems: string[]): ValidatedGame[] {
  const out: ValidatedGame[] = [];
  const seen = new Map<string, string>();
  for (const given of files) {
    const file = resolve(given);
    const json = readJson(file, 'game file', problems);
    if (json === undefined) continue;
    const issues = validateGameDefinition(json);
    if (issues.length > 0) {
      for (const i of issues)
        problems.push(`game file ${given}: ${i.path ? `$.${i.path}` : '$'}: ${i.message} (${i.rule})`);
      continue;
    }
    const game = loadGame(json);
    const other = seen.get(game.definition.id);
    if (other !== undefined)
      problems.push(`game file ${given}: game id '${game.definition.id}' also in ${other}`);
    seen.set(game.definition.id, given);
    out.push({ file, game });
  }
  return out;
}

/** Checks every input; throws EvidenceInputError listing every problem (nothing has run yet). */
export function validateRequest(request: CertifyRequest): ValidatedRequest {
  const problems: string[] = [];
  if (!isProfileName(request.profile))
    problems.push(`--profile: unknown profile '${request.profile}' (quick, lab)`);
  const files = request.games.length > 0 ? request.games : Object.values(DEMO_GAME_FILES);
  const games = validateGames(files, problems);
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
  if (problems.length === 0 && isProfileName(request.profile)) {
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
  return { request, profile, sizes: PROFILES[profile], games, jurisdictions, config, load, chaos };
}
