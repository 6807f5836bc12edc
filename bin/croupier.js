#!/usr/bin/env node
// Entry point for `npx croupier`: registers the TypeScript loader (tsx) so the CLI runs
// straight from source, with no build step after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv);
