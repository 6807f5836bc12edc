/** Helpers shared by the commands for printing results: JSON for machines, aligned tables for people. */

export function printJson(value: unknown): void {
  process.stdout.write(
    `${JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`,
  );
}

/** Renders rows as a left-aligned text table; numbers are right-aligned. */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const cells = [header, ...rows].map((row) => row.map((c) => String(c)));
  const widths = header.map((_, col) => Math.max(...cells.map((row) => (row[col] ?? '').length)));
  const numeric = header.map((_, col) => rows.length > 0 && rows.every((r) => typeof r[col] === 'number'));
  const line = (row: readonly string[]) =>
    row
      .map((c, col) => (numeric[col] ? c.padStart(widths[col]!) : c.padEnd(widths[col]!)))
      .join('  ')
      .trimEnd();
  const out = [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const row of cells.slice(1)) out.push(line(row));
  return `${out.join('\n')}\n`;
}

/** Parses a hex string option (e.g. a seed); throws a one-line message on bad input. */
export function parseHex(value: string, what: string): Uint8Array {
  const clean = value.startsWith('0x') ? value.slice(2) : value;
  if (clean.length === 0 || clean.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(clean)) {
    throw new Error(`${what} must be an even-length hex string, got '${value}'`);
  }
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}
