// `node --import ./test/support/module-log-register.mjs …`: records the URL of every ES module the
// process loads, one a line, in the file $MODULE_LOG (cli/startup.test.ts: what `--help` loads).
import { register } from 'node:module';

register(new URL('./module-log-hooks.mjs', import.meta.url));
