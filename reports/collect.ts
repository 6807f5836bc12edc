/**
 * `collectEvidence`: runs every stage of a certify run and assembles the evidence model. The CLI
 * only parses flags, calls this, and hands the result to `writePack`.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { servedStreamData } from '../certification/index.ts';
import { checkDeclaredRtp, type Game } from '../games/index.ts';
import type { ValidatedPublication, ValidatedRequest } from './inputs.ts';
import { minimumRtpResult } from './jurisdictions.ts';
import { type Check, EVIDENCE_FORMAT, EVIDENCE_VERSION, type Evidence, type GameEvidence } from './model.ts';
import type { StageProgress } from './progress.ts';
import { resilienceEvidence } from './resilience.ts';
import { collectRgsEvidence, type RgsEvidence } from './sections/rgs.ts';
import {
  RNG_RESULTS_SOURCE,
  rngDescription,
  type SelfTestOutput,
  type ServedBatteries,
  servedBatteryResults,
} from './sections/rng.ts';
import {
  CROUPIER_VERSION,
  REPO_ROOT,
  sha256OfText,
  softwareIdentification,
  treeSha256,
} from './sections/software.ts';
import { traceability } from './sections/traceability.ts';
import {
  computeStage,
  type GameInput,
  type GameStageOutput,
  type PublicationInput,
  type PublicationStageOutput,
  type ServedInput,
  type StageInput,
} from './stage-kinds.ts';
import { runStage, type StageRunner, stageFilePath } from './stages.ts';

export const SEED_DERIVATION =
  'sub-seed = SHA-256("croupier/certify/v2\\0" || label || "\\0" || master seed); Monte Carlo seeds are its first 8 bytes (big-endian)';

function subSeed(master: Buffer, label: string): Buffer {
  return createHash('sha256')
    .update('croupier/certify/v2\0')
    .update(label)
    .update('\0')
    .update(master)
    .digest();
}

/** Files the pack writes besides report.json and the stage files: path inside DIR -> content. */
export type Artifacts = Map<string, string | Buffer>;

export interface CollectOptions {
  readonly progress: StageProgress;
  readonly now?: () => Date;
}

export interface CollectedEvidence {
  readonly evidence: Evidence;
  readonly artifacts: Artifacts;
}

/** Hash of the code whose output the stages record: a changed line anywhere there invalidates reuse. */
function codeSha256(): string {
  // Of reports/, only what computes stage outputs: a change to a renderer reuses every stage.
  const stageCode = [
    'reports/stage-kinds.ts',
    'reports/sections/games.ts',
    'reports/sections/publication.ts',
    'reports/sections/rng.ts',
  ];
  return treeSha256(
    ['rng', 'games', 'sim', 'certification', 'reports'],
    (path) =>
      /\.(ts|js|json)$/.test(path) &&
      !path.endsWith('.test.ts') &&
      (!path.includes('/reports/') || stageCode.some((f) => path.endsWith(f))),
  );
}

function rerunCommand(v: ValidatedRequest, masterHex: string): string {
  const r = v.request;
  const q = (s: string) => (/^[\w./:@,=+-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);
  const parts = [
    'croupier',
    'certify',
    ...r.games.map(q),
    '--profile',
    v.profile,
    '--jurisdiction',
    r.jurisdictions.join(','),
  ];
  parts.push('--seed', masterHex);
  if (r.configFile) parts.push('--config', q(r.configFile));
  if (r.loadFile) parts.push('--load', q(r.loadFile));
  if (r.chaosFile) parts.push('--chaos', q(r.chaosFile));
  if (r.noRgs) parts.push('--no-rgs');
  if (r.rgsUrl) parts.push('--rgs-url', q(r.rgsUrl), '--operator-token', '"$OPERATOR_TOKEN"');
  if (r.keyFile) parts.push('--key', q(r.keyFile));
  parts.push('--out', q(r.outArg ?? r.outDir));
  return parts.join(' ');
}

/**
 * A game file as the stage records it: relative to the repository when inside it, so a pack
 * reruns on another checkout; absolute otherwise. `resolvePackPath` turns it back.
 */
function packPath(file: string): string {
  const rel = relative(REPO_ROOT, file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

/** About 100 chunks per run (convergence checkpoints need them), 10^4 to 10^6 rounds each. */
export function simChunkSize(rounds: number): number {
  return Math.min(1_000_000, Math.max(10_000, Math.ceil(rounds / 100)));
}

function gameInput(v: ValidatedRequest, master: Buffer, code: string, file: string): GameInput {
  const game = v.games.find((g) => g.file === file)!.game;
  const id = game.definition.id;
  const simSeeds: Record<string, string> = {};
  for (const m of game.definition.modes)
    simSeeds[m.id] = subSeed(master, `sim/${id}/${m.id}`).readBigUInt64BE(0).toString();
  return {
    kind: 'game',
    codeSha256: code,
    file: packPath(file),
    fileSha256: sha256OfText(fs.readFileSync(file)),
    mathHash: game.mathHash,
    simRoundsPerMode: v.sizes.simRoundsPerMode,
    simChunkSize: simChunkSize(v.sizes.simRoundsPerMode),
    simSeeds,
  };
}

/**
 * A publication folder as the stage records it: relative to the repository when inside it, else
 * relative to the pack folder (never an absolute path of this machine).
 */
function publicationDir(dir: string, outDir: string): Pick<PublicationInput, 'dir' | 'dirBase'> {
  const rel = relative(REPO_ROOT, dir);
  if (!rel.startsWith('..') && !isAbsolute(rel)) return { dir: rel || '.', dirBase: 'repository' };
  return { dir: relative(resolve(outDir), dir) || '.', dirBase: 'pack' };
}

function publicationInput(
  v: ValidatedRequest,
  master: Buffer,
  code: string,
  p: ValidatedPublication,
): PublicationInput {
  const id = p.publication.id;
  const simSeeds: Record<string, string> = {};
  const drawSeeds: Record<string, string> = {};
  for (const m of p.publication.modes) {
    simSeeds[m.name] = subSeed(master, `sim/${id}/${m.name}`).readBigUInt64BE(0).toString();
    drawSeeds[m.name] = subSeed(master, `weighted-draw/${id}/${m.name}`).toString('hex');
  }
  return {
    kind: 'publication',
    codeSha256: code,
    ...publicationDir(p.dir, v.request.outDir),
    mathHash: p.publication.mathHash,
    simRoundsPerMode: v.sizes.simRoundsPerMode,
    simChunkSize: simChunkSize(v.sizes.simRoundsPerMode),
    simSeeds,
    weightedDraws: v.sizes.weightedDraws,
    drawSeeds,
  };
}

/** Every file of a publication: index.json, then each mode's lookup table and books. */
function publicationFiles(p: ValidatedPublication): string[] {
  return [join(p.dir, 'index.json'), ...p.publication.modes.flatMap((m) => [m.weightsPath, m.eventsPath])];
}

async function stage<O>(
  runner: StageRunner,
  name: string,
  what: string,
  input: StageInput,
  workers: number,
): Promise<O> {
  return runStage(runner, name, what, input, (i, note) =>
    computeStage(i, { workers, note, packDir: runner.dir }),
  ) as Promise<O>;
}

export async function collectEvidence(
  v: ValidatedRequest,
  options: CollectOptions,
): Promise<CollectedEvidence> {
  const now = options.now ?? (() => new Date());
  const startedAtUtc = now().toISOString();
  const master = v.request.seedHex ? Buffer.from(v.request.seedHex, 'hex') : randomBytes(32);
  const masterHex = master.toString('hex');
  const runner: StageRunner = { dir: v.request.outDir, progress: options.progress, timings: [] };
  const workers = v.request.workers;
  const artifacts: Artifacts = new Map();
  const checks: Check[] = [];
  const code = codeSha256();
  options.progress.info(
    `croupier certify ${CROUPIER_VERSION}: profile ${v.profile}, ${v.games.length} game(s), ${v.publications.length} math-sdk publication(s), master seed ${masterHex}`,
  );

  const software = softwareIdentification([
    ...v.games.map((g) => g.file),
    ...v.publications.flatMap(publicationFiles),
  ]);
  const selfTest = await stage<SelfTestOutput>(
    runner,
    'rng-selftest',
    'SP 800-90A KATs, SP 800-90B health, RFC 8439',
    { kind: 'rng-selftest', codeSha256: code },
    workers,
  );
  const passedSelfTests = selfTest.rows.filter((r) => r.passed).length;
  checks.push({
    id: 'rng/selftest',
    section: '2',
    title: 'RNG self-test (SP 800-90A KATs, SP 800-90B health tests, RFC 8439)',
    result: passedSelfTests === selfTest.rows.length ? 'pass' : 'fail',
    detail: `${passedSelfTests}/${selfTest.rows.length} checks pass`,
  });

  const servedInput: ServedInput = {
    kind: 'rng-served',
    codeSha256: code,
    games: v.games.map((g) => packPath(g.file)),
    gameSha256: v.games.map((g) => sha256OfText(fs.readFileSync(g.file))),
    seedHex: subSeed(master, 'served-path').toString('hex'),
    nist: { sequences: v.sizes.nistSequences, bitsPerSequence: v.sizes.nistBits },
    gli: { sequences: v.sizes.gliSequences, drawsPerSequence: v.sizes.gliDraws },
  };
  const served = await stage<ServedBatteries>(
    runner,
    'rng-served',
    `served path: NIST ${v.sizes.nistSequences} x ${v.sizes.nistBits} bits on the DRBG and each provably-fair stream, GLI ${v.sizes.gliSequences} x ≥${v.sizes.gliDraws} draws per mapping`,
    servedInput,
    workers,
  );
  const batteryResults = servedBatteryResults(served, 'stages/rng-served.json');
  for (const run of served.nist) {
    artifacts.set(run.stsReportPath, run.stsReport);
    // The exact bits the battery read, so a lab can run NIST's own `assess` on them (the STS
    // report's "generator is" line names this file).
    artifacts.set(
      run.dataFilePath,
      Buffer.from(servedStreamData(run.input, served.sizes.nistSequences, served.sizes.nistBitsPerSequence)),
    );
  }

  const games: GameEvidence[] = [];
  for (const { file, game } of v.games) {
    const id = game.definition.id;
    const out = await stage<GameStageOutput>(
      runner,
      `game-${id}`,
      `exact analysis and ${v.sizes.simRoundsPerMode} Monte Carlo rounds per mode`,
      gameInput(v, master, code, file),
      workers,
    );
    const csvPath = `par/${id}.csv`;
    artifacts.set(csvPath, out.parCsv);
    games.push(gameEvidence(v, file, game, out, csvPath, checks));
  }
  for (const p of v.publications) {
    const id = p.publication.id;
    const out = await stage<PublicationStageOutput>(
      runner,
      `game-${id}`,
      `math-sdk publication: exact figures, books, ${v.sizes.weightedDraws} served weighted draws and ${v.sizes.simRoundsPerMode} Monte Carlo rounds per mode`,
      publicationInput(v, master, code, p),
      workers,
    );
    const csvPath = `par/${id}.csv`;
    artifacts.set(csvPath, out.parCsv);
    games.push(publicationEvidence(v, p, out, csvPath, checks));
  }
  for (const b of batteryResults)
    checks.push({
      id: `rng/${b.id}`,
      section: '3',
      title: b.subject,
      result: b.verdict,
      detail: `${b.familyReason}; smallest row P-value ${b.smallestRowPValue ?? 'n/a'}`,
    });

  let rgs: RgsEvidence | null = null;
  if (!v.request.noRgs) {
    rgs = await collectRgsEvidence(v, runner, artifacts);
    checks.push(...rgs.checks);
  }
  const resilience = await resilienceEvidence({
    load: v.load,
    loadFile: v.request.loadFile ?? null,
    chaos: v.chaos,
    chaosFile: v.request.chaosFile ?? null,
  });
  checks.push(...resilience.checks);

  const stageHashes = new Map<string, string>();
  for (const t of runner.timings) {
    const path = stageFilePath(v.request.outDir, t.stage);
    if (fs.existsSync(path)) stageHashes.set(`stages/${basename(path)}`, sha256OfText(fs.readFileSync(path)));
  }
  const artifactSha = (path: string) =>
    stageHashes.get(path) ?? (artifacts.has(path) ? sha256OfText(artifacts.get(path)!) : null);

  const failed = checks.some((c) => c.result === 'fail');
  const evidence: Evidence = {
    format: EVIDENCE_FORMAT,
    version: EVIDENCE_VERSION,
    verdict: failed ? 'fail' : 'pass',
    run: {
      profile: v.profile === 'tiny' ? 'custom' : v.profile,
      sizes: { ...v.sizes },
      masterSeedHex: masterHex,
      seedDerivation: SEED_DERIVATION,
      jurisdictions: v.jurisdictions.map((j) => j.id),
      gameFiles: [...v.games.map((g) => g.file), ...v.publications.map((p) => p.dir)].map(displayPath),
      rgs: v.request.noRgs
        ? { kind: 'none', url: null }
        : v.request.rgsUrl
          ? { kind: 'remote', url: v.request.rgsUrl }
          : { kind: 'embedded', url: rgs?.url ?? null },
      argv: [...v.request.argv],
      rerunCommand: rerunCommand(v, masterHex),
      startedAtUtc,
      finishedAtUtc: now().toISOString(),
      stages: runner.timings.map((t) => ({ ...t })),
    },
    cover: {
      product: v.config.product ?? 'Croupier reference RGS and game math',
      croupierVersion: CROUPIER_VERSION,
      submitter: v.config.submitter,
      submissionConfigFile: v.request.configFile ?? null,
      games: [
        ...v.games.map(({ game }) => ({
          gameId: game.definition.id,
          name: game.definition.name ?? game.definition.id,
          mathHash: game.mathHash,
          modes: game.definition.modes.map((m) => m.id),
        })),
        ...v.publications.map(({ publication }) => ({
          gameId: publication.id,
          name: `${publication.id} (math-sdk publication)`,
          mathHash: publication.mathHash,
          modes: publication.modes.map((m) => m.name),
        })),
      ],
      jurisdictions: v.jurisdictions.map((j) => ({ id: j.id, name: j.name, regulator: j.regulator })),
      standards: STANDARDS,
      dateUtc: startedAtUtc,
    },
    software,
    rngDescription: {
      ...rngDescription(),
      selfTest: { checks: selfTest.rows.length, passed: passedSelfTests, rows: selfTest.rows },
    },
    rngResults: { source: RNG_RESULTS_SOURCE, batteries: batteryResults, notes: rngNotes(v) },
    games,
    rgsFunctional: rgs?.functional ?? null,
    ledger: rgs?.ledger ?? null,
    resilience: {
      load: resilience.load,
      loadFile: v.request.loadFile ?? null,
      chaos: resilience.chaos,
      chaosFile: v.request.chaosFile ?? null,
    },
    traceability: [],
    checks,
  };
  evidence.traceability = traceability(evidence, artifactSha);
  return { evidence, artifacts };
}

function rngNotes(v: ValidatedRequest): string[] {
  const notes = [];
  if (v.sizes.nistSequences < 55)
    notes.push(
      `SP 800-22 §4.2.2: uniformity of P-values (P-value_T) is assessed from 55 sequences; this run has ${v.sizes.nistSequences}, so rows report it but it does not count toward the verdict (use --profile lab).`,
    );
  return notes;
}

export const STANDARDS: Evidence['cover']['standards'] = [
  { name: 'GLI-11 Gaming Devices', version: 'v3.0 (2016)' },
  { name: 'GLI-19 Interactive Gaming Systems', version: 'v3.0' },
  {
    name: 'UKGC Remote gambling and software technical standards (RTS)',
    version: 'as published by the Gambling Commission',
  },
  { name: 'AGCO Registrar’s Standards for Internet Gaming', version: 'as published by the AGCO' },
  { name: 'NIST SP 800-22', version: 'Rev. 1a (2010); reference code sts-2.1.2' },
  { name: 'NIST SP 800-90A / 800-90B', version: 'Rev. 1 (2015) / 2018' },
];

/** A path for display: relative to the repository when inside it, else as resolved. */
function displayPath(path: string): string {
  const rel = relative(REPO_ROOT, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel || path;
}

type ModeOut = GameStageOutput['modes'][number];

/** The checks every mode gets (minimum RTP, declared RTP, GLI-11 odds, simulation); its PAR block. */
function modeEvidence(
  v: ValidatedRequest,
  id: string,
  m: ModeOut,
  checks: Check[],
  definitionDeclared: string | null = null,
) {
  const configDeclared = v.config.declaredRtp[id]?.[m.mode] ?? null;
  if (definitionDeclared !== null) checks.push(definitionDeclaredCheck(id, m, definitionDeclared));
  const declared = configDeclared ?? (definitionDeclared === null ? null : Number(definitionDeclared) / 100);
  const declaredSource =
    configDeclared !== null
      ? `config file ${v.request.configFile}`
      : definitionDeclared !== null
        ? `game definition: modes[].declaredRtp "${definitionDeclared}"`
        : null;
  const minimumRtpChecks = v.jurisdictions.map((j) => ({
    jurisdiction: j.id,
    minimumRtp: j.minimumRtp,
    source: j.source,
    referenceVerified: j.referenceVerified,
    result: minimumRtpResult(j, m.par.rtp),
  }));
  for (const c of minimumRtpChecks)
    checks.push({
      id: `par/${id}/${m.mode}/min-rtp/${c.jurisdiction}`,
      section: '4',
      title: `${id} [${m.mode}] RTP ≥ ${c.jurisdiction} minimum`,
      result: c.result,
      detail:
        c.minimumRtp === null
          ? `no minimum RTP rule for ${c.jurisdiction}`
          : `exact RTP ${(m.par.rtp * 100).toFixed(4)}% vs minimum ${(c.minimumRtp * 100).toFixed(2)}% (${c.referenceVerified ? 'verified' : 'reference unverified'})`,
    });
  if (configDeclared !== null) {
    const agrees = Math.abs(configDeclared - m.par.rtp) < 5e-5;
    checks.push({
      id: `par/${id}/${m.mode}/declared-rtp`,
      section: '4',
      title: `${id} [${m.mode}] declared RTP equals exact`,
      result: agrees ? 'pass' : 'fail',
      detail: `declared ${(configDeclared * 100).toFixed(4)}%, exact ${(m.par.rtp * 100).toFixed(6)}% (tolerance 0.005 pp: the declared figure's rounding)`,
    });
  }
  checks.push({
    id: `par/${id}/${m.mode}/gli11-odds`,
    section: '4',
    title: `${id} [${m.mode}] top award at least 1 in 100,000,000 (GLI-11 §4.8.2)`,
    result:
      m.par.maxWin.meetsGli11Odds === null ? 'not-applicable' : m.par.maxWin.meetsGli11Odds ? 'pass' : 'fail',
    detail: `max win ${m.par.maxWin.stakeMultiple ?? 'unbounded'}x, odds 1 in ${m.par.maxWin.oddsOneIn === null ? 'n/a' : Math.round(m.par.maxWin.oddsOneIn).toLocaleString('en-US')}`,
  });
  const s = m.simulation;
  checks.push({
    id: `sim/${id}/${m.mode}`,
    section: '5',
    title: `${id} [${m.mode}] simulated RTP within 99% of exact`,
    result: s.passed ? 'pass' : 'fail',
    detail: `exact ${(s.exactRtp * 100).toFixed(4)}%, simulated ${(s.rtp * 100).toFixed(4)}% over ${s.rounds.toLocaleString('en-US')} rounds, z = ${s.zScore?.toFixed(3) ?? 'n/a'}`,
  });
  return {
    mode: m.mode,
    par: {
      ...m.par,
      declaredRtp: declared,
      declaredRtpSource: declaredSource,
      minimumRtpChecks,
    },
    simulation: s,
    monitoring: m.monitoring,
  };
}

/**
 * The definition's own declaration (`modes[].declaredRtp`, a percentage to the precision the studio
 * claims): the exact RTP, rounded half-up to that many decimals, must read the same (as `croupier
 * math` and `game validate` judge it).
 */
function definitionDeclaredCheck(id: string, m: ModeOut, declared: string): Check {
  const [numerator, denominator] = m.par.rtpExact.split('/').map((part) => BigInt(part.trim()));
  const check = checkDeclaredRtp(declared, numerator!, denominator ?? 1n);
  return {
    id: `par/${id}/${m.mode}/declared-rtp/definition`,
    section: '4',
    title: `${id} [${m.mode}] declared RTP (game definition) equals exact`,
    result: check.matches ? 'pass' : 'fail',
    detail: `declared ${declared}%; exact RTP ${m.par.rtpExact} rounds to ${check.exactRounded}% at that precision`,
  };
}

function gameEvidence(
  v: ValidatedRequest,
  file: string,
  game: Game,
  out: GameStageOutput,
  csvPath: string,
  checks: Check[],
): GameEvidence {
  const id = game.definition.id;
  return {
    gameId: id,
    name: game.definition.name ?? id,
    file: displayPath(file),
    fileSha256: sha256OfText(fs.readFileSync(file)),
    mathHash: game.mathHash,
    type: game.model.type,
    modes: out.modes.map((m) => ({
      ...modeEvidence(v, id, m, checks, declaredInDefinition(game, m.mode)),
      publication: null,
    })),
    parCsv: csvPath,
  };
}

function declaredInDefinition(game: Game, mode: string): string | null {
  return game.definition.modes.find((m) => m.id === mode)?.declaredRtp ?? null;
}

const pValueText = (p: number) => (p === 0 ? '< 1e-300' : p < 1e-4 ? p.toExponential(2) : p.toFixed(4));

/** The publication's own checks per mode: books against the table, the weighted-draw battery and its control. */
function publicationChecks(id: string, m: PublicationStageOutput['modes'][number], checks: Check[]): void {
  const { books, weightedDraw: w } = m.publication;
  checks.push({
    id: `par/${id}/${m.mode}/books`,
    section: '4',
    title: `${id} [${m.mode}] every book pays what its lookup-table row says`,
    result: books.consistent ? 'pass' : 'fail',
    detail: books.consistent
      ? `${books.booksRead.toLocaleString('en-US')} books read, each payoutMultiplier equals its row; every row has a book`
      : `${books.problemCount} problem(s), ${books.missingBookCount} row(s) without a book: ${books.firstProblems.slice(0, 3).join('; ')}`,
  });
  checks.push({
    id: `rng/weighted-draw/${id}/${m.mode}`,
    section: '3',
    title: `${id} [${m.mode}] served weighted draws follow the lookup-table weights (Pearson χ²)`,
    result: w.fit === null && w.zeroWeightDraws === 0 ? 'not-applicable' : w.passed ? 'pass' : 'fail',
    detail:
      w.fit === null
        ? `${w.draws.toLocaleString('en-US')} draws fill fewer than two cells: no goodness-of-fit test possible; ${w.zeroWeightDraws} draws of a zero-weight row`
        : `${w.draws.toLocaleString('en-US')} draws, ${w.fit.cells} cells: χ² = ${w.fit.statistic.toFixed(2)} on ${w.fit.degreesOfFreedom} df, P = ${pValueText(w.fit.pValue)} (pass at P ≥ ${w.alpha}); ${w.zeroWeightDraws} draws of a zero-weight row`,
  });
  checks.push({
    id: `rng/weighted-draw/${id}/${m.mode}/control`,
    section: '3',
    title: `${id} [${m.mode}] negative control: a skewed table is rejected`,
    result: w.control.fit === null ? 'not-applicable' : w.control.rejected ? 'pass' : 'fail',
    detail:
      w.control.fit === null
        ? 'fewer than two cells: no control possible'
        : `${w.control.description}: χ² = ${w.control.fit.statistic.toFixed(2)}, P = ${pValueText(w.control.fit.pValue)} (${w.control.rejected ? 'rejected' : 'NOT rejected: the battery lacks power at this size'})`,
  });
}

function publicationEvidence(
  v: ValidatedRequest,
  p: ValidatedPublication,
  out: PublicationStageOutput,
  csvPath: string,
  checks: Check[],
): GameEvidence {
  const { publication } = p;
  const id = publication.id;
  const index = join(p.dir, 'index.json');
  const modes = out.modes.map((m) => {
    const mode = publication.modes.find((x) => x.name === m.mode)!;
    publicationChecks(id, m, checks);
    return {
      ...modeEvidence(v, id, m, checks),
      publication: {
        ...m.publication,
        weightsFile: relative(p.dir, mode.weightsPath),
        booksFile: relative(p.dir, mode.eventsPath),
      },
    };
  });
  return {
    gameId: id,
    name: `${id} (math-sdk publication)`,
    // Outside the repository: the folder as given (relative to where certify ran), not this machine's path.
    file: displayPath(index) === index ? join(p.given, 'index.json') : displayPath(index),
    fileSha256: sha256OfText(fs.readFileSync(index)),
    mathHash: publication.mathHash,
    type: 'publication',
    modes,
    parCsv: csvPath,
  };
}
