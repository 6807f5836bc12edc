import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The read-only reference data (test vectors, schemas, worked examples): `../shared` beside the
 * checkout, as CI lays it out; CROUPIER_SHARED_DIR overrides.
 */
export const SHARED_DIR = process.env.CROUPIER_SHARED_DIR ?? resolve(REPO_ROOT, '../shared');
