// Entry point of the embedded RGS's worker thread: worker threads do not inherit the TypeScript
// loader, so register tsx here before importing the worker itself (as bin/croupier.js does).
import { register } from 'tsx/esm/api';

register();
await import('./embedded-rgs-worker.ts');
