/**
 * `croupier verify DIR --rerun [SECTION]`: recomputes the stages behind a section from the seeds and
 * sizes recorded in `stages/<name>.json` and compares the figures with the recorded ones, bit for
 * bit (canonical JSON equality of the whole stage output).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../games/index.ts';
import { RERUN_SECTIONS } from './names.ts';
import { computeStage, type StageInput } from './stage-kinds.ts';
import { readStageFile, STAGES_DIR, toPlainJson } from './stages.ts';

export { RERUN_SECTIONS };
export type RerunSection = (typeof RERUN_SECTIONS)[number];

/** Which stages recompute each section (PAR and simulation both live in the per-game stages). */
function stagesOf(section: RerunSection, stages: readonly string[]): string[] {
  if (section === 'rng') return stages.filter((s) => s.startsWith('rng-'));
  if (section === 'par' || section === 'simulation') return stages.filter((s) => s.startsWith('game-'));
  return [...stages];
}

export interface RerunResult {
  readonly stage: string;
  readonly identical: boolean;
  readonly detail: string;
  readonly elapsedMs: number;
}

function firstDifference(a: unknown, b: unknown, path = '$'): string | null {
  if (canonicalJson(a) === canonicalJson(b)) return null;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}: length ${a.length} vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
  } else if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        `${path}.${k}`,
      );
      if (d) return d;
    }
  }
  return `${path}: ${JSON.stringify(a)?.slice(0, 80)} vs ${JSON.stringify(b)?.slice(0, 80)}`;
}

export async function rerunSection(
  dir: string,
  section: RerunSection,
  workers: number,
  note: (text: string) => void = () => {},
): Promise<RerunResult[]> {
  const names = readdirSync(join(dir, STAGES_DIR))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
  const results: RerunResult[] = [];
  for (const stage of stagesOf(section, names)) {
    const recorded = readStageFile(dir, stage);
    if (recorded === null) {
      results.push({ stage, identical: false, detail: 'stage file unreadable', elapsedMs: 0 });
      continue;
    }
    note(`recomputing ${stage}`);
    const startedMs = performance.now();
    const output = toPlainJson(
      await computeStage(recorded.input as StageInput, { workers, note, packDir: dir }),
    );
    const diff = firstDifference(output, recorded.output);
    results.push({
      stage,
      identical: diff === null,
      detail: diff === null ? 'bit-identical to the recorded figures' : `differs at ${diff}`,
      elapsedMs: Math.round(performance.now() - startedMs),
    });
  }
  return results;
}
