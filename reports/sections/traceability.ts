/**
 * §9 Traceability matrix: clause → requirement → test → evidence artifact and its hash → result.
 *
 * A clause number is cited only where its text was read; the rest say "reference unverified"
 * (`referenceVerified: false`) and name the section by its subject. Verified: GLI-11 v3.0 §4.8.2
 * ("The odds of achieving any explicitly advertised award that is based solely upon chance shall
 * occur at least once in every 100 million games", GLI-11 v3.0, September 21, 2016, p. 64).
 */
import type { Check, Evidence } from '../model.ts';

interface Rule {
  readonly standard: string;
  readonly clause: string;
  readonly referenceVerified: boolean;
  readonly requirement: string;
  /** Which checks test this requirement. */
  readonly match: (checkId: string) => boolean;
  /** The evidence artifact; per-game rules get one row per game (`game` set). */
  readonly artifact: (e: Evidence, game?: string) => string;
  readonly perGame?: boolean;
  /** Per-game rules: whether the rule concerns this game (default: every game). */
  readonly applies?: (e: Evidence, game: string) => boolean;
}

const isPublication = (e: Evidence, game: string) =>
  e.games.find((g) => g.gameId === game)?.type === 'publication';

const starts =
  (...prefixes: string[]) =>
  (id: string) =>
    prefixes.some((p) => id.startsWith(p));
const UNVERIFIED = 'reference unverified';

const RULES: readonly Rule[] = [
  {
    standard: 'GLI-11 v3.0',
    clause: '§4.8.2 Odds',
    referenceVerified: true,
    requirement: 'an advertised award occurs at least once in 100,000,000 games',
    match: (id) => id.endsWith('/gli11-odds'),
    artifact: (_e, g) => `par/${g}.csv`,
    perGame: true,
  },
  {
    standard: 'GLI-11 v3.0',
    clause: `RNG statistical randomness; ${UNVERIFIED}`,
    referenceVerified: false,
    requirement: 'the RNG output passes recognised statistical tests at 99% confidence',
    match: starts('rng/nist/drbg'),
    artifact: () => 'nist/finalAnalysisReport.txt',
  },
  {
    standard: 'GLI-11 v3.0',
    clause: `RNG scaling; ${UNVERIFIED}`,
    referenceVerified: false,
    requirement:
      'the served stream and its scaled outcomes (reel stops, table draws) are random and unbiased',
    match: starts('rng/gli/', 'rng/nist/provably-fair/', 'rng/weighted-draw/'),
    artifact: (e, g) =>
      isPublication(e, g!) ? `stages/game-${g}.json` : `nist/${g}/finalAnalysisReport.txt`,
    perGame: true,
  },
  {
    standard: 'Stake Engine math-sdk',
    clause: `docs/rgs_docs/data_format.md (lookup tables and books); ${UNVERIFIED}`,
    referenceVerified: false,
    requirement:
      'what is served is what is certified: every book pays its lookup-table row; each served round is the drawn book, charged bet × cost and paid bet × payoutMultiplier / 100',
    match: (id) => id.endsWith('/books') || id.startsWith('rgs/publication-'),
    artifact: (_e, g) => `evidence/publication-${g}.json`,
    perGame: true,
    applies: isPublication,
  },
  {
    standard: 'GLI-11 v3.0',
    clause: `payout percentage; ${UNVERIFIED}`,
    referenceVerified: false,
    requirement:
      'the theoretical RTP meets each target jurisdiction’s minimum and the simulation confirms it',
    match: (id) => id.includes('/min-rtp/') || id.endsWith('/declared-rtp') || id.startsWith('sim/'),
    artifact: (_e, g) => `par/${g}.csv`,
    perGame: true,
  },
  {
    standard: 'GLI-19 v3.0',
    clause: `RNG self-test and failure; ${UNVERIFIED}`,
    referenceVerified: false,
    requirement: 'the RNG self-tests at start-up and fails safe',
    match: starts('rng/selftest'),
    artifact: () => 'stages/rng-selftest.json',
  },
  {
    standard: 'GLI-19 v3.0',
    clause: `game recall; ${UNVERIFIED}`,
    referenceVerified: false,
    requirement: 'the last round and the rounds before it can be recalled with credits',
    match: starts('rgs/recall', 'rgs/replay'),
    artifact: () => 'evidence/recall.json',
  },
  {
    standard: 'GLI-19 v3.0',
    clause: `incomplete games; ${UNVERIFIED}`,
    referenceVerified: false,
    requirement: 'an interrupted round resumes and is settled by policy',
    match: starts('rgs/resume'),
    artifact: () => 'evidence/resume.json',
  },
  {
    standard: 'GLI-19 v3.0',
    clause: `audit and accounting; ${UNVERIFIED}`,
    referenceVerified: false,
    requirement: 'every money movement is logged immutably; tampering is detected',
    match: starts('rgs/audit'),
    artifact: () => 'evidence/audit.json',
  },
  {
    standard: 'UKGC RTS',
    clause: `RTS 7 (generation of random outcomes); ${UNVERIFIED}`,
    referenceVerified: false,
    requirement: 'outcomes are random and what is served is what was tested',
    match: starts('rng/'),
    artifact: () => 'stages/rng-served.json',
  },
  {
    standard: 'UKGC RTS',
    clause: `RTS 10 (auto-play); ${UNVERIFIED}`,
    referenceVerified: false,
    requirement: 'no auto-play or turbo for GB players',
    match: starts('rgs/uk-flags'),
    artifact: () => 'evidence/uk-flags.json',
  },
  {
    standard: 'UKGC RTS',
    clause: `RTS 14 (spin speed); ${UNVERIFIED}`,
    referenceVerified: false,
    requirement: 'at least 2.5 s between the starts of two slot rounds',
    match: starts('rgs/uk-flags'),
    artifact: () => 'evidence/uk-flags.json',
  },
  {
    standard: 'AGCO Registrar’s Standards',
    clause: `13.1; ${UNVERIFIED}`,
    referenceVerified: false,
    requirement: 'game outcomes are random and fair (RNG)',
    match: starts('rng/'),
    artifact: () => 'stages/rng-served.json',
  },
  {
    standard: 'AGCO Registrar’s Standards',
    clause: `21.1; ${UNVERIFIED}`,
    referenceVerified: false,
    requirement: 'interrupted games are handled and recoverable',
    match: starts('rgs/resume'),
    artifact: () => 'evidence/resume.json',
  },
  {
    standard: 'Croupier money invariants',
    clause: 'double-entry ledger (rgs/core/README.md)',
    referenceVerified: true,
    requirement:
      'postings sum to zero, no negative balance, every round whole; a retry charges once; concurrent plays never overdraw',
    match: starts('ledger/', 'rgs/idempotent', 'rgs/concurrent'),
    artifact: () => 'evidence/idempotent-retry.json',
  },
];

function resultOf(checks: readonly Check[]): Check['result'] {
  if (checks.length === 0) return 'not-applicable';
  if (checks.some((c) => c.result === 'fail')) return 'fail';
  return checks.some((c) => c.result === 'pass') ? 'pass' : 'not-applicable';
}

/** The game a check id names: par/<game>/…, sim/<game>/…, rng/gli/<game>/<mapping>, rng/nist/provably-fair/<game>. */
function checkGame(id: string): string | undefined {
  const parts = id.split('/');
  if (id.startsWith('rgs/publication-')) return parts[1]!.slice('publication-'.length);
  if (id.startsWith('rng/gli/') || id.startsWith('rng/weighted-draw/')) return parts[2];
  if (id.startsWith('rng/nist/provably-fair/')) return parts[3];
  return parts[1];
}

export function traceability(
  e: Evidence,
  artifactSha: (path: string) => string | null,
): Evidence['traceability'] {
  return RULES.flatMap((rule) => {
    const games = rule.perGame
      ? e.games.map((g) => g.gameId).filter((g) => rule.applies?.(e, g) ?? true)
      : [undefined];
    return games.map((game) => {
      const matched = e.checks.filter(
        (c) => rule.match(c.id) && (game === undefined || checkGame(c.id) === game),
      );
      const artifact = rule.artifact(e, game);
      return {
        standard: rule.standard,
        clause: rule.clause,
        referenceVerified: rule.referenceVerified,
        requirement: game === undefined ? rule.requirement : `${game}: ${rule.requirement}`,
        test:
          matched.length === 0
            ? 'not run in this pack'
            : `${matched.length} check(s): ${matched
                .slice(0, 3)
                .map((c) => c.id)
                .join(', ')}${matched.length > 3 ? ', …' : ''}`,
        artifact,
        artifactSha256: artifactSha(artifact),
        result: resultOf(matched),
      };
    });
  });
}
