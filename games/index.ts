// Public module of the game math part: the only file other parts import from `games/`.
export { canonicalJson, mathForm, mathHash, sha256Hex } from './canonical.ts';
export { gameForMode } from './coins.ts';
export { type CompileOptions, compileGame, type LineTable, lineWinTable } from './compile.ts';
export {
  checkDeclaredRtp,
  type DeclaredRtpCheck,
  percentRoundedHalfUp,
  rtpWarnings,
} from './declared-rtp.ts';
export {
  FORMAT_VERSION,
  type FreeSpinsDefinition,
  type GameDefinition,
  type GameDefinitionInput,
  GameDefinitionSchema,
  type ModeDefinition,
  type PayDefinition,
  type ReelGameDefinition,
  type ScatterPayDefinition,
  type SpinAward,
  type SymbolDefinition,
  type TableGameDefinition,
} from './definition.ts';
export {
  DEMO_GAME_FILES,
  type DemoGameName,
  demoDeclaredRtps,
  loadDemoGame,
  loadGameFile,
} from './demo.ts';
export {
  type BetChoice,
  BetError,
  drawStops,
  evaluateStops,
  type LineWin,
  MAX_FREE_SPINS_PER_ROUND,
  type Position,
  playRound,
  type RoundOutcome,
  type ScatterWin,
  type SpinOutcome,
  type WaysWin,
  type Win,
} from './evaluator.ts';
export {
  definitionProblems,
  expandGamePaths,
  type GameInput,
  GameInputsError,
  isPublicationPath,
  loadDefinitionFile,
  loadGameInput,
  loadGameInputs,
} from './files.ts';
export { GameFileError, lineColumnOf, parseJsonText, readJsonFile } from './json-file.ts';
export { gameJsonSchema } from './json-schema.ts';
export { type CompiledGame, createRoundTally, type RoundTally } from './kernel.ts';
export {
  evaluateLine,
  findMode,
  type Game,
  type LineMatch,
  loadGame,
  type PreparedFreeSpins,
  type PreparedLinePay,
  type PreparedReel,
  type PreparedScatter,
  type PreparedWaysSymbol,
  type ReelModel,
  type SymbolKind,
  stakeUnitsOf,
  type TableModel,
} from './model.ts';
export * from './publication/index.ts';
export {
  awardFor,
  type DefinitionIssue,
  GameDefinitionError,
  parseGameDefinition,
  validateGameDefinition,
} from './validate.ts';
