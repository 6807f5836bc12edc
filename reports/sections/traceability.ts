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
  /** Check ids (prefix match) that test this requirement. */
  readonly checks: readonly string[];
  readonly artifact: (e: Evidence) => string;
}

const RULES: readonly Rule[] = [
  {
    standard: 'GLI-11 v3.0',
    clause: '§4.8.2 Odds',
    referenceVerified: true,
    requirement: 'an advertised award occurs at least once in 100,000,000 games',
    checks: ['par/'],
    artifact: (e) => e.games[0]?.parCsv ?? 'report.json',
  },
  {
    standard: 'GLI-11 v3.0',
    clause: 'RNG requirements (statistical randomness); reference unverified',
    referenceVerified: false,
    requirement: 'RNG output passes recognised statistical tests (99% confidence)',
    checks: ['rng/nist', 'rng/gli/hmac'],
    artifact: () => 'stages/rng-batteries.json',
  },
  {
    standard: 'GLI-11 v3.0',
    clause: 'RNG scaling; reference unverified',
    referenceVerified: false,
    requirement: 'scaled outcomes (reel stops) are unbiased and independent',
    checks: ['rng/gli/stops'],
    artifact: (e) => `stages/game-${e.games[0]?.gameId ?? ''}.json`,
  },
  {
    standard: 'GLI-11 v3.0',
    clause: 'minimum RTP / payout; reference unverified',
    referenceVerified: false,
    requirement: 'theoretical RTP meets each jurisdiction’s minimum',
    checks: ['par/'],
    artifact: (e) => e.games[0]?.parCsv ?? 'report.json',
  },
  {
    standard: 'GLI-19 v3.0',
    clause: 'RNG self-test and failure; reference unverified',
    referenceVerified: false,
    requirement: 'the RNG self-tests at start-up and fails safe',
    checks: ['rng/selftest'],
    artifact: () => 'stages/rng-selftest.json',
  },
  {
    standard: 'GLI-19 v3.0',
    clause: 'game recall; reference unverified',
    referenceVerified: false,
    requirement: 'the last round and the rounds before it can be recalled with credits',
    checks: ['rgs/recall'],
    artifact: () => 'evidence/recall.json',
  },
  {
    standard: 'GLI-19 v3.0',
    clause: 'incomplete games; reference unverified',
    referenceVerified: false,
    requirement: 'an interrupted round resumes and is settled by policy',
    checks: ['rgs/resume'],
    artifact: () => 'evidence/resume.json',
  },
  {
    standard: 'GLI-19 v3.0',
    clause: 'audit and accounting; reference unverified',
    referenceVerified: false,
    requirement: 'every money movement is logged immutably; balances reconcile',
    checks: ['rgs/audit', 'ledger/'],
    artifact: () => 'evidence/audit.json',
  },
  {
    standard: 'UKGC RTS',
    clause: 'RTS 7 (generation of random outcomes); reference unverified',
    referenceVerified: false,
    requirement: 'outcomes are random and what is served is what was tested',
    checks: ['rng/', 'sim/'],
    artifact: () => 'stages/rng-batteries.json',
  },
  {
    standard: 'UKGC RTS',
    clause: 'RTS 10 (auto-play); reference unverified',
    referenceVerified: false,
    requirement: 'no auto-play or turbo for GB players',
    checks: ['rgs/uk-flags'],
    artifact: () => 'evidence/uk-flags.json',
  },
  {
    standard: 'UKGC RTS',
    clause: 'RTS 14 (spin speed); reference unverified',
    referenceVerified: false,
    requirement: 'at least 2.5 s between the starts of two slot rounds',
    checks: ['rgs/uk-flags'],
    artifact: () => 'evidence/uk-flags.json',
  },
  {
    standard: 'AGCO Registrar’s Standards',
    clause: '13.1; reference unverified',
    referenceVerified: false,
    requirement: 'game outcomes are random and fair (RNG)',
    checks: ['rng/'],
    artifact: () => 'stages/rng-batteries.json',
  },
  {
    standard: 'AGCO Registrar’s Standards',
    clause: '21.1; reference unverified',
    referenceVerified: false,
    requirement: 'interrupted games are handled and recoverable',
    checks: ['rgs/resume'],
    artifact: () => 'evidence/resume.json',
  },
  {
    standard: 'Money integrity',
    clause: 'ledger (double entry); croupier invariant',
    referenceVerified: true,
    requirement: 'postings sum to zero, no negative balance, every round whole',
    checks: ['ledger/', 'rgs/idempotent', 'rgs/concurrent'],
    artifact: () => 'evidence/idempotent-retry.json',
  },
];

function resultOf(checks: readonly Check[]): Check['result'] {
  if (checks.length === 0) return 'not-applicable';
  if (checks.some((c) => c.result === 'fail')) return 'fail';
  return checks.some((c) => c.result === 'pass') ? 'pass' : 'not-applicable';
}

export function traceability(
  e: Evidence,
  artifactSha: (path: string) => string | null,
): Evidence['traceability'] {
  return RULES.map((rule) => {
    const matched = e.checks.filter(
      (c) =>
        rule.checks.some((prefix) => c.id.startsWith(prefix)) &&
        (rule.clause.startsWith('§4.8.2')
          ? c.id.endsWith('gli11-odds')
          : !rule.requirement.includes('minimum') || c.id.includes('/min-rtp/')),
    );
    const artifact = rule.artifact(e);
    return {
      standard: rule.standard,
      clause: rule.clause,
      referenceVerified: rule.referenceVerified,
      requirement: rule.requirement,
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
}
