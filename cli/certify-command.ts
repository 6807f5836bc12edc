/**
 * `croupier certify`: the main job. Turns game definitions and math-sdk publications (and a running
 * or embedded RGS) into a
 * signed evidence pack a lab can read, check and re-run (reports/). This file only declares the
 * flags; the work (certify-run.ts) loads reports/, the batteries and the RGS when the command runs,
 * so `croupier certify --help` starts without them (issue 12: under 0.3 s).
 */
import type { Command } from 'commander';
import { CLI_PROFILES, DEFAULT_JURISDICTIONS } from '../reports/names.ts';
import type { CertifyFlags } from './certify-run.ts';

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
    .action(async (positional: string[], flags: CertifyFlags) =>
      (await import('./certify-run.ts')).certifyAction(positional, flags),
    );
}
