import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The test fixtures (test vectors, worked examples, small games and publications), inside the
 * repository so that a clone anywhere runs the tests: see `test/fixtures/README.md`.
 */
export const FIXTURES_DIR = resolve(REPO_ROOT, 'test/fixtures');
