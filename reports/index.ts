// Public module of reports/: the evidence pack. The CLI imports only from here.
export { type Artifacts, type CollectedEvidence, collectEvidence, STANDARDS } from './collect.ts';
export {
  type CertifyRequest,
  EvidenceInputError,
  SubmissionConfigSchema,
  type ValidatedRequest,
  validateRequest,
} from './inputs.ts';
export { evidenceJsonSchema } from './json-schema.ts';
export {
  DEFAULT_JURISDICTIONS,
  findJurisdiction,
  JURISDICTIONS,
  type Jurisdiction,
  minimumRtpResult,
} from './jurisdictions.ts';
export {
  buildManifest,
  listPackFiles,
  loadOrGenerateKey,
  MANIFEST_FILE,
  type Manifest,
  type PackVerification,
  verifyPack,
} from './manifest.ts';
export { EVIDENCE_FORMAT, EVIDENCE_VERSION, type Evidence, EvidenceSchema } from './model.ts';
export { REPORT_HTML, REPORT_JSON, REPORT_PDF, writePack } from './pack.ts';
export { CLI_PROFILES, isProfileName, PROFILES, type ProfileName } from './profiles.ts';
export { createStageProgress, SILENT_PROGRESS, type StageProgress } from './progress.ts';
export { BrowserMissingError, CHROMIUM_ARGS, chromiumPath, launchChromium } from './render-pdf.ts';
export { RERUN_SECTIONS, type RerunResult, type RerunSection, rerunSection } from './rerun.ts';
export { type SchemaValidation, validateEvidenceJson, validateReportJson } from './validate-json.ts';
