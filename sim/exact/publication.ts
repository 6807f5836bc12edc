/**
 * Exact figures of a Stake Engine math-sdk publication mode, from its lookup table: every row is an
 * outcome with an integer weight and an integer payout (×100 of the base bet), so RTP and moments
 * are ratios of integers. With W = Σw, S1 = Σ w·p, S2 = Σ w·p² and cost c (in base bets):
 *   RTP = S1 / W / 100 / c   (Stake Engine math-sdk docs, docs/rgs_docs/data_format.md)
 *   E[X²] = S2 / W / (100 c)²,  SD = sqrt(E[X²] − RTP²)  (X = the round's win in stakes)
 *   VI = z · SD  with z = 1.645 (90%) or 1.96 (95%), as for reel games (analysis.ts).
 * The max win's odds are compared with 1 in 100,000,000 (ADVERTISED_AWARD_MAX_ODDS).
 * Also: the books' consistency with the table (every book's payoutMultiplier equals its row's).
 */
import { type PublicationMode, readBooks, rowIndex } from '../../games/index.ts';
import { ADVERTISED_AWARD_MAX_ODDS, VI_Z_90, VI_Z_95 } from './analysis.ts';
import { Rational } from './rational.ts';

export interface PublicationModeAnalysis {
  readonly mode: string;
  readonly cost: string;
  readonly rows: number;
  readonly totalWeight: bigint;
  /** Return per unit staked (cost × base bet). */
  readonly rtp: Rational;
  /** P(payout > 0). */
  readonly hitRate: Rational;
  /** P(win < the stake paid, cost × bet). */
  readonly probabilityWinBelowStake: Rational;
  readonly sdPerRoundStakes: number;
  readonly volatilityIndex90: number;
  readonly volatilityIndex95: number;
  readonly maxWin: {
    /** ×100 of the base bet, as in the table. */
    readonly payoutMultiplier: number;
    readonly stakes: Rational;
    readonly probability: Rational;
    readonly oddsOneIn: number;
    /** The max win happens at least once in 100,000,000 rounds. */
    readonly meetsAdvertisedAwardRule: boolean;
  };
}

/** One pass over the table; exact sums in BigInt. */
export function analyzePublicationMode(mode: PublicationMode): PublicationModeAnalysis {
  const { table } = mode;
  const cn = mode.cost.numerator;
  const cd = mode.cost.denominator;
  let sum1 = 0n;
  let sum2 = 0n;
  let hitWeight = 0n;
  let belowStakeWeight = 0n;
  let maxPayout = 0;
  let maxWeight = 0n;
  // Win below the stake: p/100 < cn/cd  <=>  p·cd < 100·cn.
  const stakeHundredths = Number(100n * cn);
  const cdNumber = Number(cd);
  for (let i = 0; i < table.rows; i++) {
    const w = table.weights[i]!;
    const p = table.payouts[i]!;
    if (w === 0n) continue;
    if (p > 0) {
      const wp = w * BigInt(p);
      sum1 += wp;
      sum2 += wp * BigInt(p);
      hitWeight += w;
    }
    if (p * cdNumber < stakeHundredths) belowStakeWeight += w;
    if (p > maxPayout) {
      maxPayout = p;
      maxWeight = w;
    } else if (p === maxPayout) {
      maxWeight += w;
    }
  }
  const total = table.totalWeight;
  const rtp = Rational.of(sum1 * cd, total * 100n * cn);
  const secondMoment = Rational.of(sum2 * cd * cd, total * 10_000n * cn * cn);
  const variance = secondMoment.sub(rtp.mul(rtp));
  const sd = Math.sqrt(Math.max(0, variance.toNumber()));
  const probability = Rational.of(maxWeight, total);
  const oddsOneIn = 1 / probability.toNumber();
  return {
    mode: mode.name,
    cost: mode.cost.text,
    rows: table.rows,
    totalWeight: total,
    rtp,
    hitRate: Rational.of(hitWeight, total),
    probabilityWinBelowStake: Rational.of(belowStakeWeight, total),
    sdPerRoundStakes: sd,
    volatilityIndex90: VI_Z_90 * sd,
    volatilityIndex95: VI_Z_95 * sd,
    maxWin: {
      payoutMultiplier: maxPayout,
      stakes: Rational.of(BigInt(maxPayout) * cd, 100n * cn),
      probability,
      oddsOneIn,
      meetsAdvertisedAwardRule: oddsOneIn <= ADVERTISED_AWARD_MAX_ODDS,
    },
  };
}

export interface BookMismatch {
  readonly id: number;
  readonly line: number;
  readonly tablePayout: number | null;
  readonly bookPayout: number;
  readonly problem: 'payout-differs' | 'id-not-in-table' | 'duplicate-book' | 'final-win-differs';
}

export interface BooksConsistency {
  readonly mode: string;
  readonly booksRead: number;
  readonly problemCount: number;
  /** The first problems, in file order (at most `limit`). */
  readonly problems: readonly BookMismatch[];
  /** Table rows without a book, and the first of their ids. */
  readonly missingBookCount: number;
  readonly missingBookIds: readonly number[];
  readonly consistent: boolean;
}

/** The last event, when it is `finalWin`, must carry amount == payoutMultiplier (math-sdk convention). */
function finalWinAmount(events: readonly unknown[]): number | null {
  const last = events.at(-1) as { type?: unknown; amount?: unknown } | undefined;
  return last?.type === 'finalWin' && typeof last.amount === 'number' ? last.amount : null;
}

/**
 * Streams the mode's books and checks each against the lookup table: its id is a table row, its
 * payoutMultiplier equals the row's payout, no id twice, a closing finalWin agrees; and every row
 * has a book. Reports the first `limit` problems and the counts.
 */
export function checkBooksConsistency(mode: PublicationMode, limit = 10): BooksConsistency {
  const { table } = mode;
  const rowOf = rowIndex(table);
  const seen = new Uint8Array(table.rows);
  const problems: BookMismatch[] = [];
  let problemCount = 0;
  let booksRead = 0;
  const report = (problem: BookMismatch) => {
    problemCount++;
    if (problems.length < limit) problems.push(problem);
  };
  for (const book of readBooks(mode.eventsPath)) {
    booksRead++;
    const row = rowOf(book.id);
    const base = { id: book.id, line: book.line, bookPayout: book.payoutMultiplier };
    if (row < 0) {
      report({ ...base, tablePayout: null, problem: 'id-not-in-table' });
      continue;
    }
    const tablePayout = table.payouts[row]!;
    if (seen[row] === 1) report({ ...base, tablePayout, problem: 'duplicate-book' });
    seen[row] = 1;
    if (tablePayout !== book.payoutMultiplier) report({ ...base, tablePayout, problem: 'payout-differs' });
    const finalWin = finalWinAmount(book.events);
    if (finalWin !== null && finalWin !== book.payoutMultiplier) {
      report({ ...base, tablePayout, problem: 'final-win-differs' });
    }
  }
  const missingBookIds: number[] = [];
  let missingBookCount = 0;
  for (let row = 0; row < table.rows; row++) {
    if (seen[row] === 1) continue;
    missingBookCount++;
    if (missingBookIds.length < limit) missingBookIds.push(table.ids[row]!);
  }
  return {
    mode: mode.name,
    booksRead,
    problemCount,
    problems,
    missingBookCount,
    missingBookIds,
    consistent: problemCount === 0 && missingBookCount === 0,
  };
}
