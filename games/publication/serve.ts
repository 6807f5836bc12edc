/**
 * What a server needs to play a publication mode: draw a book by exact integer weights from a
 * random source (the RGS's certified DRBG), look a book up by simulation id (replay), and the exact
 * money of a round. The RGS serves a publication through these (rgs/core/publication-game.ts).
 *
 * Books are read once, streaming, and each book's events are kept as their JSON text (parsed only
 * when a round is played), within a bound on memory; every book's payout is checked against its
 * lookup-table row while reading, so a served round always pays what the certified table says.
 */
import type { RandomSource } from '../../rng/index.ts';
import { BooksError, readBooks } from './books.ts';
import { weightedDraw } from './draw.ts';
import { rowIndex } from './lookup-table.ts';
import type { PublicationMode } from './publication.ts';

export interface PublicationRound {
  readonly simulationId: number;
  /** ×100 of the base bet. */
  readonly payoutMultiplier: number;
  readonly events: readonly unknown[];
}

/** Default bound on the kept events text of one mode. */
export const DEFAULT_MAX_BOOKS_BYTES = 512 << 20;

export class PublicationBooks {
  private constructor(
    readonly mode: PublicationMode,
    private readonly eventsText: readonly string[],
    private readonly draw: ReturnType<typeof weightedDraw>,
    private readonly rowOf: (id: number) => number,
  ) {}

  /** Reads every book of the mode; BooksError when a book is missing, extra, or pays otherwise. */
  static load(mode: PublicationMode, maxBytes = DEFAULT_MAX_BOOKS_BYTES): PublicationBooks {
    const { table } = mode;
    const rowOf = rowIndex(table);
    const eventsText: string[] = new Array(table.rows);
    let bytes = 0;
    for (const book of readBooks(mode.eventsPath)) {
      const row = rowOf(book.id);
      const fail = (detail: string): never => {
        throw new BooksError(mode.eventsPath, book.line, detail);
      };
      if (row < 0) fail(`book ${book.id} has no lookup-table row`);
      if (eventsText[row] !== undefined) fail(`book ${book.id} appears twice`);
      if (table.payouts[row] !== book.payoutMultiplier) {
        fail(`book ${book.id} pays ${book.payoutMultiplier}, its lookup-table row ${table.payouts[row]}`);
      }
      const text = JSON.stringify(book.events);
      bytes += text.length;
      if (bytes > maxBytes) fail(`the books of mode ${mode.name} exceed ${maxBytes} bytes of events`);
      eventsText[row] = text;
    }
    for (let row = 0; row < table.rows; row++) {
      if (eventsText[row] === undefined) {
        throw new BooksError(mode.eventsPath, null, `no book for simulation id ${table.ids[row]}`);
      }
    }
    return new PublicationBooks(mode, eventsText, weightedDraw(table), rowOf);
  }

  private round(row: number): PublicationRound {
    return {
      simulationId: this.mode.table.ids[row]!,
      payoutMultiplier: this.mode.table.payouts[row]!,
      events: JSON.parse(this.eventsText[row]!) as unknown[],
    };
  }

  /** One round: a row drawn with probability weight / Σ weights from `source`. */
  play(source: RandomSource): PublicationRound {
    return this.round(this.draw.draw(source));
  }

  /** The book of a simulation id (replay), or null. */
  book(simulationId: number): PublicationRound | null {
    const row = this.rowOf(simulationId);
    return row < 0 ? null : this.round(row);
  }
}

/**
 * The money of a round in minor units, exactly: the stake charged is bet × cost, the win is
 * bet × payoutMultiplier / 100. Null when either is not a whole number of minor units for this bet
 * (a server offers only bets for which both are exact).
 */
export function publicationMoney(
  betMinor: bigint,
  mode: PublicationMode,
  payoutMultiplier: number,
): { readonly costMinor: bigint; readonly payoutMinor: bigint } | null {
  const costScaled = betMinor * mode.cost.numerator;
  const payoutScaled = betMinor * BigInt(payoutMultiplier);
  if (costScaled % mode.cost.denominator !== 0n || payoutScaled % 100n !== 0n) return null;
  return { costMinor: costScaled / mode.cost.denominator, payoutMinor: payoutScaled / 100n };
}
