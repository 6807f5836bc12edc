/**
 * `report.html`: the evidence model as one self-contained page (inline CSS and SVG, no script, no
 * network). It presents figures already in the model; the plots come from `charts.ts`.
 */
import { convergenceChart, monitoringChart, winDistributionChart } from './charts.ts';
import type { BatteryResult, Evidence, GameEvidence, Par } from './model.ts';
import { ChaosEvidenceView, LoadEvidenceView } from './resilience.ts';

const esc = (s: unknown) =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
const pct = (x: number | null, digits = 4) => (x === null ? '–' : `${(x * 100).toFixed(digits)}%`);
const num = (x: number | null, digits = 4) =>
  x === null ? '–' : Math.abs(x) >= 1e6 ? x.toExponential(digits) : x.toFixed(digits);
const int = (x: number | string) => Number(x).toLocaleString('en-US');
const odds = (x: number | null) =>
  x === null ? '–' : `1 in ${x >= 100 ? int(Math.round(x)) : x.toFixed(2)}`;
const badge = (r: string) =>
  `<span class="v ${r === 'pass' ? 'pass' : r === 'fail' ? 'fail' : 'na'}">${esc(r === 'not-applicable' ? 'n/a' : r)}</span>`;

/** A mode's RTP against each target jurisdiction's minimum (game definitions and publications alike). */
function minimumRtpTable(p: Par): string {
  return `<h4>Minimum RTP by jurisdiction</h4>${table(
    ['jurisdiction', 'minimum', 'exact RTP', 'result', 'source'],
    p.minimumRtpChecks.map((c) => [
      c.jurisdiction,
      c.minimumRtp === null ? 'none' : pct(c.minimumRtp, 2),
      pct(p.rtp),
      html(badge(c.result)),
      c.source,
    ]),
  )}`;
}

function table(head: readonly string[], rows: readonly (readonly unknown[])[], cls = ''): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const trs = rows
    .map(
      (r) =>
        `<tr>${r.map((c) => `<td>${typeof c === 'object' && c !== null && 'html' in c ? (c as { html: string }).html : esc(c)}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<table class="${cls}"><thead><tr>${th}</tr></thead><tbody>${trs}</tbody></table>`;
}
const html = (s: string) => ({ html: s });
const kv = (pairs: readonly [string, unknown][]) =>
  `<table class="kv">${pairs.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${typeof v === 'object' && v !== null && 'html' in v ? (v as { html: string }).html : esc(v)}</td></tr>`).join('')}</table>`;
const figure = (id: string, caption: string, svg: string) =>
  `<figure class="plot" data-plot="${esc(id)}">${svg}<figcaption>${esc(caption)}</figcaption></figure>`;

const CSS = `
@page { size: A4; margin: 18mm 12mm 16mm 12mm; }
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 9.5pt; color: #111; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 20pt; margin: 0 0 4mm; } h2 { font-size: 14pt; border-bottom: 2px solid #08519c; padding-bottom: 1mm; margin-top: 8mm; break-after: avoid; }
h3 { font-size: 11pt; margin: 5mm 0 2mm; break-after: avoid; } h4 { font-size: 10pt; margin: 3mm 0 1mm; break-after: avoid; }
section.page { break-before: page; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; font-size: 8pt; }
th, td { border: 1px solid #bbb; padding: 0.6mm 1.2mm; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
thead th { background: #e8eef6; overflow-wrap: normal; word-break: keep-all; } tr { break-inside: avoid; }
table.kv th { width: 32%; background: #f3f5f8; font-weight: 600; }
.v { white-space: nowrap; font-weight: 700; padding: 0 1.5mm; border-radius: 1mm; } .pass { color: #0a6b2b; } .fail { color: #fff; background: #b30000; } .na { color: #666; }
.mono { font-family: 'DejaVu Sans Mono', monospace; font-size: 7.5pt; }
figure.plot { margin: 2mm 0; break-inside: avoid; text-align: center; } figure.plot svg { max-width: 100%; height: auto; }
figcaption { font-size: 8pt; color: #444; } .nw { white-space: nowrap; } .note { color: #444; font-size: 8.5pt; }
.verdict { font-size: 16pt; margin: 4mm 0; }
`;

function cover(e: Evidence): string {
  const c = e.cover;
  return `<section><h1>Certification evidence pack</h1>
<p class="verdict">Overall verdict: ${badge(e.verdict)} — ${e.checks.filter((x) => x.result === 'pass').length} checks pass, ${e.checks.filter((x) => x.result === 'fail').length} fail, ${e.checks.filter((x) => x.result === 'not-applicable').length} not applicable</p>
<h2>0. Cover</h2>
${kv([['Product', c.product], ['Croupier version', c.croupierVersion], ['Date (UTC)', c.dateUtc], ['Profile', e.run.profile], ['Master seed', html(`<span class="mono">${esc(e.run.masterSeedHex)}</span>`)], ...Object.entries(c.submitter).map(([k, v]) => [`Submitter: ${k}`, v] as [string, unknown]), ['Submission config', c.submissionConfigFile ?? '— (none given)']])}
<h3>Games</h3>${table(
    ['game', 'name', 'modes', 'math hash'],
    c.games.map((g) => [
      g.gameId,
      g.name,
      g.modes.join(', '),
      html(`<span class="mono">${esc(g.mathHash)}</span>`),
    ]),
  )}
<h3>Target jurisdictions</h3>${table(
    ['id', 'jurisdiction', 'regulator'],
    c.jurisdictions.map((j) => [j.id, j.name, j.regulator]),
  )}
<h3>Standards</h3>${table(
    ['standard', 'version'],
    c.standards.map((s) => [s.name, s.version]),
  )}
<h3>Summary of checks</h3>${table(
    ['§', 'check', 'result', 'detail'],
    e.checks.map((k) => [k.section, k.title, html(badge(k.result)), k.detail]),
  )}
</section>`;
}

function software(e: Evidence): string {
  const s = e.software;
  return `<section class="page"><h2>1. Software identification</h2>
${kv([
  ['Croupier version', s.croupierVersion],
  ['Git commit', html(`<span class="mono">${esc(s.git.commit ?? 'not a git checkout')}</span>`)],
  ['Working tree', s.git.dirty === null ? 'unknown' : s.git.dirty ? 'DIRTY (uncommitted changes)' : 'clean'],
  ['Branch', s.git.branch ?? '–'],
  ['package-lock.json SHA-256', html(`<span class="mono">${esc(s.lockfileSha256 ?? 'absent')}</span>`)],
  ['rng/ + games/ source tree SHA-256', html(`<span class="mono">${esc(s.sourceTreeSha256)}</span>`)],
  ['Node.js', s.runtime.node],
  ['OS', `${s.runtime.platform} ${s.runtime.osRelease} (${s.runtime.arch})`],
  ['CPU', `${s.runtime.cpuModel} × ${s.runtime.cpuCount}`],
  ['Started / finished (UTC)', `${e.run.startedAtUtc} / ${e.run.finishedAtUtc}`],
  ['Command line', html(`<span class="mono">${esc(e.run.argv.join(' '))}</span>`)],
  ['Rerun command', html(`<span class="mono">${esc(e.run.rerunCommand)}</span>`)],
  ['Seed derivation', e.run.seedDerivation],
])}
<h3>Sizes (${esc(e.run.profile)} profile)</h3>${table(Object.keys(e.run.sizes), [Object.values(e.run.sizes).map((v) => int(v))])}
<h3>Stages</h3>${table(
    ['stage', 'elapsed', 'reused', 'input SHA-256'],
    e.run.stages.map((t) => [
      t.stage,
      `${(t.elapsedMs / 1000).toFixed(1)} s`,
      t.reused ? 'yes' : 'no',
      html(`<span class="mono">${esc(t.inputSha256.slice(0, 16))}…</span>`),
    ]),
  )}
<h3>Game files</h3>${table(
    ['file', 'bytes', 'SHA-256'],
    s.gameFiles.map((f) => [f.path, int(f.bytes), html(`<span class="mono">${esc(f.sha256)}</span>`)]),
  )}
<h3>Source files of rng/ and games/</h3>${table(
    ['file', 'bytes', 'SHA-256'],
    s.sourceFiles.map((f) => [f.path, int(f.bytes), html(`<span class="mono">${esc(f.sha256)}</span>`)]),
    'mono',
  )}
</section>`;
}

function rngDescription(e: Evidence): string {
  const d = e.rngDescription;
  return `<section class="page"><h2>2. RNG description</h2>
<h3>Production path</h3>${table(
    ['step', 'detail'],
    d.productionPath.map((p) => [p.step, p.detail]),
  )}
${kv([
  ['DRBG', d.drbg.algorithm],
  ['Standard', d.drbg.standard],
  ['Security strength', `${d.drbg.securityStrengthBits} bits`],
  ['Reseeding', d.drbg.reseedInterval],
  ['Entropy source', d.entropy],
  ['Health tests', d.healthTests],
  ['Scaling', d.scaling],
  ['Failure behaviour', d.failureBehaviour],
])}
<h3>Self-test: ${d.selfTest.passed}/${d.selfTest.checks} pass</h3>${table(
    ['check', 'result', 'detail'],
    d.selfTest.rows.map((r) => [r.name, html(badge(r.passed ? 'pass' : 'fail')), r.detail]),
  )}
</section>`;
}

/** One row per test: the test's own smallest P-value and how many of its rows fail. */
function batterySummary(b: BatteryResult): string {
  if (b.battery === 'nist') {
    const tests = [...new Set(b.nistRows.map((r) => r.test))];
    return table(
      ['test', 'rows', 'rows failing', 'lowest proportion', 'smallest P-value_T', 'verdict'],
      tests.map((t) => {
        const rows = b.nistRows.filter((r) => r.test === t);
        const failing = rows.filter((r) => r.verdict === 'fail').length;
        const ps = rows.map((r) => r.uniformityPValue).filter((p): p is number => p !== null);
        const props = rows.map((r) => r.proportion).filter((p): p is number => p !== null);
        return [
          t,
          rows.length,
          failing,
          props.length ? Math.min(...props).toFixed(4) : '–',
          ps.length ? Math.min(...ps).toFixed(6) : 'not assessed',
          html(
            badge(rows.every((r) => r.verdict === 'no-data') ? 'not-applicable' : failing ? 'fail' : 'pass'),
          ),
        ];
      }),
    );
  }
  const tests = [...new Set(b.gliRows.map((r) => r.test))];
  return table(
    ['test', 'channels', 'channels failing', 'smallest KS P-value', 'not applicable because', 'verdict'],
    tests.map((t) => {
      const rows = b.gliRows.filter((r) => r.test === t);
      const failing = rows.filter((r) => r.verdict === 'fail').length;
      const na = rows.filter((r) => r.verdict === 'not applicable');
      const ps = rows.map((r) => r.ksPValue).filter((p): p is number => p !== null);
      return [
        t,
        rows.length,
        failing,
        ps.length ? Math.min(...ps).toFixed(6) : '–',
        na.length ? [...new Set(na.flatMap((r) => r.reasons))].join('; ') : '',
        html(badge(na.length === rows.length ? 'not-applicable' : failing ? 'fail' : 'pass')),
      ];
    }),
  );
}

function rngResults(e: Evidence): string {
  const r = e.rngResults;
  return `<section class="page"><h2>3. RNG results</h2><p class="note">${esc(r.source)}</p>${r.notes.map((n) => `<p class="note">${esc(n)}</p>`).join('')}
${publicationDraws(e)}
${r.batteries.map((b) => `<h3>${esc(b.subject)} ${badge(b.verdict)}</h3><p class="note">${int(b.sequences)} sequences × ${b.battery === 'nist' ? `${int(b.bitsPerSequence)} bits` : `${int(b.drawsPerSequence)} draws`}; ${esc(b.familyReason)}. Every P-value: <span class="mono">${esc(b.artifact)}</span>${b.stsReport ? `; sts-2.1.2 layout: <span class="mono">${esc(b.stsReport)}</span> (bits read: <span class="mono">${esc(b.dataFile ?? '')}</span>)` : ''}.</p>${batterySummary(b)}`).join('')}
</section>`;
}

/** §3 for math-sdk publications: the weighted-draw battery of every mode, and its negative control. */
function publicationDraws(e: Evidence): string {
  const rows = e.games.flatMap((g) =>
    g.modes.flatMap((m) => (m.publication === null ? [] : [{ g, m, w: m.publication.weightedDraw }])),
  );
  if (rows.length === 0) return '';
  // A P-value below the smallest double prints as such, not as 0.
  const p = (x: number | undefined) =>
    x === undefined ? '–' : x === 0 ? '< 1e-300' : x < 1e-4 ? x.toExponential(2) : x.toFixed(4);
  const first = rows[0]!.w;
  const nw = (x: unknown) => html(`<span class="nw">${esc(x)}</span>`);
  return `<h3>Weighted draws of math-sdk publications</h3><p class="note">Rows drawn on the served path (${esc(first.drbg)} replay-seeded per mode, a fresh server seed per round, the round’s provably-fair stream, the exact integer weighted draw the RGS plays) against the lookup-table weights. Test: ${esc(first.reference)}; pass at P ≥ ${first.alpha}. Negative control: the same draws against a table whose first half of the weight is skewed ×1.1 must be rejected. Seeds and figures: the stage file of each publication.</p>${table(
    [
      'publication / mode',
      'draws',
      'χ² (df)',
      'P',
      'largest cell deviation',
      'zero-weight draws',
      'result',
      'control P',
      'control',
    ],
    rows.map(({ g, m, w }) => [
      `${g.gameId} / ${m.mode}`,
      nw(int(w.draws)),
      nw(w.fit ? `${w.fit.statistic.toFixed(2)} (${w.fit.degreesOfFreedom})` : '–'),
      nw(p(w.fit?.pValue)),
      w.fit
        ? `rows ${w.fit.largestDeviation.firstRow + 1}–${w.fit.largestDeviation.lastRow + 1}: z = ${w.fit.largestDeviation.z.toFixed(2)}`
        : '–',
      w.zeroWeightDraws,
      html(badge(w.fit === null && w.zeroWeightDraws === 0 ? 'not-applicable' : w.passed ? 'pass' : 'fail')),
      nw(p(w.control.fit?.pValue)),
      html(badge(w.control.fit === null ? 'not-applicable' : w.control.rejected ? 'pass' : 'fail')),
    ]),
  )}`;
}

/** §4 for a math-sdk publication mode: figures from the lookup table, the books, the payouts. */
function publicationPar(g: GameEvidence, m: GameEvidence['modes'][number]): string {
  const p = m.par;
  const pub = m.publication!;
  const b = pub.books;
  const payoutCount = p.pays.length;
  return `<h3>${esc(g.gameId)} (math-sdk publication) — mode ${esc(m.mode)}</h3>
${kv([
  ['Math hash', html(`<span class="mono">${esc(g.mathHash)}</span>`)],
  [
    'Publication',
    `${g.file} (SHA-256 ${g.fileSha256.slice(0, 16)}…); lookup table ${pub.weightsFile}, books ${pub.booksFile}`,
  ],
  ['Cost', `${pub.cost} × the base bet`],
  ['Lookup table', `${int(pub.rows)} rows, Σ weight ${pub.totalWeight}`],
  [
    'RTP (exact)',
    html(
      `${pct(p.rtp, 6)} = <span class="mono">${esc(p.rtpExact)}</span> (Σ weight·payout / Σ weight / 100 / cost)`,
    ),
  ],
  [
    'Declared RTP',
    p.declaredRtp === null ? 'not declared' : `${pct(p.declaredRtp)} (${p.declaredRtpSource})`,
  ],
  ['Hit rate (payout > 0)', `${pct(p.hitFrequency)} (${odds(p.hitOddsOneIn)})`],
  ['P(win < stake)', pct(pub.probabilityWinBelowStake)],
  ['SD per round (stakes)', num(p.sdPerRoundStakes)],
  [
    'Volatility index',
    `VI90 ${num(p.volatilityIndex.vi90)} (z ${p.volatilityIndex.z90}), VI95 ${num(p.volatilityIndex.vi95)} (z ${p.volatilityIndex.z95}), VI99 ${num(p.volatilityIndex.vi99)} (z ${p.volatilityIndex.z99})`,
  ],
  [
    'Max win',
    `${num(p.maxWin.stakeMultiple, 2)}× stake, ${odds(p.maxWin.oddsOneIn)}; GLI-11 §4.8.2 (≥ 1 in 100,000,000): ${p.maxWin.meetsGli11Odds ? 'meets' : 'FAILS'} — ${p.maxWin.note}`,
  ],
  [
    'Books against the lookup table',
    html(
      `${badge(b.consistent ? 'pass' : 'fail')} ${esc(`${int(b.booksRead)} books read; ${b.problemCount} payout problem(s), ${b.missingBookCount} row(s) without a book${b.firstProblems.length ? `: ${b.firstProblems.slice(0, 3).join('; ')}` : ''}`)}`,
    ),
  ],
])}
${minimumRtpTable(p)}
<h4>Payouts (Σ weight per distinct payoutMultiplier, largest first${payoutCount >= 60 ? '; the first 60, every one in the PAR CSV' : ''})</h4>${table(
    ['payoutMultiplier', '× bet', 'Σ weight', 'probability / round', 'odds', 'RTP contribution'],
    p.pays.map((x) => [
      int(Math.round(x.pay * 100)),
      x.pay,
      x.hitsPerCycleBase,
      num(x.probability, 8),
      odds(x.oddsOneIn),
      pct(x.rtpContributionDecimal),
    ]),
  )}`;
}

function parSection(g: GameEvidence): string {
  if (g.type === 'publication') return g.modes.map((m) => publicationPar(g, m)).join('');
  return g.modes
    .map((m) => {
      const p = m.par;
      return `<h3>${esc(g.name)} (${esc(g.gameId)}) — mode ${esc(m.mode)}</h3>
${kv([
  ['Math hash', html(`<span class="mono">${esc(g.mathHash)}</span>`)],
  ['Game file', `${g.file} (SHA-256 ${g.fileSha256.slice(0, 16)}…)`],
  ['Cycle', int(p.cycle)],
  ['RTP (exact)', html(`${pct(p.rtp, 6)} = <span class="mono">${esc(p.rtpExact)}</span>`)],
  ['Base / feature RTP', `${pct(p.baseRtp)} / ${pct(p.featureRtp)}`],
  [
    'Declared RTP',
    p.declaredRtp === null ? 'not declared' : `${pct(p.declaredRtp)} (${p.declaredRtpSource})`,
  ],
  ['Hit frequency', `${pct(p.hitFrequency)} (${odds(p.hitOddsOneIn)})`],
  ['SD per round (stakes)', num(p.sdPerRoundStakes)],
  [
    'Volatility index',
    `VI90 ${num(p.volatilityIndex.vi90)} (z ${p.volatilityIndex.z90.toFixed(6)}), VI95 ${num(p.volatilityIndex.vi95)} (z ${p.volatilityIndex.z95.toFixed(6)}), VI99 ${num(p.volatilityIndex.vi99)} (z ${p.volatilityIndex.z99.toFixed(6)})`,
  ],
  [
    'Max win',
    `${p.maxWin.stakeMultiple ?? 'unbounded'}× stake, ${odds(p.maxWin.oddsOneIn)}; GLI-11 §4.8.2 (≥ 1 in 100,000,000): ${p.maxWin.meetsGli11Odds === null ? 'n/a' : p.maxWin.meetsGli11Odds ? 'meets' : 'FAILS'} — ${p.maxWin.note}`,
  ],
  ['Feature trigger', odds(p.featureTriggerOddsOneIn)],
])}
${minimumRtpTable(p)}
<h4>Pays</h4>${table(
        ['pay', 'kind', 'pays', 'hits / cycle (base)', 'probability / round', 'odds', 'RTP contribution'],
        p.pays.map((x) => [
          x.description || x.payId,
          x.kind,
          x.pay,
          int(x.hitsPerCycleBase),
          num(x.probability, 8),
          odds(x.oddsOneIn),
          pct(x.rtpContributionDecimal),
        ]),
      )}
${p.reelSets
  .map(
    (rs) =>
      `<h4>Reel set ${esc(rs.reelSet)}: symbol counts per reel</h4>${reelTable(rs)}<h4>Reel set ${esc(rs.reelSet)}: strips (stop 0 first; weight in brackets on virtual reels)</h4>${table(
        ['reel', 'strip'],
        rs.reels.map((r, i) => [
          `reel ${i + 1}`,
          html(
            `<span class="mono">${esc(r.strip.map((sym, k) => (r.weights ? `${sym}[${r.weights[k]}]` : sym)).join(' '))}</span>`,
          ),
        ]),
      )}`,
  )
  .join('')}`;
    })
    .join('');
}

function reelTable(rs: Evidence['games'][number]['modes'][number]['par']['reelSets'][number]): string {
  const symbols = [...new Set(rs.reels.flatMap((r) => Object.keys(r.symbolCounts)))];
  return table(
    ['symbol', ...rs.reels.map((_, i) => `reel ${i + 1}`)],
    [
      ...symbols.map((s) => [s, ...rs.reels.map((r) => r.symbolCounts[s] ?? 0)]),
      ['stops', ...rs.reels.map((r) => r.stops)],
      ['total weight', ...rs.reels.map((r) => int(r.totalWeight))],
    ],
  );
}

function simSection(g: GameEvidence): string {
  return g.modes
    .map((m) => {
      const s = m.simulation;
      const z99 = m.par.volatilityIndex.z99;
      return `<h3>${esc(g.gameId)} — mode ${esc(m.mode)} ${badge(s.passed ? 'pass' : 'fail')}</h3>
${kv([
  ['Rounds (N)', int(s.rounds)],
  ['Seed / stream', `${s.seed} / ${s.stream} (chunk ${int(s.chunkSize)})`],
  ['Simulated RTP', pct(s.rtp, 5)],
  ['Exact RTP', pct(s.exactRtp, 5)],
  ['Standard error', pct(s.standardError, 5)],
  ['99% CI', `[${pct(s.ci99[0], 5)}, ${pct(s.ci99[1], 5)}]`],
  ['z (two-sided P)', `${num(s.zScore, 3)} (P = ${num(s.pValue, 4)})`],
  ['Hit frequency (simulated)', pct(s.hitFrequency)],
])}
${figure(`convergence/${g.gameId}/${m.mode}`, 'Simulated RTP at 1-2-5 checkpoints against the exact RTP and its 99% band', convergenceChart(s, m.par.sdPerRoundStakes, z99))}
${figure(`distribution/${g.gameId}/${m.mode}`, s.exactBandsNote, winDistributionChart(s))}
${
  m.publication !== null
    ? '<p class="note">A publication has no pay table: the frequency of every lookup-table row is tested by the weighted-draw battery (§3).</p>'
    : `<h4>Per-pay chi-square (expected vs observed hits, 1 df)</h4>${table(
        ['pay', 'expected', 'observed', 'χ²', 'P'],
        s.payChiSquare.map((c) => [
          c.payId,
          num(c.expectedHits, 1),
          int(c.observedHits),
          c.applicable ? num(c.chiSquare, 3) : 'n/a (expected < 5)',
          num(c.pValue, 4),
        ]),
      )}`
}`;
    })
    .join('');
}

function rgsSection(e: Evidence): string {
  const f = e.rgsFunctional;
  const l = e.ledger;
  const six =
    f === null
      ? '<p class="note">Not run (--no-rgs).</p>'
      : `<p class="note">RGS: ${esc(f.rgs)}; game ${esc(f.game)}. Each case is a recorded HTTP transcript; its SHA-256 is also in manifest.json.</p>${f.notes.map((n) => `<p class="note">${esc(n)}</p>`).join('')}${table(
          ['case', 'result', 'detail', 'transcript', 'SHA-256'],
          f.cases.map((c) => [
            c.title,
            html(badge(c.result)),
            c.detail,
            `${c.transcript} (${c.exchanges} exchanges)`,
            html(`<span class="mono">${esc(c.transcriptSha256)}</span>`),
          ]),
        )}`;
  const seven =
    l === null
      ? '<p class="note">Not run.</p>'
      : `<p>${esc(l.subject)}: ${badge(l.ok ? 'pass' : 'fail')}</p>${table(
          ['check', 'result', 'detail'],
          l.checks.map((c) => [c.name, html(badge(c.ok ? 'pass' : 'fail')), c.detail]),
        )}`;
  const eight = resilienceHtml(e);
  return `<section class="page"><h2>6. Functional evidence from the RGS</h2>${six}<h2>7. Wallet and ledger integrity</h2>${seven}<h2>8. Resilience</h2>${eight}</section>`;
}

/** §8: the supplied load run and chaos drill as tables (what resilience.ts kept of them). */
function resilienceHtml(e: Evidence): string {
  const r = e.resilience;
  if (r.load === null && r.chaos === null)
    return '<p class="note">No load or chaos result given (--load FILE, --chaos FILE).</p>';
  const load = r.load === null ? null : LoadEvidenceView.safeParse(r.load);
  const chaos = r.chaos === null ? null : ChaosEvidenceView.safeParse(r.chaos);
  const raw = (value: unknown) =>
    `<pre class="mono">${esc(JSON.stringify(value, null, 1).slice(0, 3000))}</pre>`;
  const parts: string[] = [];
  if (load !== null)
    parts.push(`<h3>Load run (${esc(r.loadFile)})</h3>${load.success ? loadHtml(load.data) : raw(r.load)}`);
  if (chaos !== null)
    parts.push(
      `<h3>Chaos drill (${esc(r.chaosFile)})</h3>${chaos.success ? chaosHtml(chaos.data) : raw(r.chaos)}`,
    );
  return parts.join('');
}

function loadHtml(l: LoadEvidenceView): string {
  const t = l.totals;
  const books = l.books;
  return `${kv([
    ['Scenario', `${l.scenario} (scale ${l.scale}, seed ${l.seed})`],
    ['Target', `${l.target}${l.embedded ? ' (embedded RGS)' : ''}; game ${l.gameID ?? "the RGS's default"}`],
    ['Started (UTC)', l.startedAt],
    [
      'Requests',
      `${int(t.requests)}: ${int(t.ok)} ok, ${int(t.shed)} shed, ${int(t.failed)} failed, ${int(t.unknown)} unknown`,
    ],
    ['Stopped by', l.stoppedBy],
    ['SLOs', html(badge(l.sloOk ? 'pass' : 'fail'))],
    [
      'Books',
      html(
        l.booksOk === null || books === null
          ? `${badge('not-applicable')} ${esc(l.booksNote ?? 'not checked')}`
          : `${badge(l.booksOk ? 'pass' : 'fail')} ${esc(`${int(books.acknowledgedBets)} acknowledged bets: ${books.lost} lost, ${books.doubled} charged twice, ${books.unrequested} unrequested`)}`,
      ),
    ],
  ])}<h4>Thresholds (k6 form)</h4>${table(
    ['result', 'metric', 'threshold', 'measured'],
    l.verdicts.map((v) => [
      html(badge(v.ok ? 'pass' : 'fail')),
      v.metric,
      v.expression,
      // k6's http_req_duration is in milliseconds; the other thresholds are rates.
      v.actual === null
        ? 'no samples'
        : v.metric.startsWith('http_req_duration')
          ? `${v.actual} ms`
          : v.actual,
    ]),
  )}${
    books === null
      ? ''
      : `<h4>Books invariants</h4>${table(
          ['result', 'invariant'],
          books.invariants.map((i) => [html(badge(i.ok ? 'pass' : 'fail')), i.name]),
        )}`
  }`;
}

function chaosHtml(c: ChaosEvidenceView): string {
  return `${kv([
    ['Scenario', `${c.scenario} (${c.engine} engine)`],
    ['What it does', c.description],
    ['Started (UTC)', c.startedAt],
    ['Faults injected', c.faults.join('; ') || 'none'],
    ['Requests', int(c.requests)],
    [
      'Money',
      c.acknowledgedBets === null
        ? 'books not checked'
        : `${int(c.acknowledgedBets)} acknowledged bets: ${c.lost} lost, ${c.doubled} charged twice, ${c.unrequested} unrequested`,
    ],
    ['Recovery after the last fault', c.recoverySeconds === null ? 'not measured' : `${c.recoverySeconds} s`],
    ['Verdict', html(badge(c.ok ? 'pass' : 'fail'))],
  ])}<h4>Invariants and expectations</h4>${table(
    ['result', 'invariant'],
    c.verdicts.map((v) => [html(badge(v.ok ? 'pass' : 'fail')), v.name]),
  )}`;
}

function traceSection(e: Evidence): string {
  return `<section class="page"><h2>9. Traceability matrix</h2><p class="note">A clause number is cited only where its text was read; the others are marked “reference unverified”.</p>
${table(
  ['standard', 'clause', 'requirement', 'test', 'artifact', 'SHA-256', 'result'],
  e.traceability.map((t) => [
    t.standard,
    t.clause,
    t.requirement,
    t.test,
    t.artifact,
    html(`<span class="mono">${esc(t.artifactSha256 ?? '–')}</span>`),
    html(badge(t.result)),
  ]),
)}</section>`;
}

function monitoringSection(e: Evidence): string {
  return `<section class="page"><h2>10. Live monitoring plan</h2><p class="note">Alert when the observed RTP after n rounds leaves exact RTP ± z·SD/√n (two-sided ${e.games[0] ? (e.games[0].modes[0]!.monitoring.confidence * 100).toFixed(1) : '99.9'}%, z = ${e.games[0]?.modes[0]?.monitoring.z.toFixed(6) ?? '–'}), SD the exact per-round standard deviation in stakes.</p>
${e.games
  .flatMap((g) =>
    g.modes.map(
      (m) =>
        `<h3>${esc(g.gameId)} — ${esc(m.mode)} (RTP ${pct(m.par.rtp)}, SD ${num(m.par.sdPerRoundStakes)})</h3>${table(
          ['rounds', 'alert below', 'alert above'],
          m.monitoring.rows.map((r) => [int(r.rounds), pct(r.low, 3), pct(r.high, 3)]),
        )}${figure(`monitoring/${g.gameId}/${m.mode}`, 'Observed-RTP alert band by number of rounds', monitoringChart(m.monitoring.rows, m.par.rtp))}`,
    ),
  )
  .join('')}</section>`;
}

export function renderHtml(e: Evidence): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Croupier evidence pack — ${esc(e.cover.games.map((g) => g.gameId).join(', '))}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<style>${CSS}</style></head><body>
${cover(e)}
${software(e)}
${rngDescription(e)}
${rngResults(e)}
<section class="page"><h2>4. Game math (PAR)</h2>${e.games.map(parSection).join('')}</section>
<section class="page"><h2>5. Simulation verification</h2>${e.games.map(simSection).join('')}</section>
${rgsSection(e)}
${traceSection(e)}
${monitoringSection(e)}
</body></html>
`;
}
