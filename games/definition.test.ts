import { describe, expect, it } from 'vitest';
import { canonicalJson, mathHash } from './canonical.ts';
import { DEMO_GAME_FILES, type DemoGameName, loadDemoGame } from './demo.ts';
import { loadGame } from './model.ts';
import { GameDefinitionError, parseGameDefinition, validateGameDefinition } from './validate.ts';

// biome-ignore lint/suspicious/noExplicitAny: the tests mutate untyped JSON documents on purpose
type Json = any;

function tiny(): Record<string, Json> {
  return {
    formatVersion: 1,
    id: 'tiny',
    name: 'Tiny',
    type: 'reels',
    rows: 3,
    symbols: [
      { id: 'A', kind: 'regular' },
      { id: 'B', kind: 'regular' },
      { id: 'W', kind: 'wild' },
      { id: 'S', kind: 'scatter' },
    ],
    reelSets: {
      base: {
        reels: [
          { symbols: ['A', 'B', 'W', 'S'] },
          { symbols: ['A', 'B', 'W', 'S'] },
          { symbols: ['A', 'B', 'W', 'S'], weights: [1, 2, 3, 4] },
        ],
      },
    },
    evaluation: {
      type: 'lines',
      lines: [
        [1, 1, 1],
        [0, 0, 0],
      ],
    },
    pays: [{ id: 'a3', type: 'run', symbol: 'A', count: 3, pay: 5 }],
    scatterPays: [{ id: 's3', symbol: 'S', count: 3, pay: 2 }],
    bet: { coinValuesMinor: [1, 5] },
    modes: [{ id: 'base', reelSet: 'base' }],
  };
}

function issuesOf(mutate: (d: Record<string, Json>) => void) {
  const d = tiny();
  mutate(d);
  return validateGameDefinition(d);
}

describe('game definition validation', () => {
  it('accepts every shipped demo game and a minimal game', () => {
    for (const name of Object.keys(DEMO_GAME_FILES) as DemoGameName[])
      expect(loadDemoGame(name).mathHash).toMatch(/^[0-9a-f]{64}$/);
    expect(validateGameDefinition(tiny())).toEqual([]);
  });

  const cases: [string, (d: Record<string, Json>) => void, string, string][] = [
    ['pay for an unknown symbol', (d) => (d.pays[0].symbol = 'X7'), 'pays[0].symbol', 'unknown-symbol'],
    [
      'payline outside the grid',
      (d) => (d.evaluation.lines[1] = [0, 3, 0]),
      'evaluation.lines[1][1]',
      'payline-outside-grid',
    ],
    [
      'payline of the wrong length',
      (d) => (d.evaluation.lines[0] = [1, 1]),
      'evaluation.lines[0]',
      'payline-length',
    ],
    [
      'weight 0',
      (d) => (d.reelSets.base.reels[2].weights[1] = 0),
      'reelSets.base.reels[2].weights[1]',
      'schema-too_small',
    ],
    [
      'weights of the wrong length',
      (d) => (d.reelSets.base.reels[2].weights = [1, 2]),
      'reelSets.base.reels[2].weights',
      'weights-length',
    ],
    [
      'unknown symbol on a strip',
      (d) => (d.reelSets.base.reels[0].symbols[0] = 'Q'),
      'reelSets.base.reels[0].symbols[0]',
      'unknown-symbol',
    ],
    [
      'duplicate symbol id',
      (d) => d.symbols.push({ id: 'A', kind: 'regular' }),
      'symbols[4].id',
      'duplicate-id',
    ],
    [
      'scatter pay on a regular symbol',
      (d) => (d.scatterPays[0].symbol = 'A'),
      'scatterPays[0].symbol',
      'not-a-scatter',
    ],
    ['line pay naming a scatter', (d) => (d.pays[0].symbol = 'S'), 'pays[0].symbol', 'scatter-in-line-pay'],
    [
      'mode with an unknown reel set',
      (d) => (d.modes[0].reelSet = 'nope'),
      'modes[0].reelSet',
      'unknown-reel-set',
    ],
    ['pay longer than the reels', (d) => (d.pays[0].count = 4), 'pays[0].count', 'pay-longer-than-reels'],
    ['wrong format version', (d) => (d.formatVersion = 2), 'formatVersion', 'schema-invalid_value'],
    ['unknown field', (d) => (d.extra = 1), '', 'schema-unrecognized_keys'],
    [
      'centre line with even rows',
      (d) => {
        d.rows = 2;
        d.evaluation = { type: 'centre-line' };
      },
      'evaluation',
      'centre-line-even-rows',
    ],
    [
      'reel sets with different reel counts',
      (d) => (d.reelSets.free = { reels: [{ symbols: ['A', 'B', 'W'] }] }),
      'reelSets',
      'reel-count-mismatch',
    ],
    [
      'ways pay naming a group',
      (d) => {
        d.evaluation = { type: 'ways' };
        d.bet.baseStakeUnits = 10;
        d.groups = [{ id: 'G', symbols: ['A', 'B'] }];
        d.pays[0].symbol = 'G';
      },
      'pays[0].symbol',
      'ways-pay-symbol',
    ],
    [
      'wild substituting for a scatter',
      (d) => (d.symbols[2].wild = { substitutes: ['S'] }),
      'symbols[2].wild.substitutes[0]',
      'bad-substitution',
    ],
    [
      'table game outcome weight 0',
      (d) => Object.assign(d, { type: 'table', outcomes: [{ id: 'x', weight: 0, pay: 1 }] }),
      'outcomes[0].weight',
      'schema-too_small',
    ],
  ];
  for (const [what, mutate, path, rule] of cases) {
    it(`rejects ${what}, naming the path and the rule`, () => {
      const issues = issuesOf(mutate);
      expect(issues.length).toBeGreaterThan(0);
      expect(issues).toContainEqual(expect.objectContaining({ path, rule }));
    });
  }

  it('rejects a supercritical retrigger (the feature would never end)', () => {
    const d = tiny();
    d.freeSpins = {
      symbol: 'S',
      awards: [{ count: 3, spins: 5 }],
      reelSet: 'base',
      retrigger: [{ count: 1, spins: 5 }],
    };
    expect(validateGameDefinition(d)).toContainEqual(
      expect.objectContaining({ rule: 'supercritical-retrigger' }),
    );
  });

  it('throws one readable error line naming the first problem', () => {
    const d = tiny();
    d.pays[0].symbol = 'X7';
    expect(() => parseGameDefinition(d)).toThrow(GameDefinitionError);
    expect(() => parseGameDefinition(d)).toThrow(
      'invalid game definition: pays[0].symbol: unknown symbol or group "X7" (unknown-symbol)',
    );
  });
});

describe('canonical JSON (RFC 8785) and the math hash', () => {
  it('sorts members by UTF-16 code units, drops whitespace, serializes numbers as ECMAScript does', () => {
    expect(canonicalJson({ b: [1, 2], a: { d: true, c: null } })).toBe('{"a":{"c":null,"d":true},"b":[1,2]}');
    // RFC 8785 §3.2.3: sorting by UTF-16 code units ("\u20ac" < "\ud83d\ude00" although U+1F600 > U+20AC).
    expect(canonicalJson({ '\u{1F600}': 1, '\u20ac': 2, '1': 3 })).toBe('{"1":3,"\u20ac":2,"\u{1F600}":1}');
    expect(canonicalJson([1e21, 1e-7, -0, 0.1, 333333333.3333333])).toBe(
      '[1e+21,1e-7,0,0.1,333333333.3333333]',
    );
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/non-finite/);
    expect(() => canonicalJson({ x: 1n })).toThrow(/bigint/);
  });

  it('identifies the math: key order, explicit defaults and display names do not change it; a pay does', () => {
    const a = tiny();
    const h = mathHash(parseGameDefinition(a));
    const reordered = Object.fromEntries(Object.entries(tiny()).reverse());
    expect(mathHash(parseGameDefinition(reordered))).toBe(h);
    const explicit = tiny();
    explicit.modes[0].costMultiplier = 1;
    explicit.evaluation.direction = 'left-to-right';
    explicit.name = 'Renamed';
    explicit.symbols[0].name = 'Ace';
    expect(mathHash(parseGameDefinition(explicit))).toBe(h);
    const changed = tiny();
    changed.pays[0].pay = 6;
    expect(mathHash(parseGameDefinition(changed))).not.toBe(h);
    expect(loadGame(a).mathHash).toBe(h);
  });
});
