/**
 * `croupier certify`'s work: validates the request, collects the evidence, writes and signs the pack
 * (reports/). Loaded when the command runs; its flags are in certify-command.ts.
 */
import { resolve } from 'node:path';
import { defaultWorkers } from '../certification/index.ts';
import {
  BrowserMissingError,
  collectEvidence,
  createStageProgress,
  EvidenceInputError,
  loadOrGenerateKey,
  REPORT_HTML,
  REPORT_PDF,
  validateRequest,
  writePack,
} from '../reports/index.ts';
import { CliError, EXIT_BAD_INPUT, EXIT_CHECK_FAILED } from './errors.ts';

export interface CertifyFlags {
  profile: string;
  jurisdiction: string;
  rgsUrl?: string;
  operatorToken?: string;
  rgs: boolean;
  seed?: string;
  key?: string;
  config?: string;
  load?: string;
  chaos?: string;
  workers: string;
  games?: string[];
  out: string;
}

export async function certifyAction(positional: string[], flags: CertifyFlags): Promise<void> {
  const workers = Number(flags.workers);
  const outDir = resolve(flags.out);
  let validated: ReturnType<typeof validateRequest>;
  try {
    validated = validateRequest({
      games: [...positional, ...(flags.games ?? [])],
      profile: flags.profile,
      jurisdictions: flags.jurisdiction
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      seedHex: flags.seed?.toLowerCase().replace(/^0x/, ''),
      rgsUrl: flags.rgsUrl,
      operatorToken: flags.operatorToken,
      noRgs: !flags.rgs,
      keyFile: flags.key,
      configFile: flags.config,
      loadFile: flags.load,
      chaosFile: flags.chaos,
      outDir: flags.out,
      outArg: flags.out,
      workers: workers === 0 ? defaultWorkers() : workers,
      argv: process.argv.slice(2),
    });
  } catch (error) {
    if (error instanceof EvidenceInputError) throw new CliError(error.message, EXIT_BAD_INPUT);
    throw error;
  }
  let key: ReturnType<typeof loadOrGenerateKey>;
  try {
    key = loadOrGenerateKey(flags.key);
  } catch (error) {
    throw new CliError((error as Error).message, EXIT_BAD_INPUT);
  }
  const progress = createStageProgress(process.stderr);
  const { evidence, artifacts } = await collectEvidence(
    { ...validated, request: { ...validated.request, outDir } },
    { progress },
  );
  const startedMs = performance.now();
  progress.start('render', 'report.json, report.html, report.pdf, manifest.json');
  try {
    await writePack(outDir, evidence, artifacts, key, { note: (t) => progress.note(t) });
  } catch (error) {
    if (error instanceof BrowserMissingError) throw new CliError(error.message, EXIT_BAD_INPUT);
    throw error;
  }
  progress.finish('render', performance.now() - startedMs, false);
  const failed = evidence.checks.filter((c) => c.result === 'fail');
  process.stdout.write(
    `verdict: ${evidence.verdict.toUpperCase()} (${evidence.checks.length - failed.length}/${evidence.checks.length} checks pass or do not apply)\n` +
      failed.map((c) => `  FAIL ${c.title}: ${c.detail}\n`).join('') +
      `open ${resolve(outDir, REPORT_HTML)} or ${resolve(outDir, REPORT_PDF)}\n` +
      `check it: croupier verify ${flags.out}\nrerun: ${evidence.run.rerunCommand}\n`,
  );
  if (evidence.verdict === 'fail') process.exitCode = EXIT_CHECK_FAILED;
}
