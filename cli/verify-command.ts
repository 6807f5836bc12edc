/**
 * `croupier verify DIR [--rerun [SECTION]]`: checks every hash of an evidence pack and its Ed25519
 * signature (exit 1 naming the first file that differs), validates report.json against the
 * published schema, and with --rerun recomputes a section from the recorded seeds and shows the
 * figures are bit-identical. reports/ is loaded once the flags are checked, so `--help` and a bad
 * flag never wait for it (issue 12: start-up time).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { RerunSection } from '../reports/index.ts';
import { RERUN_SECTIONS } from '../reports/names.ts';
import { CliError, EXIT_BAD_INPUT, EXIT_CHECK_FAILED } from './errors.ts';

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description(
      'check an evidence pack: every SHA-256 in manifest.json, its Ed25519 signature, report.json against the schema',
    )
    .argument('<dir>', 'the pack folder (croupier certify --out DIR)')
    .option(
      '--rerun [section]',
      `also recompute a section from the recorded seeds: ${RERUN_SECTIONS.join(' | ')} (default all)`,
    )
    .option('--public-key <file>', 'require the pack to be signed by this Ed25519 public key (PEM)')
    .option('--workers <n>', 'worker threads for --rerun', '2')
    .action(async (dir: string, flags: { rerun?: string | boolean; publicKey?: string; workers: string }) => {
      if (!existsSync(dir)) throw new CliError(`${dir}: no such folder`, EXIT_BAD_INPUT);
      const section: string | null =
        flags.rerun === undefined || flags.rerun === false
          ? null
          : flags.rerun === true
            ? 'all'
            : flags.rerun;
      if (section !== null && !(RERUN_SECTIONS as readonly string[]).includes(section))
        throw new CliError(
          `--rerun: unknown section '${section}' (${RERUN_SECTIONS.join(', ')})`,
          EXIT_BAD_INPUT,
        );
      let expectedKey: string | undefined;
      if (flags.publicKey !== undefined) {
        if (!existsSync(flags.publicKey))
          throw new CliError(`--public-key ${flags.publicKey}: file not found`, EXIT_BAD_INPUT);
        expectedKey = readFileSync(flags.publicKey, 'utf8');
      }
      const { rerunSection, validateReportJson, verifyPack } = await import('../reports/index.ts');
      const result = verifyPack(dir, expectedKey);
      if (!result.ok) {
        process.stderr.write(`croupier verify: ${result.file}: ${result.reason}\n`);
        process.exitCode = EXIT_CHECK_FAILED;
        return;
      }
      const schema = validateReportJson(dir);
      if (!schema.ok) {
        process.stderr.write(`croupier verify: report.json: ${schema.reason}\n`);
        process.exitCode = EXIT_CHECK_FAILED;
        return;
      }
      process.stdout.write(
        `ok: ${result.files} files match manifest.json; Ed25519 signature valid${result.ephemeral ? ' (ephemeral key: integrity since signing, not identity)' : ''}; report.json matches the schema\n`,
      );
      if (section === null) return;
      const results = await rerunSection(dir, section as RerunSection, Number(flags.workers), (t) =>
        process.stderr.write(`  ${t}\n`),
      );
      for (const r of results)
        process.stdout.write(
          `rerun ${r.stage}: ${r.identical ? 'identical' : 'DIFFERS'} (${r.detail}; ${(r.elapsedMs / 1000).toFixed(1)} s)\n`,
        );
      if (results.length === 0)
        process.stdout.write(`rerun ${section}: no stage to recompute in this pack\n`);
      if (results.some((r) => !r.identical)) process.exitCode = EXIT_CHECK_FAILED;
    });
}
