// Public module of the exact (full-cycle) analysis.
export {
  ADVERTISED_AWARD_MAX_ODDS,
  analyzeGame,
  type ExactAnalysis,
  ExactAnalysisUnsupportedError,
  type FeatureStats,
  type MaxWinStats,
  type Moments,
  VI_Z_90,
  VI_Z_95,
} from './analysis.ts';
export { EnumerationTooLargeError, type SpinHistogram, spinHistogram } from './enumerate.ts';
export { parSheetCsv, parSheetJson, parSheetText } from './par-sheet.ts';
export type { PayStats, SpinPayStats } from './pays.ts';
export { Rational } from './rational.ts';
export {
  analyzePublicationMode,
  type BookMismatch,
  type BooksConsistency,
  checkBooksConsistency,
  type PublicationModeAnalysis,
} from './publication.ts';
