// Worker bootstrap: worker threads do not inherit the main thread's loader hooks, so register
// tsx here (as bin/croupier.js does) and then load the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./runner-pool-worker.ts');
