// The Node load runner: open model, CO-corrected histograms, History, SLO verdicts.
export { type EmbeddedRgs, type EmbeddedRgsOptions, startEmbeddedRgs } from './embedded-rgs.ts';
export { type Engine, type OpenModelResult, runOpenModel, type StopReason } from './open-model.ts';
export { newHistogram } from './recorder.ts';
export { resolveUnknownSessions, type SessionResolution } from './resolve.ts';
export {
  type BooksSection,
  type BurstFigures,
  LOAD_RESULT_VERSION,
  type LoadResult,
  type SecondRow,
  type Verdict,
} from './result.ts';
export { type ProgressSnapshot, type RunScenarioOptions, runScenario, type ScenarioRun } from './run.ts';
export { checkTarget, isLoopbackAddress, TargetError } from './target.ts';
