/**
 * PAR sheet renderings of an exact analysis: JSON (exact values as {numerator, denominator} strings
 * plus decimals; BigInt as strings), a readable text report, and CSV (one row per pay).
 */
import type { ExactAnalysis } from './analysis.ts';
import { VI_Z_90, VI_Z_95 } from './analysis.ts';
import { formatUpper } from './capped.ts';
import { rtpSpreadTable, volatilityIndices } from './distribution.ts';
import type { PayStats } from './pays.ts';
import type { Rational } from './rational.ts';

const DECIMALS = 12;

function exact(r: Rational): { numerator: string; denominator: string; decimal: string } {
  return { numerator: r.num.toString(), denominator: r.den.toString(), decimal: r.toDecimal(DECIMALS) };
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function payJson(p: PayStats) {
  const spin = (s: PayStats['base']) => ({
    hitsPerCycle: s.hitsPerCycle.toString(),
    cycle: s.cycle.toString(),
    hitsPerSpin: exact(s.hitsPerSpin),
    oddsOneIn: finite(s.oddsOneIn),
    winUnitsPerCycle: s.winPerCycle.toString(),
  });
  return {
    payId: p.payId,
    kind: p.kind,
    description: p.description,
    pay: p.pay,
    base: spin(p.base),
    free: p.free ? spin(p.free) : null,
    hitsPerRound: exact(p.hitsPerRound),
    rtpContribution: exact(p.rtp),
  };
}

/** A JSON-ready PAR sheet (no BigInt, no Infinity). */
export function parSheetJson(a: ExactAnalysis): Record<string, unknown> {
  const f = a.feature;
  return {
    gameId: a.gameId,
    mathHash: a.mathHash,
    mode: a.mode,
    stakeUnits: a.stakeUnits,
    cycle: a.cycle.toString(),
    rtp: exact(a.rtp),
    rtpInterval: {
      lower: exact(a.rtpInterval.lower),
      upper: exact(a.rtpInterval.upper),
      exact: a.rtpInterval.exact,
    },
    capFeature: a.capFeature
      ? {
          method: a.capFeature.method,
          arithmetic: a.capFeature.arithmetic,
          featureBandsComputed: a.capFeature.featureBandsComputed,
          tailBound: a.capFeature.tailBound
            ? {
                theta: a.capFeature.tailBound.theta,
                b: exact(a.capFeature.tailBound.b),
                tauUpper: exact(a.capFeature.tailBound.tauUpper),
                fOfTauUpper: exact(a.capFeature.tailBound.fOfTauUpper),
                mgfUpper: exact(a.capFeature.tailBound.mgfUpper),
                excessMeanUpperUnits: exact(a.capFeature.tailBound.excessMeanUpper),
                capHitUpper: exact(a.capFeature.tailBound.capHitUpper),
              }
            : null,
          capHit: { lower: exact(a.capFeature.capHit.lower), upper: exact(a.capFeature.capHit.upper) },
          excessMeanUnits: {
            lower: exact(a.capFeature.excessMean.lower),
            upper: exact(a.capFeature.excessMean.upper),
          },
          spinsPlayed: a.capFeature.spinsPlayed,
          spinsLeftBound: a.capFeature.spinsLeftBound,
          retriggerPossible: a.capFeature.retriggerPossible,
          truncatedMass: exact(a.capFeature.truncatedMass),
          truncationRtpBound: exact(a.capFeature.truncationRtpBound),
          roundingRelativeBound: a.capFeature.roundingRelativeBound,
          derivation: a.capFeature.derivation,
        }
      : null,
    baseRtp: exact(a.baseRtp),
    featureRtp: exact(a.featureRtp),
    capRtpAdjustment: a.capRtpAdjustment ? exact(a.capRtpAdjustment) : null,
    roundWinUnits: {
      mean: exact(a.roundWin.mean),
      secondMoment: exact(a.roundWin.secondMoment),
      variance: exact(a.roundWin.variance),
    },
    sdPerRoundStakes: a.sdPerRoundStakes,
    volatilityIndex: { z90: VI_Z_90, vi90: a.volatilityIndex90, z95: VI_Z_95, vi95: a.volatilityIndex95 },
    volatilityIndices: volatilityIndices(a.sdPerRoundStakes),
    rtpSpread99: rtpSpreadTable(a.rtp.toNumber(), a.sdPerRoundStakes),
    winBands: a.winBands
      ? {
          labelsX: a.winBands.labels,
          probabilities: a.winBands.probabilities.map(exact),
          unassigned: exact(a.winBands.unassigned),
        }
      : null,
    hitFrequency: exact(a.hitFrequency),
    probabilityNoWin: exact(a.probabilityNoWin),
    probabilityWinBelowStake: {
      exact: a.probabilityWinBelowStake.exact,
      lower: exact(a.probabilityWinBelowStake.lower),
      upper: exact(a.probabilityWinBelowStake.upper),
    },
    feature: f
      ? {
          triggerProbability: exact(f.triggerProbability),
          triggerOddsOneIn: finite(f.triggerOddsOneIn),
          expectedInitialSpinsPerRound: exact(f.expectedInitialSpinsPerRound),
          expectedRetriggerSpinsPerSpin: exact(f.expectedRetriggerSpinsPerSpin),
          expectedFreeSpinsPerRound: exact(f.expectedFreeSpinsPerRound),
          expectedSpinsPerFeature: exact(f.expectedSpinsPerFeature),
          winPerInitialSpinUnits: {
            mean: exact(f.winPerInitialSpin.mean),
            secondMoment: exact(f.winPerInitialSpin.secondMoment),
            variance: exact(f.winPerInitialSpin.variance),
          },
          averageFeatureWinStakes: exact(f.averageFeatureWinStakes),
          freeSpinMeanUnits: exact(f.freeSpinMean),
          freeSpinCycle: f.freeSpinCycle.toString(),
        }
      : null,
    maxWin: {
      units: a.maxWin.units,
      stakeMultiple: a.maxWin.stakeMultiple,
      probability: a.maxWin.probability ? exact(a.maxWin.probability) : null,
      oddsOneIn: a.maxWin.oddsOneIn === null ? null : finite(a.maxWin.oddsOneIn),
      meetsAdvertisedAwardRule: a.maxWin.meetsAdvertisedAwardRule,
      note: a.maxWin.note,
    },
    pays: a.pays.map(payJson),
  };
}

function pct(r: Rational): string {
  return `${r.mulInt(100).toDecimal(4)}%`;
}

function odds(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return '-';
  return x >= 100 ? x.toFixed(0) : x.toFixed(2);
}

/** Readable report: headline figures and one table row per pay. */
export function parSheetText(
  a: ExactAnalysis,
  formatTable: (h: string[], rows: (string | number)[][]) => string,
): string {
  const lines: string[] = [];
  lines.push(`game ${a.gameId}  mode ${a.mode}  stake ${a.stakeUnits} units`);
  lines.push(`math hash ${a.mathHash}`);
  lines.push(`cycle ${a.cycle}`);
  const cf = a.capFeature;
  if (cf === null || cf.exact) lines.push(`RTP ${pct(a.rtp)}  (exact ${a.rtp.num}/${a.rtp.den})`);
  else {
    const i = a.rtpInterval;
    lines.push(
      `RTP ${pct(a.rtp)}  in [${i.lower.toDecimal(15)}, ${i.upper.toDecimal(15)}] (width ${i.upper.sub(i.lower).toNumber().toExponential(2)}, proven)`,
    );
  }
  if (cf !== null) {
    lines.push(
      cf.method === 'tail-bound'
        ? `  capped feature (certified tail bound, no DP): P(cap) <= ${formatUpper(cf.capHit.upper)}`
        : cf.method === 'backward'
          ? `  capped feature (backward recursion, spins left <= ${cf.spinsLeftBound}, doubles): ` +
            `P(cap) ${cf.capHit.lower.toDecimal(15)}..${cf.capHit.upper.toDecimal(15)}`
          : `  capped feature (${cf.arithmetic} DP, ${cf.spinsPlayed} free spins deep): P(cap) ${cf.capHit.lower.toDecimal(12)}` +
            (cf.capHit.lower.equals(cf.capHit.upper) ? '' : `..${cf.capHit.upper.toDecimal(12)}`),
    );
    for (const line of cf.derivation) lines.push(`  bound: ${line}`);
  }
  lines.push(`  base ${pct(a.baseRtp)}  feature ${pct(a.featureRtp)}`);
  if (a.capRtpAdjustment) lines.push(`  max-win cap adjustment ${pct(a.capRtpAdjustment)}`);
  lines.push(`hit frequency ${pct(a.hitFrequency)} (1 in ${odds(1 / a.hitFrequency.toNumber())})`);
  lines.push(`P(no win) ${pct(a.probabilityNoWin)}`);
  const pb = a.probabilityWinBelowStake;
  lines.push(
    pb.exact
      ? `P(win < stake) ${pct(pb.lower)}`
      : `P(win < stake) between ${pct(pb.lower)} and ${pct(pb.upper)} (feature rounds counted in the upper bound)`,
  );
  lines.push(`SD per round ${a.sdPerRoundStakes.toFixed(4)} stakes`);
  lines.push(
    `volatility index ${volatilityIndices(a.sdPerRoundStakes)
      .map((v) => `${v.vi.toFixed(4)} (${v.confidence * 100}%, z=${v.z.toFixed(6)})`)
      .join('  ')}`,
  );
  const f = a.feature;
  if (f) {
    lines.push(`feature: trigger ${pct(f.triggerProbability)} (1 in ${odds(f.triggerOddsOneIn)})`);
    lines.push(
      `  free spins per feature ${f.expectedSpinsPerFeature.toDecimal(4)}  retrigger spins per spin ${f.expectedRetriggerSpinsPerSpin.toDecimal(6)}`,
    );
    lines.push(`  average feature win ${f.averageFeatureWinStakes.toDecimal(4)} stakes`);
  }
  const m = a.maxWin;
  lines.push(
    m.units === null
      ? `max win: ${m.note}`
      : `max win ${m.units} units (${m.stakeMultiple?.toFixed(2)}× stake), 1 in ${odds(m.oddsOneIn)}: ${m.note}; ` +
          `1-in-100,000,000 advertised-award rule ${m.meetsAdvertisedAwardRule ? 'met' : 'NOT met'}`,
  );
  lines.push('');
  lines.push(...spreadAndBands(a, formatTable));
  const header = ['pay', 'combination', 'pays', 'hits/cycle', 'P per spin', '1 in', 'RTP'];
  if (f) header.push('free hits/cycle', 'free 1 in');
  const rows = a.pays.map((p) => {
    const row: (string | number)[] = [
      p.payId,
      p.description,
      p.pay,
      p.base.hitsPerCycle.toString(),
      p.base.hitsPerSpin.toDecimal(8),
      odds(p.base.oddsOneIn),
      pct(p.rtp),
    ];
    if (f) row.push(p.free ? p.free.hitsPerCycle.toString() : '-', odds(p.free?.oddsOneIn ?? null));
    return row;
  });
  lines.push(formatTable(header, rows).trimEnd());
  return `${lines.join('\n')}\n`;
}

function spreadAndBands(
  a: ExactAnalysis,
  formatTable: (h: string[], rows: (string | number)[][]) => string,
): string[] {
  const out: string[] = ['RTP spread: 99% interval of the observed RTP after n rounds'];
  const spread = rtpSpreadTable(a.rtp.toNumber(), a.sdPerRoundStakes).map((r) => [
    r.rounds.toExponential(0).replace('e+', 'e'),
    `${(r.low * 100).toFixed(4)}%`,
    `${(r.high * 100).toFixed(4)}%`,
  ]);
  out.push(formatTable(['rounds', 'low', 'high'], spread).trimEnd(), '');
  const b = a.winBands;
  if (b === null) {
    out.push('round-win bands: not enumerated (a feature without a cap has an unbounded win); see sim', '');
    return out;
  }
  out.push('round-win distribution (bands in × stake, as the simulator prints them)');
  const rows = b.labels.map((label, k) => {
    const p = b.probabilities[k]!;
    return [label, p.toDecimal(12), odds(p.isZero() ? null : 1 / p.toNumber())];
  });
  out.push(formatTable(['band', 'probability', '1 in'], rows).trimEnd());
  if (a.capFeature !== null && !a.capFeature.featureBandsComputed)
    out.push(
      `unassigned: the feature rounds (P = ${b.unassigned.toNumber().toExponential(6)}), whose split into bands ` +
        `the ${a.capFeature.method === 'backward' ? 'backward-recursion' : 'tail-bound'} path does not compute (croupier sim measures it)`,
    );
  else if (!b.unassigned.isZero())
    out.push(`unassigned (truncation, rounding) <= ${b.unassigned.toNumber().toExponential(3)}`);
  out.push('');
  return out;
}

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV: one row per pay with exact fractions and decimals. */
export function parSheetCsv(a: ExactAnalysis): string {
  const header = [
    'game_id',
    'mode',
    'pay_id',
    'kind',
    'combination',
    'pays',
    'base_hits_per_cycle',
    'base_cycle',
    'base_hits_per_spin',
    'base_odds_1_in',
    'free_hits_per_cycle',
    'free_cycle',
    'hits_per_round',
    'rtp_contribution',
    'rtp_contribution_exact',
  ];
  const rows = a.pays.map((p) => [
    a.gameId,
    a.mode,
    p.payId,
    p.kind,
    p.description,
    p.pay,
    p.base.hitsPerCycle.toString(),
    p.base.cycle.toString(),
    p.base.hitsPerSpin.toDecimal(DECIMALS),
    Number.isFinite(p.base.oddsOneIn) ? p.base.oddsOneIn : '',
    p.free ? p.free.hitsPerCycle.toString() : '',
    p.free ? p.free.cycle.toString() : '',
    p.hitsPerRound.toDecimal(DECIMALS),
    p.rtp.toDecimal(DECIMALS),
    `${p.rtp.num}/${p.rtp.den}`,
  ]);
  rows.push([
    a.gameId,
    a.mode,
    'TOTAL',
    '',
    '',
    '',
    '',
    a.cycle.toString(),
    '',
    '',
    '',
    '',
    '',
    a.rtp.toDecimal(DECIMALS),
    `${a.rtp.num}/${a.rtp.den}`,
  ]);
  return `${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
}
