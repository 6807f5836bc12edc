// Entry point of a simulation worker thread: worker threads do not inherit the TypeScript loader,
// so register tsx here before importing the worker itself (as bin/croupier.js does for the CLI).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
