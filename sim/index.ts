// Public module of sim/: exact (full-cycle) analysis and parallel Monte Carlo simulation.

// Exact (full-cycle) analysis and PAR sheets (sim/exact)
export {
  ADVERTISED_AWARD_MAX_ODDS,
  analyzeGame,
  type CapDpWork,
  CapDpWorkLimitError,
  DEFAULT_MAX_CAP_DP_WORK,
  EnumerationTooLargeError,
  type ExactAnalysis,
  ExactAnalysisUnsupportedError,
  type FeatureStats,
  type MaxWinStats,
  type Moments,
  type PayStats,
  parSheetCsv,
  parSheetJson,
  parSheetText,
  Rational,
  type SpinHistogram,
  type SpinPayStats,
  spinHistogram,
  VI_Z_90,
  VI_Z_95,
} from './exact/index.ts';
export {
  analyzePublicationMode,
  type BookMismatch,
  type BooksConsistency,
  checkBooksConsistency,
  type PublicationModeAnalysis,
} from './exact/publication.ts';
// Monte Carlo simulation (sim/monte-carlo)
export {
  BAND_COUNT,
  BAND_LABELS,
  BAND_LOWER_EDGES_X,
  type ChunkResult,
  type SimTotals,
} from './monte-carlo/accumulator.ts';
export type { GameInfo } from './monte-carlo/chunk-executor.ts';
export {
  assertGameSpec,
  exactRtpOfGameFile,
  type GameSpec,
  gameFileSpec,
  gameModuleSpec,
  loadGame,
} from './monte-carlo/game-source.ts';
// Monte Carlo on Kubernetes (sim/monte-carlo/k8s*)
export {
  CONTAINER_UID,
  manifestText,
  renderSimJob,
  type SimJobOptions,
} from './monte-carlo/k8s.ts';
export { validateSimManifests } from './monte-carlo/k8s-schema.ts';
export {
  type ChunkRange,
  countSpins,
  createPlan,
  DEFAULT_CHUNK_SIZE,
  type ExperimentPlan,
  parseShard,
  type ShardSpec,
  shardChunkRange,
} from './monte-carlo/plan.ts';
export {
  isComplete,
  mergeParts,
  missingChunkRanges,
  partFromFile,
  partToFile,
  SIM_PART_FORMAT,
  SIM_PART_VERSION,
  type SimPart,
  type SimPartFile,
  SimPartFileSchema,
} from './monte-carlo/result-file.ts';
export {
  defaultWorkerCount,
  MAX_WORKERS,
  replaySpin,
  runSimulation,
  type SimulationOptions,
  type SimulationRun,
} from './monte-carlo/runner.ts';
export {
  estimateRtp,
  normalQuantile,
  parseRtp,
  type RtpEstimate,
  type RtpVerdict,
  rtpVerdict,
} from './monte-carlo/statistics.ts';
export {
  DEFAULT_STREAM_KIND,
  isStreamKind,
  parseSeed,
  STREAM_KINDS,
  type StreamKind,
} from './monte-carlo/streams.ts';
export { type SimSummary, summarizePart } from './monte-carlo/summary.ts';
