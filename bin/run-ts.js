#!/usr/bin/env node
import { resolve } from 'node:path';
// Runs one TypeScript file (benchmarks, scripts) through the tsx loader: `node bin/run-ts.js FILE [args]`.
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node bin/run-ts.js FILE.ts [args]\n');
  process.exit(2);
}
process.argv.splice(1, 1);
await import(pathToFileURL(resolve(file)).href);
