/**
 * `croupier chaos …`: chaos drills.
 *
 *   croupier chaos list [--json]                                   the scenarios shipped in chaos/scenarios
 *   croupier chaos run SCENARIO [--engine local|k8s] [--duration 8s] [--out FILE]
 *   croupier chaos render SCENARIO [--namespace NS]                the Chaos Mesh resources, as YAML
 *   croupier chaos report FILE [--html FILE] [--svg FILE]         timeline + verdicts of a drill result
 *
 * Exit codes: 0 every invariant held, 1 an invariant broke, 2 bad usage or input.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
// The chaos part (ECharts, the Kubernetes client) loads only when a chaos command runs, so the rest
// of the CLI starts as fast as before.
import type { DrillResult } from '../chaos/index.ts';
import { CliError, EXIT_BAD_INPUT, EXIT_CHECK_FAILED } from './errors.ts';
import { formatTable, printJson } from './output.ts';

const chaosPart = () => import('../chaos/index.ts');

/** "8s", "1500ms", "2m" or a bare number of seconds → milliseconds. */
export function parseDurationMs(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (match === null) throw new CliError(`--duration: expected e.g. 8s, 1500ms or 2m, got "${value}"`);
  const unit = match[2] ?? 's';
  const ms = Number(match[1]) * (unit === 'ms' ? 1 : unit === 's' ? 1_000 : 60_000);
  if (!(ms >= 500 && ms <= 3_600_000)) throw new CliError('--duration must be between 500ms and 60m');
  return Math.round(ms);
}

async function scenarioOrExit(name: string) {
  const { findScenario, ScenarioError } = await chaosPart();
  try {
    return findScenario(name);
  } catch (error) {
    if (error instanceof ScenarioError) throw new CliError(error.message, EXIT_BAD_INPUT);
    throw error;
  }
}

export async function readDrillResult(file: string): Promise<DrillResult> {
  const { DrillResultError, parseDrillResult } = await chaosPart();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CliError(`${file}: cannot read the drill result`);
  }
  try {
    return parseDrillResult(file, text);
  } catch (error) {
    if (error instanceof DrillResultError) throw new CliError(error.message);
    throw error;
  }
}

interface RunOptions {
  engine: string;
  duration?: string;
  out?: string;
  seed?: string;
  namespace: string;
  kubeconfig?: string;
  rgsUrl?: string;
  databaseUrl?: string;
  json?: boolean;
}

/** --rgs-url and --database-url (and RGS_OPERATOR_SECRET) give the k8s engine its load. */
function k8sLoad(options: RunOptions) {
  if (options.rgsUrl === undefined && options.databaseUrl === undefined) return undefined;
  const secret = process.env.RGS_OPERATOR_SECRET;
  if (
    options.rgsUrl === undefined ||
    options.databaseUrl === undefined ||
    secret === undefined ||
    secret === ''
  )
    throw new CliError('load on k8s needs --rgs-url, --database-url and RGS_OPERATOR_SECRET together');
  const nodes = options.rgsUrl.split(',').map((u) => u.trim());
  for (const node of nodes)
    if (!/^https?:\/\//.test(node)) throw new CliError(`--rgs-url: not an http(s) URL: ${node}`);
  return { nodes, operatorSecret: secret, databaseUrl: options.databaseUrl };
}

async function runCommand(name: string, options: RunOptions): Promise<void> {
  if (options.engine !== 'local' && options.engine !== 'k8s')
    throw new CliError('--engine must be local or k8s');
  const { DrillInterruptedError, DrillSkippedError, runK8s, runLocal, renderText, ScenarioError } =
    await chaosPart();
  const scenario = await scenarioOrExit(name);
  const durationMs = options.duration === undefined ? undefined : parseDurationMs(options.duration);
  const seed = options.seed === undefined ? 1 : Number(options.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new CliError('--seed must be a non-negative integer');
  const controller = new AbortController();
  const onSignal = () => {
    process.stderr.write('croupier chaos: interrupted, healing faults and cleaning up\n');
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const log = (line: string) => process.stderr.write(`chaos ${scenario.name}: ${line}\n`);
  let result: DrillResult;
  try {
    result =
      options.engine === 'local'
        ? await runLocal({
            scenario,
            signal: controller.signal,
            log,
            seed,
            ...(durationMs !== undefined ? { durationMs } : {}),
          })
        : await runK8s({
            scenario,
            namespace: options.namespace,
            signal: controller.signal,
            log,
            ...(options.kubeconfig !== undefined ? { kubeconfigPath: options.kubeconfig } : {}),
            ...(k8sLoad(options) !== undefined ? { load: k8sLoad(options)! } : {}),
            ...(durationMs !== undefined ? { durationMs } : {}),
          });
  } catch (error) {
    if (error instanceof ScenarioError) throw new CliError(error.message);
    if (error instanceof DrillInterruptedError) throw new CliError(error.message, EXIT_CHECK_FAILED);
    if (error instanceof DrillSkippedError) {
      process.stderr.write(`croupier chaos: ${error.message}\n`);
      return;
    }
    if (controller.signal.aborted)
      throw new CliError(`interrupted: ${(error as Error).message}`, EXIT_CHECK_FAILED);
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (options.out !== undefined) writeFileSync(options.out, `${JSON.stringify(result, null, 2)}\n`);
  if (options.json) printJson(result);
  else process.stdout.write(renderText(result));
  if (controller.signal.aborted) throw new CliError('interrupted', EXIT_CHECK_FAILED);
  if (!result.ok) process.exitCode = EXIT_CHECK_FAILED;
}

export function registerChaosCommand(program: Command): void {
  const chaos = program
    .command('chaos')
    .description('chaos drills: faults under load, then a books check (no money lost or doubled)');
  chaos
    .command('list')
    .description('the scenarios shipped in chaos/scenarios')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const scenarios = (await chaosPart()).loadScenarios();
      if (options.json) {
        printJson(scenarios);
        return;
      }
      const rows = scenarios.map((s) => [
        s.name,
        s.faults.map((f) => `${f.action} ${f.target}`).join(', '),
        String(s.topology.rgsNodes),
        `${s.load.durationMs / 1000} s`,
        (s.engines ?? ['local', 'k8s']).join('+'),
      ]);
      process.stdout.write(formatTable(['scenario', 'faults', 'nodes', 'load', 'engines'], rows));
    });
  chaos
    .command('run')
    .description('run a scenario; exit 1 when an invariant breaks')
    .argument('<scenario>', 'scenario name (croupier chaos list) or path to a scenario .json')
    .option('--engine <engine>', 'local (processes this command starts) or k8s (Chaos Mesh)', 'local')
    .option('--duration <duration>', "the load's duration (fault times scale with it), e.g. 8s")
    .option('--out <file>', 'write the drill result JSON (for chaos report and certify --chaos)')
    .option('--seed <n>', 'seed of the fault choices (default 1)')
    .option('--namespace <ns>', 'k8s: namespace of the deployment and the experiments', 'croupier')
    .option('--kubeconfig <file>', 'k8s: kubeconfig (default: $KUBECONFIG or ~/.kube/config)')
    .option(
      '--rgs-url <urls>',
      'k8s: the RGS base URL(s), comma-separated, for the load (with --database-url and $RGS_OPERATOR_SECRET)',
    )
    .option('--database-url <url>', "k8s: the RGS's PostgreSQL, for the books check")
    .option('--json', 'print the drill result JSON instead of the summary')
    .action(runCommand);
  chaos
    .command('render')
    .description('print the Chaos Mesh resources of a scenario as YAML')
    .argument('<scenario>', 'scenario name or path')
    .option('--namespace <ns>', 'namespace', 'croupier')
    .action(async (name: string, options: { namespace: string }) => {
      const { renderScenarioYaml } = await chaosPart();
      process.stdout.write(renderScenarioYaml(await scenarioOrExit(name), options.namespace));
    });
  chaos
    .command('report')
    .description('timeline (faults as bands over replies and latency) and verdicts of a drill result')
    .argument('<file>', 'drill result JSON (chaos run --out)')
    .option('--html <file>', 'write the report as one HTML page')
    .option('--svg <file>', 'write the timeline chart as SVG')
    .action(async (file: string, options: { html?: string; svg?: string }) => {
      const { renderHtml, renderText, renderTimelineSvg } = await chaosPart();
      const result = await readDrillResult(file);
      if (options.html !== undefined) writeFileSync(options.html, renderHtml(result));
      if (options.svg !== undefined) writeFileSync(options.svg, renderTimelineSvg(result));
      process.stdout.write(renderText(result));
      if (!result.ok) process.exitCode = EXIT_CHECK_FAILED;
    });
}
