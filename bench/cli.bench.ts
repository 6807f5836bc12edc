/**
 * CLI start-up: `croupier --version` from the ahead-of-time build (bin/build.js) and from the
 * TypeScript sources (tsx), against `node -e 0` measured in the same run (issue 12: under 0.3 s).
 * Runs `npm run build`'s script first, so the compiled path is current.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../test/support/paths.ts';
import { heading } from './harness.ts';

const CROUPIER = join(REPO_ROOT, 'bin/croupier.js');

function wallMs(args: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const startMs = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: REPO_ROOT, env, encoding: 'utf8' });
  const elapsedMs = performance.now() - startMs;
  if (result.status !== 0)
    throw new Error(`bench cli: ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return elapsedMs;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export async function run(options: { quick: boolean }): Promise<void> {
  heading('cli: start-up (croupier --version)');
  const build = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/build.js')], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`bench cli: the build failed: ${build.stderr}`);
  const rounds = options.quick ? 5 : 15;
  const baseline: number[] = [];
  const compiled: number[] = [];
  const fromSource: number[] = [];
  // Interleaved, so a busy spell on a shared machine hits every variant alike.
  for (let round = 0; round < rounds; round++) {
    baseline.push(wallMs(['-e', '0']));
    compiled.push(wallMs([CROUPIER, '--version']));
    fromSource.push(wallMs([CROUPIER, '--version'], { ...process.env, CROUPIER_FROM_SOURCE: '1' }));
  }
  const baseMs = median(baseline);
  const rows: [string, number][] = [
    ['node -e 0 (baseline)', baseMs],
    ['croupier --version (dist/)', median(compiled)],
    ['croupier --version (sources, tsx)', median(fromSource)],
  ];
  for (const [label, ms] of rows) {
    process.stdout.write(
      `${label.padEnd(36)} ${ms.toFixed(0).padStart(6)} ms median of ${rounds}  ×${(ms / baseMs).toFixed(2)} baseline\n`,
    );
  }
}
