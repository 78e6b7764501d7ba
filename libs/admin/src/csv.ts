// A spreadsheet would run these as formulas: `=HYPERLINK(...)` in an audit detail is an attack.
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell: formula starts neutralised, quotes doubled (RFC 4180), and always quoted: a
 * spreadsheet whose locale separates with `;` would otherwise split `Mozilla;=cmd|...` (a user
 * agent anyone can send) into a cell that starts a formula.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
