/** `croupier load report FILE`: the HTML report and the evidence JSON of a load result. */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError, EXIT_BAD_INPUT } from './errors.ts';

export function registerLoadReport(load: Command): void {
  load
    .command('report')
    .argument('<file>', 'a result written by croupier load run --out')
    .description(
      'Write the HTML report (latency over time, offered vs achieved, shed load and errors, RGS\n' +
        'metrics, verdicts, books) and the evidence JSON that croupier certify --load takes.',
    )
    .option('--html <file>', 'HTML report (default: FILE with .html)')
    .option('--json <file>', 'evidence JSON for croupier certify --load (default: FILE with .evidence.json)')
    .action(async (file: string, flags: { html?: string; json?: string }) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        throw new CliError(`${file}: cannot read the file`, EXIT_BAD_INPUT);
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new CliError(`${file}: not valid JSON`, EXIT_BAD_INPUT);
      }
      // load/ is loaded once the input is read (issue 12: `--help` never waits for it).
      const { LoadResultError, loadEvidence, parseLoadResult, renderLoadReport } = await import(
        '../load/index.ts'
      );
      let result: ReturnType<typeof parseLoadResult>;
      try {
        result = parseLoadResult(json, file);
      } catch (error) {
        if (error instanceof LoadResultError) throw new CliError(error.message, EXIT_BAD_INPUT);
        throw error;
      }
      const base = file.replace(/\.json$/, '');
      const html = flags.html ?? `${base}.html`;
      const evidence = flags.json ?? `${base}.evidence.json`;
      writeFileSync(html, renderLoadReport(result));
      writeFileSync(evidence, `${JSON.stringify(loadEvidence(result), null, 2)}\n`);
      process.stdout.write(`wrote ${html} and ${evidence}\n`);
    });
}
