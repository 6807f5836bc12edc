/**
 * Writes a pack: report.json (validated against the model first), report.html, report.pdf,
 * par/<game>.csv, nist/finalAnalysisReport.txt, evidence/ transcripts, then manifest.json signed
 * last over every file in the folder (stage files included).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Artifacts } from './collect.ts';
import { buildManifest, MANIFEST_FILE, type SigningKey } from './manifest.ts';
import { type Evidence, EvidenceSchema } from './model.ts';
import { renderHtml } from './render-html.ts';
import { renderPdf } from './render-pdf.ts';

export const REPORT_JSON = 'report.json';
export const REPORT_HTML = 'report.html';
export const REPORT_PDF = 'report.pdf';

function writeAtomic(path: string, content: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, content);
  renameSync(`${path}.tmp`, path);
}

/** The PDF header: games, version and math hash (a short prefix each; full hashes are in §0). */
export function pdfHeader(e: Evidence): string {
  const games = e.cover.games.map((g) => `${g.gameId} ${g.mathHash.slice(0, 12)}`).join(' · ');
  return `Croupier ${e.cover.croupierVersion} evidence pack — ${games}`;
}

export interface WrittenPack {
  readonly files: number;
  readonly pdfBytes: number;
}

export async function writePack(
  dir: string,
  evidence: Evidence,
  artifacts: Artifacts,
  key: SigningKey,
  options: { pdf?: boolean; note?: (text: string) => void } = {},
): Promise<WrittenPack> {
  const checked = EvidenceSchema.parse(evidence);
  for (const [path, content] of artifacts) writeAtomic(join(dir, path), content);
  writeAtomic(join(dir, REPORT_JSON), `${JSON.stringify(checked, null, 2)}\n`);
  const html = renderHtml(checked);
  writeAtomic(join(dir, REPORT_HTML), html);
  let pdfBytes = 0;
  if (options.pdf !== false) {
    options.note?.('printing report.pdf with headless Chromium');
    const pdf = await renderPdf(html, pdfHeader(checked));
    writeAtomic(join(dir, REPORT_PDF), pdf);
    pdfBytes = pdf.length;
  }
  const manifest = buildManifest(dir, key, new Date().toISOString());
  writeAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return { files: manifest.files.length, pdfBytes };
}
