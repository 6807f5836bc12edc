/**
 * `npm run build:k6`: bundles each k6 scenario script (load/k6/<name>.ts, with the shared
 * journey, scenarios and player data) into one ES2017 file, dist/k6/<name>.js, for k6 versions
 * that do not run TypeScript (< 0.57). The `k6` and `k6/*` modules stay imports: k6 provides them.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

export const K6_SCRIPTS = ['baseline', 'friday-night', 'spike-and-recover', 'soak'] as const;
export type K6ScriptName = (typeof K6_SCRIPTS)[number];

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const K6_SOURCE_DIR = resolve(ROOT, 'load', 'k6');
export const K6_DIST_DIR = resolve(ROOT, 'dist', 'k6');

export interface BundleOptions {
  /** Replace `k6` and `k6/*` imports by these files (tests); default: leave them to k6. */
  readonly stubs?: Readonly<Record<string, string>>;
}

function stubPlugin(stubs: Readonly<Record<string, string>>): Plugin {
  return {
    name: 'k6-stubs',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^k6(\/.*)?$/ }, (args) => {
        const stub = stubs[args.path];
        if (stub === undefined) return { errors: [{ text: `no stub for ${args.path}` }] };
        return { path: stub };
      });
    },
  };
}

/** Bundles one script; returns the JavaScript (ES2017, ESM). */
export async function bundleK6Script(name: K6ScriptName, options: BundleOptions = {}): Promise<string> {
  const result = await build({
    entryPoints: [resolve(K6_SOURCE_DIR, `${name}.ts`)],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2017',
    platform: 'neutral',
    legalComments: 'none',
    logLevel: 'silent',
    ...(options.stubs ? { plugins: [stubPlugin(options.stubs)] } : { external: ['k6', 'k6/*'] }),
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error(`esbuild produced nothing for ${name}`);
  return output.text;
}

export async function buildAll(outDir = K6_DIST_DIR): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  for (const name of K6_SCRIPTS) {
    const file = resolve(outDir, `${name}.js`);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, await bundleK6Script(name));
    written.push(file);
  }
  return written;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  for (const file of await buildAll()) process.stdout.write(`wrote ${file}\n`);
}
