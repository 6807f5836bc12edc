/**
 * The dependency rules (test/architecture/import-rules.ts, DEVELOPERS.md) hold for every source
 * file of the repository, including parts that do not exist yet when this was written (`load/`,
 * `chaos/`, `reports/`: any top-level folder is a part). Negative controls: fixture imports that
 * break each rule must be reported, and ones that keep them must not.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/paths.ts';
import { checkImports, importsOf, SKIPPED_FOLDERS, type SourceFile } from './import-rules.ts';

const CODE = /\.[cm]?[jt]s$/;
/** A bound on the walk: far above the repository's size, so a runaway walk fails loudly. */
const MAX_FILES = 20_000;

function repositorySources(): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(join(REPO_ROOT, relative), { withFileTypes: true })) {
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.name.startsWith('.') || SKIPPED_FOLDERS.includes(child)) continue;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && CODE.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        if (files.length >= MAX_FILES) throw new Error(`more than ${MAX_FILES} source files`);
        files.push({ path: child, text: readFileSync(join(REPO_ROOT, child), 'utf8') });
      }
    }
  };
  walk('');
  return files;
}

const format = (v: { file: string; line: number; specifier: string; rule: string }) =>
  `${v.file}:${v.line} imports '${v.specifier}': ${v.rule}`;

describe('import rules on the repository', () => {
  const files = repositorySources();

  it('reads the real tree with the TypeScript parser (positive control)', () => {
    const paths = new Set(files.map((f) => f.path));
    for (const expected of [
      'rng/index.ts',
      'games/index.ts',
      'rgs/index.ts',
      'rgs/wire/index.ts',
      'cli/main.ts',
    ]) {
      expect(paths.has(expected), expected).toBe(true);
    }
    // The parser sees the imports a regex-free scan must see: one known cross-part edge.
    const monteCarloRunner = files.find((f) => f.path === 'sim/monte-carlo/runner.ts')!;
    expect(importsOf(monteCarloRunner).map((r) => r.specifier)).toContain('../../games/kernel.ts');
  });

  it('holds everywhere: no violation', () => {
    expect(checkImports(files).map(format)).toEqual([]);
  });
});

/** Fixture files placed (virtually) in the tree, with the files they import. */
function withTree(fixtures: Record<string, string>): SourceFile[] {
  const tree = [
    'rng/index.ts',
    'games/index.ts',
    'games/kernel.ts',
    'games/engine.ts',
    'sim/index.ts',
    'certification/index.ts',
    'certification/nist/bits.ts',
    'rgs/index.ts',
    'rgs/core/core.ts',
    'rgs/core/contract.ts',
    'rgs/db/testing.ts',
    'rgs/db/migrate.ts',
    'rgs/http/app.ts',
    'rgs/wire/index.ts',
    'rgs/wire/client.ts',
    'cli/main.ts',
    'cli/rgs-start.ts',
    'games/names.ts',
    'sim/names.ts',
    'rgs/core/names.ts',
    'test/support/paths.ts',
  ].map((path) => ({ path, text: '' }));
  return [...tree, ...Object.entries(fixtures).map(([path, text]) => ({ path, text }))];
}

describe('import rules: negative controls', () => {
  const breaking: [string, string, RegExp][] = [
    ['rng/bad.ts', "import { x } from '../games/index.ts';", /rng imports nothing/],
    ['games/bad.ts', "import { x } from '../sim/index.ts';", /games imports only rng/],
    [
      'rgs/core/bad.ts',
      "import { x } from '../../certification/index.ts';",
      /rgs never imports sim or certification/,
    ],
    ['rgs/http/bad.ts', "import { x } from '../../sim/index.ts';", /rgs never imports sim or certification/],
    ['rgs/wire/bad.ts', "import { z } from 'zod';", /rgs\/wire imports nothing but node built-ins/],
    ['rgs/wire/bad.ts', "import type { X } from '../core/contract.ts';", /rgs\/wire imports nothing but/],
    ['load/bad.ts', "import { x } from '../rgs/core/core.ts';", /reaches into rgs\/ internals/],
    ['load/bad.ts', "import { x } from '../rgs/wire/client.ts';", /reaches into rgs\/ internals/],
    ['chaos/bad.ts', "const m = await import('../rgs/db/migrate.ts');", /reaches into rgs\/ internals/],
    [
      'reports/bad.ts',
      "export { bits } from '../certification/nist/bits.ts';",
      /reaches into certification\//,
    ],
    ['sim/bad.ts', "import type { Main } from '../cli/main.ts';", /no part imports cli/],
    ['cli/bad.ts', "import { x } from '../rgs/http/app.ts';", /reaches into rgs\/ internals/],
    [
      'certification/nist/bad.ts',
      "import { SHARED } from '../../test/support/paths.ts';",
      /never imports test code/,
    ],
    ['load/bad.ts', "type Engine = typeof import('../games/engine.ts');", /reaches into games\//],
    ['sim/bad.ts', "new Worker(new URL('../games/engine.ts', import.meta.url));", /reaches into games\//],
    ['newpart/bad.ts', "import { x } from '../rgs/http/app.ts';", /reaches into rgs\/ internals/],
    ['load/bad.ts', "import { x } from '../rgs/nowhere.ts';", /does not exist/],
    ['games/names.ts', "import { z } from 'zod';", /names.ts imports nothing but node built-ins/],
    ['sim/names.ts', "import { x } from './index.ts';", /names.ts imports nothing but node built-ins/],
    ['cli/bad.ts', "import { x } from '../rgs/core/names.ts';", /reaches into rgs\/ internals/],
  ];
  for (const [file, source, rule] of breaking) {
    it(`reports ${file}: ${source}`, () => {
      const violations = checkImports(withTree({ [file]: source }));
      expect(violations).toHaveLength(1);
      expect(violations[0]!.file).toBe(file);
      expect(violations[0]!.rule).toMatch(rule);
    });
  }

  const keeping: [string, string][] = [
    ['games/ok.ts', "import { x } from '../rng/index.ts';"],
    ['sim/ok.ts', "import type { CompiledGame } from '../games/kernel.ts';"],
    ['rgs/wire/ok.ts', "import http from 'node:http';\nimport { x } from './client.ts';"],
    [
      'load/ok.ts',
      "import { rgs } from '../rgs/index.ts';\nimport { StakeApiClient } from '../rgs/wire/index.ts';",
    ],
    ['cli/ok.ts', "import { startRgs } from '../rgs/index.ts';"],
    ['cli/ok.ts', "import { DEMO_GAME_FILES } from '../games/names.ts';"],
    ['games/names.ts', "import { join } from 'node:path';"],
    ['rgs/http/ok.test.ts', "import { x } from '../../cli/rgs-start.ts';"],
    ['test/rgs/ok.test.ts', "import { x } from '../../rgs/db/testing.ts';"],
    ['bin/ok.js', "import('../cli/main.ts');"],
    // A parser, not a regex: imports in comments and strings are not imports.
    ['rng/ok.ts', "// import { x } from '../games/index.ts';\nconst s = \"import '../games/index.ts'\";"],
  ];
  for (const [file, source] of keeping) {
    it(`accepts ${file}: ${source.split('\n')[0]}`, () => {
      expect(checkImports(withTree({ [file]: source })).map(format)).toEqual([]);
    });
  }
});
