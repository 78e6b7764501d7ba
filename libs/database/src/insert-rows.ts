import type { DataSource } from 'typeorm';

type Value = string | number | boolean | Date | null | undefined | object;

/**
 * One multi-row INSERT, written by hand for the append-only hot paths (audit, run history): the
 * query builder's per-value work cost more CPU than the database did. Objects go in as JSON.
 */
export async function insertRows(dataSource: DataSource, table: string, columns: readonly string[], rows: ReadonlyArray<readonly Value[]>): Promise<void> {
  if (rows.length === 0) return;
  const parameters: unknown[] = [];
  const tuples = rows.map((row) => {
    const placeholders = row.map((value) => {
      parameters.push(value !== null && typeof value === 'object' && !(value instanceof Date) ? JSON.stringify(value) : (value ?? null));
      return `$${parameters.length}`;
    });
    return `(${placeholders.join(', ')})`;
  });
  await dataSource.query(`INSERT INTO "${table}" (${columns.map((column) => `"${column}"`).join(', ')}) VALUES ${tuples.join(', ')}`, parameters);
}
