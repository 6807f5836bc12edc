import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RandomSource } from '../../rng/index.ts';
import { FIXTURES_DIR } from '../../test/support/paths.ts';
import { GameFileError } from '../json-file.ts';
import {
  exactCost,
  LookupTableError,
  loadPublication,
  readBooks,
  readLookupTable,
  rowIndex,
  uniformBelow,
  weightedDraw,
} from './index.ts';

const PUBLICATIONS = join(FIXTURES_DIR, 'publications');
const scratch = mkdtempSync(join(tmpdir(), 'croupier-pub-'));
afterAll(async () => {
  const { rmSync } = await import('node:fs');
  rmSync(scratch, { recursive: true, force: true });
});

let tableCount = 0;
function csv(text: string): string {
  const path = join(scratch, `table-${tableCount++}.csv`);
  writeFileSync(path, text);
  return path;
}

/** A source that returns the given 32-bit words in order (to drive the draw exactly). */
function scripted(words: readonly number[]): RandomSource & { used(): number } {
  let next = 0;
  return {
    id: 'scripted',
    nextUint32() {
      if (next >= words.length) throw new Error('scripted source exhausted');
      return words[next++]!;
    },
    fillBytes() {
      throw new Error('not used');
    },
    used: () => next,
  };
}

describe('lookup tables', () => {
  it('reads rows, 64-bit weights and the sum beyond 2^64', () => {
    const table = readLookupTable(join(PUBLICATIONS, 'big-weights/lookUpTable_base_0.csv'));
    expect(table.rows).toBe(3);
    expect([...table.weights]).toEqual([(1n << 64n) - 1n, 1n << 63n, 3n << 62n]);
    expect([...table.payouts]).toEqual([0, 250, 1000]);
    expect(table.totalWeight).toBe(9n * (1n << 62n) - 1n);
    expect(table.contiguousFrom).toBe(0);
  });

  it('accepts CRLF, spaces around fields, a missing final newline, and unsorted unique ids', () => {
    const table = readLookupTable(csv('5, 2 ,100\r\n3,1,0\r\n9,4,50'));
    expect([...table.ids]).toEqual([5, 3, 9]);
    expect(table.contiguousFrom).toBeNull();
    const rowOf = rowIndex(table);
    expect([rowOf(3), rowOf(9), rowOf(4)]).toEqual([1, 2, -1]);
  });

  it.each([
    ['0,1\n', /line 1: expected 3 fields .*found 2/],
    ['0,1,2,3\n', /line 1: expected 3 fields .*found 4/],
    [
      'id,weight,payout\n0,1,0\n',
      /line 1: simulation id "id" is not an unsigned integer \(a lookup table has no header row\)/,
    ],
    ['0,1,0\n1,-3,0\n', /line 2: weight "-3" is not an unsigned integer/],
    ['0,1,0\n1,18446744073709551616,0\n', /line 2: weight 18446744073709551616 overflows 64 bits/],
    ['0,123456789012345678901,0\n', /line 1: weight has 21 digits: it overflows 64 bits/],
    ['0,1,0\n1,1,\n', /line 2: empty payout multiplier/],
    ['0,1,0\n2,1,5\n0,3,0\n', /line 3: duplicate simulation id 0 \(first on line 1\)/],
    ['0,0,10\n1,0,0\n', /every weight is 0/],
    ['', /no rows/],
  ])('refuses %j with the line and the reason', (text, message) => {
    expect(() => readLookupTable(csv(text))).toThrow(LookupTableError);
    expect(() => readLookupTable(csv(text))).toThrow(message);
  });

  it('reads a table larger than one read chunk exactly (rows split across chunk boundaries)', () => {
    const rows = 120_000; // ~2 MB: two chunk boundaries fall inside rows
    const lines: string[] = [];
    for (let i = 0; i < rows; i++) lines.push(`${i},${(i % 7) + 1},${(i * 37) % 1000}\n`);
    const table = readLookupTable(csv(lines.join('')));
    expect(table.rows).toBe(rows);
    let total = 0n;
    for (let i = 0; i < rows; i++) {
      total += BigInt((i % 7) + 1);
      if (table.payouts[i] !== (i * 37) % 1000) throw new Error(`row ${i} misread`);
    }
    expect(table.totalWeight).toBe(total);
    expect(table.contiguousFrom).toBe(0);
  });
});

describe('publications', () => {
  it('loads index.json, every table, and exact costs', () => {
    const publication = loadPublication(join(PUBLICATIONS, 'tiny-dice'));
    expect(publication.id).toBe('tiny-dice');
    expect(publication.modes.map((m) => [m.name, m.cost.text, m.table.rows, m.table.contiguousFrom])).toEqual(
      [
        ['base', '1', 5, 0],
        ['bonus', '100', 3, 1],
      ],
    );
    expect(publication.mathHash).toMatch(/^[0-9a-f]{64}$/);
    expect(exactCost(2.5)).toMatchObject({ numerator: 5n, denominator: 2n });
    expect(exactCost(1e-7)).toMatchObject({ numerator: 1n, denominator: 10_000_000n });
  });

  function folder(name: string, index: string, files: Record<string, string> = {}): string {
    const dir = join(scratch, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.json'), index);
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    return dir;
  }

  it('names every missing file and duplicate mode', () => {
    const dir = folder(
      'missing',
      JSON.stringify({
        modes: [
          { name: 'base', cost: 1, events: 'books_base.jsonl.zst', weights: 'lookUpTable_base_0.csv' },
          { name: 'base', cost: 1, events: 'b.zst', weights: 'w.csv' },
        ],
      }),
      { 'lookUpTable_base_0.csv': '0,1,0\n' },
    );
    let error: unknown;
    try {
      loadPublication(dir);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GameFileError);
    expect((error as GameFileError).problems).toEqual([
      'modes[0].events: missing file books_base.jsonl.zst',
      'modes[1].name: duplicate mode "base"',
      'modes[1].events: missing file b.zst',
      'modes[1].weights: missing file w.csv',
    ]);
  });

  it('gives index.json syntax errors with line and column, and schema errors with their path', () => {
    const broken = folder('broken', '{\n  "modes": [\n    {"name": "base",, "cost": 1}\n  ]\n}\n');
    expect(() => loadPublication(broken)).toThrow(/index\.json: line 3, column 21: not valid JSON/);
    const bad = folder(
      'bad-schema',
      JSON.stringify({ modes: [{ name: 'base', cost: -1, events: '../x', weights: 'w.csv' }] }),
    );
    expect(() => loadPublication(bad)).toThrow(/modes\[0\]\.cost: must be > 0/);
    expect(() => loadPublication(bad)).toThrow(
      /modes\[0\]\.events: must be a file inside the publication folder/,
    );
  });

  it('reports a malformed lookup table with its file and line', () => {
    const dir = folder(
      'bad-csv',
      JSON.stringify({ modes: [{ name: 'base', cost: 1, events: 'b.zst', weights: 'w.csv' }] }),
      { 'w.csv': '0,1,0\n1,x,0\n', 'b.zst': '' },
    );
    expect(() => loadPublication(dir)).toThrow(/w\.csv, line 2: weight "x" is not an unsigned integer/);
  });
});

describe('books', () => {
  it('streams every book of a zstd JSON-lines file', () => {
    const books = [...readBooks(join(PUBLICATIONS, 'tiny-dice/books_base.jsonl.zst'))];
    expect(books.map((b) => [b.id, b.payoutMultiplier, b.line])).toEqual([
      [0, 0, 1],
      [1, 100, 2],
      [2, 200, 3],
      [3, 500, 4],
      [4, 2000, 5],
    ]);
    expect(books[4]!.events.at(-1)).toEqual({ index: 3, type: 'finalWin', amount: 2000 });
  });

  it('refuses a file that is not zstd, naming it', () => {
    const path = join(scratch, 'not-zstd.jsonl.zst');
    writeFileSync(path, '{"id":0}\n');
    expect(() => [...readBooks(path)]).toThrow(/not-zstd\.jsonl\.zst: not a valid zstd stream/);
  });
});

describe('exact weighted draw', () => {
  it('maps every u in [0, Σw) to its row exactly weight times (one word per draw, Σw <= 2^32)', () => {
    const table = readLookupTable(csv('0,3,0\n1,0,10\n2,5,20\n3,2,30\n'));
    const draw = weightedDraw(table);
    const counts = [0, 0, 0, 0];
    // With Σw = 10 the rejection limit is 2^32 - (2^32 mod 10); words 0..9 are accepted as u = word.
    for (let u = 0; u < 10; u++) counts[draw.draw(scripted([u]))]!++;
    expect(counts).toEqual([3, 0, 5, 2]);
  });

  it('rejects the words above the largest multiple of the bound (no modulo bias)', () => {
    const source = scripted([2 ** 32 - 1, 2 ** 32 - 2, 7]);
    // 2^32 mod 3 = 1: only 2^32 - 1 is rejected, 2^32 - 2 is accepted (≡ 2 mod 3).
    expect(uniformBelow(source, 3n)).toBe(2n);
    expect(source.used()).toBe(2);
  });

  it('draws BigInt-exactly when Σw exceeds 2^64 (three words per draw)', () => {
    const table = readLookupTable(join(PUBLICATIONS, 'big-weights/lookUpTable_base_0.csv'));
    const draw = weightedDraw(table);
    const wordsOf = (u: bigint) => [
      Number(u >> 64n),
      Number((u >> 32n) & 0xffffffffn),
      Number(u & 0xffffffffn),
    ];
    const boundary0 = (1n << 64n) - 1n; // rows: [0, w0) -> 0, [w0, w0 + w1) -> 1, the rest -> 2
    const boundary1 = boundary0 + (1n << 63n);
    expect(draw.draw(scripted(wordsOf(0n)))).toBe(0);
    expect(draw.draw(scripted(wordsOf(boundary0 - 1n)))).toBe(0);
    expect(draw.draw(scripted(wordsOf(boundary0)))).toBe(1);
    expect(draw.draw(scripted(wordsOf(boundary1 - 1n)))).toBe(1);
    expect(draw.draw(scripted(wordsOf(boundary1)))).toBe(2);
    expect(draw.draw(scripted(wordsOf(table.totalWeight - 1n)))).toBe(2);
  });
});
