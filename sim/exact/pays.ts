/**
 * Per-pay PAR figures: for every pay, hits per cycle and its share of the RTP, in the base spin and
 * in a free spin. By linearity of expectation these need only per-line (per-reel) marginals, not the
 * joint distribution:
 * - a line pay: Σ over paylines Σ over symbol combinations paying it of Π_r weight of that symbol
 *   at the line's row on reel r;
 * - a ways pay for symbol p and run L: Π_{r<L} (weight of stops showing p) × (weight of stops on reel
 *   L not showing p) × Π_{r>L} (total weight), and its win Π_{r<L} Σ_stops weight × count;
 * - a scatter pay: the exact distribution of the count (a convolution over reels).
 * Figures are before the max-win cap (the cap's effect is reported once, as an RTP adjustment).
 */
import { type Game, lineWinTable, type PreparedReel, type ReelModel } from '../../games/index.ts';
import { Rational } from './rational.ts';

export interface SpinPayStats {
  /** Paid combinations summed over the cycle (over every payline for line pays). */
  readonly hitsPerCycle: bigint;
  readonly cycle: bigint;
  /** Expected hits per spin (hitsPerCycle / cycle). */
  readonly hitsPerSpin: Rational;
  readonly oddsOneIn: number;
  /** Win units paid by this pay over the cycle (before a free-spin multiplier). */
  readonly winPerCycle: bigint;
}

export interface PayStats {
  readonly payId: string;
  readonly kind: 'line' | 'ways' | 'scatter' | 'outcome';
  readonly description: string;
  /** The pay-table value: units per line/way, a multiple of the base stake (scatter), or units (outcome). */
  readonly pay: number;
  readonly base: SpinPayStats;
  readonly free: SpinPayStats | null;
  /** Expected hits per round (base spin plus expected free spins). */
  readonly hitsPerRound: Rational;
  /** Contribution to the RTP (fraction of the stake), base and free spins together. */
  readonly rtp: Rational;
}

interface Accum {
  hits: bigint;
  win: bigint;
}

function spinStats(a: Accum, cycle: bigint): SpinPayStats {
  const hitsPerSpin = Rational.of(a.hits, cycle);
  return {
    hitsPerCycle: a.hits,
    cycle,
    hitsPerSpin,
    oddsOneIn: a.hits === 0n ? Number.POSITIVE_INFINITY : Rational.of(cycle, a.hits).toNumber(),
    winPerCycle: a.win,
  };
}

function cycleOf(reels: readonly PreparedReel[]): bigint {
  let t = 1n;
  for (const r of reels) t *= BigInt(r.totalWeight);
  return t;
}

/** weightOf[r][s]: total weight of stops of reel r showing symbol s at `rowOf(r)`. */
function symbolWeights(
  model: ReelModel,
  reels: readonly PreparedReel[],
  rowOf: (r: number) => number,
): Float64Array[] {
  const S = model.symbolIds.length;
  return reels.map((reel, r) => {
    const out = new Float64Array(S);
    const n = reel.stops.length;
    const row = rowOf(r);
    for (let stop = 0; stop < n; stop++)
      out[reel.stops[(stop + row) % n]!]! += reel.weights ? reel.weights[stop]! : 1;
    return out;
  });
}

function linePays(model: ReelModel, reels: readonly PreparedReel[], acc: Accum[]): void {
  const table = lineWinTable(model);
  if (table === null) throw new Error('line table too large for the per-pay analysis');
  const S = model.symbolIds.length;
  const R = model.reelCount;
  const keys: number[] = [];
  for (let key = 0; key < table.win.length; key++) if (table.win[key] !== 0) keys.push(key);
  const digits = new Int32Array(R);
  // Per pay: win value -> summed weight (Number, exact below 2^53), folded into BigInt at the end.
  const byPay = acc.map(() => new Map<number, number>());
  for (const line of model.lines) {
    const w = symbolWeights(model, reels, (r) => line[r]!);
    for (const key of keys) {
      let k = key;
      let weight = 1;
      for (let r = 0; r < R; r++) {
        digits[r] = k % S;
        k = Math.floor(k / S);
        weight *= w[r]![digits[r]!]!;
        if (weight === 0) break;
      }
      if (weight === 0) continue;
      const a = table.ltrPay[key]!;
      if (a >= 0) {
        const m = byPay[a]!;
        m.set(table.ltrWin[key]!, (m.get(table.ltrWin[key]!) ?? 0) + weight);
      }
      const b = table.rtlPay[key]!;
      if (b >= 0) {
        const m = byPay[b]!;
        m.set(table.rtlWin[key]!, (m.get(table.rtlWin[key]!) ?? 0) + weight);
      }
    }
  }
  byPay.forEach((m, i) => {
    for (const [win, weight] of m) {
      acc[i]!.hits += BigInt(weight);
      acc[i]!.win += BigInt(weight) * BigInt(win);
    }
  });
}

function waysPays(model: ReelModel, reels: readonly PreparedReel[], acc: Accum[]): void {
  const R = model.reelCount;
  const totals = reels.map((r) => BigInt(r.totalWeight));
  for (const ws of model.waysSymbols) {
    const shows: bigint[] = [];
    const weighted: bigint[] = [];
    const absent: bigint[] = [];
    reels.forEach((reel) => {
      let a = 0n;
      let b = 0n;
      let z = 0n;
      const n = reel.stops.length;
      for (let stop = 0; stop < n; stop++) {
        let c = 0;
        for (let row = 0; row < model.rows; row++) c += ws.match[reel.stops[(stop + row) % n]!]!;
        const w = BigInt(reel.weights ? reel.weights[stop]! : 1);
        if (c > 0) {
          a += w;
          b += w * BigInt(c);
        } else z += w;
      }
      shows.push(a);
      weighted.push(b);
      absent.push(z);
    });
    for (let L = 1; L <= R; L++) {
      const pay = ws.bestPay[L]!;
      if (pay === 0) continue;
      let hits = 1n;
      let win = BigInt(pay);
      for (let r = 0; r < L; r++) {
        hits *= shows[r]!;
        win *= weighted[r]!;
      }
      for (let r = L; r < R; r++) {
        const f = r === L ? absent[r]! : totals[r]!;
        hits *= f;
        win *= f;
      }
      const a = acc[ws.bestPayIndex[L]!]!;
      a.hits += hits;
      a.win += win;
    }
  }
}

function scatterPays(model: ReelModel, reels: readonly PreparedReel[], acc: Accum[]): void {
  for (const sc of model.scatters) {
    let dist: bigint[] = [1n];
    for (const reel of reels) {
      const per: bigint[] = new Array(model.rows + 1).fill(0n);
      const n = reel.stops.length;
      for (let stop = 0; stop < n; stop++) {
        let c = 0;
        for (let row = 0; row < model.rows; row++) if (reel.stops[(stop + row) % n] === sc.symbol) c++;
        per[c]! += BigInt(reel.weights ? reel.weights[stop]! : 1);
      }
      const next: bigint[] = new Array(dist.length + model.rows).fill(0n);
      dist.forEach((x, i) => {
        per.forEach((y, j) => {
          next[i + j]! += x * y;
        });
      });
      dist = next;
    }
    dist.forEach((weight, count) => {
      const pay = sc.bestPay[count] ?? 0;
      if (pay === 0 || weight === 0n) return;
      const a = acc[sc.bestPayIndex[count]!]!;
      a.hits += weight;
      a.win += weight * BigInt(pay * sc.unitsPerPay);
    });
  }
}

function reelSetPays(model: ReelModel, reels: readonly PreparedReel[]): Accum[] {
  const acc = model.payIds.map(() => ({ hits: 0n, win: 0n }));
  if (model.evaluation === 'lines') linePays(model, reels, acc);
  else waysPays(model, reels, acc);
  scatterPays(model, reels, acc);
  return acc;
}

function describe(
  model: ReelModel,
  payIndex: number,
): { kind: PayStats['kind']; description: string; pay: number } {
  const id = model.payIds[payIndex]!;
  const p = model.def.pays.find((x) => x.id === id);
  if (p !== undefined) {
    const kind = model.evaluation === 'ways' ? 'ways' : 'line';
    if (p.type === 'run') return { kind, description: `${p.count}× ${p.symbol}`, pay: p.pay };
    if (p.type === 'sequence') return { kind, description: p.pattern.join('-'), pay: p.pay };
    return { kind, description: `${p.count}+ ${p.symbol} anywhere on the line`, pay: p.pay };
  }
  const s = model.def.scatterPays!.find((x) => x.id === id)!;
  return { kind: 'scatter', description: `${s.count}+ ${s.symbol} scattered`, pay: s.pay };
}

/** Per-pay figures for `mode`; `freeSpinsPerRound` = E[free spins per round] (0 without a feature). */
export function payStatistics(
  game: Game,
  model: ReelModel | null,
  mode: string,
  freeSpinsPerRound: Rational,
  stakeUnits: number,
): PayStats[] {
  const stake = Rational.of(stakeUnits);
  if (model === null) {
    const table = game.model;
    if (table.type !== 'table') throw new TypeError('expected a table game');
    const T = BigInt(table.totalWeight);
    return table.payIds.map((payId, i) => {
      const a = { hits: BigInt(table.weights[i]!), win: BigInt(table.weights[i]!) * BigInt(table.pays[i]!) };
      return {
        payId,
        kind: 'outcome' as const,
        description: payId,
        pay: table.pays[i]!,
        base: spinStats(a, T),
        free: null,
        hitsPerRound: Rational.of(a.hits, T),
        rtp: Rational.of(a.win, T).div(stake),
      };
    });
  }
  const modeDef = game.definition.modes.find((m) => m.id === mode)!;
  const baseReels = model.reelSets.get(modeDef.reelSet!)!;
  const baseCycle = cycleOf(baseReels);
  const baseAcc = reelSetPays(model, baseReels);
  const fs = model.freeSpins;
  const withFree = fs !== null && !freeSpinsPerRound.isZero();
  const freeReels = withFree ? model.reelSets.get(fs.reelSet)! : null;
  const freeCycle = freeReels ? cycleOf(freeReels) : 1n;
  const freeAcc = freeReels ? reelSetPays(model, freeReels) : null;
  return model.payIds.map((payId, i) => {
    const b = baseAcc[i]!;
    const { kind, description, pay } = describe(model, i);
    let hitsPerRound = Rational.of(b.hits, baseCycle);
    let rtp = Rational.of(b.win, baseCycle).div(stake);
    let free: SpinPayStats | null = null;
    if (freeAcc !== null && fs !== null) {
      const f = freeAcc[i]!;
      free = spinStats(f, freeCycle);
      hitsPerRound = hitsPerRound.add(freeSpinsPerRound.mul(Rational.of(f.hits, freeCycle)));
      rtp = rtp.add(freeSpinsPerRound.mul(Rational.of(f.win * BigInt(fs.multiplier), freeCycle)).div(stake));
    }
    return { payId, kind, description, pay, base: spinStats(b, baseCycle), free, hitsPerRound, rtp };
  });
}
