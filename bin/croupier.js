#!/usr/bin/env node
// Entry point for `npx croupier`. It runs the ahead-of-time build in dist/ (bin/build.js, made by
// `npm ci` through `prepare`, or `npm run build`) when that build is current, and otherwise the
// TypeScript sources through the tsx loader: an edited source file is never shadowed by an older
// build (bin/freshness.js compares modification times), it only starts slower until the next build.
// CROUPIER_FROM_SOURCE=1 forces the sources.
import { pathToFileURL } from 'node:url';
import { freshBuild } from './freshness.js';

/** A missing dependency means an incomplete install: one line, no stack trace. */
function missingPackage(error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') return null;
  const match = /Cannot find package '([^']+)'/.exec(String(error.message));
  return match ? match[1] : null;
}

async function loadMain() {
  const compiled = process.env.CROUPIER_FROM_SOURCE === '1' ? null : freshBuild('cli/main.js');
  if (compiled) return import(pathToFileURL(compiled).href);
  const { register } = await import('tsx/esm/api');
  register();
  return import('../cli/main.ts');
}

// A reader that stops early (`croupier … | head`) closes the pipe: end quietly, as Unix tools do,
// not with an EPIPE stack trace. Any other error on stdout is still thrown.
process.stdout.on('error', (error) => {
  if (error?.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

try {
  const { main } = await loadMain();
  process.exitCode = await main(process.argv);
} catch (error) {
  const name = missingPackage(error);
  if (name === null) throw error;
  process.stderr.write(`croupier: the dependencies are not installed (no package '${name}'): run npm ci\n`);
  process.exitCode = 2;
}
