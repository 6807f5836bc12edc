/**
 * `report.pdf`: report.html printed by headless Chromium (Debian's `chromium`, driven by
 * playwright-core with `executablePath`; no browser download). Page numbers in the footer, and a
 * header naming the games, the Croupier version and each game's math hash.
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export class BrowserMissingError extends Error {
  readonly code = 'browser-missing';
}

/** The Chromium to drive: $CROUPIER_CHROMIUM, else /usr/bin/chromium; one clear line when absent. */
export function chromiumPath(): string {
  const path = process.env.CROUPIER_CHROMIUM ?? DEFAULT_CHROMIUM;
  if (!existsSync(path))
    throw new BrowserMissingError(
      `no Chromium at ${path}: install it (apt-get install -y chromium, or scripts/install-test-deps.sh) or set CROUPIER_CHROMIUM`,
    );
  return path;
}

export async function launchChromium() {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
}

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export async function renderPdf(html: string, header: string): Promise<Buffer> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      margin: { top: '18mm', bottom: '16mm', left: '12mm', right: '12mm' },
      headerTemplate: `<div style="font-size:7px;width:100%;padding:0 12mm;color:#444;font-family:DejaVu Sans,Arial,sans-serif;">${esc(header)}</div>`,
      footerTemplate:
        '<div style="font-size:8px;width:100%;text-align:center;color:#444;font-family:DejaVu Sans,Arial,sans-serif;">page <span class="pageNumber"></span> of <span class="totalPages"></span></div>',
    });
    return Buffer.from(pdf);
  } finally {
    await browser.close();
  }
}
