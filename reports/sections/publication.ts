/**
 * §3–§5 and §10 for a Stake Engine math-sdk publication, per mode: the PAR figures from the lookup
 * table (sim's `analyzePublicationMode`, exact rationals), the books-against-table consistency
 * (`checkBooksConsistency`), the weighted-draw battery on the served path (certification's
 * `weightedDrawBattery`), and the Monte Carlo check with the publication kernel (the simulator's
 * workers draw rows with the same exact integer weighted draw). This file only gathers figures.
 *
 * The PAR "pays" of a publication are its distinct payouts: each row of the table is one outcome,
 * so the exact law of a round's win is Σ weight per payout.
 */
import { type WeightedDrawResult, weightedDrawBattery } from '../../certification/index.ts';
import { PUBLICATION_KERNEL_URL, type PublicationMode } from '../../games/index.ts';
import {
  BAND_COUNT,
  BAND_LOWER_EDGES_X,
  type BooksConsistency,
  gameModuleSpec,
  normalQuantile,
  type PublicationModeAnalysis,
  Rational,
  runSimulation,
  summarizePart,
  VI_Z_90,
  VI_Z_95,
} from '../../sim/index.ts';
import type { Par, Simulation } from '../model.ts';
import { simulationEvidence } from './games.ts';
import { PRODUCTION_DRBG } from './rng.ts';

/** Rows of the per-payout table shown in the report (the PAR CSV has every one). */
export const MAX_REPORTED_PAYOUTS = 60;

const ratio = (r: Rational) => `${r.num}/${r.den}`;
const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

interface PayoutGroup {
  readonly payout: number;
  readonly weight: bigint;
}

/** Σ weight per distinct payout, largest payout first (exact BigInt sums). */
export function payoutGroups(mode: PublicationMode): PayoutGroup[] {
  const { table } = mode;
  const sums = new Map<number, bigint>();
  for (let r = 0; r < table.rows; r++) {
    const p = table.payouts[r]!;
    sums.set(p, (sums.get(p) ?? 0n) + table.weights[r]!);
  }
  return [...sums.entries()]
    .filter(([, w]) => w > 0n)
    .map(([payout, weight]) => ({ payout, weight }))
    .sort((a, b) => b.payout - a.payout);
}

function payRows(mode: PublicationMode, groups: readonly PayoutGroup[]): Par['pays'] {
  const { numerator: cn, denominator: cd } = mode.cost;
  const total = mode.table.totalWeight;
  return groups.map(({ payout, weight }) => {
    const hits = Rational.of(weight, total);
    const rtp = Rational.of(weight * BigInt(payout) * cd, total * 100n * cn);
    return {
      payId: `payout-${payout}`,
      kind: 'book payout',
      description: `payoutMultiplier ${payout} (${payout / 100}× bet)`,
      pay: payout / 100,
      hitsPerCycleBase: weight.toString(),
      hitsPerRound: ratio(hits),
      probability: hits.toNumber(),
      oddsOneIn: finiteOrNull(1 / hits.toNumber()),
      rtpContribution: ratio(rtp),
      rtpContributionDecimal: rtp.toNumber(),
    };
  });
}

/** PAR figures of one publication mode (jurisdiction checks and the declared RTP added later). */
export function publicationParOf(
  mode: PublicationMode,
  a: PublicationModeAnalysis,
  groups: readonly PayoutGroup[],
): Omit<Par, 'minimumRtpChecks' | 'declaredRtp' | 'declaredRtpSource'> {
  const z99 = Number(normalQuantile(0.995).toFixed(6));
  const hit = a.hitRate.toNumber();
  return {
    cycle: a.totalWeight.toString(),
    rtpExact: ratio(a.rtp),
    rtp: a.rtp.toNumber(),
    baseRtp: a.rtp.toNumber(),
    featureRtp: 0,
    hitFrequency: hit,
    hitOddsOneIn: hit > 0 ? 1 / hit : null,
    sdPerRoundStakes: a.sdPerRoundStakes,
    volatilityIndex: {
      z90: VI_Z_90,
      vi90: a.volatilityIndex90,
      z95: VI_Z_95,
      vi95: a.volatilityIndex95,
      z99,
      vi99: z99 * a.sdPerRoundStakes,
    },
    maxWin: {
      // Through the exact decimal: 17000/100 at cost 100 is 1.7, not 1.7000000000000002.
      stakeMultiple: Number(a.maxWin.stakes.toDecimal(12)),
      oddsOneIn: finiteOrNull(a.maxWin.oddsOneIn),
      meetsGli11Odds: a.maxWin.meetsAdvertisedAwardRule,
      note: `the largest payout of the lookup table: payoutMultiplier ${a.maxWin.payoutMultiplier} (${a.maxWin.payoutMultiplier / 100}× bet at cost ${mode.cost.text}), probability ${ratio(a.maxWin.probability)}`,
    },
    featureTriggerOddsOneIn: null,
    pays: payRows(mode, groups.slice(0, MAX_REPORTED_PAYOUTS)),
    reelSets: [],
  };
}

/** The PAR CSV of a mode: one row per distinct payout, every one (RFC 4180 quoting not needed). */
export function publicationParCsv(
  id: string,
  mode: PublicationMode,
  groups: readonly PayoutGroup[],
  header: boolean,
): string {
  const lines = header
    ? [
        'game_id,mode,cost,payout_multiplier_x100,pays_x_bet,weight,total_weight,probability,rtp_contribution,rtp_contribution_exact',
      ]
    : [];
  for (const p of payRows(mode, groups))
    lines.push(
      [
        id,
        mode.name,
        mode.cost.text,
        Math.round(p.pay * 100),
        p.pay,
        p.hitsPerCycleBase,
        mode.table.totalWeight.toString(),
        p.probability ?? '',
        p.rtpContributionDecimal ?? '',
        p.rtpContribution,
      ].join(','),
    );
  return `${lines.join('\n')}\n`;
}

/** Exact probability of each win band (the simulator's integer band rule: win ≥ edge × stake). */
function exactBands(mode: PublicationMode, groups: readonly PayoutGroup[]): number[] {
  const { numerator: cn, denominator: cd } = mode.cost;
  const stake = 100n * cn; // a win of payout p is p·cd in these units
  const bands = new Array<number>(BAND_COUNT).fill(0);
  const total = mode.table.totalWeight;
  for (const { payout, weight } of groups) {
    const win = BigInt(payout) * cd;
    let band = win === 0n ? 0 : win < stake ? 1 : 2;
    for (let k = 3; k < BAND_COUNT && band >= 2; k++)
      if (win >= BigInt(BAND_LOWER_EDGES_X[k]!) * stake) band = k;
    bands[band]! += Rational.of(weight, total).toNumber();
  }
  return bands;
}

export interface PublicationSimInput {
  readonly dir: string;
  readonly mathHash: string;
  readonly rounds: number;
  readonly chunkSize: number;
  readonly seed: bigint;
  readonly workers: number;
  readonly onProgress: (done: number, total: number) => void;
}

/** Monte Carlo of a mode with the publication kernel; the same pass rule as a game definition. */
export async function simulatePublicationMode(
  mode: PublicationMode,
  a: PublicationModeAnalysis,
  groups: readonly PayoutGroup[],
  input: PublicationSimInput,
): Promise<Simulation> {
  const run = await runSimulation({
    game: gameModuleSpec(PUBLICATION_KERNEL_URL, 'publicationKernel', {
      dir: input.dir,
      mode: mode.name,
      mathHash: input.mathHash,
    }),
    spins: input.rounds,
    chunkSize: input.chunkSize,
    seed: input.seed,
    workers: input.workers,
    onProgress: input.onProgress,
  });
  const exactRtp = a.rtp.toNumber();
  const s = summarizePart(run.part, exactRtp);
  // A publication has no pay table: its per-outcome check is the weighted-draw battery (§3).
  return simulationEvidence(
    s,
    exactRtp,
    [],
    exactBands(mode, groups),
    'exact: from the lookup table (Σ weight per payout)',
  );
}

/** The weighted-draw battery of a mode, in the pack's shape. */
export function weightedDrawEvidence(mode: PublicationMode, seedHex: string, draws: number) {
  const r: WeightedDrawResult = weightedDrawBattery(mode.table, PRODUCTION_DRBG, seedHex, draws);
  return {
    reference: r.reference,
    drbg: r.drbg,
    seedHex: r.seedHex,
    draws: r.draws,
    alpha: r.alpha,
    fit: r.fit,
    zeroWeightDraws: r.zeroWeightDraws,
    passed: r.passed,
    control: r.control,
  };
}

/** The books check, in the pack's shape (the first problems as text). */
export function booksEvidence(b: BooksConsistency) {
  return {
    booksRead: b.booksRead,
    problemCount: b.problemCount,
    missingBookCount: b.missingBookCount,
    consistent: b.consistent,
    firstProblems: [
      ...b.problems.map(
        (p) =>
          `book line ${p.line}: id ${p.id}: ${p.problem} (table ${p.tablePayout ?? 'none'}, book ${p.bookPayout})`,
      ),
      ...(b.missingBookIds.length > 0 ? [`rows without a book: ids ${b.missingBookIds.join(', ')}`] : []),
    ],
  };
}
