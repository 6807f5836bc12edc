/**
 * The settings reference is generated from rgs/config.ts: docs/rgs-config.md must equal it, every
 * RGS_* variable the code names is in it, and the admission bounds come from the configuration
 * (never read from process.env behind the server's back).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../test/support/paths.ts';
import { loadRgsConfig, rgsConfigMarkdown, rgsConfigReference } from './config.ts';
import { DEFAULT_ADMISSION } from './http/admission.ts';

function sourceFiles(dir: string, found: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, found);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

describe('rgs start settings reference', () => {
  it('docs/rgs-config.md is the generated reference (regenerate: croupier rgs config --markdown)', () => {
    expect(readFileSync(join(REPO_ROOT, 'docs/rgs-config.md'), 'utf8')).toBe(rgsConfigMarkdown());
  });

  it('every RGS_* variable named in the sources is in the reference', () => {
    const documented = new Set(rgsConfigReference().map((row) => row.env));
    const missing: string[] = [];
    const seen = new Set<string>();
    for (const file of sourceFiles(REPO_ROOT)) {
      // As a string ('RGS_X', `RGS_X=…`) or read as env.RGS_X: a variable, not a constant's name.
      const uses = readFileSync(file, 'utf8').matchAll(/(?:['"`]|env\.)(RGS_[A-Z][A-Z_]*[A-Z])\b/g);
      for (const [, name] of uses) {
        seen.add(name!);
        if (!documented.has(name!)) missing.push(`${relative(REPO_ROOT, file)}: ${name}`);
      }
    }
    expect(missing).toEqual([]);
    // The scan itself works: it sees the variables the load runner and the pack set.
    expect(seen).toContain('RGS_MAX_IN_FLIGHT');
    expect(seen).toContain('RGS_STALE_SWEEP_INTERVAL_MS');
  });

  it('every row has a meaning; defaults parse with their own schema', () => {
    for (const row of rgsConfigReference()) expect(row.description.length).toBeGreaterThan(10);
    expect(loadRgsConfig({}).ok).toBe(true);
  });

  it('the admission bounds are settings: defaults as the server applies them, bad values named', () => {
    const defaults = loadRgsConfig({});
    expect(defaults).toMatchObject({
      ok: true,
      config: {
        maxInFlight: DEFAULT_ADMISSION.maxInFlight,
        maxEventLoopLagMs: DEFAULT_ADMISSION.maxEventLoopLagMs,
      },
    });
    expect(loadRgsConfig({ RGS_MAX_IN_FLIGHT: '32', RGS_MAX_EVENT_LOOP_LAG_MS: '100' })).toMatchObject({
      config: { maxInFlight: 32, maxEventLoopLagMs: 100 },
    });
    expect(loadRgsConfig({ RGS_MAX_IN_FLIGHT: 'lots' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('RGS_MAX_IN_FLIGHT must be a whole number'),
    });
  });
});
