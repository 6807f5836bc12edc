/**
 * §2 RNG description and §3 RNG results.
 *
 * SEAM(wip/rngpath): issue 14 §3 asks for the batteries on the provably-fair stream as the RGS
 * serves it (a DRBG seed per round, client seeds and nonces) and the stop selection through that
 * stream. Until `certification/index.ts` exports those inputs, `rngBatteryPlans` runs what it
 * exports today: the production DRBG's own output (NIST + GLI) and each reel set's stop selection
 * driven by the DRBG. `RNG_RESULTS_SOURCE` says so in the pack; replace the plans here when the
 * served-path inputs land, nothing else changes.
 */
import { resolve } from 'node:path';
import { type RngTestReport, runRngTests, stsFinalAnalysisReport } from '../../certification/index.ts';
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
  `certification/index.ts runRngTests: NIST SP 800-22 and GLI-style batteries on the production DRBG (${PRODUCTION_DRBG}) ` +
  'and on each reel set’s stop selection driven by it. Seam: the provably-fair served-path inputs (wip/rngpath) ' +
  'are not exported yet, so the HMAC stream itself is not in these batteries.';

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

export interface BatteryPlan {
  readonly id: string;
  readonly subject: string;
  readonly battery: 'nist' | 'gli';
  readonly sequences: number;
  readonly bitsPerSequence: number;
  readonly drawsPerSequence: number;
  readonly input:
    | { kind: 'generator'; generator: string; seedHex: string; range: number }
    | { kind: 'game'; path: string; reelSet: string; generator: string; seedHex: string };
}

/** Strips what depends on the machine (wall time, workers), so a rerun compares bit for bit. */
export function machineFree(report: RngTestReport) {
  const { elapsedMs: _elapsed, workers: _workers, ...rest } = report;
  return rest;
}

export async function runBattery(plan: BatteryPlan, workers: number) {
  // Recorded game paths are relative to the repository root (reports/collect.ts packPath).
  const input =
    plan.input.kind === 'game' ? { ...plan.input, path: resolve(REPO_ROOT, plan.input.path) } : plan.input;
  const report = await runRngTests({
    battery: plan.battery,
    sequences: plan.sequences,
    bitsPerSequence: plan.bitsPerSequence,
    drawsPerSequence: plan.drawsPerSequence,
    input,
    workers,
  });
  return machineFree(report);
}

type BatteryReport = ReturnType<typeof machineFree>;

const finiteOrNull = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? null : x;

/** The report's summary of one battery run (every row; the full report stays in the stage file). */
export function batteryResult(plan: BatteryPlan, report: BatteryReport, artifact: string): BatteryResult {
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
    familyReason: part.family.reason,
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
  };
}

/** `nist/finalAnalysisReport.txt` in sts-2.1.2's layout, from the recorded per-sequence results. */
export function stsReportText(report: BatteryReport, generator: string): string | null {
  if (report.nist === null) return null;
  return stsFinalAnalysisReport({ generator, perSequence: report.nist.perSequence });
}
