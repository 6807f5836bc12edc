// Which files the ahead-of-time build compiles, and whether dist/ is still current. Plain
// JavaScript with no dependencies: bin/croupier.js runs it before anything else is loaded.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const STAMP_FILE = 'BUILD-STAMP.json';

/**
 * The parts compiled into dist/ (the folders that exist). A new top-level part must be added here:
 * bin/build.test.ts fails while a folder holding an index.ts is missing.
 */
export const SOURCE_DIRS = [
  'rng',
  'games',
  'sim',
  'certification',
  'rgs',
  'charts',
  'load',
  'chaos',
  'reports',
  'cli',
];
/** Test code is never compiled: vitest runs it from source. */
const SKIPPED = /\.test\.ts$|\.test-support\.ts$|\.md$/;
/** A bound on the walk, so a stray symlink loop or a huge data folder cannot hang the start. */
const MAX_FILES = 20_000;

/** Every file the build reads: the parts' sources and assets, and package.json (the version). */
export function listSourceFiles(root = REPO_ROOT) {
  const files = [join(root, 'package.json')];
  const pending = SOURCE_DIRS.map((dir) => join(root, dir)).filter((dir) => existsSync(dir));
  while (pending.length > 0) {
    const dir = pending.pop();
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      // Concatenation, not path.join: this walk runs at every start (~160 files) and join's
      // normalisation was a tenth of `croupier --version`.
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') pending.push(path);
      } else if (entry.isFile() && !SKIPPED.test(entry.name)) {
        files.push(path);
      }
      if (files.length > MAX_FILES) throw new Error(`more than ${MAX_FILES} source files under ${root}`);
    }
  }
  return files.sort();
}

export function buildStamp(startedAtMs, fileCount) {
  return { startedAtMs, fileCount, node: process.version };
}

/**
 * The compiled entry point when dist/ is current, else null. Current means: dist/ was built after
 * the last change to every source file (mtime older than the build's start) and from the same set
 * of files (a deleted or added file changes the count).
 */
export function freshBuild(entry, { root = REPO_ROOT, distDir = join(root, 'dist') } = {}) {
  const compiled = join(distDir, entry);
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(distDir, STAMP_FILE), 'utf8'));
  } catch {
    return null;
  }
  if (!existsSync(compiled) || typeof stamp.startedAtMs !== 'number') return null;
  const files = listSourceFiles(root);
  if (files.length !== stamp.fileCount) return null;
  for (const file of files) {
    if (statSync(file).mtimeMs >= stamp.startedAtMs) return null;
  }
  return compiled;
}
