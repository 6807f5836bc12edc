/**
 * `npm run bench [-- --quick] [-- --only rng,sim]`: runs every benchmark in sequence. Each prints
 * its figures beside a baseline measured in the same process.
 */
const SUITES: Record<string, () => Promise<{ run(options: { quick: boolean }): Promise<void> }>> = {
  cli: () => import('./cli.bench.ts'),
  rng: () => import('./rng.bench.ts'),
  nist: () => import('./nist.bench.ts'),
  gli: () => import('./gli.bench.ts'),
  sim: () => import('./sim.bench.ts'),
  math: () => import('./math.bench.ts'),
  publication: () => import('./publication.bench.ts'),
  'rgs-core': () => import('./rgs-core.bench.ts'),
  rgs: () => import('./rgs.bench.ts'),
  'rgs-publication': () => import('./publication-play.bench.ts'),
  wire: () => import('./wire.bench.ts'),
  load: () => import('./load.bench.ts'),
};

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? (args[onlyIndex + 1] ?? '').split(',').filter(Boolean) : Object.keys(SUITES);
const unknown = only.filter((name) => !(name in SUITES));
if (unknown.length > 0) {
  process.stderr.write(
    `bench: unknown suite(s) ${unknown.join(', ')}; known: ${Object.keys(SUITES).join(', ')}\n`,
  );
  process.exit(2);
}
process.stdout.write(`Croupier benchmarks on node ${process.version}, ${quick ? 'quick' : 'full'} mode\n`);
for (const name of only) {
  const suite = await SUITES[name]!();
  await suite.run({ quick });
}
