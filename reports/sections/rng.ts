/**
 * §2 RNG description and §3 RNG results.
 *
 * §3 runs on the path that is served, through certification's `runServedPath` (wip/rngpath): NIST
 * SP 800-22 on the DRBG's output (the bytes the RGS draws: server seeds and client seeds) and on
 * each game's provably-fair stream (HMAC-SHA256 of a fresh DRBG seed per round, the client seed and
 * the nonce), and the GLI-style battery on every mapping (reel set, free-spin reel set, weighted
 * table) through that stream with the evaluator's own scaling.
 */
import { resolve } from 'node:path';
import { type RngTestReport, runServedPath } from '../../certification/index.ts';
import {
  chachaSelfTest,
  DEFAULT_DRBG_RESEED_INTERVAL_REQUESTS,
  DRBG_SECURITY_STRENGTH_BITS,
  drbgSelfTest,
} from '../../rng/index.ts';
import type { BatteryResult, Evidence } from '../model.ts';
import { REPO_ROOT } from './software.ts';

/**
 * The DRBG the RGS draws its per-round server seeds from: `createRgsCore`'s default `rngKind`
 * (rgs/core/core.ts). The batteries certify this one.
 */
export const PRODUCTION_DRBG = 'hmac-drbg';

export const RNG_RESULTS_SOURCE =
  `certification/index.ts runServedPath: the batteries on the streams exactly as the RGS produces them (DRBG ${PRODUCTION_DRBG} → ` +
  'a server seed per round → HMAC-SHA256 provably-fair stream → the evaluator’s scaling); every run has its own seed ' +
  'derived from the master seed, recorded with the command that reruns it.';

export function rngDescription(): Omit<Evidence['rngDescription'], 'selfTest'> {
  return {
    productionPath: [
      {
        step: 'DRBG',
        detail: `${PRODUCTION_DRBG} (SP 800-90A) instantiated from OS entropy behind SP 800-90B health tests`,
      },
      {
        step: 'server seed',
        detail:
          'one fresh 32-byte seed per round, drawn one round ahead; its SHA-256 commitment is shown before the bet',
      },
      {
        step: 'provably-fair stream',
        detail:
          'outcome bytes = HMAC-SHA256(server seed, client seed : nonce : cursor) (ProvablyFairSource); the seed is revealed when the round closes',
      },
      {
        step: 'unbiased scaling',
        detail:
          'Lemire’s multiply-and-reject for uniform ranges; exact alias tables for weighted reels and tables',
      },
      {
        step: 'evaluator',
        detail: 'games/evaluator.ts playRound: the one evaluator the RGS serves and the simulators measure',
      },
    ],
    drbg: {
      algorithm: 'HMAC_DRBG with SHA-256 (CTR_DRBG AES-256 with df also available)',
      standard:
        'NIST SP 800-90A Rev. 1 §10.1.2 (HMAC_DRBG), §10.2.1 (CTR_DRBG); instantiate §9.1, reseed §9.2, generate §9.3',
      securityStrengthBits: DRBG_SECURITY_STRENGTH_BITS,
      reseedInterval: `${DEFAULT_DRBG_RESEED_INTERVAL_REQUESTS} generate requests (64 KiB each), then an automatic reseed from fresh entropy (SP 800-90A §9.3.1 step 1)`,
    },
    entropy:
      'OS CSPRNG (node:crypto randomBytes / getrandom) as the entropy source; entropy input of ceil(strength / H) bytes per instantiate and reseed',
    healthTests:
      'SP 800-90B §4.4.1 repetition count test and §4.4.2 adaptive proportion test on every entropy sample; start-up known-answer tests',
    scaling:
      'uniformInt: Lemire’s nearly-divisionless rejection (no modulo bias); weighted: exact integer alias tables (Walker/Vose) built from the integer weights',
    failureBehaviour:
      'a failed health test or known-answer test puts the DRBG in an error state: it refuses to generate, the RGS answers a play with an error and no money moves',
  };
}

export interface SelfTestOutput {
  readonly rows: { name: string; passed: boolean; detail: string }[];
}

export function runSelfTest(): SelfTestOutput {
  return {
    rows: [...drbgSelfTest(), ...chachaSelfTest()].map((r) => ({
      name: r.name,
      passed: r.passed,
      detail: r.detail,
    })),
  };
}

/** Strips what depends on the machine (wall time, workers), so a rerun compares bit for bit. */
export function machineFree(report: RngTestReport) {
  const { elapsedMs: _elapsed, workers: _workers, ...rest } = report;
  return rest;
}

type BatteryReport = ReturnType<typeof machineFree>;

export interface ServedPathInput {
  readonly games: readonly string[];
  readonly seedHex: string;
  readonly nist: { readonly sequences: number; readonly bitsPerSequence: number };
  readonly gli: { readonly sequences: number; readonly drawsPerSequence: number };
}

/** The served-path batteries, without wall times (a rerun compares the output bit for bit). */
export async function runServedBatteries(
  input: ServedPathInput,
  workers: number,
  note: (text: string) => void,
) {
  const result = await runServedPath({
    games: input.games.map((g) => resolve(REPO_ROOT, g)),
    seedHex: input.seedHex,
    drbg: PRODUCTION_DRBG,
    nist: input.nist,
    gli: input.gli,
    workers,
    onProgress: (stage, done, total) => note(`${stage} ${done}/${total}`),
  });
  const { elapsedMs: _elapsed, ...rest } = result;
  return {
    ...rest,
    nist: rest.nist.map((r) => ({ ...r, report: machineFree(r.report) })),
    gli: rest.gli.map((r) => ({ ...r, report: machineFree(r.report) })),
  };
}
export type ServedBatteries = Awaited<ReturnType<typeof runServedBatteries>>;

/** What the pack says about one battery run (every row; the full report stays in the stage file). */
export interface BatteryIdentity {
  readonly id: string;
  readonly battery: 'nist' | 'gli';
  readonly subject: string;
  readonly sequences: number;
  readonly bitsPerSequence: number;
  readonly drawsPerSequence: number;
  readonly verdictText: string;
  readonly stsReport?: string;
  readonly dataFile?: string;
}

export function servedBatteryResults(served: ServedBatteries, artifact: string): BatteryResult[] {
  const nist = served.nist.map((r) =>
    batteryResult(
      {
        id: r.gameId === null ? 'nist/drbg' : `nist/provably-fair/${r.gameId}`,
        battery: 'nist',
        subject:
          r.gameId === null
            ? `NIST SP 800-22 on the ${served.drbg} output the RGS draws (server and client seeds)`
            : `NIST SP 800-22 on ${r.gameId}'s provably-fair stream (the outcome bytes the evaluator reads)`,
        sequences: served.sizes.nistSequences,
        bitsPerSequence: served.sizes.nistBitsPerSequence,
        drawsPerSequence: 0,
        verdictText: `${r.verdictText}; rerun: ${r.rerun}`,
        stsReport: r.stsReportPath,
        dataFile: r.dataFilePath,
      },
      r.report,
      artifact,
    ),
  );
  const gli = served.gli.map((r) =>
    batteryResult(
      {
        id: `gli/${r.gameId}/${r.mapping}`,
        battery: 'gli',
        subject: `GLI-style tests on ${r.gameId}: ${r.mappingKind} '${r.mapping}' through the provably-fair stream`,
        sequences: served.sizes.gliSequences,
        bitsPerSequence: 0,
        drawsPerSequence: r.drawsPerSequence,
        verdictText: `${r.verdictText}; ${r.sizeNote}; rerun: ${r.rerun}`,
      },
      r.report,
      artifact,
    ),
  );
  return [...nist, ...gli];
}

const finiteOrNull = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? null : x;

/** The report's summary of one battery run (every row; the full report stays in the stage file). */
export function batteryResult(plan: BatteryIdentity, report: BatteryReport, artifact: string): BatteryResult {
  const part = plan.battery === 'nist' ? report.nist : report.gli;
  if (part === null) throw new Error(`battery ${plan.id}: the runner returned no ${plan.battery} result`);
  return {
    id: plan.id,
    battery: plan.battery,
    subject: plan.subject,
    input: report.input as unknown as Record<string, unknown>,
    sequences: plan.sequences,
    bitsPerSequence: plan.bitsPerSequence,
    drawsPerSequence: plan.drawsPerSequence,
    verdict: part.verdict,
    familyReason: plan.verdictText,
    smallestRowPValue: finiteOrNull(part.family.smallestRowPValue),
    nistRows:
      report.nist?.secondLevel.map((r) => ({
        test: r.test,
        label: r.label ?? null,
        sampleSize: r.sampleSize,
        passCount: r.passCount,
        proportion: finiteOrNull(r.proportion),
        passCountBounds: [r.passCountBounds[0], r.passCountBounds[1]],
        histogram: r.histogram,
        uniformityPValue: finiteOrNull(r.uniformityPValue),
        verdict: r.verdict,
      })) ?? [],
    gliRows:
      report.gli?.channels.flatMap((c) =>
        c.secondLevel.map((r) => ({
          channel: c.channel,
          test: r.name,
          applicable: r.applicable,
          sequences: r.sequences,
          passed: r.passed,
          ksPValue: finiteOrNull(r.ksPValue),
          verdict: r.verdict,
          reasons: r.reasons,
        })),
      ) ?? [],
    artifact,
    stsReport: plan.stsReport ?? null,
    dataFile: plan.dataFile ?? null,
  };
}
