/**
 * TEST ONLY: runs a shipped scenario on the local engine with a shorter load and checks what every
 * drill must show (the fault happened, load ran, no money lost, doubled or taken unasked).
 */
import { expect } from 'vitest';
import { runLocal } from './engine/local.ts';
import type { DrillResult } from './result.ts';
import { findScenario } from './scenarios/schema.ts';

export function failures(result: DrillResult): string[] {
  return [...(result.books?.invariants ?? []), ...result.expectations]
    .filter((v) => !v.ok)
    .map((v) => `${v.name}: ${v.problems.slice(0, 3).join('; ')}`);
}

export async function drill(name: string, durationMs: number): Promise<DrillResult> {
  const result = await runLocal({ scenario: findScenario(name), durationMs });
  // The fault really happened, and the load really ran through it.
  expect(result.faults.length).toBeGreaterThan(0);
  for (const window of result.faults) expect(window.detail).toBeUndefined();
  expect(result.requests.total).toBeGreaterThan(0);
  expect(result.books).not.toBeNull();
  expect({
    lost: result.books!.lost,
    doubled: result.books!.doubled,
    unrequested: result.books!.unrequested,
  }).toEqual({
    lost: 0,
    doubled: 0,
    unrequested: 0,
  });
  return result;
}
