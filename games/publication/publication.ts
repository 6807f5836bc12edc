/**
 * A Stake Engine math-sdk publication: a folder with `index.json`
 * (`{"modes": [{"name", "cost", "events", "weights"}]}`), per mode a lookup table (CSV) and a books
 * file (zstd JSON lines). Format: Stake Engine math-sdk docs, `docs/rgs_docs/data_format.md`;
 * summarised in test/fixtures/publications/SOURCE.md.
 *
 * Loading checks index.json, that every named file exists, and reads every lookup table (so a
 * malformed CSV stops a server at start, with the file and line); the books are read when needed
 * (math's consistency check, the RGS's events), streaming.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, normalize, resolve } from 'node:path';
import { z } from 'zod';
import { GameFileError, readJsonFile } from '../json-file.ts';
import { formatPath } from '../validate.ts';
import { type LookupTable, LookupTableError, readLookupTable } from './lookup-table.ts';

export const PUBLICATION_INDEX = 'index.json';

const FileName = z
  .string()
  .min(1)
  .max(500)
  .refine(
    (name) => !isAbsolute(name) && !normalize(name).startsWith('..'),
    'must be a file inside the publication folder',
  );

export const PublicationIndexSchema = z
  .object({
    modes: z
      .array(
        z
          .object({
            name: z
              .string()
              .regex(
                /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
                'must be 1-64 letters, digits, _ . - (starting with a letter or digit)',
              )
              .describe('Bet mode name, e.g. "base", "bonus".'),
            cost: z
              .number()
              .positive('must be > 0')
              .max(1_000_000)
              .describe(
                'Price of the mode in base bets (1.0 for the base game, e.g. 100.0 for a bonus buy).',
              ),
            events: FileName.describe('The books file: zstd-compressed JSON lines.'),
            weights: FileName.describe(
              'The lookup table: CSV rows "simulation id, weight, payout multiplier ×100".',
            ),
          })
          .passthrough(),
      )
      .min(1, 'a publication has at least one mode'),
  })
  .passthrough();

/** A positive decimal as an exact fraction (the JSON number's shortest decimal form). */
export interface ExactCost {
  readonly numerator: bigint;
  readonly denominator: bigint;
  readonly text: string;
}

export interface PublicationMode {
  readonly name: string;
  readonly cost: ExactCost;
  readonly eventsPath: string;
  readonly weightsPath: string;
  readonly table: LookupTable;
}

export interface Publication {
  readonly dir: string;
  /** The folder's name, used as the game id. */
  readonly id: string;
  readonly modes: readonly PublicationMode[];
  /** SHA-256 over index.json, every lookup table and every books file (their bytes). */
  readonly mathHash: string;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** The exact value of a JSON number as written in shortest form: 2.5 -> 5/2, 100 -> 100/1. */
export function exactCost(cost: number): ExactCost {
  const text = String(cost);
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(text);
  if (match === null) throw new RangeError(`cost ${text} is not a positive decimal`);
  const decimals = match[2] ?? '';
  const exponent = Number(match[3] ?? '0') - decimals.length;
  let numerator = BigInt(match[1]! + decimals);
  let denominator = 1n;
  if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
  else denominator = 10n ** BigInt(-exponent);
  const g = gcd(numerator, denominator);
  return { numerator: numerator / g, denominator: denominator / g, text };
}

function hashFileInto(hash: ReturnType<typeof createHash>, path: string): void {
  const fd = openSync(path, 'r');
  try {
    const buffer = new Uint8Array(1 << 20);
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer))
      hash.update(buffer.subarray(0, read));
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads and checks a publication folder: GameFileError naming the folder and every problem.
 * `hashFiles: false` skips the math hash (empty string): worker threads get it from the caller.
 */
export function loadPublication(dir: string, options: { readonly hashFiles?: boolean } = {}): Publication {
  const hashFiles = options.hashFiles ?? true;
  const indexPath = join(dir, PUBLICATION_INDEX);
  const parsed = PublicationIndexSchema.safeParse(readJsonFile(indexPath));
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${formatPath(issue.path) || '(root)'}: ${issue.message}`,
    );
    throw new GameFileError(indexPath, problems, 'invalid publication index');
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  parsed.data.modes.forEach((mode, i) => {
    if (seen.has(mode.name)) problems.push(`modes[${i}].name: duplicate mode "${mode.name}"`);
    seen.add(mode.name);
    for (const field of ['events', 'weights'] as const) {
      const path = join(dir, mode[field]);
      if (!existsSync(path) || !statSync(path).isFile())
        problems.push(`modes[${i}].${field}: missing file ${mode[field]}`);
    }
  });
  if (problems.length > 0) throw new GameFileError(indexPath, problems, 'invalid publication');
  const modes: PublicationMode[] = [];
  const hash = createHash('sha256');
  if (hashFiles) hashFileInto(hash, indexPath);
  for (const mode of parsed.data.modes) {
    const weightsPath = join(dir, mode.weights);
    const eventsPath = join(dir, mode.events);
    let table: LookupTable;
    try {
      table = readLookupTable(weightsPath);
    } catch (error) {
      if (error instanceof LookupTableError) problems.push(error.message);
      else throw error;
      continue;
    }
    if (hashFiles) {
      hashFileInto(hash, weightsPath);
      hashFileInto(hash, eventsPath);
    }
    modes.push({ name: mode.name, cost: exactCost(mode.cost), eventsPath, weightsPath, table });
  }
  if (problems.length > 0) throw new GameFileError(dir, problems, 'invalid publication');
  const id =
    basename(resolve(dir))
      .replace(/[^A-Za-z0-9_.-]/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '') || 'publication';
  return { dir, id, modes, mathHash: hashFiles ? hash.digest('hex') : '' };
}
