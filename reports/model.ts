/**
 * The evidence model: everything the pack says, typed once (zod) and versioned like a sim part file
 * (`sim/monte-carlo/result-file.ts`). `report.json` is exactly this object; the HTML, PDF and CSV
 * renderers only present it (they never recompute a figure). The JSON Schema published in
 * `reports/schema/report.schema.json` is generated from `EvidenceSchema` (see `json-schema.ts`).
 *
 * Numbers that can be non-finite (odds of a pay that never hits, a P-value of a test that did not
 * run) are `null`, never NaN/Infinity, so the JSON stays valid. Exact rationals are strings.
 */
import { z } from 'zod';

export const EVIDENCE_FORMAT = 'croupier.evidence-pack';
export const EVIDENCE_VERSION = 1;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256');
const Num = z.number().nullable().describe('a finite number, or null when undefined (no data)');
const Verdict = z.enum(['pass', 'fail', 'not-applicable']);

export const CheckSchema = z
  .object({
    id: z.string().min(1).describe('stable check id, e.g. par/jungle-twenty/base/min-rtp/nv'),
    section: z.string().min(1),
    title: z.string().min(1),
    result: Verdict,
    detail: z.string(),
  })
  .strict();
export type Check = z.infer<typeof CheckSchema>;

export const ProfileSizesSchema = z
  .object({
    nistSequences: z.number().int().min(1),
    nistBits: z.number().int().min(1000),
    gliSequences: z.number().int().min(1).describe('GLI sequences per mapping (reel set or weighted table)'),
    gliDraws: z
      .number()
      .int()
      .min(1)
      .describe('GLI draws per sequence requested; raised per mapping until every test applies'),
    simRoundsPerMode: z.number().int().min(1),
    weightedDraws: z
      .number()
      .int()
      .min(1)
      .describe('math-sdk publications: served-path weighted draws per mode for the chi-square battery'),
    rgsConcurrentPlays: z.number().int().min(1),
  })
  .strict();
export type ProfileSizes = z.infer<typeof ProfileSizesSchema>;

const StageTimingSchema = z
  .object({
    stage: z.string(),
    elapsedMs: z.number().min(0),
    reused: z.boolean().describe('true when the stage output was reused from the output folder'),
    inputSha256: Sha256,
  })
  .strict();

const RunSchema = z
  .object({
    profile: z.enum(['quick', 'lab', 'custom']),
    sizes: ProfileSizesSchema,
    masterSeedHex: z.string().regex(/^[0-9a-f]+$/),
    seedDerivation: z.string(),
    jurisdictions: z.array(z.string()),
    gameFiles: z.array(z.string()),
    rgs: z.object({ kind: z.enum(['embedded', 'remote', 'none']), url: z.string().nullable() }).strict(),
    argv: z.array(z.string()).describe('the exact command line (argv after node and the script)'),
    rerunCommand: z.string().describe('reproduces exactly what ran: same games, sizes, seed, flags'),
    startedAtUtc: z.string(),
    finishedAtUtc: z.string(),
    stages: z.array(StageTimingSchema),
  })
  .strict();

const CoverSchema = z
  .object({
    product: z.string(),
    croupierVersion: z.string(),
    submitter: z.record(z.string(), z.string()).describe('fields of the submission config file'),
    submissionConfigFile: z.string().nullable(),
    games: z.array(
      z
        .object({ gameId: z.string(), name: z.string(), mathHash: z.string(), modes: z.array(z.string()) })
        .strict(),
    ),
    jurisdictions: z.array(z.object({ id: z.string(), name: z.string(), regulator: z.string() }).strict()),
    standards: z.array(z.object({ name: z.string(), version: z.string() }).strict()),
    dateUtc: z.string(),
  })
  .strict();

const FileHashSchema = z.object({ path: z.string(), sha256: Sha256, bytes: z.number().int() }).strict();

const SoftwareSchema = z
  .object({
    croupierVersion: z.string(),
    git: z
      .object({ commit: z.string().nullable(), dirty: z.boolean().nullable(), branch: z.string().nullable() })
      .strict(),
    lockfileSha256: Sha256.nullable(),
    sourceFiles: z.array(FileHashSchema).describe('every source file of rng/ and games/'),
    sourceTreeSha256: Sha256.describe('SHA-256 over the sorted "sha256  path" lines of sourceFiles'),
    gameFiles: z.array(FileHashSchema),
    runtime: z
      .object({
        node: z.string(),
        platform: z.string(),
        osRelease: z.string(),
        arch: z.string(),
        cpuModel: z.string(),
        cpuCount: z.number().int(),
      })
      .strict(),
  })
  .strict();

const RngDescriptionSchema = z
  .object({
    productionPath: z.array(z.object({ step: z.string(), detail: z.string() }).strict()),
    drbg: z
      .object({
        algorithm: z.string(),
        standard: z.string(),
        securityStrengthBits: z.number().int(),
        reseedInterval: z.string(),
      })
      .strict(),
    entropy: z.string(),
    healthTests: z.string(),
    scaling: z.string(),
    failureBehaviour: z.string(),
    selfTest: z
      .object({
        checks: z.number().int(),
        passed: z.number().int(),
        rows: z.array(z.object({ name: z.string(), passed: z.boolean(), detail: z.string() }).strict()),
      })
      .strict(),
  })
  .strict();

export const NistRowSchema = z
  .object({
    test: z.string(),
    label: z.string().nullable(),
    sampleSize: z.number().int(),
    passCount: z.number().int(),
    proportion: Num,
    passCountBounds: z.tuple([z.number(), z.number()]),
    histogram: z.array(z.number().int()),
    uniformityPValue: Num,
    verdict: z.enum(['pass', 'fail', 'no-data']),
  })
  .strict();

export const GliRowSchema = z
  .object({
    channel: z.string(),
    test: z.string(),
    applicable: z.number().int(),
    sequences: z.number().int(),
    passed: z.number().int(),
    ksPValue: Num,
    verdict: z.enum(['pass', 'fail', 'not applicable']),
    reasons: z.array(z.string()),
  })
  .strict();

export const BatteryResultSchema = z
  .object({
    id: z.string().describe('e.g. nist/drbg, nist/provably-fair/jungle-twenty, gli/jungle-twenty/free'),
    battery: z.enum(['nist', 'gli']),
    subject: z.string().describe('what was tested, in words'),
    input: z.record(z.string(), z.unknown()).describe("the runner's input identity: enough to rerun it"),
    sequences: z.number().int(),
    bitsPerSequence: z.number().int(),
    drawsPerSequence: z.number().int(),
    verdict: z.enum(['pass', 'fail']),
    familyReason: z.string(),
    smallestRowPValue: Num,
    nistRows: z.array(NistRowSchema),
    gliRows: z.array(GliRowSchema),
    artifact: z.string().describe('full runner report (every P-value of every sequence) in the pack'),
    stsReport: z
      .string()
      .nullable()
      .describe('NIST: the sts-2.1.2-layout finalAnalysisReport.txt in the pack'),
    dataFile: z.string().nullable().describe('NIST: the exact bits the battery read, for NIST’s own assess'),
  })
  .strict();
export type BatteryResult = z.infer<typeof BatteryResultSchema>;

const RngResultsSchema = z
  .object({
    source: z
      .string()
      .describe('where the §3 figures come from (the certification part exports used, and any seam)'),
    batteries: z.array(BatteryResultSchema),
    notes: z.array(z.string()),
  })
  .strict();

export const PayRowSchema = z
  .object({
    payId: z.string(),
    kind: z.string(),
    description: z.string(),
    pay: z.number(),
    hitsPerCycleBase: z.string(),
    hitsPerRound: z.string().describe('exact rational n/d'),
    probability: Num.describe('hits per round, as a decimal'),
    oddsOneIn: Num,
    rtpContribution: z.string().describe('exact rational n/d'),
    rtpContributionDecimal: Num,
  })
  .strict();

const ReelSetSchema = z
  .object({
    reelSet: z.string(),
    reels: z.array(
      z
        .object({
          stops: z.number().int(),
          strip: z.array(z.string()).describe('symbol id at each stop, in strip order'),
          weights: z
            .array(z.number().int())
            .nullable()
            .describe('per-stop weights of a virtual reel, or null'),
          totalWeight: z.number().int(),
          symbolCounts: z.record(z.string(), z.number().int()),
        })
        .strict(),
    ),
  })
  .strict();

const MinRtpCheckSchema = z
  .object({
    jurisdiction: z.string(),
    minimumRtp: Num,
    source: z.string(),
    referenceVerified: z.boolean(),
    result: Verdict,
  })
  .strict();

export const ParSchema = z
  .object({
    cycle: z.string(),
    rtpExact: z.string().describe('exact RTP as a reduced fraction n/d'),
    rtp: z.number(),
    baseRtp: z.number(),
    featureRtp: z.number(),
    hitFrequency: z.number(),
    hitOddsOneIn: Num,
    sdPerRoundStakes: z.number(),
    volatilityIndex: z
      .object({
        z90: z.number(),
        vi90: z.number(),
        z95: z.number(),
        vi95: z.number(),
        z99: z.number(),
        vi99: z.number(),
      })
      .strict(),
    maxWin: z
      .object({
        stakeMultiple: Num,
        oddsOneIn: Num,
        meetsGli11Odds: z.boolean().nullable().describe('GLI-11 §4.8.2: at least once in 100,000,000 games'),
        note: z.string(),
      })
      .strict(),
    featureTriggerOddsOneIn: Num,
    declaredRtp: Num,
    declaredRtpSource: z.string().nullable(),
    pays: z.array(PayRowSchema),
    reelSets: z.array(ReelSetSchema),
    minimumRtpChecks: z.array(MinRtpCheckSchema),
  })
  .strict();
export type Par = z.infer<typeof ParSchema>;

const PayChiSquareSchema = z
  .object({
    payId: z.string(),
    expectedHits: z.number(),
    observedHits: z.number().int(),
    chiSquare: Num,
    pValue: Num,
    applicable: z.boolean(),
  })
  .strict();

const BandSchema = z.object({ label: z.string(), simulated: z.number(), exact: Num }).strict();

export const SimulationSchema = z
  .object({
    rounds: z.number().int(),
    seed: z.string(),
    stream: z.string(),
    chunkSize: z.number().int(),
    rtp: z.number(),
    standardError: z.number(),
    ci99: z.tuple([z.number(), z.number()]),
    exactRtp: z.number(),
    zScore: Num,
    pValue: Num,
    passed: z.boolean(),
    hitFrequency: z.number(),
    payChiSquare: z.array(PayChiSquareSchema),
    convergence: z.array(
      z.object({ rounds: z.number().int(), rtp: z.number(), standardError: z.number() }).strict(),
    ),
    bands: z.array(BandSchema),
    exactBandsNote: z.string(),
  })
  .strict();
export type Simulation = z.infer<typeof SimulationSchema>;

const MonitoringRowSchema = z
  .object({ rounds: z.number().int(), low: z.number(), high: z.number() })
  .strict();

const ChiSquareFitSchema = z
  .object({
    cells: z.number().int(),
    degreesOfFreedom: z.number().int(),
    statistic: z.number(),
    pValue: z.number(),
    largestDeviation: z
      .object({ firstRow: z.number().int(), lastRow: z.number().int(), z: z.number() })
      .strict()
      .describe('the cell (rows, 0-based, table order) whose (observed − expected)/√expected is largest'),
  })
  .strict();

export const PublicationModeSchema = z
  .object({
    cost: z.string().describe('price of the mode in base bets, as written in index.json'),
    rows: z.number().int(),
    totalWeight: z.string().describe('Σ weights of the lookup table (may exceed 2^64)'),
    weightsFile: z.string(),
    booksFile: z.string(),
    probabilityWinBelowStake: z.number(),
    books: z
      .object({
        booksRead: z.number().int(),
        problemCount: z.number().int(),
        missingBookCount: z.number().int(),
        consistent: z.boolean(),
        firstProblems: z.array(z.string()),
      })
      .strict()
      .describe('every book’s payoutMultiplier against its lookup-table row'),
    weightedDraw: z
      .object({
        reference: z.string(),
        drbg: z.string(),
        seedHex: z.string(),
        draws: z.number().int(),
        alpha: z.number(),
        fit: ChiSquareFitSchema.nullable(),
        zeroWeightDraws: z.number().int(),
        passed: z.boolean(),
        control: z
          .object({ description: z.string(), fit: ChiSquareFitSchema.nullable(), rejected: z.boolean() })
          .strict(),
      })
      .strict()
      .describe('served-path weighted draws against the lookup-table weights, with a negative control'),
  })
  .strict();

export const GameModeSchema = z
  .object({
    mode: z.string(),
    par: ParSchema,
    simulation: SimulationSchema,
    publication: PublicationModeSchema.nullable().describe(
      'math-sdk publications only; null for a game definition',
    ),
    monitoring: z
      .object({ z: z.number(), confidence: z.number(), rows: z.array(MonitoringRowSchema) })
      .strict(),
  })
  .strict();

export const GameEvidenceSchema = z
  .object({
    gameId: z.string(),
    name: z.string(),
    file: z.string().describe('the game definition file, or a publication’s index.json'),
    fileSha256: Sha256,
    mathHash: z.string(),
    type: z.enum(['reels', 'table', 'publication']),
    modes: z.array(GameModeSchema),
    parCsv: z.string().describe('path of the PAR CSV inside the pack'),
  })
  .strict();
export type GameEvidence = z.infer<typeof GameEvidenceSchema>;

const TranscriptCaseSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    result: Verdict,
    detail: z.string(),
    transcript: z.string().describe('path of the recorded HTTP transcript inside the pack'),
    transcriptSha256: Sha256,
    exchanges: z.number().int(),
  })
  .strict();

const RgsFunctionalSchema = z
  .object({
    rgs: z.string(),
    game: z.string(),
    cases: z.array(TranscriptCaseSchema),
    notes: z.array(z.string()),
  })
  .strict();

const LedgerSchema = z
  .object({
    subject: z.string(),
    ok: z.boolean(),
    checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() }).strict()),
  })
  .strict();

const ResilienceSchema = z
  .object({
    load: z.record(z.string(), z.unknown()).nullable(),
    loadFile: z.string().nullable(),
    chaos: z.record(z.string(), z.unknown()).nullable(),
    chaosFile: z.string().nullable(),
  })
  .strict();

export const TraceRowSchema = z
  .object({
    standard: z.string(),
    clause: z.string(),
    referenceVerified: z.boolean(),
    requirement: z.string(),
    test: z.string(),
    artifact: z.string(),
    artifactSha256: Sha256.nullable(),
    result: Verdict,
  })
  .strict();

export const EvidenceSchema = z
  .object({
    format: z.literal(EVIDENCE_FORMAT),
    version: z.literal(EVIDENCE_VERSION),
    verdict: z.enum(['pass', 'fail']),
    run: RunSchema,
    cover: CoverSchema,
    software: SoftwareSchema,
    rngDescription: RngDescriptionSchema,
    rngResults: RngResultsSchema,
    games: z.array(GameEvidenceSchema),
    rgsFunctional: RgsFunctionalSchema.nullable(),
    ledger: LedgerSchema.nullable(),
    resilience: ResilienceSchema,
    traceability: z.array(TraceRowSchema),
    checks: z.array(CheckSchema),
  })
  .strict()
  .describe('Croupier certification evidence pack (report.json), format version 1');
export type Evidence = z.infer<typeof EvidenceSchema>;
