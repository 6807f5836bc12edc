/**
 * A math-sdk books file (`books_<mode>.jsonl.zst`): zstd-compressed JSON lines, one book (a
 * simulated round) per line, with at least `id` (integer), `payoutMultiplier` (integer, ×100 of
 * the base bet) and `events` (array). Decompressed with fzstd (pure JavaScript, streaming), read in
 * fixed chunks: a publication of millions of books never needs to be in memory at once.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { Decompress } from 'fzstd';

export interface Book {
  readonly id: number;
  readonly payoutMultiplier: number;
  readonly events: readonly unknown[];
  /** 1-based line of the book in the decompressed file. */
  readonly line: number;
}

export class BooksError extends Error {
  readonly code = 'invalid-books';
  constructor(
    readonly path: string,
    readonly line: number | null,
    detail: string,
  ) {
    super(`${path}${line === null ? '' : `, book line ${line}`}: ${detail}`);
    this.name = 'BooksError';
  }
}

const CHUNK_BYTES = 1 << 20;
/** A bound on one book's JSON (a long free-spin round is tens of kB). */
export const MAX_BOOK_BYTES = 64 << 20;
/** A bound on the books of one file. */
export const MAX_BOOKS = 50_000_000;

function checkBook(value: unknown, path: string, line: number): Book {
  const fail = (detail: string): never => {
    throw new BooksError(path, line, detail);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('a book is a JSON object');
  const book = value as Record<string, unknown>;
  if (!Number.isSafeInteger(book.id) || (book.id as number) < 0) fail('"id" must be a non-negative integer');
  if (!Number.isSafeInteger(book.payoutMultiplier) || (book.payoutMultiplier as number) < 0) {
    fail('"payoutMultiplier" must be a non-negative integer (×100 of the bet)');
  }
  if (!Array.isArray(book.events)) fail('"events" must be an array');
  return {
    id: book.id as number,
    payoutMultiplier: book.payoutMultiplier as number,
    events: book.events as unknown[],
    line,
  };
}

/**
 * Every book of a books file, in order. Synchronous and streaming: each compressed chunk is
 * decompressed, split into lines and parsed before the next is read.
 */
export function* readBooks(path: string): Generator<Book> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new BooksError(
      path,
      null,
      `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const pending: string[] = [];
  let partial = '';
  let line = 0;
  const decompress = new Decompress((chunk) => {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw new BooksError(path, line + 1, 'not UTF-8 text');
    }
    const parts = (partial + text).split('\n');
    partial = parts.pop() ?? '';
    if (partial.length > MAX_BOOK_BYTES)
      throw new BooksError(path, line + 1, `a book longer than ${MAX_BOOK_BYTES} bytes`);
    pending.push(...parts);
  });
  const buffer = new Uint8Array(CHUNK_BYTES);
  try {
    for (let done = false; !done; ) {
      const read = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      done = read === 0;
      try {
        decompress.push(buffer.subarray(0, read), done);
      } catch (error) {
        if (error instanceof BooksError) throw error;
        throw new BooksError(path, null, `not a valid zstd stream: ${(error as Error).message}`);
      }
      if (done && partial.length > 0) {
        pending.push(partial);
        partial = '';
      }
      for (const text of pending.splice(0)) {
        line++;
        if (line > MAX_BOOKS) throw new BooksError(path, line, `more than ${MAX_BOOKS} books`);
        if (text.trim() === '') continue;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (error) {
          throw new BooksError(path, line, `not valid JSON: ${(error as Error).message}`);
        }
        yield checkBook(value, path, line);
      }
    }
  } finally {
    closeSync(fd);
  }
}
