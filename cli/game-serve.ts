/**
 * `croupier rgs start --games PATH...`: the games the RGS serves instead of the demo games. Every
 * path (a game definition file, a math-sdk publication folder, or a folder of them) is loaded and
 * validated before the server starts; all problems of all files are reported at once (exit 2), each
 * under its file name. The games are prepared once, here: the core serves the prepared games, so a
 * publication's books are read, decompressed and checked once, not again when the core starts.
 */
import { BooksError } from '../games/index.ts';
import {
  type CoreFactory,
  GameConfigError,
  prepareServedGame,
  type ServedGame,
  type ServedGameSpec,
} from '../rgs/index.ts';
import { CliError, EXIT_BAD_INPUT } from './errors.ts';
import { gameInputsOrThrow } from './game-input.ts';

export interface ServedGames {
  readonly specs: readonly ServedGameSpec[];
  /** Served game ids, in the order given. */
  readonly ids: readonly string[];
}

export function servedGamesOrThrow(paths: readonly string[]): ServedGames {
  const inputs = gameInputsOrThrow(paths);
  const problems: string[] = [];
  const prepared: ServedGameSpec[] = [];
  const ids: string[] = [];
  const fileOfId = new Map<string, string>();
  for (const input of inputs) {
    const spec: ServedGameSpec =
      input.kind === 'publication' ? { publication: input.publication } : { game: input.game };
    let game: ServedGame;
    try {
      // The checks the core runs at start (bets, declared RTP; a publication's books against its
      // lookup tables), with the file named.
      game = prepareServedGame(spec);
    } catch (error) {
      if (!(error instanceof GameConfigError || error instanceof BooksError)) throw error;
      problems.push(`${input.path}: ${error.message}`);
      continue;
    }
    const id = game.id;
    const other = fileOfId.get(id);
    if (other !== undefined) {
      problems.push(`${input.path}: game id "${id}" is also the id of ${other}`);
      continue;
    }
    fileOfId.set(id, input.path);
    prepared.push({ prepared: game });
    ids.push(id);
  }
  if (problems.length > 0)
    throw new CliError(`cannot serve the games:\n${problems.join('\n')}`, EXIT_BAD_INPUT);
  return { specs: prepared, ids };
}

/**
 * The core with these games: the server's default core (PostgreSQL, or embedded PGlite in the data
 * dir, with its request deadline and every other setting) serving `games` instead of the demo games.
 */
export function coreFactoryWithGames(served: ServedGames): CoreFactory {
  return async (config, onFault) => {
    const { coreFactoryFor } = await import('../rgs/index.ts');
    return await coreFactoryFor(served.specs)(config, onFault);
  };
}
