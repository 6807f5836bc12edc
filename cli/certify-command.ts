/**
 * `croupier certify`: the main job. Turns game definitions and math-sdk publications (and a running
 * or embedded RGS) into a
 * signed evidence pack a lab can read, check and re-run (reports/). This file only parses flags,
 * calls `reports/`, and says where the pack is.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { defaultWorkers } from '../certification/index.ts';
import {
  BrowserMissingError,
  CLI_PROFILES,
  collectEvidence,
  createStageProgress,
  DEFAULT_JURISDICTIONS,
  EvidenceInputError,
  loadOrGenerateKey,
  REPORT_HTML,
  REPORT_PDF,
  validateRequest,
  writePack,
} from '../reports/index.ts';
import { CliError, EXIT_BAD_INPUT, EXIT_CHECK_FAILED } from './errors.ts';

interface CertifyFlags {
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

export function registerCertifyCommand(program: Command): void {
  program
    .command('certify')
    .description(
      'the main job: a signed evidence pack (report.json + schema, report.html, report.pdf, PAR CSVs, ' +
        'NIST finalAnalysisReport.txt, RGS transcripts, manifest.json) for the games given (default: the ' +
        'demo games). Exit 1 if a check fails, 2 on bad input. Check it with `croupier verify DIR`.',
    )
    .argument(
      '[game...]',
      'game definition files and Stake Engine math-sdk publication folders (with index.json); default: every demo game',
    )
    .option(
      '--profile <name>',
      `sizes: ${CLI_PROFILES.join(' | ')} (quick: < 5 min on 2 cores; lab: lab-scale)`,
      'quick',
    )
    .option(
      '--jurisdiction <ids>',
      'target jurisdictions, comma-separated (uk, mga, on, nv, nj, sd)',
      DEFAULT_JURISDICTIONS.join(','),
    )
    .option('--rgs-url <url>', 'a running RGS to take functional evidence from (default: an embedded one)')
    .option('--operator-token <token>', 'operator token for --rgs-url (croupier rgs token)')
    .option('--no-rgs', 'skip the RGS sections (6, 7); recorded as not run')
    .option('--seed <hex>', 'master seed; every input derives from it (default: fresh, recorded)')
    .option('--key <file>', 'Ed25519 private key (PEM, PKCS#8) to sign manifest.json (default: a fresh key)')
    .option(
      '--config <file>',
      'submission config (JSON): product, submitter fields, declared RTP per game/mode',
    )
    .option('--load <file>', 'a load-run result (JSON) for section 8')
    .option('--chaos <file>', 'a chaos-drill result (JSON) for section 8')
    .option('--workers <n>', 'worker threads (never changes a figure; default: available cores)', '0')
    .option('--games <paths...>', 'game files or publication folders (same as the positional arguments)')
    .requiredOption('--out <dir>', 'output folder; a rerun into it reuses stages whose inputs are unchanged')
    .action(async (positional: string[], flags: CertifyFlags) => {
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
    });
}
