import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CompiledGame } from '../../games/kernel.ts';

/**
 * How a worker obtains its `CompiledGame`. A compiled game is code (closures, typed arrays) and
 * cannot cross a thread boundary, so every worker rebuilds it from this plain description:
 *
 * - `file`: a game definition file compiled for `mode` through games/ (the normal case);
 * - `module`: a module exporting a factory `(args) => CompiledGame | Promise<CompiledGame>` (toy
 *   kernels for tests and benchmarks, or any externally compiled kernel).
 */
export type GameSpec =
  | {
      readonly kind: 'file';
      /** Absolute path of the game definition file. */
      readonly path: string;
      /** Game mode; default: the definition's first mode. */
      readonly mode?: string;
    }
  | {
      readonly kind: 'module';
      /** file: URL of the module. */
      readonly moduleUrl: string;
      readonly exportName: string;
      readonly args?: unknown;
    };

/**
 * Checks a spec that crossed a thread boundary. Hand-written rather than a zod schema so that
 * worker threads, which start once per run, do not pay for loading zod.
 */
export function assertGameSpec(spec: unknown): GameSpec {
  const s = spec as Partial<Record<string, unknown>> | null;
  const text = (v: unknown) => typeof v === 'string' && v.length > 0;
  if (s?.kind === 'file' && text(s.path) && (s.mode === undefined || text(s.mode))) return s as GameSpec;
  if (s?.kind === 'module' && text(s.moduleUrl) && text(s.exportName)) return s as GameSpec;
  throw new TypeError(
    'a game spec is {kind: "file", path, mode?} or {kind: "module", moduleUrl, exportName, args?}',
  );
}

/** A `file` spec with the path made absolute (workers may not share the caller's cwd semantics). */
export function gameFileSpec(path: string, mode?: string): GameSpec {
  const absolute = isAbsolute(path) ? path : resolve(path);
  return mode === undefined ? { kind: 'file', path: absolute } : { kind: 'file', path: absolute, mode };
}

/** A `module` spec for a factory exported by a module given by file path or URL. */
export function gameModuleSpec(moduleUrlOrPath: string, exportName: string, args?: unknown): GameSpec {
  const moduleUrl = moduleUrlOrPath.startsWith('file:')
    ? moduleUrlOrPath
    : pathToFileURL(resolve(moduleUrlOrPath)).href;
  return args === undefined
    ? { kind: 'module', moduleUrl, exportName }
    : { kind: 'module', moduleUrl, exportName, args };
}

function assertCompiledGame(game: unknown, what: string): CompiledGame {
  const g = game as Partial<CompiledGame> | null;
  if (
    !g ||
    typeof g.playRound !== 'function' ||
    typeof g.mathHash !== 'string' ||
    typeof g.gameId !== 'string' ||
    !Number.isSafeInteger(g.stakeUnits) ||
    (g.stakeUnits ?? 0) <= 0 ||
    !Array.isArray(g.payIds)
  ) {
    throw new TypeError(`${what} did not produce a CompiledGame`);
  }
  return g as CompiledGame;
}

/**
 * THE adapter point between the simulator and games/: reads, validates and compiles a game
 * definition file for a mode (default: the definition's first mode). Everything else in
 * sim/monte-carlo goes through `loadGame`. games/ is imported lazily so kernel-module runs (tests,
 * benchmarks) do not load the definition machinery.
 */
async function compileGameFile(path: string, mode: string | undefined): Promise<CompiledGame> {
  const games = await import('../../games/index.ts');
  const game = games.loadGameFile(path);
  const modeId = mode ?? game.definition.modes[0]?.id;
  if (modeId === undefined) throw new RangeError(`game file ${path} defines no mode`);
  return games.compileGame(game, modeId);
}

/** Builds the compiled game a spec describes (in whatever thread calls it). */
export async function loadGame(spec: GameSpec): Promise<CompiledGame> {
  const parsed = assertGameSpec(spec);
  if (parsed.kind === 'file') {
    return assertCompiledGame(await compileGameFile(parsed.path, parsed.mode), `game file ${parsed.path}`);
  }
  const module = (await import(parsed.moduleUrl)) as Record<string, unknown>;
  const factory = module[parsed.exportName];
  if (typeof factory !== 'function') {
    throw new TypeError(`${parsed.moduleUrl} has no factory export '${parsed.exportName}'`);
  }
  return assertCompiledGame(
    await (factory as (args: unknown) => unknown)(parsed.args),
    `${parsed.exportName}() from ${parsed.moduleUrl}`,
  );
}

/**
 * The exact theoretical RTP of a game file's mode from the full-cycle analysis (sim/exact), for
 * the simulation verdict. Throws when the analysis does not support the game (then pass the RTP
 * explicitly).
 */
export async function exactRtpOfGameFile(path: string, mode: string | undefined): Promise<number> {
  const games = await import('../../games/index.ts');
  const exact = await import('../exact/index.ts');
  const game = games.loadGameFile(path);
  const modeId = mode ?? game.definition.modes[0]?.id;
  if (modeId === undefined) throw new RangeError(`game file ${path} defines no mode`);
  return exact.analyzeGame(game, modeId).rtp.toNumber();
}
