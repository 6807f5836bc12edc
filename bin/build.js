#!/usr/bin/env node
// Compiles the TypeScript sources ahead of time into dist/ (one .js file per .ts file, same layout),
// so that `croupier` starts without compiling anything (issue 12: `--version` under 0.3 s instead of
// ~1.3 s through tsx). Run by `npm run build` and by `prepare` (so `npm ci` builds).
//
// Why esbuild file by file and not a bundle: the code finds its workers, migrations, demo games and
// package.json relative to `import.meta.url`; a 1:1 layout keeps every such path valid, and the
// non-TypeScript files beside the sources are copied alongside. esbuild only strips types (tsc
// checks them in `npm run typecheck`), so a build takes well under a second.
//
// Staleness: dist/BUILD-STAMP.json records when the build started. bin/croupier.js uses dist/ only
// when no source file is newer than that (see bin/freshness.js); otherwise it runs the sources
// through tsx, so an edit is never hidden behind an old build.
import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildStamp, listSourceFiles, REPO_ROOT, STAMP_FILE } from './freshness.js';

/**
 * Relative module specifiers name the `.ts` file (DEVELOPERS.md); compiled, they name the `.js`.
 * Only quoted specifiers after `from`, `import(` and `new URL(` are touched.
 */
const TS_SPECIFIER = /((?:\bfrom|\bimport\(|\bnew URL\()\s*)(["'])(\.{1,2}\/[^"'\n]*?)\.ts\2/g;

export function rewriteSpecifiers(code) {
  return code.replace(TS_SPECIFIER, (_match, lead, quote, stem) => `${lead}${quote}${stem}.js${quote}`);
}

/** Compiles `root`'s parts into `distDir`; returns a process exit code. */
export async function build({ root = REPO_ROOT, distDir = join(root, 'dist'), quiet = false } = {}) {
  const startedAtMs = Date.now();
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    process.stderr.write('croupier build: esbuild is not installed: run npm ci\n');
    return 2;
  }
  const files = listSourceFiles(root);
  // Written beside, then swapped in: a CLI starting meanwhile sees the old build or the new one.
  const workDir = `${distDir}.building-${process.pid}`;
  rmSync(workDir, { recursive: true, force: true });
  const typescript = files.filter((file) => file.endsWith('.ts'));
  const result = await esbuild.build({
    entryPoints: typescript,
    outdir: workDir,
    outbase: root,
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    write: false,
    logLevel: 'error',
  });
  for (const output of result.outputFiles) {
    mkdirSync(dirname(output.path), { recursive: true });
    writeFileSync(output.path, rewriteSpecifiers(output.text));
  }
  const compiledStems = new Set(typescript.map((file) => file.slice(0, -'.ts'.length)));
  for (const file of files.filter((name) => !name.endsWith('.ts'))) {
    const target = join(workDir, relative(root, file));
    mkdirSync(dirname(target), { recursive: true });
    if (!file.endsWith('.js')) {
      copyFileSync(file, target);
    } else if (!compiledStems.has(file.slice(0, -'.js'.length))) {
      // A worker bootstrap (it registers tsx, then imports its `.ts` worker, compiled `.js`).
      writeFileSync(target, rewriteSpecifiers(readFileSync(file, 'utf8')));
    }
    // else: a bootstrap named like its worker (runner-worker.js beside runner-worker.ts). Compiled,
    // the worker itself has that name and needs no loader, so the bootstrap is left out.
  }
  writeFileSync(join(workDir, STAMP_FILE), `${JSON.stringify(buildStamp(startedAtMs, files.length))}\n`);
  rmSync(distDir, { recursive: true, force: true });
  renameSync(workDir, distDir);
  if (!quiet) {
    const took = `${typescript.length} TypeScript files into ${relative(root, distDir)}/ in ${Date.now() - startedAtMs} ms`;
    process.stdout.write(`croupier build: ${took}\n`);
  }
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await build();
}
