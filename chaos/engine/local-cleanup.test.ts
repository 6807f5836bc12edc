/**
 * An interrupted drill (the CLI's Ctrl-C aborts the signal) heals its fault, stops, and leaves
 * nothing behind: no PostgreSQL, Redis or RGS process of ours, no service or node directory.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { expect, it } from 'vitest';
import { findScenario } from '../scenarios/schema.ts';
import { DrillInterruptedError, runLocal } from './local.ts';

function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0 && found.length < parents.size) {
    const parent = queue.shift()!;
    for (const [pid, ppid] of parents) {
      if (ppid !== parent) continue;
      found.push(pid);
      queue.push(pid);
    }
  }
  return found;
}

const ours = () => readdirSync(tmpdir()).filter((name) => name.startsWith(`croupier-svc-${process.pid}-`));

it('an interrupted drill heals, stops within bounds and removes every process and file it made', async () => {
  const nodeDirsBefore = new Set(readdirSync(tmpdir()).filter((n) => n.startsWith('croupier-chaos-rgs-')));
  const controller = new AbortController();
  let sawRunning = false;
  const run = runLocal({
    scenario: findScenario('pause-postgres'),
    signal: controller.signal,
    log: (line) => {
      // Interrupt while PostgreSQL is paused: the worst moment to leave things behind.
      if (line.includes('pause postgres')) {
        sawRunning = ours().length === 2 && descendants(process.pid).length > 0;
        setTimeout(() => controller.abort(), 300);
      }
    },
  });
  await expect(run).rejects.toThrow(DrillInterruptedError);
  expect(sawRunning).toBe(true);
  expect(ours()).toEqual([]);
  const nodeDirsAfter = readdirSync(tmpdir()).filter(
    (n) => n.startsWith('croupier-chaos-rgs-') && !nodeDirsBefore.has(n),
  );
  expect(nodeDirsAfter).toEqual([]);
  // Children that are still exiting may linger for a moment as zombies; none may be alive.
  const alive = descendants(process.pid).filter((pid) => {
    try {
      return !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  });
  const cmdlines = alive.map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
  expect(cmdlines.filter((c) => /postgres|redis-server|rgs start/.test(c))).toEqual([]);
}, 240_000);
