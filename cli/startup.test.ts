/**
 * Issue 12 §3, any command starts in under 0.3 s: the help of every command, and a bad flag, must not
 * load the parts the command works with (zod, fastify, PGlite, echarts, playwright…), only commander,
 * our cli/ files and the parts' names.ts. Observed with a module-load hook on the real entry point
 * (the time itself is measured in `npm run bench -- --only cli`, not here). Negative control: a
 * command that does its work is seen loading its part and zod.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../test/support/paths.ts';
import { buildProgram } from './main.ts';

/** The TypeScript loader that runs the sources (bin/croupier.js with CROUPIER_FROM_SOURCE=1), and ours. */
const ALLOWED_PACKAGES = new Set(['commander', 'tsx', 'esbuild', 'get-tsconfig', 'resolve-pkg-maps']);

const scratch = mkdtempSync(join(tmpdir(), 'croupier-startup-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The modules one command line loads: repository paths, and `pkg:NAME` for a dependency. */
function modulesLoaded(args: readonly string[], run: number): { status: number | null; modules: string[] } {
  const log = join(scratch, `modules-${run}.txt`);
  const result = spawnSync(
    process.execPath,
    ['--import', './test/support/module-log-register.mjs', 'bin/croupier.js', ...args],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, CROUPIER_FROM_SOURCE: '1', MODULE_LOG: log },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  const urls = readFileSync(log, 'utf8').trim().split('\n');
  const modules = urls
    .filter((url) => url.startsWith('file:'))
    .map((url) => {
      const path = relative(REPO_ROOT, fileURLToPath(url));
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
      return pkg ? `pkg:${pkg[1]}` : path;
    });
  return { status: result.status, modules: [...new Set(modules)] };
}

/** What a light start may load; everything else is reported. */
function heavyModules(modules: readonly string[]): string[] {
  return modules.filter((m) => {
    if (m.startsWith('pkg:')) return !ALLOWED_PACKAGES.has(m.slice(4));
    if (m.startsWith('bin/')) return false;
    if (/^[^/]+\/names\.ts$/.test(m)) return false;
    return !(m.startsWith('cli/') && !m.endsWith('-run.ts'));
  });
}

/** Every command path of the CLI (`rgs audit verify`, …), from the program itself. */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((sub) => {
    const path = [...prefix, sub.name()];
    return [path, ...commandPaths(sub, path)];
  });
}

describe('start-up: help and bad flags load no part', async () => {
  const paths = commandPaths(await buildProgram());
  it('finds every command group (positive control)', () => {
    const groups = new Set(paths.map((p) => p[0]));
    for (const group of ['rng', 'math', 'sim', 'certify', 'verify', 'game', 'load', 'chaos', 'rgs']) {
      expect(groups.has(group), group).toBe(true);
    }
  });

  const lines: [string[], number][] = [
    [['--help'], 0],
    [['--version'], 0],
    ...paths.map((p): [string[], number] => [[...p, '--help'], 0]),
    // Bad input caught by the flags alone: exit 2 before any part loads.
    [['math', 'lucky-wheel', '--min-rtp', '200'], 2],
    [['game', 'validate', 'x.json', '--min-rtp', 'x'], 2],
  ];
  it.each(lines.map(([line, exit], i) => [line.join(' '), line, exit, i] as const))(
    'croupier %s',
    (_label, line, exit, run) => {
      const { status, modules } = modulesLoaded(line, run);
      expect(status).toBe(exit);
      expect(modules).toContain('cli/main.ts');
      expect(heavyModules(modules)).toEqual([]);
    },
  );

  it('rgs start checks its flags with the configuration schema alone (zod), not the server', () => {
    const { status, modules } = modulesLoaded(['rgs', 'start', '--port', 'x'], 1_001);
    expect(status).toBe(2);
    expect(heavyModules(modules).sort()).toEqual(['pkg:zod', 'rgs/config.ts']);
  });

  it('sees the parts a command loads once it works (negative control)', () => {
    const { status, modules } = modulesLoaded(['game', 'validate', 'lucky-wheel', '--no-rtp'], 1_000);
    expect(status).toBe(0);
    const heavy = heavyModules(modules);
    expect(heavy).toContain('games/index.ts');
    expect(heavy).toContain('pkg:zod');
    expect(heavy).toContain('cli/game-run.ts');
  });
});
