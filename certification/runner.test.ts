import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../test/support/paths.ts';
import { InputError, openInput, sequenceSeed } from './inputs.ts';
import { type RngTestPlan, type RngTestReport, runRngTests } from './runner.ts';

const SEED_HEX = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

/** The report without the fields that legitimately depend on the machine and worker count. */
const stable = (r: RngTestReport) => ({ ...r, elapsedMs: 0, workers: 0 });

const smallPlan = (workers: number): RngTestPlan => ({
  battery: 'all',
  sequences: 3,
  bitsPerSequence: 20_000,
  drawsPerSequence: 20_000,
  input: { kind: 'generator', generator: 'chacha20', seedHex: SEED_HEX, range: 52 },
  workers,
  nistOnly: ['Frequency', 'Runs'],
  gliOnly: ['frequency', 'serial-pairs', 'gap'],
});

describe('battery verdicts (family-wise, family-verdict.ts)', () => {
  it('a file of biased bytes fails both batteries through the runner; a sound generator passes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'croupier-rng-family-'));
    // Bytes with bit 0 set 55% of the time: every frequency-like row sees it.
    let x = 12345;
    const biased = Uint8Array.from({ length: 8 * 25_000 }, () => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const byte = (x >>> 16) & 0xfe;
      return byte | ((x >>> 8) % 100 < 55 ? 1 : 0);
    });
    const path = join(dir, 'biased.bin');
    writeFileSync(path, biased);
    const plan = (input: RngTestPlan['input']): RngTestPlan => ({
      battery: 'all',
      sequences: 8,
      bitsPerSequence: 200_000,
      drawsPerSequence: 20_000,
      input,
      workers: 0,
      nistOnly: ['Frequency', 'BlockFrequency', 'Runs'],
      gliOnly: ['frequency', 'serial-pairs'],
    });
    const bad = await runRngTests(plan({ kind: 'file', path, format: 'binary', range: 256 }));
    expect(bad.nist!.family.verdict).toBe('fail');
    expect(bad.verdict).toBe('fail');
    const good = await runRngTests(
      plan({ kind: 'generator', generator: 'chacha20', seedHex: SEED_HEX, range: 256 }),
    );
    expect(good.nist!.family.verdict).toBe('pass');
    expect(good.gli!.family.verdict).toBe('pass');
    expect(good.nist!.family.rows).toBe(good.nist!.secondLevel.length);
  }, 60_000);
});

describe('runRngTests', () => {
  it('gives the same report with 0, 1 and 2 workers', async () => {
    const inline = await runRngTests(smallPlan(0));
    const one = await runRngTests(smallPlan(1));
    const two = await runRngTests(smallPlan(2));
    expect(stable(one)).toEqual(stable(inline));
    expect(stable(two)).toEqual(stable(inline));
    expect(inline.nist!.perSequence).toHaveLength(3);
    expect(inline.gli!.channels[0]!.perSequence[2]!.map((r) => r.name)).toEqual([
      'frequency',
      'serial-pairs',
      'gap',
    ]);
    expect(inline.input).toMatchObject({ kind: 'generator', generator: 'chacha20', seedHex: SEED_HEX });
  }, 30_000);

  it('sequence k of a generator is reproducible alone from its derived seed', () => {
    const input = openInput({ kind: 'generator', generator: 'hmac-drbg', seedHex: SEED_HEX, range: 10 });
    const a = input.bits(5, 256);
    const b = openInput({ kind: 'generator', generator: 'hmac-drbg', seedHex: SEED_HEX, range: 10 }).bits(
      5,
      256,
    );
    expect(a).toEqual(b);
    expect(input.bits(4, 256)).not.toEqual(a);
    expect(sequenceSeed(new Uint8Array(32), 0)).toHaveLength(32);
  });

  it('file input: binary and ASCII forms of the same bits give the same sequences; hash recorded', () => {
    const dir = mkdtempSync(join(tmpdir(), 'croupier-rng-test-'));
    const bytes = Uint8Array.from({ length: 4000 }, (_, i) => (i * 151 + 7) & 0xff);
    const binaryPath = join(dir, 'data.bin');
    const asciiPath = join(dir, 'data.txt');
    writeFileSync(binaryPath, bytes);
    let text = '';
    for (const b of bytes) text += `${b.toString(2).padStart(8, '0')}\n`;
    writeFileSync(asciiPath, text);
    const binary = openInput({ kind: 'file', path: binaryPath, format: 'binary', range: 6 });
    const ascii = openInput({ kind: 'file', path: asciiPath, format: 'ascii', range: 6 });
    expect(binary.sequencesAvailable(8000)).toBe(4);
    expect(binary.bits(2, 8000)).toEqual(ascii.bits(2, 8000));
    // Bits 12..23: low nibble of byte 1 (0x9e) then byte 2 (0x35), MSB first.
    expect(binary.bits(1, 12)).toEqual(Uint8Array.from([1, 1, 1, 0, 0, 0, 1, 1, 0, 1, 0, 1]));
    const [channel] = binary.scaledSequence(1, 0, 8000);
    expect(channel!.draws.length).toBeGreaterThan(200); // 250 words, a few rejected
    expect(channel!.draws.length).toBeLessThanOrEqual(250);
    expect(binary.identity).toMatchObject({ kind: 'file', totalBits: 32_000 });
    expect((binary.identity as { sha256: string }).sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(() => binary.bits(4, 8000)).toThrow(InputError);
  });

  it('game input: one channel per reel from the production stop selection, weighted reels carry their law', () => {
    const input = openInput({
      kind: 'game',
      path: join(REPO_ROOT, 'games/demo/classic-sevens.json'),
      generator: 'xoshiro128ss',
      seedHex: SEED_HEX,
    });
    const channels = input.scaledSequence(0, 5000, 0);
    expect(channels.length).toBeGreaterThan(0);
    for (const c of channels) {
      expect(c.draws).toHaveLength(5000);
      for (const stop of c.draws) expect(stop).toBeLessThan(c.description.range);
      if (c.description.probabilities) {
        expect(c.description.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      }
    }
    expect(input.identity).toMatchObject({ kind: 'game', generator: 'xoshiro128ss' });
  });

  it('rejects bad input with InputError before any work', async () => {
    await expect(
      runRngTests({
        ...smallPlan(0),
        input: { kind: 'generator', generator: 'nope', seedHex: SEED_HEX, range: 5 },
      }),
    ).rejects.toThrow(/unknown generator/);
    await expect(runRngTests({ ...smallPlan(0), gliOnly: ['frequency', 'bogus'] })).rejects.toThrow(
      InputError,
    );
    await expect(
      runRngTests({
        ...smallPlan(0),
        input: { kind: 'file', path: '/nonexistent/x', format: 'binary', range: 5 },
      }),
    ).rejects.toThrow(/cannot read/);
  });
});
