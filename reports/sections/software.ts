/**
 * §1 Software identification: version, git commit and dirty flag, lockfile SHA-256, the SHA-256 of
 * every source file of rng/ and games/ and of every game file, and the machine it ran on.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { arch, cpus, platform, release } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Evidence } from '../model.ts';

/** The repository root (reports/ sits directly under it). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const HASHED_SOURCE_DIRS = ['rng', 'games'] as const;
/** Bound on files walked per folder (TIGER_STYLE: a bound on every loop). */
const MAX_FILES_PER_DIR = 10_000;

export const CROUPIER_VERSION: string = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

export function sha256OfFile(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export function sha256OfText(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

export function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.isFile()) out.push(path);
    if (out.length > MAX_FILES_PER_DIR)
      throw new RangeError(`more than ${MAX_FILES_PER_DIR} files under ${dir}`);
  }
}

export function hashFiles(paths: readonly string[], root: string) {
  return paths.map((path) => ({
    path: relative(root, path) || path,
    sha256: sha256OfFile(path),
    bytes: statSync(path).size,
  }));
}

/** The source files whose hashes identify the certified RNG and game math. */
export function sourceFileHashes() {
  const files: string[] = [];
  for (const dir of HASHED_SOURCE_DIRS) walk(join(REPO_ROOT, dir), files);
  const hashed = hashFiles(files, REPO_ROOT);
  const treeSha256 = sha256OfText(hashed.map((f) => `${f.sha256}  ${f.path}\n`).join(''));
  return { files: hashed, treeSha256 };
}

/** SHA-256 over the sorted "sha256  path" lines of the files under `dirs` that `keep` accepts. */
export function treeSha256(dirs: readonly string[], keep: (path: string) => boolean): string {
  const files: string[] = [];
  for (const dir of dirs) walk(join(REPO_ROOT, dir), files);
  const hashed = hashFiles(files.filter(keep), REPO_ROOT);
  return sha256OfText(hashed.map((f) => `${f.sha256}  ${f.path}\n`).join(''));
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

export function softwareIdentification(gameFiles: readonly string[]): Evidence['software'] {
  const sources = sourceFileHashes();
  const commit = git(['rev-parse', 'HEAD']);
  const status = commit === null ? null : git(['status', '--porcelain', '--untracked-files=no']);
  const lockfile = join(REPO_ROOT, 'package-lock.json');
  const cpuList = cpus();
  return {
    croupierVersion: CROUPIER_VERSION,
    git: {
      commit,
      dirty: status === null ? null : status.length > 0,
      branch: commit === null ? null : git(['rev-parse', '--abbrev-ref', 'HEAD']),
    },
    lockfileSha256: existsSync(lockfile) ? sha256OfFile(lockfile) : null,
    sourceFiles: sources.files,
    sourceTreeSha256: sources.treeSha256,
    gameFiles: hashFiles(gameFiles, REPO_ROOT),
    runtime: {
      node: process.version,
      platform: platform(),
      osRelease: release(),
      arch: arch(),
      cpuModel: cpuList[0]?.model ?? 'unknown',
      cpuCount: cpuList.length,
    },
  };
}
