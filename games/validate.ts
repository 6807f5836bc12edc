/**
 * Validation of game definitions: the zod structural schema, then the semantic rules that relate
 * parts of a definition to each other. Every problem is reported with the path it concerns and a
 * stable rule code, e.g. `pays[3].symbol: unknown symbol or group "X7" (unknown-symbol)`.
 */
import type { z } from 'zod';
import {
  type GameDefinition,
  GameDefinitionSchema,
  type ReelGameDefinition,
  type SpinAward,
  type TableGameDefinition,
} from './definition.ts';

export interface DefinitionIssue {
  /** Dotted path into the document, e.g. `reelSets.base.reels[2].weights[5]`. */
  readonly path: string;
  /** Stable rule code, e.g. `unknown-symbol`, `payline-outside-grid`, `schema`. */
  readonly rule: string;
  readonly message: string;
}

export class GameDefinitionError extends Error {
  readonly code = 'invalid-game-definition';
  readonly issues: readonly DefinitionIssue[];
  constructor(issues: readonly DefinitionIssue[]) {
    // Every problem, one per line when there are several: an author fixes them in one pass.
    const line = (issue: DefinitionIssue) => `${issue.path || '(root)'}: ${issue.message} (${issue.rule})`;
    const first = issues[0];
    super(
      issues.length <= 1
        ? `invalid game definition: ${first ? line(first) : 'invalid definition'}`
        : `invalid game definition: ${issues.length} problems:\n${issues.map((i) => `  ${line(i)}`).join('\n')}`,
    );
    this.name = 'GameDefinitionError';
    this.issues = issues;
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out.length === 0 ? String(key) : `.${String(key)}`;
  }
  return out;
}

function zodIssues(error: z.ZodError): DefinitionIssue[] {
  return error.issues.map((issue) => ({
    path: formatPath(issue.path),
    rule: `schema-${issue.code}`,
    message: issue.message,
  }));
}

/** Upper bound on the number of semantic issues collected (bounded work on hostile input). */
const MAX_ISSUES = 100;

class IssueList {
  readonly items: DefinitionIssue[] = [];
  add(path: string, rule: string, message: string): void {
    if (this.items.length < MAX_ISSUES) this.items.push({ path, rule, message });
  }
}

function checkUnique(
  issues: IssueList,
  values: readonly string[],
  pathOf: (i: number) => string,
  what: string,
) {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) issues.add(pathOf(i), 'duplicate-id', `duplicate ${what} "${v}"`);
    seen.add(v);
  });
}

function checkAwards(issues: IssueList, awards: readonly SpinAward[], path: string): void {
  checkUnique(
    issues,
    awards.map((a) => String(a.count)),
    (i) => `${path}[${i}].count`,
    'award count',
  );
}

function validateCommon(def: GameDefinition, issues: IssueList): void {
  checkUnique(
    issues,
    def.modes.map((m) => m.id),
    (i) => `modes[${i}].id`,
    'mode id',
  );
  checkUnique(issues, def.bet.coinValuesMinor.map(String), (i) => `bet.coinValuesMinor[${i}]`, 'coin value');
  checkUnique(issues, def.bet.betLevels.map(String), (i) => `bet.betLevels[${i}]`, 'bet level');
}

/** Pays that differ by bet: column 1 is the pay, and every mode's coin count has its column. */
function validatePayByCoins(def: ReelGameDefinition, issues: IssueList): void {
  const maxCoins = Math.max(1, ...def.modes.map((m) => m.coins ?? 1));
  def.pays.forEach((p, pi) => {
    if (p.payByCoins === undefined) return;
    if (p.payByCoins[0] !== p.pay)
      issues.add(`pays[${pi}].payByCoins[0]`, 'pay-by-coins-first', `must equal pay (${p.pay})`);
    if (p.payByCoins.length < maxCoins)
      issues.add(
        `pays[${pi}].payByCoins`,
        'pay-by-coins-short',
        `${p.payByCoins.length} columns, but a mode plays ${maxCoins} coins`,
      );
  });
}

function validateTable(def: TableGameDefinition, issues: IssueList): void {
  if (def.bet.baseStakeUnits === undefined) {
    issues.add('bet.baseStakeUnits', 'missing-stake', 'a table game must state baseStakeUnits');
  }
  def.modes.forEach((m, i) => {
    if (m.reelSet !== undefined) {
      issues.add(`modes[${i}].reelSet`, 'not-applicable', 'a table game has no reel sets');
    }
    if (m.coins !== undefined)
      issues.add(`modes[${i}].coins`, 'not-applicable', 'a table game has no pay columns');
  });
  checkUnique(
    issues,
    def.outcomes.map((o) => o.id),
    (i) => `outcomes[${i}].id`,
    'outcome id',
  );
  let total = 0n;
  for (const o of def.outcomes) total += BigInt(o.weight);
  if (total > BigInt(Number.MAX_SAFE_INTEGER)) {
    issues.add('outcomes', 'weights-too-large', 'the sum of outcome weights must not exceed 2^53 - 1');
  }
}

/** Exact E[spins awarded per spin] >= 1 means the free-spin feature would not end (supercritical). */
function expectedRetriggerAtLeastOne(def: ReelGameDefinition, awards: readonly SpinAward[]): boolean {
  const fs = def.freeSpins!;
  const reels = def.reelSets[fs.reelSet]!.reels;
  // Distribution (integer weights) of the trigger-symbol count in the window, reel by reel.
  let dist: bigint[] = [1n];
  let total = 1n;
  for (const reel of reels) {
    const n = reel.symbols.length;
    const perCount: bigint[] = new Array(def.rows + 1).fill(0n);
    let reelTotal = 0n;
    for (let stop = 0; stop < n; stop++) {
      let c = 0;
      for (let row = 0; row < def.rows; row++) if (reel.symbols[(stop + row) % n] === fs.symbol) c++;
      const w = BigInt(reel.weights?.[stop] ?? 1);
      perCount[c]! += w;
      reelTotal += w;
    }
    const next: bigint[] = new Array(dist.length + def.rows).fill(0n);
    dist.forEach((a, i) => {
      perCount.forEach((b, j) => {
        next[i + j]! += a * b;
      });
    });
    dist = next;
    total *= reelTotal;
  }
  let expectedNumerator = 0n;
  dist.forEach((w, count) => {
    expectedNumerator += w * BigInt(awardFor(awards, count));
  });
  return expectedNumerator >= total;
}

/** Spins awarded for `count` trigger symbols: the award with the largest count <= `count`. */
export function awardFor(awards: readonly SpinAward[], count: number): number {
  let best = -1;
  let spins = 0;
  for (const a of awards) {
    if (a.count <= count && a.count > best) {
      best = a.count;
      spins = a.spins;
    }
  }
  return spins;
}

function validateReels(def: ReelGameDefinition, issues: IssueList): void {
  const symbolKinds = new Map<string, string>();
  for (const s of def.symbols) symbolKinds.set(s.id, s.kind);
  checkUnique(
    issues,
    def.symbols.map((s) => s.id),
    (i) => `symbols[${i}].id`,
    'symbol id',
  );
  const scatterUnits = new Map<string, string>();
  (def.scatterPays ?? []).forEach((p, pi) => {
    const unit = p.unit ?? 'stake';
    const first = scatterUnits.get(p.symbol);
    if (first === undefined) scatterUnits.set(p.symbol, unit);
    else if (first !== unit)
      issues.add(
        `scatterPays[${pi}].unit`,
        'mixed-scatter-units',
        `"${p.symbol}" pays also in ${first} units`,
      );
  });
  const groups = new Map<string, readonly string[]>();
  (def.groups ?? []).forEach((g, gi) => {
    if (symbolKinds.has(g.id)) {
      issues.add(`groups[${gi}].id`, 'duplicate-id', `group id "${g.id}" is also a symbol id`);
    }
    if (groups.has(g.id)) issues.add(`groups[${gi}].id`, 'duplicate-id', `duplicate group id "${g.id}"`);
    groups.set(g.id, g.symbols);
    if (g.complement === true) {
      const regular = def.symbols.filter((s) => s.kind === 'regular' && !g.symbols.includes(s.id));
      if (regular.length === 0)
        issues.add(`groups[${gi}].symbols`, 'empty-group', 'a complement group leaves no regular symbol');
    }
    g.symbols.forEach((m, mi) => {
      const kind = symbolKinds.get(m);
      if (kind === undefined) {
        issues.add(`groups[${gi}].symbols[${mi}]`, 'unknown-symbol', `unknown symbol "${m}"`);
      } else if (kind !== 'regular' && kind !== 'blank') {
        issues.add(
          `groups[${gi}].symbols[${mi}]`,
          'bad-group-member',
          `a group holds regular or blank symbols only, "${m}" is ${kind}`,
        );
      }
    });
  });

  def.symbols.forEach((s, si) => {
    if (s.wild !== undefined && s.kind !== 'wild') {
      issues.add(
        `symbols[${si}].wild`,
        'not-applicable',
        `only a wild symbol has wild rules ("${s.id}" is ${s.kind})`,
      );
    }
    const lists = [
      ['substitutes', s.wild?.substitutes],
      ['except', s.wild?.except],
    ] as const;
    for (const [field, list] of lists) {
      list?.forEach((t, ti) => {
        const kind = symbolKinds.get(t);
        if (kind === undefined) {
          issues.add(`symbols[${si}].wild.${field}[${ti}]`, 'unknown-symbol', `unknown symbol "${t}"`);
        } else if (field === 'substitutes' && kind !== 'regular') {
          issues.add(
            `symbols[${si}].wild.${field}[${ti}]`,
            'bad-substitution',
            `a wild substitutes for regular symbols only, "${t}" is ${kind}`,
          );
        }
      });
    }
  });

  // Reel sets: same number of reels everywhere, known symbols, weights matching stops.
  const reelSetNames = Object.keys(def.reelSets);
  if (reelSetNames.length === 0)
    issues.add('reelSets', 'missing-reel-set', 'at least one reel set is needed');
  const reelCounts = new Set(reelSetNames.map((n) => def.reelSets[n]!.reels.length));
  const reelCount = def.reelSets[reelSetNames[0] ?? '']?.reels.length ?? 0;
  if (reelCounts.size > 1) {
    issues.add('reelSets', 'reel-count-mismatch', 'every reel set must have the same number of reels');
  }
  for (const name of reelSetNames) {
    def.reelSets[name]!.reels.forEach((reel, ri) => {
      const path = `reelSets.${name}.reels[${ri}]`;
      reel.symbols.forEach((sym, k) => {
        if (!symbolKinds.has(sym))
          issues.add(`${path}.symbols[${k}]`, 'unknown-symbol', `unknown symbol "${sym}"`);
      });
      if (reel.symbols.length < def.rows) {
        issues.add(
          `${path}.symbols`,
          'strip-shorter-than-window',
          `a strip needs at least rows (${def.rows}) stops, it has ${reel.symbols.length}`,
        );
      }
      if (reel.weights !== undefined) {
        if (reel.weights.length !== reel.symbols.length) {
          issues.add(
            `${path}.weights`,
            'weights-length',
            `weights has ${reel.weights.length} entries but the strip has ${reel.symbols.length} stops`,
          );
        }
        let sum = 0;
        for (const w of reel.weights) sum += w;
        if (sum > 2 ** 32)
          issues.add(`${path}.weights`, 'weights-too-large', 'the weights must sum to at most 2^32');
      }
    });
  }

  validatePayByCoins(def, issues);
  // Modes.
  def.modes.forEach((m, mi) => {
    if (m.reelSet === undefined) {
      issues.add(`modes[${mi}].reelSet`, 'missing-reel-set', 'a reels mode must name its reel set');
    } else if (def.reelSets[m.reelSet] === undefined) {
      issues.add(`modes[${mi}].reelSet`, 'unknown-reel-set', `unknown reel set "${m.reelSet}"`);
    }
  });

  // Evaluation.
  const ev = def.evaluation;
  if (ev.type === 'lines') {
    const seen = new Set<string>();
    ev.lines.forEach((line, li) => {
      if (line.length !== reelCount) {
        issues.add(
          `evaluation.lines[${li}]`,
          'payline-length',
          `a payline needs one row per reel (${reelCount}), it has ${line.length}`,
        );
      }
      line.forEach((row, ri) => {
        if (row >= def.rows) {
          issues.add(
            `evaluation.lines[${li}][${ri}]`,
            'payline-outside-grid',
            `row ${row} is outside the ${def.rows}-row window`,
          );
        }
      });
      const key = line.join(',');
      if (seen.has(key)) issues.add(`evaluation.lines[${li}]`, 'duplicate-payline', 'the same payline twice');
      seen.add(key);
    });
  } else if (ev.type === 'centre-line' && def.rows % 2 === 0) {
    issues.add(
      'evaluation',
      'centre-line-even-rows',
      `a centre line needs an odd number of rows, got ${def.rows}`,
    );
  } else if (ev.type === 'ways' && def.bet.baseStakeUnits === undefined) {
    issues.add('bet.baseStakeUnits', 'missing-stake', 'a ways game must state baseStakeUnits');
  }

  // Pays.
  const allPayIds = [
    ...def.pays.map((p, i) => [p.id, `pays[${i}].id`] as const),
    ...(def.scatterPays ?? []).map((p, i) => [p.id, `scatterPays[${i}].id`] as const),
  ];
  const payIdSeen = new Set<string>();
  for (const [id, path] of allPayIds) {
    if (payIdSeen.has(id)) issues.add(path, 'duplicate-id', `duplicate pay id "${id}"`);
    payIdSeen.add(id);
  }
  const checkTerm = (term: string, path: string) => {
    const kind = symbolKinds.get(term);
    if (kind === undefined && !groups.has(term)) {
      issues.add(path, 'unknown-symbol', `unknown symbol or group "${term}"`);
    } else if (kind === 'scatter') {
      issues.add(path, 'scatter-in-line-pay', `scatter "${term}" pays through scatterPays, not line pays`);
    } else if (ev.type === 'ways' && (kind === undefined || kind !== 'regular')) {
      issues.add(
        path,
        'ways-pay-symbol',
        `a ways pay names a regular symbol, "${term}" is ${kind ?? 'a group'}`,
      );
    }
  };
  const seenCombos = new Set<string>();
  def.pays.forEach((p, pi) => {
    const path = `pays[${pi}]`;
    if (ev.type === 'ways' && p.type !== 'run') {
      issues.add(`${path}.type`, 'ways-pay-type', `a ways game has run pays only, got "${p.type}"`);
    }
    if (p.type === 'sequence') {
      p.pattern.forEach((t, ti) => {
        checkTerm(t, `${path}.pattern[${ti}]`);
      });
      if (p.pattern.length > reelCount) {
        issues.add(
          `${path}.pattern`,
          'pay-longer-than-reels',
          `${p.pattern.length} positions on ${reelCount} reels`,
        );
      }
    } else {
      checkTerm(p.symbol, `${path}.symbol`);
      if (p.count > reelCount) {
        issues.add(`${path}.count`, 'pay-longer-than-reels', `count ${p.count} on ${reelCount} reels`);
      }
    }
    const combo = p.type === 'sequence' ? `seq:${p.pattern.join(',')}` : `${p.type}:${p.symbol}:${p.count}`;
    if (seenCombos.has(combo)) issues.add(path, 'duplicate-pay', 'the same combination is paid twice');
    seenCombos.add(combo);
  });
  const seenScatter = new Set<string>();
  (def.scatterPays ?? []).forEach((p, pi) => {
    const kind = symbolKinds.get(p.symbol);
    if (kind !== 'scatter') {
      issues.add(
        `scatterPays[${pi}].symbol`,
        kind === undefined ? 'unknown-symbol' : 'not-a-scatter',
        kind === undefined ? `unknown symbol "${p.symbol}"` : `"${p.symbol}" is ${kind}, not a scatter`,
      );
    }
    const key = `${p.symbol}:${p.count}`;
    if (seenScatter.has(key))
      issues.add(`scatterPays[${pi}]`, 'duplicate-pay', 'the same scatter count is paid twice');
    seenScatter.add(key);
  });
  if (ev.type === 'ways') {
    const bad = def.symbols.findIndex(
      (s) => s.kind === 'wild' && def.pays.some((p) => p.type === 'run' && p.symbol === s.id),
    );
    if (bad >= 0)
      issues.add(`symbols[${bad}]`, 'ways-wild-pay', 'a wild has no pays of its own in a ways game');
  }

  // Free spins.
  const fs = def.freeSpins;
  if (fs !== undefined) {
    const kind = symbolKinds.get(fs.symbol);
    if (kind !== 'scatter') {
      issues.add(
        'freeSpins.symbol',
        kind === undefined ? 'unknown-symbol' : 'not-a-scatter',
        kind === undefined ? `unknown symbol "${fs.symbol}"` : `"${fs.symbol}" is ${kind}, not a scatter`,
      );
    }
    if (def.reelSets[fs.reelSet] === undefined) {
      issues.add('freeSpins.reelSet', 'unknown-reel-set', `unknown reel set "${fs.reelSet}"`);
    }
    checkAwards(issues, fs.awards, 'freeSpins.awards');
    if (fs.retrigger !== undefined) checkAwards(issues, fs.retrigger, 'freeSpins.retrigger');
    if (
      issues.items.length === 0 &&
      fs.retrigger !== undefined &&
      expectedRetriggerAtLeastOne(def, fs.retrigger)
    ) {
      issues.add(
        'freeSpins.retrigger',
        'supercritical-retrigger',
        'expected spins awarded per free spin is >= 1: the feature would not end with probability 1',
      );
    }
  }
}

/**
 * Parses and validates an untrusted game definition (already JSON-parsed). Returns the definition
 * with defaults applied, or throws `GameDefinitionError` listing every problem found.
 */
export function parseGameDefinition(input: unknown): GameDefinition {
  const parsed = GameDefinitionSchema.safeParse(input);
  if (!parsed.success) throw new GameDefinitionError(zodIssues(parsed.error));
  const def = parsed.data;
  const issues = new IssueList();
  validateCommon(def, issues);
  if (def.type === 'reels') validateReels(def, issues);
  else validateTable(def, issues);
  if (issues.items.length > 0) throw new GameDefinitionError(issues.items);
  return def;
}

/** Non-throwing form: every issue, or none. */
export function validateGameDefinition(input: unknown): readonly DefinitionIssue[] {
  try {
    parseGameDefinition(input);
    return [];
  } catch (error) {
    if (error instanceof GameDefinitionError) return error.issues;
    throw error;
  }
}
