import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import type { GeneratorInfo, SelfTestResult } from '../rng/index.ts';
import { CliError, EXIT_BAD_INPUT, EXIT_CHECK_FAILED } from './errors.ts';
import { formatTable, parseHex, printJson } from './output.ts';
import { createProgress } from './progress.ts';
import { registerRngTestCommand } from './rng-test-command.ts';

/**
 * rng/ is loaded by the commands that run (it pulls in zod and simple-statistics), not to print
 * `croupier rng --help` (issue 12: any command starts in under 0.3 s).
 */
const loadRng = () => import('../rng/index.ts');

/** Bytes produced per write while sampling: large enough to amortise calls, small enough to stream. */
const SAMPLE_CHUNK_BYTES = 1 << 20;

/** `croupier rng …`: the RNG kernel's commands (list, sample, selftest). */
export function registerRngCommands(program: Command): Command {
  const rng = program
    .command('rng')
    .description('the RNG kernel: list generators, sample raw output, self-test');

  rng
    .command('list')
    .description('list the generators, with their standard and parameters')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const { GENERATORS } = await loadRng();
      const rows = GENERATORS.map((g) => ({
        name: g.name,
        standard: g.standard,
        parameters: g.parameters,
        cryptographic: g.cryptographic,
      }));
      if (options.json) return printJson({ generators: rows });
      process.stdout.write(
        formatTable(
          ['name', 'kind', 'standard', 'parameters'],
          rows.map((r) => [r.name, r.cryptographic ? 'crypto' : 'simulation', r.standard, r.parameters]),
        ),
      );
    });

  rng
    .command('sample')
    .description(
      'write raw generator output, for external batteries (dieharder, NIST STS, PractRand, TestU01)',
    )
    .requiredOption('--generator <name>', 'generator name (see `croupier rng list`)')
    .option('--seed <hex>', 'seed as hex; without it a fresh seed is drawn and printed to stderr')
    .requiredOption('--bytes <n>', 'how many bytes, e.g. 1000000, 100M (10^6), 1GiB (2^30)')
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--json', 'print a JSON summary (requires --out)')
    .action(
      async (options: { generator: string; seed?: string; bytes: string; out?: string; json?: boolean }) => {
        const totalBytes = parseByteCount(options.bytes);
        const generator = findGenerator((await loadRng()).GENERATORS, options.generator);
        const seed = options.seed ? parseHex(options.seed, '--seed') : Uint8Array.from(randomBytes(32));
        const seedHex = Buffer.from(seed).toString('hex');
        if (options.json && !options.out) throw new CliError('--json needs --out (stdout carries the bytes)');
        if (!options.out && process.stdout.isTTY) {
          throw new CliError('refusing to write binary output to a terminal: use --out FILE or a pipe');
        }
        if (!options.seed) process.stderr.write(`croupier: seed ${seedHex}\n`);
        const source = generator.create(seed);
        const sink: Writable = options.out ? createWriteStream(options.out) : process.stdout;
        const progress = createProgress('sample', totalBytes, 'B');
        const startedMs = performance.now();
        const chunk = new Uint8Array(Math.min(SAMPLE_CHUNK_BYTES, Math.max(1, totalBytes)));
        let writtenBytes = 0;
        // A reader that stops early (`| head`) closes the pipe: EPIPE ends the sample quietly, as
        // for any Unix producer; other write errors still fail the command.
        let readerGone = false;
        const onSinkError = (error: NodeJS.ErrnoException) => {
          if (error.code === 'EPIPE') readerGone = true;
        };
        sink.on('error', onSinkError);
        while (writtenBytes < totalBytes && !readerGone) {
          const take = Math.min(chunk.length, totalBytes - writtenBytes);
          const view = take === chunk.length ? chunk : chunk.subarray(0, take);
          source.fillBytes(view);
          // Copy: the buffer is reused for the next chunk while the stream may still hold this one.
          try {
            if (!sink.write(Buffer.from(view))) await onceDrained(sink);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
            readerGone = true;
          }
          writtenBytes += take;
          progress.update(writtenBytes);
        }
        if (readerGone) return;
        progress.done();
        if (options.out)
          await new Promise<void>((resolve, reject) =>
            sink.end((e?: Error | null) => (e ? reject(e) : resolve())),
          );
        const elapsedS = (performance.now() - startedMs) / 1000;
        if (options.json) {
          printJson({
            generator: generator.name,
            seed: seedHex,
            bytes: totalBytes,
            out: options.out,
            elapsedS,
          });
        }
      },
    );

  rng
    .command('selftest')
    .description('run the known-answer tests and health tests; exit 1 if any fails')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const { chachaSelfTest, drbgSelfTest } = await loadRng();
      const results: SelfTestResult[] = [...drbgSelfTest(), ...chachaSelfTest()];
      const passed = results.every((r) => r.passed);
      if (options.json) {
        printJson({ verdict: passed ? 'pass' : 'fail', results });
      } else {
        process.stdout.write(
          formatTable(
            ['check', 'result', 'detail'],
            results.map((r) => [r.name, r.passed ? 'pass' : 'FAIL', r.detail]),
          ),
        );
        process.stdout.write(`\nverdict: ${passed ? 'PASS' : 'FAIL'} (${results.length} checks)\n`);
      }
      if (!passed) process.exitCode = EXIT_CHECK_FAILED;
    });

  registerRngTestCommand(rng);
  return rng;
}

function findGenerator(generators: readonly GeneratorInfo[], name: string): GeneratorInfo {
  const generator = generators.find((g) => g.name === name);
  if (!generator) {
    throw new CliError(`unknown generator '${name}'; known: ${generators.map((g) => g.name).join(', ')}`);
  }
  return generator;
}

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
};

/** Parses "1000", "100M" (decimal) or "1GiB" (binary) into a byte count. */
export function parseByteCount(text: string): number {
  const match = /^(\d+)(k|K|M|G|KiB|MiB|GiB)?B?$/.exec(text.trim());
  if (!match)
    throw new CliError(
      `--bytes must be a whole number with an optional unit (k, M, G, KiB, MiB, GiB), got '${text}'`,
      EXIT_BAD_INPUT,
    );
  const value = Number(match[1]) * BYTE_UNITS[match[2] ?? '']!;
  if (!Number.isSafeInteger(value) || value <= 0) throw new CliError(`--bytes out of range: '${text}'`);
  return value;
}

function onceDrained(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      stream.off('error', onError);
      resolve();
    };
    const onError = (error: Error) => {
      stream.off('drain', onDrain);
      reject(error);
    };
    stream.once('drain', onDrain);
    stream.once('error', onError);
  });
}
