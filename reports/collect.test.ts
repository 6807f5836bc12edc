/**
 * collectEvidence without the RGS: bad input is refused before any stage, a game under a
 * jurisdiction's minimum RTP fails that check, and stages resume only when their inputs match.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type CertifyRequest,
  collectEvidence,
  EvidenceInputError,
  SILENT_PROGRESS,
  validateRequest,
} from './index.ts';

const work = mkdtempSync(join(tmpdir(), 'croupier-collect-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const LOW_RTP = join(import.meta.dirname, 'fixtures/low-rtp-wheel.json');

function request(overrides: Partial<CertifyRequest>): CertifyRequest {
  return {
    games: [LOW_RTP],
    profile: 'tiny',
    jurisdictions: ['uk', 'nv', 'sd'],
    seedHex: 'ab',
    noRgs: true,
    outDir: join(work, 'out'),
    workers: 0,
    argv: [],
    ...overrides,
  };
}

describe('inputs are validated before any long stage', () => {
  it('an invalid game names its file and the JSON path of every problem; nothing is written', () => {
    const bad = join(work, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        formatVersion: 1,
        id: 'bad',
        type: 'table',
        outcomes: [{ id: 'a', weight: -1, pay: 0 }],
        bet: { baseStakeUnits: 0 },
        modes: [],
      }),
    );
    let error: unknown;
    try {
      validateRequest(request({ games: [bad, LOW_RTP], jurisdictions: ['uk', 'zz'], profile: 'huge' }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EvidenceInputError);
    const problems = (error as EvidenceInputError).problems;
    const gameProblems = problems.filter((p) => p.startsWith(`game file ${bad}: $.`));
    expect(gameProblems.length).toBeGreaterThanOrEqual(2);
    expect(
      gameProblems.some((p) => p.includes('$.outcomes[0].weight') || p.includes('$.outcomes.0.weight')),
    ).toBe(true);
    expect(problems).toContain("--jurisdiction: unknown jurisdiction 'zz'");
    expect(problems.some((p) => p.startsWith("--profile: unknown profile 'huge'"))).toBe(true);
    // Negative control: the good inputs alone pass.
    expect(() => validateRequest(request({}))).not.toThrow();
  });
});

describe('minimum RTP by jurisdiction, and resume', () => {
  it('a 65% game fails where the minimum is higher, is n/a where there is none; stages resume only on equal inputs', async () => {
    const outDir = join(work, 'resume');
    const v = validateRequest(request({ outDir }));
    const first = await collectEvidence(v, { progress: SILENT_PROGRESS });
    const checks = new Map(first.evidence.checks.map((c) => [c.id, c.result]));
    expect(checks.get('par/low-rtp-wheel/base/min-rtp/nv')).toBe('fail');
    expect(checks.get('par/low-rtp-wheel/base/min-rtp/sd')).toBe('fail');
    expect(checks.get('par/low-rtp-wheel/base/min-rtp/uk')).toBe('not-applicable');
    expect(first.evidence.verdict).toBe('fail');
    expect(first.evidence.games[0]!.modes[0]!.par.rtpExact).toBe('13/20');
    expect(first.evidence.run.stages.every((s) => !s.reused)).toBe(true);

    const again = await collectEvidence(v, { progress: SILENT_PROGRESS });
    expect(again.evidence.run.stages.map((s) => s.reused)).toEqual(first.evidence.run.stages.map(() => true));
    expect(again.evidence.games).toEqual(first.evidence.games);

    const otherSeed = validateRequest(request({ outDir, seedHex: 'cd' }));
    const changed = await collectEvidence(otherSeed, { progress: SILENT_PROGRESS });
    const reused = new Map(changed.evidence.run.stages.map((s) => [s.stage, s.reused]));
    expect(reused.get('rng-selftest')).toBe(true); // its inputs do not include the seed
    expect(reused.get('rng-served')).toBe(false);
    expect(reused.get('game-low-rtp-wheel')).toBe(false);
  }, 180_000);
});

describe("a definition's own declared RTP (modes[].declaredRtp)", () => {
  it('is checked in §4 at its stated precision: a true declaration passes, a wrong one fails', async () => {
    const declaring = (id: string, declaredRtp: string) => {
      const definition = JSON.parse(readFileSync(LOW_RTP, 'utf8'));
      definition.id = id;
      definition.modes[0].declaredRtp = declaredRtp;
      const file = join(work, `${id}.json`);
      writeFileSync(file, JSON.stringify(definition));
      return file;
    };
    const v = validateRequest(
      request({
        games: [declaring('true-wheel', '65.00'), declaring('misdeclared-wheel', '65.1')],
        outDir: join(work, 'declared'),
      }),
    );
    const { evidence } = await collectEvidence(v, { progress: SILENT_PROGRESS });
    const check = (id: string) =>
      evidence.checks.find((c) => c.id === `par/${id}/base/declared-rtp/definition`);
    expect(check('true-wheel')).toMatchObject({ result: 'pass' });
    expect(check('misdeclared-wheel')).toMatchObject({
      result: 'fail',
      detail: 'declared 65.1%; exact RTP 13/20 rounds to 65.0% at that precision',
    });
    expect(evidence.games[0]!.modes[0]!.par).toMatchObject({
      declaredRtp: 0.65,
      declaredRtpSource: 'game definition: modes[].declaredRtp "65.00"',
    });
  }, 180_000);
});
