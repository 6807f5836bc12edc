/**
 * The exact analysis against an INDEPENDENT brute-force enumerator written here from the format's
 * rules (it reads the raw definition, not games/model.ts): every weighted stop combination is
 * evaluated. 5-reel games are cross-checked on reduced copies (short strips), the full games through
 * the fast method; the free-spin closed form is checked against value iteration on "spins left".
 */
import { describe, expect, it } from 'vitest';
import {
  type Game,
  type GameDefinition,
  loadDemoGame,
  loadGame,
  type ReelGameDefinition,
} from '../../games/index.ts';
import { analyzeGame } from './analysis.ts';
import { Rational } from './rational.ts';

// ---------- independent brute force ----------

interface BruteSpin {
  win: number;
  trigger: number;
  payIds: string[];
}

const rulesCache = new WeakMap<ReelGameDefinition, ReturnType<typeof buildRules>>();
function bruteRules(def: ReelGameDefinition) {
  let r = rulesCache.get(def);
  if (!r) {
    r = buildRules(def);
    rulesCache.set(def, r);
  }
  return r;
}

function buildRules(def: ReelGameDefinition) {
  const kind = new Map(def.symbols.map((s) => [s.id, s.kind]));
  const groups = new Map((def.groups ?? []).map((g) => [g.id, g.symbols]));
  const regular = def.symbols.filter((s) => s.kind === 'regular').map((s) => s.id);
  const wilds = def.symbols
    .filter((s) => s.kind === 'wild')
    .map((s) => ({
      id: s.id,
      mult: s.wild?.multiplier ?? 1,
      subs: (s.wild?.substitutes ?? regular).filter((x) => !(s.wild?.except ?? []).includes(x)),
    }));
  // multiplier with which symbol `s` stands for term `t` (0: it does not)
  const match = (t: string, s: string): number => {
    const members = groups.get(t) ?? [t];
    if (members.includes(s)) return 1;
    if (kind.get(t) === 'wild') return 0;
    const w = wilds.find((x) => x.id === s);
    return w && members.some((m) => w.subs.includes(m)) ? w.mult : 0;
  };
  return { kind, match };
}

function bruteLine(def: ReelGameDefinition, syms: string[], match: (t: string, s: string) => number) {
  const R = syms.length;
  const bothWays = def.evaluation.type === 'lines' && def.evaluation.direction === 'both-ways';
  let best: { win: number; id: string; cover: number } | null = null;
  let bestR: { win: number; id: string; cover: number } | null = null;
  for (const p of def.pays) {
    if (p.type === 'anywhere') {
      const hits = syms.map((s) => match(p.symbol, s)).filter((m) => m > 0);
      if (hits.length >= p.count) {
        const win = p.pay * hits.reduce((a, b) => a * b, 1);
        if (!best || win > best.win) best = { win, id: p.id, cover: hits.length };
      }
      continue;
    }
    const terms = p.type === 'run' ? Array(p.count).fill(p.symbol) : p.pattern;
    const tryDir = (rtl: boolean) => {
      let m = 1;
      for (let i = 0; i < terms.length; i++) {
        const x = match(terms[i], syms[rtl ? R - 1 - i : i]!);
        if (x === 0) return 0;
        m *= x;
      }
      return m;
    };
    const m = tryDir(false);
    if (m > 0 && (!best || p.pay * m > best.win)) best = { win: p.pay * m, id: p.id, cover: terms.length };
    if (bothWays && terms.length < R) {
      const mr = tryDir(true);
      if (mr > 0 && (!bestR || p.pay * mr > bestR.win))
        bestR = { win: p.pay * mr, id: p.id, cover: terms.length };
    }
  }
  // A full-length left-to-right win is paid once, without a right-to-left win beside it.
  const fullLeft = best !== null && best.cover === R;
  return [best, fullLeft ? null : bestR].filter(
    (x): x is { win: number; id: string; cover: number } => x !== null,
  );
}

function bruteSpin(def: ReelGameDefinition, window: string[][], freeSpin: boolean): BruteSpin {
  const { match } = bruteRules(def);
  const R = window.length;
  const rows = def.rows;
  const baseStake =
    def.bet.baseStakeUnits ?? (def.evaluation.type === 'lines' ? def.evaluation.lines.length : 1);
  let win = 0;
  const payIds: string[] = [];
  if (def.evaluation.type === 'ways') {
    const symbols = [...new Set(def.pays.map((p) => (p.type === 'run' ? p.symbol : '')))];
    for (const sym of symbols) {
      let run = 0;
      let ways = 1;
      for (let r = 0; r < R; r++) {
        const c = window[r]!.reduce((a, s) => a + match(sym, s), 0);
        if (c === 0) break;
        run++;
        ways *= c;
      }
      let best: { pay: number; id: string } | null = null;
      for (const p of def.pays) {
        if (p.type === 'run' && p.symbol === sym && p.count <= run && (!best || p.pay > best.pay)) best = p;
      }
      if (best) {
        win += best.pay * ways;
        payIds.push(best.id);
      }
    }
  } else {
    const lines =
      def.evaluation.type === 'lines' ? def.evaluation.lines : [Array(R).fill((rows - 1) / 2) as number[]];
    for (const line of lines) {
      for (const m of bruteLine(
        def,
        line.map((row, r) => window[r]![row]!),
        match,
      )) {
        win += m.win;
        payIds.push(m.id);
      }
    }
  }
  const count = (sym: string) => window.flat().filter((s) => s === sym).length;
  for (const sym of new Set((def.scatterPays ?? []).map((p) => p.symbol))) {
    let best: { pay: number; id: string } | null = null;
    for (const p of def.scatterPays!) {
      if (p.symbol === sym && p.count <= count(sym) && (!best || p.pay > best.pay)) best = p;
    }
    if (best) {
      win += best.pay * baseStake;
      payIds.push(best.id);
    }
  }
  let trigger = 0;
  const fs = def.freeSpins;
  if (fs) {
    const n = count(fs.symbol);
    const awards = freeSpin ? (fs.retrigger ?? []) : fs.awards;
    let bestCount = -1;
    for (const a of awards) {
      if (a.count <= n && a.count > bestCount) {
        bestCount = a.count;
        trigger = a.spins;
      }
    }
  }
  return { win, trigger, payIds };
}

interface BruteTotals {
  cycle: bigint;
  sumWin: bigint;
  sumWin2: bigint;
  noWin: bigint;
  payHits: Map<string, bigint>;
  /** (win, spins) -> weight */
  joint: Map<string, bigint>;
}

function bruteEnumerate(
  def: ReelGameDefinition,
  reelSet: string,
  freeSpin: boolean,
  cap: number | null,
): BruteTotals {
  const reels = def.reelSets[reelSet]!.reels;
  const t: BruteTotals = {
    cycle: 0n,
    sumWin: 0n,
    sumWin2: 0n,
    noWin: 0n,
    payHits: new Map(),
    joint: new Map(),
  };
  const stops = new Array<number>(reels.length).fill(0);
  const visit = (r: number, weight: bigint) => {
    if (r === reels.length) {
      const window = reels.map((reel, i) =>
        Array.from({ length: def.rows }, (_, row) => reel.symbols[(stops[i]! + row) % reel.symbols.length]!),
      );
      const s = bruteSpin(def, window, freeSpin);
      const y = BigInt(cap === null ? s.win : Math.min(s.win, cap));
      t.cycle += weight;
      t.sumWin += weight * y;
      t.sumWin2 += weight * y * y;
      if (s.win === 0 && s.trigger === 0) t.noWin += weight;
      for (const id of s.payIds) t.payHits.set(id, (t.payHits.get(id) ?? 0n) + weight);
      const key = `${s.win}|${s.trigger}`;
      t.joint.set(key, (t.joint.get(key) ?? 0n) + weight);
      return;
    }
    const reel = reels[r]!;
    for (let stop = 0; stop < reel.symbols.length; stop++) {
      stops[r] = stop;
      visit(r + 1, weight * BigInt(reel.weights?.[stop] ?? 1));
    }
  };
  visit(0, 1n);
  return t;
}

/**
 * A copy with every strip cut to `stops` stops (weights too): every wild and scatter stop is kept,
 * then the first other stops, in strip order, so the reduced game still has its features.
 */
function reduced(def: GameDefinition, stops: number): Game {
  const copy = JSON.parse(JSON.stringify(def)) as ReelGameDefinition;
  const special = new Set(
    copy.symbols.filter((s) => s.kind === 'wild' || s.kind === 'scatter').map((s) => s.id),
  );
  for (const set of Object.values(copy.reelSets)) {
    for (const reel of set.reels) {
      const keep = reel.symbols.map((s, i) => (special.has(s) ? i : -1)).filter((i) => i >= 0);
      for (let i = 0; keep.length < stops && i < reel.symbols.length; i++)
        if (!keep.includes(i)) keep.push(i);
      keep.sort((a, b) => a - b);
      const weights = reel.weights;
      reel.symbols = keep.map((i) => reel.symbols[i]!);
      if (weights) reel.weights = keep.map((i) => weights[i]!);
    }
  }
  return loadGame(copy);
}

function reelDef(game: Game): ReelGameDefinition {
  if (game.definition.type !== 'reels') throw new Error('not a reels game');
  return game.definition;
}

/** Checks the no-feature figures of the exact analysis against the brute force. */
function expectMatchesBrute(game: Game) {
  const def = reelDef(game);
  const a = analyzeGame(game, 'base');
  const cap = game.model.capUnits;
  const b = bruteEnumerate(def, def.modes[0]!.reelSet!, false, cap);
  const stake = BigInt(a.stakeUnits);
  expect(a.cycle).toBe(b.cycle);
  expect(a.rtp.equals(Rational.of(b.sumWin, b.cycle * stake))).toBe(true);
  expect(a.roundWin.secondMoment.equals(Rational.of(b.sumWin2, b.cycle))).toBe(true);
  expect(a.probabilityNoWin.equals(Rational.of(b.noWin, b.cycle))).toBe(true);
  for (const p of a.pays)
    expect([p.payId, p.base.hitsPerCycle]).toEqual([p.payId, b.payHits.get(p.payId) ?? 0n]);
  return a;
}

/**
 * E[capped round win] by the evaluator's literal rule (the running total is checked after every
 * spin; reaching the cap pays the cap and ends the round), by backward recursion over (total, spins
 * left) on the brute-force per-spin distributions, in exact rationals. A retrigger must pay (the
 * scatter pays), so every transition either raises the total or uses up a spin: the recursion is
 * finite even with retriggers of one spin.
 */
function bruteCappedMean(def: ReelGameDefinition, cap: number): Rational {
  const joint = (t: BruteTotals, mult: number) =>
    [...t.joint].map(([k, w]) => {
      const [x, r] = k.split('|').map(Number);
      return { x: x! * mult, r: r!, p: Rational.of(w, t.cycle) };
    });
  const base = joint(bruteEnumerate(def, 'base', false, null), 1);
  const free = joint(bruteEnumerate(def, 'free', true, null), def.freeSpins!.multiplier);
  const memo = new Map<string, Rational>();
  const value = (total: number, left: number): Rational => {
    if (total >= cap) return Rational.of(cap);
    if (left === 0) return Rational.of(total);
    const key = `${total}|${left}`;
    const hit = memo.get(key);
    if (hit) return hit;
    if (free.some((s) => s.r > 0 && s.x === 0))
      throw new Error('a non-paying retrigger: recursion unbounded');
    let v = Rational.ZERO;
    for (const s of free) v = v.add(s.p.mul(value(total + s.x, left - 1 + s.r)));
    memo.set(key, v);
    return v;
  };
  let mean = Rational.ZERO;
  for (const s of base) mean = mean.add(s.p.mul(value(s.x, s.r)));
  return mean;
}

// ---------- tests ----------

describe('exact analysis vs independent brute force', () => {
  it("Wizard's Fruit Slot matches the published Wizard of Odds figures", () => {
    const a = analyzeGame(loadDemoGame('wizard-fruit'), 'base');
    // Published (wizardofodds.com/games/slots/appendix/4): probabilities out of 8000 and returns.
    const published: Record<string, [number, number]> = {
      '3-globes': [1, 0.0625],
      '3-bars': [1, 0.0125],
      '3-plums': [9, 0.05625],
      '3-bells': [48, 0.12],
      '3-oranges': [64, 0.12],
      '3-cherries': [30, 0.0375],
      'cherry-cherry-any': [170, 0.10625],
      'cherry-any-any': [1800, 0.45],
    };
    for (const p of a.pays) {
      const [hits, ret] = published[p.payId]!;
      expect(p.base.hitsPerCycle).toBe(BigInt(hits));
      expect(p.rtp.toDecimal(6)).toBe(ret.toFixed(6));
    }
    expect(a.cycle).toBe(8000n);
    expect(a.rtp.toDecimal(4)).toBe('0.9650');
    expectMatchesBrute(loadDemoGame('wizard-fruit'));
  });

  it('classic-sevens (virtual reels, wild ×2, mixed groups, cherries anywhere): full cycle', () => {
    const a = expectMatchesBrute(loadDemoGame('classic-sevens'));
    expect(a.cycle).toBe(128n ** 3n);
    expect(a.rtp.toString()).toBe('1956017/2097152');
  });

  it('volcano-ways (243 ways, multiplier wilds, cap): reduced copy by brute force, cap binding', () => {
    const full = loadDemoGame('volcano-ways');
    // Reduced strips keep wilds and scatters where they fall in the first stops; lower the cap so it binds.
    const json = JSON.parse(JSON.stringify(full.definition));
    json.maxWin = { multiplier: 20 };
    const small = reduced(json, 7);
    const a = expectMatchesBrute(small);
    expect(a.capRtpAdjustment!.compare(Rational.ZERO)).toBeLessThan(0);
  });

  it('jungle-twenty (20 lines, wild pays, scatter, free spins): reduced copy base and free spins', () => {
    // With 6-stop strips scatters are frequent: one retrigger spin keeps the feature subcritical
    // (the full award would be rejected by validation as supercritical).
    const json = JSON.parse(JSON.stringify(loadDemoGame('jungle-twenty').definition));
    json.freeSpins.retrigger = [{ count: 3, spins: 1 }];
    const small = reduced(json, 6);
    const def = reelDef(small);
    const a = analyzeGame(small, 'base');
    const base = bruteEnumerate(def, 'base', false, null);
    const free = bruteEnumerate(def, 'free', true, null);
    for (const p of a.pays) {
      expect([p.payId, p.base.hitsPerCycle]).toEqual([p.payId, base.payHits.get(p.payId) ?? 0n]);
      expect([p.payId, p.free?.hitsPerCycle ?? 0n]).toEqual([p.payId, free.payHits.get(p.payId) ?? 0n]);
    }
    expect(a.probabilityNoWin.equals(Rational.of(base.noWin, base.cycle))).toBe(true);
    // Feature by value iteration over "spins left" (not the closed form): f(k), g(k) = first and
    // second moments of the win of k remaining spins, iterated to a fixed point.
    const mult = def.freeSpins!.multiplier;
    const freeJoint = [...free.joint].map(([k, w]) => {
      const [x, r] = k.split('|').map(Number);
      return { x: x! * mult, r: r!, p: Number(w) / Number(free.cycle) };
    });
    const K = 60; // spins left never exceed the largest award (20) with one-spin retriggers
    let f = new Float64Array(K + 1);
    let g = new Float64Array(K + 1);
    for (let iter = 0; iter < 120; iter++) {
      const f2 = new Float64Array(K + 1);
      const g2 = new Float64Array(K + 1);
      for (let k = 1; k <= K; k++) {
        for (const { x, r, p } of freeJoint) {
          const j = Math.min(K, k - 1 + r);
          f2[k]! += p * (x + f[j]!);
          g2[k]! += p * (x * x + 2 * x * f[j]! + g[j]!);
        }
      }
      f = f2;
      g = g2;
    }
    let mean = 0;
    let second = 0;
    for (const [k, w] of base.joint) {
      const [y, n] = k.split('|').map(Number);
      const p = Number(w) / Number(base.cycle);
      mean += p * (y! + f[n!]!);
      second += p * (y! * y! + 2 * y! * f[n!]! + g[n!]!);
    }
    expect(a.feature).not.toBeNull();
    expect(a.roundWin.mean.toNumber()).toBeCloseTo(mean, 6);
    expect(a.roundWin.secondMoment.toNumber() / second).toBeCloseTo(1, 9);
    const exactBase = Rational.of(base.sumWin, base.cycle * BigInt(a.stakeUnits));
    expect(a.baseRtp.equals(exactBase)).toBe(true);
  });

  it('a both-ways game with sequences, anywhere pays, groups, wild multipliers and weights', () => {
    const game = loadGame({
      formatVersion: 1,
      id: 'both',
      name: 'Both',
      type: 'reels',
      rows: 2,
      symbols: [
        { id: 'A', kind: 'regular' },
        { id: 'B', kind: 'regular' },
        { id: 'C', kind: 'regular' },
        { id: 'W', kind: 'wild', wild: { multiplier: 3, except: ['C'] } },
        { id: 'S', kind: 'scatter' },
      ],
      groups: [{ id: 'AB', symbols: ['A', 'B'] }],
      reelSets: {
        base: {
          reels: [
            { symbols: ['A', 'B', 'W', 'C', 'S'], weights: [3, 1, 1, 2, 1] },
            { symbols: ['A', 'C', 'B', 'W'] },
            { symbols: ['B', 'A', 'S', 'C'], weights: [1, 2, 1, 1] },
            { symbols: ['W', 'A', 'C', 'B'] },
            { symbols: ['A', 'B', 'C', 'S'] },
          ],
        },
      },
      evaluation: {
        type: 'lines',
        lines: [
          [0, 0, 0, 0, 0],
          [1, 1, 1, 1, 1],
          [0, 1, 0, 1, 0],
        ],
        direction: 'both-ways',
      },
      pays: [
        { id: 'a3', type: 'run', symbol: 'A', count: 3, pay: 10 },
        { id: 'a5', type: 'run', symbol: 'A', count: 5, pay: 100 },
        { id: 'ab3', type: 'run', symbol: 'AB', count: 3, pay: 4 },
        { id: 'bca', type: 'sequence', pattern: ['B', 'C', 'A'], pay: 7 },
        { id: 'w2', type: 'run', symbol: 'W', count: 2, pay: 6 },
        { id: 'c2', type: 'anywhere', symbol: 'C', count: 2, pay: 1 },
      ],
      scatterPays: [{ id: 's2', symbol: 'S', count: 2, pay: 2 }],
      bet: { coinValuesMinor: [1] },
      modes: [{ id: 'base', reelSet: 'base' }],
    });
    expectMatchesBrute(game);
  });

  it('lucky-wheel (weighted outcome table)', () => {
    const a = analyzeGame(loadDemoGame('lucky-wheel'), 'base');
    const def = loadDemoGame('lucky-wheel').definition;
    if (def.type !== 'table') throw new Error('table expected');
    let total = 0n;
    let sum = 0n;
    let sum2 = 0n;
    for (const o of def.outcomes) {
      total += BigInt(o.weight);
      sum += BigInt(o.weight) * BigInt(o.pay);
      sum2 += BigInt(o.weight) * BigInt(o.pay) ** 2n;
    }
    expect(a.rtp.equals(Rational.of(sum, total * BigInt(def.bet.baseStakeUnits!)))).toBe(true);
    expect(a.roundWin.secondMoment.equals(Rational.of(sum2, total))).toBe(true);
    expect(a.rtp.toString()).toBe('24/25');
  });

  it('documented exact RTPs of the full demo games (games/demo/README.md)', () => {
    expect(analyzeGame(loadDemoGame('jungle-twenty'), 'base').rtp.toDecimal(6)).toBe('0.954456');
    expect(analyzeGame(loadDemoGame('volcano-ways'), 'base').rtp.toString()).toBe('35279/37200');
  });

  it('capped feature with and without retriggers: reduced jungle copies against brute force', () => {
    for (const retrigger of [null, [{ count: 3, spins: 1 }]]) {
      const json = JSON.parse(JSON.stringify(loadDemoGame('jungle-twenty').definition));
      json.freeSpins.awards = [
        { count: 3, spins: 3 },
        { count: 4, spins: 4 },
        { count: 5, spins: 5 },
      ];
      if (retrigger === null) delete json.freeSpins.retrigger;
      else json.freeSpins.retrigger = retrigger;
      // Without a retrigger a low cap that binds often; with one a higher cap, so retrigger chains
      // run long enough for the DP to truncate them.
      json.maxWin = { multiplier: retrigger === null ? 3 : 12 };
      const small = reduced(json, 6);
      const def = reelDef(small);
      const cap = small.model.capUnits!;
      const expected = bruteCappedMean(def, cap).div(Rational.of(small.model.baseStakeUnits));
      for (const method of ['integer', 'float', 'backward'] as const) {
        const options = (budget?: number) =>
          method === 'backward'
            ? { capMethod: 'backward' as const, truncationRtpBudget: budget }
            : { capArithmetic: method, truncationRtpBudget: budget };
        const a = analyzeGame(small, 'base', options());
        const i = a.rtpInterval;
        expect([method, i.lower.compare(expected) <= 0, i.upper.compare(expected) >= 0]).toEqual([
          method,
          true,
          true,
        ]);
        // Width: ≤ 1e-12 in integer arithmetic; in doubles the proven rounding bound is relative
        // (γ_L of the RTP or of the excess E[(Z-cap)+]/stake, whichever form gave the interval;
        // this reduced copy puts both far above 1), plus the truncation.
        const width = i.upper.sub(i.lower).toNumber();
        const relativeTo = Math.max(
          i.upper.toNumber(),
          a.capFeature!.excessMean.upper.toNumber() / a.stakeUnits,
        );
        const roundingShare = 2.01 * a.capFeature!.roundingRelativeBound * relativeTo;
        expect(width).toBeLessThanOrEqual(
          method === 'integer' ? 1e-12 : roundingShare + a.capFeature!.truncationRtpBound.toNumber() + 1e-15,
        );
        // Exact (a single rational) in integer arithmetic when nothing was truncated.
        const c = a.capFeature!;
        expect(c.method).toBe(method === 'backward' ? 'backward' : 'dp');
        expect(i.exact).toBe(method === 'integer' && c.truncatedMass.isZero());
        if (method === 'integer' && retrigger === null) expect(i.exact).toBe(true);
        if (i.exact) expect(i.lower.equals(expected)).toBe(true);
        if (retrigger !== null) {
          // The truncation bound itself: stop early (budget 1e-2 of the RTP) and the wider
          // interval must still hold the brute-force value.
          const early = analyzeGame(small, 'base', options(1e-2));
          const e = early.rtpInterval;
          expect([e.lower.compare(expected) <= 0, e.upper.compare(expected) >= 0]).toEqual([true, true]);
          expect(e.upper.sub(e.lower).toNumber()).toBeLessThanOrEqual(1e-2 + 1e-10);
          if (method === 'backward') {
            // A 1-spin retrigger never raises the spins left: nothing to truncate here (the
            // truncation is tested in capped-backward.test.ts on a game whose spins left grow).
            expect(early.capFeature!.spinsLeftBound!).toBeLessThanOrEqual(c.spinsLeftBound!);
          } else {
            expect(early.capFeature!.truncatedMass.isZero()).toBe(false);
            expect(early.capFeature!.spinsPlayed).toBeLessThan(c.spinsPlayed);
          }
        }
        expect(a.capFeature!.capHit.lower.toNumber()).toBeGreaterThan(0.001);
      }
      // Negative control: the uncapped RTP lies outside the capped interval.
      const a = analyzeGame(small, 'base');
      expect(a.rtp.sub(a.capRtpAdjustment!).compare(a.rtpInterval.upper)).toBeGreaterThan(0);
    }
  });

  it('a broken line evaluation would be caught: a mutated pay changes the brute-force comparison', () => {
    const json = JSON.parse(JSON.stringify(loadDemoGame('classic-sevens').definition));
    const a = analyzeGame(loadGame(json), 'base');
    json.pays[0].pay += 1;
    const b = analyzeGame(loadGame(json), 'base');
    expect(a.rtp.equals(b.rtp)).toBe(false);
  });
});

describe('Rational', () => {
  it('keeps lowest terms and rounds decimals half-up', () => {
    expect(Rational.of(6n, -4n).toString()).toBe('-3/2');
    expect(Rational.of(2n, 3n).toDecimal(4)).toBe('0.6667');
    expect(Rational.of(1n, 8n).toDecimal(2)).toBe('0.13');
    expect(Rational.of(1n, 3n).add(Rational.of(1n, 6n)).toString()).toBe('1/2');
  });
});
