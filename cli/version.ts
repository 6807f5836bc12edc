import { readFileSync } from 'node:fs';

/** Croupier's version, read from package.json so reports always carry the released number. */
export const CROUPIER_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
