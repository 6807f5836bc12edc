/** `croupier … | head`: the reader closing the pipe ends the command quietly (no EPIPE), exit 0. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../test/support/paths.ts';

it('stops quietly with exit 0 when the reader closes the pipe early', async () => {
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'bin/croupier.js'),
      'rng',
      'sample',
      '--generator',
      'xoshiro128ss',
      '--seed',
      '0x000102030405060708090a0b0c0d0e0f',
      '--bytes',
      '1G',
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  let received = 0;
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      received += chunk.length;
      child.stdout.destroy(); // like `head -c`: read a little, then close
    });
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  expect(received).toBeGreaterThan(0);
  expect(stderr).not.toMatch(/EPIPE/);
  expect(code).toBe(0);
});

it('any command whose reader is gone before it writes ends quietly (croupier rgs config | head -0)', async () => {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/croupier.js'), 'rgs', 'config'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.destroy(); // the reader is gone before the first line
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  expect(stderr).not.toMatch(/EPIPE/);
  expect(code).toBe(0);
});
