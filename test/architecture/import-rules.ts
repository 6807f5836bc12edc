/**
 * The dependency rules of DEVELOPERS.md ("Dependencies point inward"), as code: which module may
 * import which. Imports are read with TypeScript's own parser (static and dynamic `import`,
 * `export … from`, `import x = require()`, `require()`, `import('…')` types, and worker entries
 * `new URL('./x.ts', import.meta.url)`), never with regular expressions.
 *
 * A file's **part** is its top-level folder (`rng`, `games`, `sim`, `certification`, `rgs`, `load`,
 * `chaos`, `reports`, `cli`, …; any new folder is a part too). The rules:
 * 1. `rng` imports nothing of ours.
 * 2. `games` imports only `rng`.
 * 3. `rgs` never imports `sim` or `certification`.
 * 4. `rgs/wire` imports nothing but node built-ins (and its own files): load, chaos, certification
 *    and benchmarks import it without loading the RGS server.
 * 5. Across parts, a file imports only the other part's public `index.ts`, its `names.ts`, or one
 *    of the few ALLOWED_SUB_ENTRIES (each with its reason).
 * 5a. A part's `names.ts` (the names and constants the CLI's help shows) imports nothing but node
 *    built-ins: `croupier <command> --help` loads it without the part (issue 12: start-up time).
 * 6. Production code never imports test code, and no part imports `cli/` (the CLI only parses
 *    flags and calls parts; `bin/` launches it).
 *
 * Test code is `*.test.ts`, `*.test-support.ts`, and everything under `test/` and `bench/` (and
 * `scripts/`). It may import any module of any part, internals included: a test exercises
 * internals on purpose, its subject can span parts (the TLS test starts the server through the
 * CLI's start path), and nothing depends on test code, so its reach cannot couple production code.
 * Rules 1-6 therefore apply to production code; test code is only held to reading real files.
 */
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

/** Sub-modules another part may import besides `<part>/index.ts`, each with why. */
export const ALLOWED_SUB_ENTRIES: Readonly<Record<string, string>> = Object.freeze({
  'games/kernel.ts':
    'the compiled-game contract the Monte Carlo worker threads run; types only, so a worker ' +
    'loads it without loading every game module',
  'sim/exact/index.ts':
    'exact (full-cycle) analysis alone: `croupier math` loads it without the Monte Carlo runner ' +
    'and its worker machinery (CLI start-up time)',
  'rgs/config.ts':
    "the RGS configuration (its zod schema, and the flags' and variables' reference): `croupier " +
    'rgs start` and `rgs token` check their flags and environment before loading the server, its ' +
    'database drivers and cache client (CLI start-up time)',
  'rgs/wire/index.ts':
    'the Stake-API wire and client, node built-ins only: load, chaos, certification and ' +
    'benchmarks reach the RGS over HTTP without loading its server, database and cache',
});

/** Folders whose files are test code (see the header). */
const TEST_FOLDERS = new Set(['test', 'bench', 'scripts']);
/** Folders that launch a part and may import its internals (`bin/croupier.js` → `cli/main.ts`). */
const LAUNCHER_FOLDERS = new Set(['bin']);

export interface SourceFile {
  /** Repository-relative, `/`-separated. */
  readonly path: string;
  readonly text: string;
}

export interface ImportRef {
  readonly specifier: string;
  readonly line: number;
  /** `import`, `export-from`, `dynamic-import`, `require`, `import-type`, `worker-url`. */
  readonly kind: string;
}

export interface Violation {
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
  readonly rule: string;
}

/** Every module reference in one file, from TypeScript's syntax tree. */
export function importsOf(file: SourceFile): ImportRef[] {
  const source = ts.createSourceFile(
    file.path,
    file.text,
    ts.ScriptTarget.Latest,
    true,
    scriptKind(file.path),
  );
  const refs: ImportRef[] = [];
  const add = (node: ts.Node, literal: ts.Node | undefined, kind: string) => {
    if (literal === undefined || !ts.isStringLiteralLike(literal)) return;
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    refs.push({ specifier: literal.text, line, kind });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) add(node, node.moduleSpecifier, 'import');
    else if (ts.isExportDeclaration(node)) add(node, node.moduleSpecifier, 'export-from');
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, 'require');
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal, 'import-type');
    } else if (ts.isCallExpression(node)) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword)
        add(node, node.arguments[0], 'dynamic-import');
      else if (ts.isIdentifier(node.expression) && node.expression.text === 'require') {
        add(node, node.arguments[0], 'require');
      }
    } else if (isWorkerUrl(node)) add(node, node.arguments?.[0], 'worker-url');
    ts.forEachChild(node, visit);
  };
  visit(source);
  return refs;
}

function scriptKind(file: string): ts.ScriptKind {
  return /\.[cm]?js$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
}

/** `new URL('./x.ts', import.meta.url)` naming a code module (a worker entry), not data. */
function isWorkerUrl(node: ts.Node): node is ts.NewExpression {
  if (!ts.isNewExpression(node) || !ts.isIdentifier(node.expression) || node.expression.text !== 'URL')
    return false;
  const [target, base] = node.arguments ?? [];
  return (
    target !== undefined &&
    ts.isStringLiteralLike(target) &&
    /\.[cm]?[jt]s$/.test(target.text) &&
    base !== undefined &&
    base.getText() === 'import.meta.url'
  );
}

export function isTestCode(file: string): boolean {
  return TEST_FOLDERS.has(partOf(file)) || /\.test(-support)?\.[cm]?[jt]s$/.test(file);
}

/** The top-level folder of a repository-relative path ('' for a root file). */
export function partOf(file: string): string {
  const slash = file.indexOf('/');
  return slash < 0 ? '' : file.slice(0, slash);
}

type Target =
  | { readonly kind: 'builtin' }
  | { readonly kind: 'package'; readonly name: string }
  | { readonly kind: 'ours'; readonly path: string };

const BUILTINS = new Set(builtinModules);

export function classify(from: string, specifier: string): Target {
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
    return { kind: 'ours', path: resolved };
  }
  if (specifier.startsWith('node:') || BUILTINS.has(specifier.split('/')[0]!)) return { kind: 'builtin' };
  const parts = specifier.split('/');
  return { kind: 'package', name: specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]! };
}

/** A part's light public module of names and constants (`<part>/names.ts`, rule 5a). */
function isNamesModule(file: string): boolean {
  return /^[^/]+\/names\.ts$/.test(file);
}

/** The rule `from` breaks by importing `target`, or null. */
function brokenRule(from: string, target: Target, known: ReadonlySet<string>): string | null {
  const test = isTestCode(from);
  if (from.startsWith('rgs/wire/') && !test) {
    if (target.kind === 'package') return 'rgs/wire imports nothing but node built-ins';
    if (target.kind === 'ours' && !target.path.startsWith('rgs/wire/')) {
      return 'rgs/wire imports nothing but node built-ins and its own files';
    }
  }
  if (isNamesModule(from) && !test && target.kind !== 'builtin') {
    return "a part's names.ts imports nothing but node built-ins";
  }
  if (target.kind !== 'ours') return null;
  if (/\.[cm]?[jt]s$/.test(target.path) && !known.has(target.path))
    return 'imports a file that does not exist';
  const fromPart = partOf(from);
  const toPart = partOf(target.path);
  if (toPart === fromPart || toPart === '' || test || LAUNCHER_FOLDERS.has(fromPart)) return null;
  if (isTestCode(target.path)) return 'production code never imports test code';
  if (fromPart === 'rng') return 'rng imports nothing of ours';
  if (fromPart === 'games' && toPart !== 'rng') return 'games imports only rng';
  if (fromPart === 'rgs' && (toPart === 'sim' || toPart === 'certification')) {
    return 'rgs never imports sim or certification';
  }
  if (toPart === 'cli') return 'no part imports cli/ (the CLI only parses flags and calls parts)';
  if (
    target.path !== `${toPart}/index.ts` &&
    !isNamesModule(target.path) &&
    !Object.hasOwn(ALLOWED_SUB_ENTRIES, target.path)
  ) {
    return `reaches into ${toPart}/ internals: import ${toPart}/index.ts, ${toPart}/names.ts (or an allowed sub-entry)`;
  }
  return null;
}

/** Every import in `files` that breaks a rule; `files` is the whole set a relative import may name. */
export function checkImports(files: readonly SourceFile[]): Violation[] {
  const known = new Set(files.map((file) => file.path));
  const violations: Violation[] = [];
  for (const file of files) {
    for (const ref of importsOf(file)) {
      const rule = brokenRule(file.path, classify(file.path, ref.specifier), known);
      if (rule !== null) violations.push({ file: file.path, line: ref.line, specifier: ref.specifier, rule });
    }
  }
  return violations;
}

/** Folders never scanned: dependencies, build output, and test fixtures (data, not our code). */
export const SKIPPED_FOLDERS: readonly string[] = ['node_modules', 'dist', 'coverage', 'test/fixtures'];
