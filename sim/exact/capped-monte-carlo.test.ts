/**
 * The capped-feature analysis against Monte Carlo (the compiled kernel the simulator runs, not the
 * DP): fixed seeds, a two-sided z-test at 99% on the RTP and on P(cap). Two capped jungle-twenty
 * variants: 50× (the cap binds in about 1 round in 800, mostly through retriggered features) and 3×
 * (a cap hit often). Negative control: the uncapped RTP must fail the same test. And 5,000×, where the
 * analysis uses the certified tail bound alone (no DP): its interval against the same test, with the
 * 3× capped RTP as the negative control; and 200×, where it uses the backward recursion (RTP, P(cap)
 * and bands), with the 50× capped RTP as the negative control.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDemoGame, loadGame } from '../../games/index.ts';
import { gameFileSpec } from '../monte-carlo/game-source.ts';
import { runSimulation } from '../monte-carlo/runner.ts';
import { estimateRtp, normalQuantile, rtpVerdict } from '../monte-carlo/statistics.ts';
import { analyzeGame } from './analysis.ts';

const dir = mkdtempSync(join(tmpdir(), 'croupier-capped-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cappedJungle(multiplier: number) {
  const json = JSON.parse(JSON.stringify(loadDemoGame('jungle-twenty').definition));
  json.id = `jungle-twenty-cap-${multiplier}`;
  json.maxWin = { multiplier };
  delete json.modes[0].declaredRtp;
  const path = join(dir, `${json.id}.json`);
  writeFileSync(path, JSON.stringify(json));
  return { game: loadGame(json), path };
}

function bandsAgree(counts: readonly number[], rounds: number, expected: readonly number[]): boolean {
  const zLimit = normalQuantile(1 - 0.01 / (2 * expected.length));
  return expected.every((p, k) => {
    if (p === 0) return counts[k] === 0;
    return Math.abs(counts[k]! / rounds - p) <= zLimit * Math.sqrt((p * (1 - p)) / rounds);
  });
}

describe('capped feature: exact analysis vs Monte Carlo', () => {
  it("bands: another game's exact bands are rejected (negative control)", async () => {
    const low = cappedJungle(3);
    const high = analyzeGame(cappedJungle(50).game, 'base');
    const run = await runSimulation({ game: gameFileSpec(low.path), spins: 200_000, seed: 7n, workers: 0 });
    const t = run.part.totals;
    expect(
      bandsAgree(
        t.bandCounts,
        t.spins,
        high.winBands!.probabilities.map((p) => p.toNumber()),
      ),
    ).toBe(false);
  }, 240_000);

  for (const [multiplier, spins] of [
    [50, 400_000],
    [3, 300_000],
  ] as const) {
    it(`jungle-twenty capped at ${multiplier}× stake`, async () => {
      const { game, path } = cappedJungle(multiplier);
      const a = analyzeGame(game, 'base');
      const c = a.capFeature!;
      expect(c.retriggerPossible).toBe(true);
      // The 1e-12 width of the issue holds on the real game.
      expect(a.rtpInterval.upper.sub(a.rtpInterval.lower).toNumber()).toBeLessThanOrEqual(1e-12);
      const run = await runSimulation({ game: gameFileSpec(path), spins, seed: 0x13c4a9n, workers: 0 });
      const t = run.part.totals;
      const estimate = estimateRtp(t.spins, t.winSum, t.winSquareSum, a.stakeUnits);
      const verdict = rtpVerdict(estimate, a.rtp.toNumber());
      expect(verdict.passed, `z = ${verdict.zScore}`).toBe(true);
      // Simulated SD agrees with the exact capped SD to a few percent.
      expect(estimate.stdDevPerRoundX / a.sdPerRoundStakes).toBeGreaterThan(0.9);
      expect(estimate.stdDevPerRoundX / a.sdPerRoundStakes).toBeLessThan(1.1);
      // P(cap): binomial z-test at 99%.
      const p = c.capHit.lower.toNumber();
      const zCap = (t.capHits / t.spins - p) / Math.sqrt((p * (1 - p)) / t.spins);
      expect(Math.abs(zCap), `z(cap) = ${zCap}`).toBeLessThanOrEqual(normalQuantile(0.995));
      // Round-win bands, line by line against the simulator's: per-band binomial z-test, 99% for
      // the family (Bonferroni over the bands).
      expect(
        bandsAgree(
          t.bandCounts,
          t.spins,
          a.winBands!.probabilities.map((p) => p.toNumber()),
        ),
      ).toBe(true);
      // Negative control: the uncapped RTP is rejected by the same test.
      const uncapped = a.rtp.sub(a.capRtpAdjustment!).toNumber();
      expect(rtpVerdict(estimate, uncapped).passed).toBe(false);
    }, 240_000);
  }

  it('jungle-twenty capped at 5,000× stake (tail-bound path): the interval and bands agree with Monte Carlo', async () => {
    const { game, path } = cappedJungle(5000);
    const a = analyzeGame(game, 'base');
    expect(a.capFeature!.method).toBe('tail-bound');
    const run = await runSimulation({ game: gameFileSpec(path), spins: 400_000, seed: 0x5000n, workers: 0 });
    const t = run.part.totals;
    const estimate = estimateRtp(t.spins, t.winSum, t.winSquareSum, a.stakeUnits);
    // Both ends of the proven interval pass (they differ by < 1e-12).
    for (const end of [a.rtpInterval.lower, a.rtpInterval.upper]) {
      const verdict = rtpVerdict(estimate, end.toNumber());
      expect(verdict.passed, `z = ${verdict.zScore}`).toBe(true);
    }
    expect(estimate.stdDevPerRoundX / a.sdPerRoundStakes).toBeGreaterThan(0.9);
    expect(estimate.stdDevPerRoundX / a.sdPerRoundStakes).toBeLessThan(1.1);
    expect(t.capHits).toBe(0); // P(cap) <= 1e-20: never seen in 400,000 rounds
    expect(a.capFeature!.featureBandsComputed).toBe(true);
    expect(
      bandsAgree(
        t.bandCounts,
        t.spins,
        a.winBands!.probabilities.map((q) => q.toNumber()),
      ),
    ).toBe(true);
    // Negative control: the RTP of the 3× capped game is rejected by the same test.
    const low = analyzeGame(cappedJungle(3).game, 'base');
    expect(rtpVerdict(estimate, low.rtp.toNumber()).passed).toBe(false);
  }, 240_000);

  it('jungle-twenty capped at 200× stake (backward-recursion path): RTP, P(cap) and bands agree with Monte Carlo', async () => {
    const { game, path } = cappedJungle(200);
    const a = analyzeGame(game, 'base');
    expect(a.capFeature!.method).toBe('backward');
    expect(a.rtpInterval.upper.sub(a.rtpInterval.lower).toNumber()).toBeLessThanOrEqual(1e-12);
    const run = await runSimulation({ game: gameFileSpec(path), spins: 400_000, seed: 0x200n, workers: 0 });
    const t = run.part.totals;
    const estimate = estimateRtp(t.spins, t.winSum, t.winSquareSum, a.stakeUnits);
    const verdict = rtpVerdict(estimate, a.rtp.toNumber());
    expect(verdict.passed, `z = ${verdict.zScore}`).toBe(true);
    const p = a.capFeature!.capHit.lower.toNumber();
    const zCap = (t.capHits / t.spins - p) / Math.sqrt((p * (1 - p)) / t.spins);
    expect(Math.abs(zCap), `z(cap) = ${zCap}`).toBeLessThanOrEqual(normalQuantile(0.995));
    expect(
      bandsAgree(
        t.bandCounts,
        t.spins,
        a.winBands!.probabilities.map((q) => q.toNumber()),
      ),
    ).toBe(true);
    // Negative control: the 50×-capped RTP (0.024 lower) is rejected by the same test.
    const low = analyzeGame(cappedJungle(50).game, 'base');
    expect(rtpVerdict(estimate, low.rtp.toNumber()).passed).toBe(false);
  }, 240_000);
});
