import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CliError } from './errors.ts';
import { registerMathCommand } from './math-command.ts';

async function run(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerMathCommand(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'croupier', 'math', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out;
}

describe('croupier math', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints a readable PAR sheet for a demo game', async () => {
    const out = await run(['classic-sevens']);
    expect(out).toContain('RTP 93.2702%');
    expect(out).toContain('red-white-blue');
    expect(out).toContain('1-in-100,000,000 advertised-award rule met');
  });

  it('--json gives exact fractions as strings; --csv writes one row per pay plus a total', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'croupier-math-'));
    const csv = join(dir, 'par.csv');
    const json = JSON.parse(await run(['lucky-wheel', '--json', '--csv', csv]));
    expect(json.rtp).toMatchObject({ numerator: '24', denominator: '25' });
    expect(json.cycle).toBe('10000');
    const rows = readFileSync(csv, 'utf8').trim().split('\n');
    expect(rows).toHaveLength(1 + 9 + 1);
    expect(rows.at(-1)).toContain('24/25');
  });

  it('bad input: a missing file, an invalid definition, an unknown mode -> CliError exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'croupier-math-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ formatVersion: 1 }));
    await expect(run([join(dir, 'nope.json')])).rejects.toThrow(CliError);
    await expect(run([bad])).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('invalid game definition'),
    });
    await expect(run(['classic-sevens', '--mode', 'turbo'])).rejects.toMatchObject({ exitCode: 2 });
  });
});
