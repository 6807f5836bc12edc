// Module hooks (node:module register) for module-log-register.mjs: appends each loaded URL to
// $MODULE_LOG. Loading is only observed, never changed.
import { appendFileSync } from 'node:fs';

export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  if (process.env.MODULE_LOG) appendFileSync(process.env.MODULE_LOG, `${url}\n`);
  return result;
}
