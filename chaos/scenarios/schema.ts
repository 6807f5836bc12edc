/**
 * A chaos scenario is data (chaos/scenarios/*.json): which fault, on which target, when it starts
 * and how long it lasts, the steady player mix that runs meanwhile, and what must hold. The local
 * engine runs it on processes it owns; the Kubernetes engine renders it as Chaos Mesh resources.
 * This zod schema is the one boundary check; a bad file gets an error naming the file and field.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';

const Ms = z.number().int().min(0).max(3_600_000);

/** The fault proxy's fault (chaos/fault-proxy.ts FaultSpec), as data. */
export const LinkFaultSchema = z
  .object({
    latencyMs: z.number().min(0).max(60_000).optional(),
    jitterMs: z.number().min(0).max(60_000).optional(),
    bandwidthBytesPerSec: z.number().positive().optional(),
    resetProbability: z.number().min(0).max(1).optional(),
    refuseConnections: z.boolean().optional(),
    blackhole: z.boolean().optional(),
    dropCommitReplyFraction: z.number().min(0).max(1).optional(),
    dropCommitReplyMax: z.number().int().min(0).optional(),
  })
  .strict();

export const FaultTargetSchema = z.enum([
  'postgres',
  'redis',
  'rgs-a',
  'rgs-b',
  'postgres-link',
  'redis-link',
  'session',
]);
export type FaultTarget = z.infer<typeof FaultTargetSchema>;

export const FaultSchema = z
  .object({
    /**
     * kill: SIGKILL, restarted after durationMs. pause: SIGSTOP, SIGCONT after durationMs.
     * terminate: SIGTERM (graceful), restarted after durationMs. link: the fault proxy's fault for
     * durationMs. revoke-session: a session with an open WebSocket is revoked (durationMs: how long
     * the socket may stay open after it).
     */
    action: z.enum([
      'kill',
      'pause',
      'terminate',
      'link',
      'revoke-session',
      'stress',
      'io-delay',
      'partition',
    ]),
    target: FaultTargetSchema,
    startMs: Ms,
    durationMs: Ms,
    link: LinkFaultSchema.optional(),
    /** stress (Kubernetes only): CPU stressors in the target's pods. */
    stress: z
      .object({
        cpuWorkers: z.number().int().min(1).max(64),
        cpuLoadPercent: z.number().int().min(1).max(100),
      })
      .strict()
      .optional(),
    /** io-delay (Kubernetes only): latency on the target's data volume. */
    io: z
      .object({ delayMs: z.number().int().min(1).max(60_000), percent: z.number().int().min(1).max(100) })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((fault, ctx) => {
    const isLink = fault.target === 'postgres-link' || fault.target === 'redis-link';
    if ((fault.action === 'link') !== isLink)
      ctx.addIssue({ code: 'custom', message: 'action "link" goes with a *-link target, and only with one' });
    if (fault.action === 'link' && fault.link === undefined)
      ctx.addIssue({ code: 'custom', path: ['link'], message: 'a link fault needs its "link" settings' });
    if ((fault.action === 'revoke-session') !== (fault.target === 'session'))
      ctx.addIssue({
        code: 'custom',
        message: 'action "revoke-session" goes with target "session", and only with it',
      });
    if ((fault.action === 'stress') !== (fault.stress !== undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['stress'],
        message: 'action "stress" needs its "stress" settings, and only it',
      });
    if ((fault.action === 'io-delay') !== (fault.io !== undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['io'],
        message: 'action "io-delay" needs its "io" settings, and only it',
      });
    if (fault.action === 'io-delay' && fault.target !== 'postgres' && fault.target !== 'redis')
      ctx.addIssue({
        code: 'custom',
        path: ['target'],
        message: 'io-delay targets postgres or redis (their data volume)',
      });
    if (fault.action === 'partition' && fault.target !== 'rgs-b')
      ctx.addIssue({
        code: 'custom',
        path: ['target'],
        message: 'partition cuts rgs-b (in its own network namespace) off',
      });
  });
export type Fault = z.infer<typeof FaultSchema>;

export const ScenarioSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9-]{1,60}$/),
    description: z.string().min(1).max(2_000),
    topology: z
      .object({
        rgsNodes: z.union([z.literal(1), z.literal(2)]),
        postgresLink: z.enum(['direct', 'proxy']),
        redisLink: z.enum(['direct', 'proxy']),
      })
      .strict(),
    load: z
      .object({
        players: z.number().int().min(1).max(200),
        durationMs: Ms.min(500),
        thinkMs: Ms,
        requestTimeoutMs: Ms.min(100),
        gameID: z.string().min(1),
        /** Starting balance, API units. */
        balance: z.number().int().positive(),
      })
      .strict(),
    faults: z.array(FaultSchema).min(1).max(20),
    expect: z
      .object({
        /** No 5xx but 503, and no 2xx the books contradict (the checker). */
        failClosed: z.boolean(),
        /** May clients see no reply at all (a node killed, a link reset)? */
        transportErrors: z.enum(['allowed', 'none']),
        /** Served again within this long after the last fault ends. */
        recoveryWithinMs: Ms,
        /** At least this many acknowledged bets: the drill really ran load. */
        minAcknowledgedBets: z.number().int().min(1),
      })
      .strict(),
    /** Where the scenario can run (default both); stress and io-delay need Kubernetes. */
    engines: z
      .array(z.enum(['local', 'k8s']))
      .min(1)
      .optional(),
  })
  .strict()
  .superRefine((scenario, ctx) => {
    const engines = scenario.engines ?? ['local', 'k8s'];
    scenario.faults.forEach((fault, index) => {
      if ((fault.action === 'stress' || fault.action === 'io-delay') && engines.includes('local'))
        ctx.addIssue({
          code: 'custom',
          path: ['engines'],
          message: `${fault.action} runs on Kubernetes only: set "engines": ["k8s"]`,
        });
      if (fault.startMs + fault.durationMs > scenario.load.durationMs)
        ctx.addIssue({
          code: 'custom',
          path: ['faults', index],
          message: 'the fault must end before the load does',
        });
      if (fault.target === 'rgs-b' && scenario.topology.rgsNodes < 2)
        ctx.addIssue({
          code: 'custom',
          path: ['faults', index, 'target'],
          message: 'rgs-b needs topology.rgsNodes 2',
        });
      if (fault.target === 'postgres-link' && scenario.topology.postgresLink !== 'proxy')
        ctx.addIssue({
          code: 'custom',
          path: ['faults', index, 'target'],
          message: 'postgres-link needs topology.postgresLink "proxy"',
        });
      if (fault.target === 'redis-link' && scenario.topology.redisLink !== 'proxy')
        ctx.addIssue({
          code: 'custom',
          path: ['faults', index, 'target'],
          message: 'redis-link needs topology.redisLink "proxy"',
        });
    });
  });
export type Scenario = z.infer<typeof ScenarioSchema>;

export const SCENARIO_DIR = import.meta.dirname;

/** A scenario file failed validation; the message names the file and the field. */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

export function parseScenario(source: string, text: string): Scenario {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(`${source}: not JSON (${(error as Error).message})`);
  }
  const parsed = ScenarioSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ScenarioError(`${source}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  if (`${parsed.data.name}.json` !== basename(source) && source.endsWith('.json'))
    throw new ScenarioError(`${source}: name "${parsed.data.name}" does not match the file name`);
  return parsed.data;
}

/** Every scenario shipped in chaos/scenarios, sorted by name. */
export function loadScenarios(dir: string = SCENARIO_DIR): Scenario[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  return files.map((file) => parseScenario(join(dir, file), readFileSync(join(dir, file), 'utf8')));
}

/** One scenario by name (or by path to a .json file). */
export function findScenario(nameOrPath: string, dir: string = SCENARIO_DIR): Scenario {
  if (nameOrPath.endsWith('.json')) {
    let text: string;
    try {
      text = readFileSync(nameOrPath, 'utf8');
    } catch {
      throw new ScenarioError(`${nameOrPath}: cannot read the scenario file`);
    }
    return parseScenario(nameOrPath, text);
  }
  const found = loadScenarios(dir).find((s) => s.name === nameOrPath);
  if (found === undefined)
    throw new ScenarioError(`unknown scenario "${nameOrPath}" (see: croupier chaos list)`);
  return found;
}
