/**
 * The ahead-of-time build (bin/build.js) and the start-up choice (bin/croupier.js,
 * bin/freshness.js): the compiled CLI and its worker threads work, a source edited after the build
 * is never run from the stale build, and a missing node_modules gets one line, not a stack trace.
 * Builds go to private folders, never to the repository's dist/ (other tests may be running it).
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../test/support/paths.ts';
// @ts-expect-error: plain JavaScript module without type declarations (it runs before any loader)
import { build, rewriteSpecifiers } from './build.js';
// @ts-expect-error: as above
import { freshBuild, SOURCE_DIRS } from './freshness.js';

const cleanups: string[] = [];
afterAll(() => {
  for (const dir of cleanups) rmSync(dir, { recursive: true, force: true });
});

describe('rewriteSpecifiers', () => {
  it('renames relative .ts specifiers after from, import( and new URL( only', () => {
    const code = [
      'import { a } from "./a.ts";',
      "export * from '../b/c.ts';",
      'const m = await import("./d.ts");',
      'const u = new URL("./w.ts", import.meta.url);',
      'const text = "see ./notes.ts";',
      'import x from "pkg/x.ts";',
    ].join('\n');
    expect(rewriteSpecifiers(code)).toBe(
      [
        'import { a } from "./a.js";',
        "export * from '../b/c.js';",
        'const m = await import("./d.js");',
        'const u = new URL("./w.js", import.meta.url);',
        'const text = "see ./notes.ts";',
        'import x from "pkg/x.ts";',
      ].join('\n'),
    );
  });
});

describe('the parts the build compiles', () => {
  it('include every top-level part (a folder with an index.ts), except the benchmarks', () => {
    const parts = readdirSync(REPO_ROOT, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(REPO_ROOT, entry.name, 'index.ts')))
      .map((entry) => entry.name)
      .filter((name) => name !== 'bench');
    expect(parts).toContain('rng');
    expect(parts.filter((name) => !SOURCE_DIRS.includes(name))).toEqual([]);
  });
});

describe('freshBuild', () => {
  function tinyRepo(): string {
    const root = mkdtempSync(join(tmpdir(), 'croupier-build-'));
    cleanups.push(root);
    writeFileSync(join(root, 'package.json'), '{"type":"module","version":"9.9.9"}\n');
    mkdirSync(join(root, 'cli'));
    writeFileSync(
      join(root, 'cli/main.ts'),
      "import { n } from './n.ts';\nexport const main = (): number => n;\n",
    );
    writeFileSync(join(root, 'cli/n.ts'), 'export const n: number = 7;\n');
    writeFileSync(join(root, 'cli/n.test.ts'), 'this is never compiled');
    return root;
  }

  it('uses a build newer than every source, and never one older than an edit or from another file set', async () => {
    const root = tinyRepo();
    expect(freshBuild('cli/main.js', { root })).toBeNull();
    expect(await build({ root, quiet: true })).toBe(0);
    const compiled = freshBuild('cli/main.js', { root });
    expect(compiled).toBe(join(root, 'dist/cli/main.js'));
    const module = (await import(pathToFileURL(compiled).href)) as { main(): number };
    expect(module.main()).toBe(7);

    // Negative controls: an edit after the build, then a new file, each make the build stale.
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'cli/n.ts'), later, later);
    expect(freshBuild('cli/main.js', { root })).toBeNull();
    expect(await build({ root, quiet: true })).toBe(0);
    // The rebuild started before that future mtime, so it is stale too: bring the file back.
    const earlier = new Date(Date.now() - 60_000);
    utimesSync(join(root, 'cli/n.ts'), earlier, earlier);
    expect(freshBuild('cli/main.js', { root })).not.toBeNull();
    writeFileSync(join(root, 'cli/extra.ts'), 'export {};\n');
    utimesSync(join(root, 'cli/extra.ts'), earlier, earlier);
    expect(freshBuild('cli/main.js', { root })).toBeNull();
  });
});

describe('the compiled CLI', () => {
  // Inside node_modules, so that the compiled files resolve the installed packages.
  const distDir = join(REPO_ROOT, 'node_modules/.cache', `croupier-build-test-${process.pid}`);
  cleanups.push(distDir);

  /** Runs the compiled main() through a script file (a worker thread inherits -e's flags and fails). */
  function runCompiled(args: readonly string[]) {
    const runner = join(distDir, 'run-main.mjs');
    writeFileSync(
      runner,
      "const { main } = await import('./cli/main.js');\nprocess.exitCode = await main(process.argv);\n",
    );
    return spawnSync(process.execPath, [runner, ...args], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
  }

  it('runs commands whose work happens on worker threads (sim, rng test)', async () => {
    expect(await build({ distDir, quiet: true })).toBe(0);
    const version = runCompiled(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);

    const sim = runCompiled([
      'sim',
      'games/demo/classic-sevens.json',
      '--spins',
      '20000',
      '--chunk-size',
      '5000',
      '--seed',
      '7',
      '--workers',
      '2',
      '--json',
    ]);
    expect(sim.stderr).not.toMatch(/worker exited/);
    expect(sim.status).toBe(0);
    const summary = JSON.parse(sim.stdout) as { spinsRun: number; workers: number };
    expect(summary).toMatchObject({ spinsRun: 20_000, workers: 2 });

    // A publication's kernel is loaded in each worker by module URL (rewritten to .js when compiled).
    const publication = runCompiled([
      'sim',
      join(REPO_ROOT, 'test/fixtures/publications/tiny-dice'),
      '--spins',
      '20000',
      '--chunk-size',
      '5000',
      '--seed',
      '0x2a',
      '--workers',
      '2',
      '--json',
    ]);
    expect(publication.stderr).not.toMatch(/worker exited/);
    expect(publication.status).toBe(0);
    expect(JSON.parse(publication.stdout)).toMatchObject({
      gameId: 'tiny-dice',
      spinsRun: 20_000,
      workers: 2,
    });

    const battery = runCompiled([
      'rng',
      'test',
      '--battery',
      'gli',
      '--generator',
      'hmac-drbg',
      '--seed',
      '00',
      '--sequences',
      '2',
      '--bits',
      '20000',
      '--workers',
      '2',
    ]);
    expect(battery.stderr).not.toMatch(/worker exited/);
    expect(battery.stdout).toMatch(/GLI-style battery/);
  });
});

describe('bin/croupier.js without node_modules', () => {
  it('says "run npm ci" in one line', () => {
    const root = mkdtempSync(join(tmpdir(), 'croupier-noinstall-'));
    cleanups.push(root);
    mkdirSync(join(root, 'bin'));
    for (const file of ['croupier.js', 'freshness.js'])
      copyFileSync(join(REPO_ROOT, 'bin', file), join(root, 'bin', file));
    writeFileSync(join(root, 'package.json'), '{"type":"module","version":"0.0.0"}\n');
    const result = spawnSync(process.execPath, [join(root, 'bin/croupier.js'), '--version'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/run npm ci/);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});
