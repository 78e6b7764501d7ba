import { ApiError } from '@app/common';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * Offset pages reach this many rows; deeper reads follow a cursor. An offset costs the database every
 * row before it, and on the embedded database one such read holds every other request meanwhile.
 */
export const MAX_PAGED_ROWS = 10_000;

/** The row a page ends with: its timestamp as PostgreSQL writes it (microseconds kept) and its id. */
interface Position {
  readonly at: string;
  readonly id: string;
}

/** Which rows a listing answers: a numbered page, or the page after a cursor's row. */
export interface PageWindow {
  readonly page: number;
  readonly limit: number;
  readonly offset: number;
  readonly after?: Position;
}

interface KeysetPage<T> {
  readonly rows: T[];
  readonly nextCursor: string | null;
}

// PostgreSQL's ISO output of a timestamptz, e.g. 2026-12-05 23:40:01.123456+00 or ...+05:30.
const TIMESTAMP_TEXT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?([+-])(\d{2})(?::(\d{2}))?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function badCursor(): ApiError {
  return ApiError.validation('Invalid cursor', [{ field: 'cursor', message: 'must be a pagination.nextCursor this listing answered', code: 'INVALID_VALUE' }]);
}

/** A real instant (no 30 February, which PostgreSQL would refuse with an error of its own). */
function isTimestampText(text: string): boolean {
  const parts = TIMESTAMP_TEXT.exec(text);
  if (!parts) return false;
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && date.getUTCHours() === hour && date.getUTCMinutes() === minute && date.getUTCSeconds() === second && Number(parts[9]) <= 15 && Number(parts[10] ?? 0) < 60;
}

function encodeCursor(position: Position, page: number): string {
  return Buffer.from(JSON.stringify([position.at, position.id, page])).toString('base64url');
}

function decodeCursor(cursor: string): { after: Position; page: number } {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(decoded) || decoded.length !== 3) throw badCursor();
  const [at, id, page] = decoded as unknown[];
  if (typeof at !== 'string' || !isTimestampText(at) || typeof id !== 'string' || !UUID.test(id) || !Number.isSafeInteger(page) || (page as number) < 2) throw badCursor();
  return { after: { at, id }, page: page as number };
}

/** The window a listing's `page`, `limit` and `cursor` ask for; 400 for a page past MAX_PAGED_ROWS or a cursor with a page. */
export function pageWindow(query: { page?: number; limit?: number; cursor?: string }, defaultLimit: number): PageWindow {
  const limit = query.limit ?? defaultLimit;
  if (query.cursor !== undefined) {
    if (query.page !== undefined) throw ApiError.validation('Send page or cursor, not both', [{ field: 'page', message: 'must not be sent with cursor', code: 'INVALID_VALUE' }]);
    const { after, page } = decodeCursor(query.cursor);
    return { page, limit, offset: 0, after };
  }
  const page = query.page ?? 1;
  if (page * limit > MAX_PAGED_ROWS) {
    throw ApiError.validation(`Pages reach the first ${MAX_PAGED_ROWS} entries`, [
      { field: 'page', message: `page × limit must be at most ${MAX_PAGED_ROWS}; follow pagination.nextCursor beyond`, code: 'OUT_OF_RANGE' },
    ]);
  }
  return { page, limit, offset: (page - 1) * limit, after: undefined };
}

/**
 * One page of `builder`'s rows, newest first by (`alias`.`column`, `alias`.id), with the cursor of
 * the next. After a cursor the rows are found by the index on the timestamp, whatever the depth:
 * `column <= at` is the condition an index serves, the row comparison breaks ties on the id.
 */
export async function keysetPage<T extends ObjectLiteral>(builder: SelectQueryBuilder<T>, alias: string, column: string, window: PageWindow): Promise<KeysetPage<T>> {
  const at = `"${alias}"."${column}"`;
  const id = `"${alias}"."id"`;
  builder.addSelect(`${at}::text`, 'keyset_at').orderBy(at, 'DESC').addOrderBy(id, 'DESC').offset(window.offset).limit(window.limit + 1);
  if (window.after) builder.andWhere(`${at} <= CAST(:keysetAt AS timestamptz) AND (${at}, ${id}) < (CAST(:keysetAt AS timestamptz), CAST(:keysetId AS uuid))`, { keysetAt: window.after.at, keysetId: window.after.id });
  const { entities, raw } = await builder.getRawAndEntities<{ keyset_at: string }>();
  const rows = entities.slice(0, window.limit);
  if (entities.length <= window.limit) return { rows, nextCursor: null };
  const last = rows[rows.length - 1] as T & { id: string };
  return { rows, nextCursor: encodeCursor({ at: raw[window.limit - 1].keyset_at, id: last.id }, window.page + 1) };
}

/** The rows `builder` matches, counted no further than one past `cap`: an exact count of millions would hold the database on every page. */
async function countUpTo<T extends ObjectLiteral>(builder: SelectQueryBuilder<T>, cap: number): Promise<number> {
  const [sql, parameters] = builder.select('1').orderBy().limit(cap + 1).getQueryAndParameters();
  const [{ n }] = (await builder.connection.query(`SELECT count(*)::int AS n FROM (${sql}) AS capped`, parameters)) as Array<{ n: number }>;
  return n;
}

export interface CappedPagination {
  readonly page: number;
  readonly limit: number;
  readonly total: number;
  readonly pages: number;
  readonly totalExact: boolean;
  readonly nextCursor: string | null;
}

/**
 * A page of the rows `filtered` makes (a fresh builder per call), with its pagination: matches
 * counted up to MAX_PAGED_ROWS, and the cursor of the next page.
 */
export async function cappedListPage<T extends ObjectLiteral>(filtered: () => SelectQueryBuilder<T>, alias: string, column: string, window: PageWindow): Promise<{ rows: T[]; pagination: CappedPagination }> {
  const [page, counted] = await Promise.all([keysetPage(filtered(), alias, column, window), countUpTo(filtered(), MAX_PAGED_ROWS)]);
  const total = Math.min(counted, MAX_PAGED_ROWS);
  return { rows: page.rows, pagination: { page: window.page, limit: window.limit, total, pages: Math.ceil(total / window.limit), totalExact: counted <= MAX_PAGED_ROWS, nextCursor: page.nextCursor } };
}
