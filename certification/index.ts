// Public module of certification/: the RNG batteries (NIST SP 800-22 and the GLI-style tests on
// scaled outputs), their inputs and the runner. Other parts import only from here.

export {
  applicability as gliApplicability,
  CALIBRATED_BATTERY_MIN_DRAWS,
  calibratedLayout,
  minimumDrawsFor,
  minimumDrawsForBattery,
} from './gli/applicability.ts';
export {
  GLI_TEST_NAMES,
  GLI_TESTS,
  type GliSecondLevelRow,
  type GliTestDefinition,
  gliSecondLevel,
  maximumAcceptedFailures,
  PROPORTION_SIGNIFICANCE,
  runGliSequence,
  selectGliTests,
  UNIFORMITY_THRESHOLD as GLI_UNIFORMITY_THRESHOLD,
} from './gli/battery.ts';
export { couponCollectorTest } from './gli/coupon-collector.ts';
export { frequencyTest as gliFrequencyTest } from './gli/frequency.ts';
export { gapTest } from './gli/gap.ts';
export { type KsUniformityResult, kolmogorovCdf, ksUniformity } from './gli/kolmogorov-smirnov.ts';
export { maximumOfTTest } from './gli/maximum-of-t.ts';
export { permutationTest } from './gli/permutation.ts';
export { pokerTest } from './gli/poker.ts';
export { runsUpTest } from './gli/runs-up.ts';
export { runsUpDownTest } from './gli/runs-up-down.ts';
export { serialTest as gliSerialTest } from './gli/serial.ts';
export { serialCorrelationTest } from './gli/serial-correlation.ts';
export { chiSquareUpperTail, normalTwoSidedP } from './gli/stats.ts';
export {
  ALPHA,
  arraySource,
  type GliTestResult,
  MIN_EXPECTED_COUNT,
  type ScaledSource,
  type ScaledSourceDescription,
} from './gli/types.ts';
export {
  type BatteryInput,
  freshSeedHex,
  gameReels,
  InputError,
  type InputIdentity,
  type InputSpec,
  openInput,
  preparedReels,
  type ReelsView,
  type ScaledChannel,
  SEQUENCE_SEED_DOMAIN,
  sequenceSeed,
  stopSelectionChannels,
} from './inputs.ts';
export {
  type LiveRgsOptions,
  type LiveRgsSample,
  rgsStopChannels,
  type SampledRound,
  sampleRgsStops,
} from './inputs-rgs.ts';
export {
  RecordingSource,
  type ServedDrbg,
  type ServedInputIdentity,
  type ServedInputSpec,
  ServedSession,
  type ServedStream,
  servedDrbgBytes,
  servedInput,
  servedProvablyFairBytes,
  servedRoundBytes,
  servedRunSeed,
  servedStopChannels,
  servedStreamData,
} from './inputs-served.ts';
export {
  asciiToBits,
  bytesToBits,
  DEFAULT_NIST_PARAMS,
  NIST_TESTS,
  type NistParams,
  type NistSecondLevelRow,
  type NistTestInfo,
  type NistTestResult,
  nistSecondLevel,
  runNistSequence,
} from './nist/index.ts';
export {
  cFixed,
  STS_REPORT_ROWS,
  type StsReportInput,
  stsFinalAnalysisReport,
  stsRow,
  stsRows,
} from './nist/sts-report.ts';
export {
  type BatteryChoice,
  defaultWorkers,
  type GliChannelReport,
  MAX_SEQUENCES,
  planTasks,
  type RngTask,
  type RngTaskResult,
  type RngTestPlan,
  type RngTestReport,
  runRngTests,
  runTask,
} from './runner.ts';
export { createRngWorkerPool, type RngWorkerPool } from './runner-pool.ts';
export {
  applicableDrawCount,
  gameMappings,
  runServedPath,
  SERVED_PATH_STEPS,
  type ServedGliRun,
  type ServedNistRun,
  type ServedPathPlan,
  type ServedPathResult,
  validateServedPlan,
} from './runner-served.ts';
export {
  batteryVerdictText,
  describeInput,
  formatPValue,
  type GliRowSummary,
  gliRowSummaries,
  gliVerdictText,
  type NistRowSummary,
  nistRowSummaries,
  nistVerdictText,
  type SmallestPValue,
  smallestGliPValue,
  smallestNistPValue,
} from './runner-verdicts.ts';
export {
  type ChiSquareFit,
  consecutiveCellsChiSquare,
  servedWeightedDrawCounts,
  WEIGHTED_DRAW_CONTROL_SKEW,
  WEIGHTED_DRAW_MAX_CELLS,
  WEIGHTED_DRAW_REFERENCE,
  type WeightedDrawResult,
  weightedDrawBattery,
} from './weighted-draw.ts';
