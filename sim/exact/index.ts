// Public module of the exact (full-cycle) analysis.
export {
  ADVERTISED_AWARD_MAX_ODDS,
  type AnalysisOptions,
  analyzeGame,
  type ExactAnalysis,
  ExactAnalysisUnsupportedError,
  type FeatureStats,
  type MaxWinStats,
  type Moments,
  VI_Z_90,
  VI_Z_95,
} from './analysis.ts';
export { type CapFeatureStats, DEFAULT_TRUNCATION_RTP_BUDGET } from './capped.ts';
export { type CapDpWork, CapDpWorkLimitError, DEFAULT_MAX_CAP_DP_WORK } from './capped-work.ts';
export { EnumerationTooLargeError, type SpinHistogram, spinHistogram } from './enumerate.ts';
export { parSheetCsv, parSheetJson, parSheetText } from './par-sheet.ts';
export type { PayStats, SpinPayStats } from './pays.ts';
export {
  analyzePublicationMode,
  type BookMismatch,
  type BooksConsistency,
  checkBooksConsistency,
  type PublicationModeAnalysis,
} from './publication.ts';
export { Rational } from './rational.ts';
