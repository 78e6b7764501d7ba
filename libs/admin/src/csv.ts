const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;
// A spreadsheet would run these as formulas: `=HYPERLINK(...)` in an audit detail is an attack.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: formula starts neutralised, quoted when needed, quotes doubled (RFC 4180). */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
