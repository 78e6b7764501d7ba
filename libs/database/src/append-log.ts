import { isoString } from '@app/common';
/** JSON text a writer has already made (to measure it): written into the row as it is, not encoded again. */
export class JsonText {
  constructor(readonly text: string) {}
}

/** A column's value as JavaScript has it: objects go to json/jsonb columns as JSON, not as text. */
export type AppendValue = string | number | boolean | Date | null | undefined | object | JsonText;

/**
 * Counts kept beside an append-only table, written by the same statement as its rows, so they
 * agree whatever happens to a batch: a row refused, a batch split, a journal replayed (a row
 * already stored is not inserted, so not counted again). The insert returns `returning` of each
 * row it stored; each of `statements` reads them from the relation `{stored}` (e.g. an INSERT of
 * totals).
 */
export interface AppendRollup {
  readonly table: string;
  readonly returning: string;
  readonly statements: readonly string[];
}

export interface AppendEntry {
  readonly table: string;
  readonly columns: readonly string[];
  readonly values: readonly AppendValue[];
}

/**
 * Append-only rows of every table (audit entries, run history, sessions, webhook outbox rows),
 * written together in batches. `append` resolves once the row is durable and visible to every
 * query sent after that: committed on PostgreSQL; on the embedded database, in its journal and
 * ahead of every later statement (see EmbeddedAppendLog).
 */
export abstract class AppendLog {
  abstract append(table: string, columns: readonly string[], values: readonly AppendValue[]): Promise<void>;

  /** Resolves when everything appended so far is committed (or has failed). */
  abstract flush(): Promise<void>;

  /** Why the log cannot write now, or undefined when it can (for readiness). */
  abstract unavailable(timeoutMs: number): Promise<string | undefined>;
}

// JSON.stringify writes U+0000 and lone surrogates as \u escapes, which PostgreSQL refuses in
// json and text: a value a caller sent must never fail the batch its neighbours share.
const UNSTORABLE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/gi;

export function storableJsonText(json: string): string {
  return json.includes('\\u') ? json.replace(UNSTORABLE_ESCAPE, '$1\\ufffd') : json;
}

const SQL_NAME = /^[a-z_][a-z0-9_]*$/;

const columnKeys = new WeakMap<readonly string[], string>();

/** `a,b,c` for a column list: writers pass the same constant array every time, so it is joined once. */
function columnsKey(columns: readonly string[]): string {
  let key = columnKeys.get(columns);
  if (key === undefined) {
    key = columns.join(',');
    columnKeys.set(columns, key);
  }
  return key;
}

/** Entries grouped by table and columns, in order of first appearance. */
export function groupByShape(entries: readonly AppendEntry[]): AppendEntry[][] {
  const groups = new Map<string, AppendEntry[]>();
  for (const entry of entries) {
    const key = `${entry.table}(${columnsKey(entry.columns)})`;
    const group = groups.get(key);
    if (group) group.push(entry);
    else groups.set(key, [entry]);
  }
  return [...groups.values()];
}

const keyLists = new Map<string, string[]>();

/** `{"a":`, `,"b":`, ... for a column list: the text before each value of a row. */
function keysOf(columns: readonly string[]): string[] {
  const key = columnsKey(columns);
  let keys = keyLists.get(key);
  if (keys === undefined) {
    keys = columns.map((column, i) => `${i === 0 ? '{' : ','}${JSON.stringify(column)}:`);
    keyLists.set(key, keys);
  }
  return keys;
}

function valueJson(value: AppendValue): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Date) return `"${isoString(value)}"`;
  if (value instanceof JsonText) return value.text;
  return JSON.stringify(value) ?? 'null';
}

/**
 * The group's rows as one JSON array of objects, for `json_populate_recordset`: the same text as
 * JSON.stringify of the row objects, written without building them.
 */
export function rowsJson(group: readonly AppendEntry[]): string {
  const keys = keysOf(group[0].columns);
  let json = '[';
  for (let r = 0; r < group.length; r++) {
    const values = group[r].values;
    if (r > 0) json += ',';
    for (let i = 0; i < keys.length; i++) json += keys[i] + valueJson(values[i]);
    json += '}';
  }
  return storableJsonText(`${json}]`);
}

/**
 * One statement inserting every group ($1, $2, ... its rows' JSON, in order), the INSERTs chained
 * as data-modifying CTEs so they share one round trip and one commit; a rolled-up table's insert
 * is followed by its rollup's statement. (The embedded worker builds the same SQL in its source.)
 */
export function appendStatement(groups: ReadonlyArray<{ readonly table: string; readonly quoted: string }>, rollups: ReadonlyMap<string, AppendRollup>): string {
  const statements: Array<{ sql: string; cte?: string }> = [];
  groups.forEach(({ table, quoted }, i) => {
    const insert = `INSERT INTO "${table}" (${quoted}) SELECT ${quoted} FROM json_populate_recordset(NULL::"${table}", $${i + 1}::json)`;
    const rollup = rollups.get(table);
    if (!rollup) {
      statements.push({ sql: insert });
      return;
    }
    statements.push({ sql: insert, cte: `s${i} AS (${insert} RETURNING ${rollup.returning})` }, ...rollup.statements.map((sql) => ({ sql: sql.replaceAll('{stored}', `s${i}`) })));
  });
  const last = statements.pop() as { sql: string };
  if (statements.length === 0) return last.sql;
  return `WITH ${statements.map((statement, i) => statement.cte ?? `w${i} AS (${statement.sql} RETURNING 1)`).join(', ')} ${last.sql}`;
}

export function rollupsByTable(rollups: readonly AppendRollup[]): ReadonlyMap<string, AppendRollup> {
  return new Map(rollups.map((rollup) => [rollup.table, rollup]));
}

const quotedLists = new Map<string, string>();

/** `"a", "b"` for a table's columns; names come from code, and are checked all the same. */
export function quotedColumns(table: string, columns: readonly string[]): string {
  const key = `${table}(${columnsKey(columns)})`;
  let quoted = quotedLists.get(key);
  if (quoted === undefined) {
    for (const name of [table, ...columns]) if (!SQL_NAME.test(name)) throw new Error(`append log: '${name}' is not a plain SQL name`);
    quoted = columns.map((column) => `"${column}"`).join(', ');
    quotedLists.set(key, quoted);
  }
  return quoted;
}
