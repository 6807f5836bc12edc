/**
 * §4 Game math (PAR), §5 simulation verification and §10 live monitoring, per game and mode.
 * The exact analysis and the Monte Carlo run are `sim/`'s; this file only gathers their figures.
 */
import { chiSquareUpperTail } from '../../certification/index.ts';
import { type Game, loadGameFile } from '../../games/index.ts';
import {
  analyzeGame,
  BAND_COUNT,
  BAND_LABELS,
  BAND_LOWER_EDGES_X,
  type ExactAnalysis,
  gameFileSpec,
  normalQuantile,
  parSheetCsv,
  runSimulation,
  type SimSummary,
  spinHistogram,
  summarizePart,
  VI_Z_90,
  VI_Z_95,
} from '../../sim/index.ts';
import type { Par, Simulation } from '../model.ts';

/** Smallest expected count for a per-pay chi-square cell (the usual rule of five). */
const MIN_EXPECTED_HITS = 5;
/** Monitoring band: two-sided 99.9% (z = 3.29) keeps false alarms to one in a thousand checks. */
export const MONITORING_CONFIDENCE = 0.999;
const MONITORING_ROUNDS = [1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9] as const;

const finiteOrNull = (x: number | null) => (x === null || !Number.isFinite(x) ? null : x);
const ratio = (r: { num: bigint; den: bigint }) => `${r.num}/${r.den}`;

function reelSets(game: Game): Par['reelSets'] {
  if (game.model.type !== 'reels') return [];
  const model = game.model;
  return [...model.reelSets.entries()].map(([reelSet, reels]) => ({
    reelSet,
    reels: reels.map((reel) => {
      const symbolCounts: Record<string, number> = {};
      for (const s of reel.stops) {
        const id = model.symbolIds[s]!;
        symbolCounts[id] = (symbolCounts[id] ?? 0) + 1;
      }
      return {
        stops: reel.stops.length,
        strip: [...reel.stops].map((sym) => model.symbolIds[sym]!),
        weights: reel.weights === null ? null : [...reel.weights],
        totalWeight: reel.totalWeight,
        symbolCounts,
      };
    }),
  }));
}

/** PAR figures of one mode (jurisdiction checks and the declared RTP are added by the collector). */
export function parOf(
  game: Game,
  a: ExactAnalysis,
): Omit<Par, 'minimumRtpChecks' | 'declaredRtp' | 'declaredRtpSource'> {
  const z99 = normalQuantile(0.995);
  const hit = a.hitFrequency.toNumber();
  return {
    cycle: a.cycle.toString(),
    rtpExact: ratio(a.rtp),
    rtp: a.rtp.toNumber(),
    baseRtp: a.baseRtp.toNumber(),
    featureRtp: a.featureRtp.toNumber(),
    hitFrequency: hit,
    hitOddsOneIn: hit > 0 ? 1 / hit : null,
    sdPerRoundStakes: a.sdPerRoundStakes,
    volatilityIndex: {
      z90: VI_Z_90,
      vi90: a.volatilityIndex90,
      z95: VI_Z_95,
      vi95: a.volatilityIndex95,
      z99: Number(z99.toFixed(6)),
      vi99: Number(z99.toFixed(6)) * a.sdPerRoundStakes,
    },
    maxWin: {
      stakeMultiple: a.maxWin.stakeMultiple,
      oddsOneIn: finiteOrNull(a.maxWin.oddsOneIn),
      meetsGli11Odds: a.maxWin.meetsAdvertisedAwardRule,
      note: a.maxWin.note,
    },
    featureTriggerOddsOneIn: a.feature ? finiteOrNull(a.feature.triggerOddsOneIn) : null,
    pays: a.pays.map((p) => ({
      payId: p.payId,
      kind: p.kind,
      description: p.description,
      pay: p.pay,
      hitsPerCycleBase: p.base.hitsPerCycle.toString(),
      hitsPerRound: ratio(p.hitsPerRound),
      probability: p.hitsPerRound.toNumber(),
      oddsOneIn: p.hitsPerRound.num === 0n ? null : 1 / p.hitsPerRound.toNumber(),
      rtpContribution: ratio(p.rtp),
      rtpContributionDecimal: p.rtp.toNumber(),
    })),
    reelSets: reelSets(game),
  };
}

function bandOf(winUnits: number, stakeUnits: number): number {
  if (winUnits === 0) return 0;
  if (winUnits < stakeUnits) return 1;
  let band = 2;
  for (let k = 2; k < BAND_COUNT; k++) if (winUnits >= BAND_LOWER_EDGES_X[k]! * stakeUnits) band = k;
  return band;
}

/** Exact probability of each win band, when the round win has a finite enumerable law. */
export function exactBands(
  game: Game,
  mode: string,
  stakeUnits: number,
): { bands: number[] | null; note: string } {
  const cap = game.model.capUnits;
  const capped = (w: number) => (cap === null ? w : Math.min(w, cap));
  const bands = new Array<number>(BAND_COUNT).fill(0);
  if (game.model.type === 'table') {
    const m = game.model;
    m.weights.forEach((w, i) => {
      bands[bandOf(capped(m.pays[i]!), stakeUnits)]! += w / m.totalWeight;
    });
    return { bands, note: 'exact: from the weighted outcome table' };
  }
  if (game.model.freeSpins !== null) {
    return {
      bands: null,
      note: 'exact round-win law not enumerated (free-spin feature): simulated bands only',
    };
  }
  const reelSet = game.definition.modes.find((m) => m.id === mode)?.reelSet ?? 'base';
  const hist = spinHistogram(game, reelSet, false);
  for (const [, wins] of hist.bySpins)
    for (const [win, weight] of wins) bands[bandOf(capped(win), stakeUnits)]! += weight / hist.totalWeight;
  return { bands, note: 'exact: full-cycle enumeration of the base spin (the mode has no feature)' };
}

export interface ModeStageOutput {
  readonly mode: string;
  readonly par: ReturnType<typeof parOf>;
  readonly simulation: Simulation;
  readonly monitoring: {
    z: number;
    confidence: number;
    rows: { rounds: number; low: number; high: number }[];
  };
}

export async function simulateMode(
  file: string,
  game: Game,
  analysis: ExactAnalysis,
  rounds: number,
  chunkSize: number,
  seed: bigint,
  workers: number,
  onProgress: (done: number, total: number) => void,
): Promise<Simulation> {
  const run = await runSimulation({
    game: gameFileSpec(file, analysis.mode),
    spins: rounds,
    chunkSize,
    seed,
    workers,
    onProgress,
  });
  const exactRtp = analysis.rtp.toNumber();
  const s = summarizePart(run.part, exactRtp);
  const payChiSquare = analysis.pays.map((p) => {
    const observed = s.pays.find((x) => x.id === p.payId)?.hits ?? 0;
    const expected = p.hitsPerRound.toNumber() * s.spinsRun;
    const applicable = expected >= MIN_EXPECTED_HITS;
    const chi = applicable ? (observed - expected) ** 2 / expected : null;
    return {
      payId: p.payId,
      expectedHits: expected,
      observedHits: observed,
      chiSquare: chi,
      pValue: chi === null ? null : chiSquareUpperTail(chi, 1),
      applicable,
    };
  });
  const exact = exactBands(game, analysis.mode, analysis.stakeUnits);
  return simulationEvidence(s, exactRtp, payChiSquare, exact.bands, exact.note);
}

/**
 * §5's block of one mode from its Monte Carlo summary: the estimate, the z-test verdict against the
 * exact RTP, convergence, and the win bands beside their exact probabilities (game definitions and
 * publications alike).
 */
export function simulationEvidence(
  s: SimSummary,
  exactRtp: number,
  payChiSquare: Simulation['payChiSquare'],
  exactBandProbabilities: readonly (number | null)[] | null,
  exactBandsNote: string,
): Simulation {
  const v = s.verdict!;
  return {
    rounds: s.spinsRun,
    seed: s.seed,
    stream: s.streamKind,
    chunkSize: s.chunkSize,
    rtp: s.estimate.rtp,
    standardError: s.estimate.standardError,
    ci99: [s.estimate.ci99.low, s.estimate.ci99.high],
    exactRtp,
    zScore: finiteOrNull(v.zScore),
    pValue: finiteOrNull(v.pValue),
    passed: v.passed,
    hitFrequency: s.hitFrequency,
    payChiSquare,
    convergence: s.convergence.map((c) => ({ rounds: c.spins, rtp: c.rtp, standardError: c.standardError })),
    bands: s.bands.map((b, i) => ({
      label: BAND_LABELS[i]!,
      simulated: b.fraction,
      exact: exactBandProbabilities ? (exactBandProbabilities[i] ?? null) : null,
    })),
    exactBandsNote,
  };
}

/** §10: the band of observed RTP after n rounds outside which production monitoring alerts. */
export function monitoringPlan(rtp: number, sdPerRoundStakes: number) {
  const z = normalQuantile(0.5 + MONITORING_CONFIDENCE / 2);
  return {
    z,
    confidence: MONITORING_CONFIDENCE,
    rows: MONITORING_ROUNDS.map((rounds) => {
      const half = (z * sdPerRoundStakes) / Math.sqrt(rounds);
      return { rounds, low: rtp - half, high: rtp + half };
    }),
  };
}

export { analyzeGame, loadGameFile, parSheetCsv };
