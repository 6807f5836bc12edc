/**
 * `croupier sim` on math-sdk publications: the Monte Carlo of the exact integer weighted draw agrees
 * with the exact figures (z-test verdict), identically on the main thread and on worker threads,
 * with a negative control (a wrong theoretical RTP must fail); --workers above the cores is clamped
 * with a message; `sim --help` shows the file form.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FIXTURES_DIR, REPO_ROOT } from '../test/support/paths.ts';
import { registerSimCommand } from './sim-command.ts';

const PUBLICATIONS = join(FIXTURES_DIR, 'publications');

interface Ran {
  readonly stdout: string;
  readonly stderr: string;
  readonly error: unknown;
}

async function run(args: string[]): Promise<Ran> {
  const program = new Command().exitOverride();
  let stdout = '';
  let stderr = '';
  program.configureOutput({
    writeOut: (text) => void (stdout += text),
    writeErr: (text) => void (stderr += text),
  });
  registerSimCommand(program);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  let error: unknown = null;
  try {
    await program.parseAsync(['node', 'croupier', 'sim', ...args]);
  } catch (caught) {
    error = caught;
  } finally {
    vi.restoreAllMocks();
  }
  return { stdout, stderr, error };
}

describe('croupier sim on a math-sdk publication', () => {
  afterEach(() => vi.restoreAllMocks());

  it('agrees with the exact RTP, the same on the main thread and on 2 workers', async () => {
    const common = [
      join(PUBLICATIONS, 'tiny-dice'),
      '--spins',
      '400000',
      '--chunk-size',
      '100000',
      '--seed',
      '0x2a',
      '--exact',
      '--json',
    ];
    const inProcess = await run([...common, '--workers', '0']);
    expect(inProcess.error).toBeNull();
    const onWorkers = await run([...common, '--workers', String(Math.min(2, availableParallelism()))]);
    expect(onWorkers.error).toBeNull();
    const a = JSON.parse(inProcess.stdout);
    const b = JSON.parse(onWorkers.stdout);
    expect(a.verdict.passed).toBe(true);
    expect(a.verdict.theoreticalRtp).toBeCloseTo(0.96, 15);
    expect(a.estimate.rtp).toBe(b.estimate.rtp);
    expect(a.hitFrequency).toBe(b.hitFrequency);
    expect(a.hitFrequency).toBeGreaterThan(0.47);
    expect(a.hitFrequency).toBeLessThan(0.49);
  });

  it('the bonus mode (cost 100) and 64-bit weights summing beyond 2^64 (BigInt draws)', async () => {
    const bonus = await run([
      join(PUBLICATIONS, 'tiny-dice'),
      '--mode',
      'bonus',
      '--spins',
      '200000',
      '--seed',
      '7',
      '--exact',
      '--workers',
      '0',
      '--json',
    ]);
    expect(bonus.error).toBeNull();
    const verdict = JSON.parse(bonus.stdout).verdict;
    expect(verdict.passed).toBe(true);
    expect(verdict.theoreticalRtp).toBeCloseTo(0.94, 15);
    const big = await run([
      join(PUBLICATIONS, 'big-weights'),
      '--spins',
      '200000',
      '--seed',
      '7',
      '--exact',
      '--workers',
      '0',
      '--json',
    ]);
    expect(big.error).toBeNull();
    expect(JSON.parse(big.stdout).verdict.passed).toBe(true);
  });

  it('negative control: a theoretical RTP 2 points off fails the verdict (exit 1)', async () => {
    const wrong = await run([
      join(PUBLICATIONS, 'tiny-dice'),
      '--spins',
      '400000',
      '--seed',
      '0x2a',
      '--expect-rtp',
      '0.94',
      '--workers',
      '0',
      '--json',
    ]);
    expect(wrong.error).toMatchObject({
      exitCode: 1,
      message: expect.stringContaining('RTP verdict failed'),
    });
  });

  it('an unknown mode is bad input naming the modes', async () => {
    const bad = await run([join(PUBLICATIONS, 'tiny-dice'), '--mode', 'turbo', '--spins', '10']);
    expect(bad.error).toMatchObject({ exitCode: 2, message: "unknown mode 'turbo' (modes: base, bonus)" });
  });
});

describe('croupier sim usage', () => {
  it('clamps --workers above the core count, saying so', async () => {
    const cores = availableParallelism();
    const ran = await run([
      join(PUBLICATIONS, 'tiny-dice'),
      '--spins',
      '1000',
      '--seed',
      '1',
      '--workers',
      String(cores + 3),
      '--json',
    ]);
    expect(ran.error).toBeNull();
    expect(ran.stderr).toContain(`--workers ${cores + 3} is more than the ${cores} core(s): using ${cores}`);
  });

  it('sim --help shows `croupier sim <game>` and the publication form', async () => {
    const help = await run(['--help']);
    expect(help.stdout).toContain('Usage: croupier sim <game> --spins <n> [options]');
    expect(help.stdout).toContain('math-sdk publication folder');
    expect(help.stdout).toContain('merge');
  });

  it('one seed format: hex as rng sample and certify take it; decimal still means decimal', async () => {
    const rtpWith = async (seed: string) => {
      const ran = await run([
        join(PUBLICATIONS, 'tiny-dice'),
        '--spins',
        '20000',
        '--seed',
        seed,
        '--workers',
        '0',
        '--json',
      ]);
      expect(ran.error).toBeNull();
      return { rtp: JSON.parse(ran.stdout).estimate.rtp as number, stderr: ran.stderr };
    };
    const decimal = await rtpWith('42');
    expect((await rtpWith('0x2a')).rtp).toBe(decimal.rtp);
    const long = '000102030405060708090a0b0c0d0e0f';
    const a = await rtpWith(long);
    expect(a.stderr).toContain('is longer than 64 bits: stream seed');
    expect((await rtpWith(`0x${long}`)).rtp).toBe(a.rtp);
    expect(a.rtp).not.toBe(decimal.rtp);
    const bad = await run([join(PUBLICATIONS, 'tiny-dice'), '--spins', '10', '--seed', 'xyz']);
    expect(bad.error).toMatchObject({ exitCode: 2, message: expect.stringContaining('--seed: must be hex') });
  });

  it('a demo game by name is its file, as in math and game validate', async () => {
    const rtpOf = async (game: string) => {
      const ran = await run([game, '--spins', '20000', '--seed', '0x2a', '--workers', '0', '--json']);
      expect(ran.error).toBeNull();
      return JSON.parse(ran.stdout).estimate.rtp as number;
    };
    expect(await rtpOf('classic-sevens')).toBe(
      await rtpOf(join(REPO_ROOT, 'games/demo/classic-sevens.json')),
    );
  });
});
