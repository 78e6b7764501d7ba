import type { AppendRollup } from '@app/database';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ExecutionStatus } from './tool-execution.entity';

const TOTALS_COLUMNS = 'tool_id, user_id, status, runs, duration_sum, duration_runs';
const DAYS_COLUMNS = 'day, tool_id, user_id, status, runs';
/**
 * The user id of the day counts of everyone's runs (no user has it), kept beside each user's so
 * that everyone's usage over a year sums days and tools, not days, tools and users.
 */
export const EVERYONE = '00000000-0000-0000-0000-000000000000';

/**
 * An INSERT of the differences `runs` (an aggregate) to the day counts, from a relation of runs
 * with their created_at: a run is counted on the day (UTC) it was created, whenever it finishes,
 * for its user and for everyone.
 */
function datedFrom(relation: string, runs: string): string {
  return `INSERT INTO tool_execution_days (${DAYS_COLUMNS})
          SELECT day, tool_id, coalesce(user_id, '${EVERYONE}'), status, ${runs}
            FROM (SELECT (created_at AT TIME ZONE 'UTC')::date AS day, * FROM ${relation}) AS run
           GROUP BY GROUPING SETS ((day, tool_id, user_id, status), (day, tool_id, status))`;
}
const MERGE_INTERVAL_MS = 10_000;

/**
 * The differences a set of runs makes to the totals, from a relation of (tool_id, user_id,
 * status, duration_ms, weight): weight 1 for a run that now has that status, -1 for one that no
 * longer has it.
 */
function countedFrom(relation: string): string {
  return `INSERT INTO tool_execution_totals (${TOTALS_COLUMNS})
          SELECT tool_id, user_id, status, sum(weight), coalesce(sum(duration_ms * weight), 0), coalesce(sum(weight) FILTER (WHERE duration_ms IS NOT NULL), 0)
            FROM ${relation} GROUP BY tool_id, user_id, status`;
}

/** Runs appended by the append log are counted by its statement (a journal replay counts only what it stores). */
export const TOOL_EXECUTION_TOTALS: AppendRollup = {
  table: 'tool_executions',
  returning: 'tool_id, user_id, status, duration_ms, created_at',
  statements: [
    `INSERT INTO tool_execution_totals (${TOTALS_COLUMNS})
     SELECT tool_id, user_id, status, count(*), coalesce(sum(duration_ms), 0), count(duration_ms) FROM {stored} GROUP BY tool_id, user_id, status`,
    datedFrom('{stored}', 'count(*)'),
  ],
};

/**
 * An UPDATE of the runs `where` selects (`set` applied to each), with its differences to the
 * totals, in one statement; answers the ids it changed. The rows are locked before they are read,
 * so two instances changing the same run count it once (the second finds it changed, and skips it
 * when `where` no longer holds).
 */
export function updateCounted(where: string, set: string): string {
  return `WITH before AS (SELECT id, status, duration_ms FROM tool_executions WHERE ${where} FOR UPDATE),
               changed AS (UPDATE tool_executions t SET ${set} FROM before WHERE t.id = before.id
                           RETURNING t.id, t.tool_id, t.user_id, t.status, t.duration_ms, t.created_at, before.status AS was_status, before.duration_ms AS was_duration),
               moves AS (SELECT tool_id, user_id, status, duration_ms, created_at, 1 AS weight FROM changed
                         UNION ALL SELECT tool_id, user_id, was_status, was_duration, created_at, -1 FROM changed),
               counted AS (${countedFrom('moves')} RETURNING 1),
               dated AS (${datedFrom('moves', 'sum(weight)')} RETURNING 1)
          SELECT id FROM changed`;
}

/** A DELETE of (at most `limit` of) the runs `where` selects, with their differences to the totals, in one statement; answers how many it deleted (n). */
export function deleteCounted(where: string, limit: number): string {
  return `WITH gone AS (DELETE FROM tool_executions WHERE id IN (SELECT id FROM tool_executions WHERE ${where} LIMIT ${limit})
                       RETURNING tool_id, user_id, status, duration_ms, created_at, -1 AS weight),
               counted AS (${countedFrom('gone')} RETURNING 1),
               dated AS (${datedFrom('gone', 'sum(weight)')} RETURNING 1)
          SELECT count(*)::int AS n FROM gone`;
}

/** How much a tool is used: runs counted, and the latest one's start (null once the history no longer holds it). */
export interface ToolUsage {
  readonly runs: number;
  readonly lastRunAt: Date | null;
}

export interface TotalsFilter {
  readonly toolId: string;
  readonly status?: ExecutionStatus;
  readonly userId?: string;
}

/** Whose runs a usage count covers: one user's, or everyone's (undefined). */
export interface UsageFilter {
  readonly userId?: string;
  /** The first and last days counted (UTC, YYYY-MM-DD). */
  readonly since: string;
  readonly until: string;
}

export interface UsageCount {
  readonly runs: number;
  readonly completed: number;
  readonly failed: number;
}

export interface Usage {
  /** By day (YYYY-MM-DD); days without runs are absent. */
  readonly byDay: ReadonlyMap<string, UsageCount>;
  /** By tool id. */
  readonly byTool: ReadonlyMap<string, UsageCount>;
}

function addTo(counts: Map<string, UsageCount>, key: string, status: string, runs: number): void {
  const count = counts.get(key) ?? { runs: 0, completed: 0, failed: 0 };
  counts.set(key, { runs: count.runs + runs, completed: count.completed + (status === 'completed' ? runs : 0), failed: count.failed + (status === 'failed' ? runs : 0) });
}

export interface ToolTotals {
  readonly runs: number;
  readonly completed: number;
  readonly finished: number;
  /** Mean duration of the runs that have one, in ms; 0 when none has. */
  readonly averageMs: number;
}

/**
 * Run counts by tool, user and status, so that statistics and history totals cost the same at a
 * million runs as at ten, and the same by day for usage. Every write to tool_executions adds its
 * differences in the same statement or transaction (rows, not updates of one hot row: concurrent
 * writers never wait on each other); every 10 s the rows of each key are merged into one, so a
 * read sums a handful.
 */
@Injectable()
export class ExecutionTotals implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ExecutionTotals');
  private timer?: NodeJS.Timeout;

  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.merge().catch((error: Error) => this.logger.warn(`totals not merged: ${error.message}`)), MERGE_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** A new run, counted in the transaction that inserted its row. */
  async added(manager: EntityManager, runId: string): Promise<void> {
    await manager.query(
      `WITH run AS (SELECT tool_id, user_id, status, created_at FROM tool_executions WHERE id = $1),
            counted AS (INSERT INTO tool_execution_totals (${TOTALS_COLUMNS}) SELECT tool_id, user_id, status, 1, 0, 0 FROM run RETURNING 1)
       ${datedFrom('run', 'count(*)')}`,
      [runId],
    );
  }

  /**
   * A user's tools by their last run, newest first: the day counts say which tools and on which
   * day each was last run; the exact time is read from the user's runs of that one day only.
   * Tools whose last day ties with the `limit`-th are all timed, so none is cut by the tie.
   */
  async recent(userId: string, limit: number): Promise<Array<{ toolId: string; lastUsedAt: Date; runs: number }>> {
    const rows = (await this.dataSource.query(
      `WITH used AS (SELECT tool_id, day, sum(runs) AS runs FROM tool_execution_days WHERE user_id = $1 GROUP BY tool_id, day HAVING sum(runs) > 0),
            last AS (SELECT tool_id, max(day) AS day, sum(runs) AS runs FROM used GROUP BY tool_id),
            cut AS (SELECT day FROM last ORDER BY day DESC OFFSET $2 - 1 LIMIT 1)
       SELECT l.tool_id, l.runs::bigint AS runs, r.at
         FROM last l
         CROSS JOIN LATERAL (SELECT max(created_at) AS at FROM tool_executions e
                              WHERE e.user_id = $1 AND e.tool_id = l.tool_id
                                AND e.created_at >= (l.day::timestamp AT TIME ZONE 'UTC') AND e.created_at < ((l.day + 1)::timestamp AT TIME ZONE 'UTC')) r
        WHERE l.day >= coalesce((SELECT day FROM cut), '-infinity'::date) AND r.at IS NOT NULL
        ORDER BY r.at DESC, l.tool_id
        LIMIT $2`,
      [userId, limit],
    )) as Array<{ tool_id: string; runs: string; at: Date }>;
    return rows.map((row) => ({ toolId: row.tool_id, lastUsedAt: row.at, runs: Number(row.runs) }));
  }

  /** Runs created in a span of days, by day and by tool. */
  async usage(filter: UsageFilter): Promise<Usage> {
    const rows = (await this.dataSource.query(
      `SELECT day::text AS day, tool_id, status, sum(runs)::bigint AS runs FROM tool_execution_days
        WHERE user_id = $1 AND day BETWEEN $2 AND $3
        GROUP BY GROUPING SETS ((day, status), (tool_id, status)) HAVING sum(runs) <> 0`,
      [filter.userId ?? EVERYONE, filter.since, filter.until],
    )) as Array<{ day: string | null; tool_id: string | null; status: string; runs: string }>;
    const byDay = new Map<string, UsageCount>();
    const byTool = new Map<string, UsageCount>();
    for (const row of rows) {
      if (row.day !== null) addTo(byDay, row.day, row.status, Number(row.runs));
      else if (row.tool_id !== null) addTo(byTool, row.tool_id, row.status, Number(row.runs));
    }
    return { byDay, byTool };
  }

  async of(toolId: string): Promise<ToolTotals> {
    const [row] = (await this.dataSource.query(
      `SELECT coalesce(sum(runs), 0)::bigint AS runs,
              coalesce(sum(runs) FILTER (WHERE status = 'completed'), 0)::bigint AS completed,
              coalesce(sum(runs) FILTER (WHERE status IN ('completed', 'failed')), 0)::bigint AS finished,
              coalesce(sum(duration_sum)::float8 / nullif(sum(duration_runs), 0), 0) AS average
         FROM tool_execution_totals WHERE tool_id = $1`,
      [toolId],
    )) as Array<{ runs: string; completed: string; finished: string; average: number }>;
    return { runs: Number(row.runs), completed: Number(row.completed), finished: Number(row.finished), averageMs: row.average };
  }

  /** Each tool's runs (everyone's) and when the latest of them was started; tools never run are absent. */
  async usageOf(toolIds: readonly string[]): Promise<Map<string, ToolUsage>> {
    const rows = (await this.dataSource.query(
      `SELECT t.tool_id,
              (SELECT coalesce(sum(runs), 0) FROM tool_execution_totals c WHERE c.tool_id = t.tool_id)::bigint AS runs,
              (SELECT max(created_at) FROM tool_executions e WHERE e.tool_id = t.tool_id) AS last_run_at
         FROM unnest($1::text[]) AS t(tool_id)`,
      [toolIds],
    )) as Array<{ tool_id: string; runs: string; last_run_at: Date | string | null }>;
    const usage = new Map<string, ToolUsage>();
    for (const row of rows) {
      if (row.last_run_at === null && Number(row.runs) === 0) continue;
      usage.set(row.tool_id, { runs: Number(row.runs), lastRunAt: row.last_run_at === null ? null : new Date(row.last_run_at) });
    }
    return usage;
  }

  async count(filter: TotalsFilter): Promise<number> {
    const parameters: string[] = [filter.toolId];
    let where = 'tool_id = $1';
    if (filter.status) where += ` AND status = $${parameters.push(filter.status)}`;
    if (filter.userId) where += ` AND user_id = $${parameters.push(filter.userId)}`;
    const [row] = (await this.dataSource.query(`SELECT coalesce(sum(runs), 0)::bigint AS runs FROM tool_execution_totals WHERE ${where}`, parameters)) as Array<{ runs: string }>;
    return Number(row.runs);
  }

  /**
   * Merges the rows of each key into one (keys whose runs all moved on disappear). Safe beside
   * writers and other instances: rows added meanwhile are not seen and stay for the next merge;
   * a row another merge took first is skipped.
   */
  async merge(): Promise<void> {
    await this.mergeTotals();
    await this.mergeDays();
  }

  private async mergeTotals(): Promise<void> {
    await this.dataSource.query(
      `WITH merged AS (
         DELETE FROM tool_execution_totals
          WHERE (tool_id, user_id, status) IN (SELECT tool_id, user_id, status FROM tool_execution_totals GROUP BY tool_id, user_id, status HAVING count(*) > 1)
          RETURNING tool_id, user_id, status, runs, duration_sum, duration_runs)
       INSERT INTO tool_execution_totals (${TOTALS_COLUMNS})
       SELECT tool_id, user_id, status, sum(runs), sum(duration_sum), sum(duration_runs) FROM merged
        GROUP BY tool_id, user_id, status HAVING sum(runs) <> 0`,
    );
  }

  /**
   * The days' rows grow with every day, so only keys with rows added since the last merge are
   * merged (merged rows are marked), not the whole table.
   */
  private async mergeDays(): Promise<void> {
    await this.dataSource.query(
      `WITH keys AS (SELECT DISTINCT day, tool_id, user_id, status FROM tool_execution_days WHERE NOT merged),
            merged AS (
              DELETE FROM tool_execution_days d USING keys k
               WHERE d.user_id = k.user_id AND d.day = k.day AND d.tool_id = k.tool_id AND d.status = k.status
               RETURNING d.day, d.tool_id, d.user_id, d.status, d.runs)
       INSERT INTO tool_execution_days (${DAYS_COLUMNS}, merged)
       SELECT day, tool_id, user_id, status, sum(runs), true FROM merged
        GROUP BY day, tool_id, user_id, status HAVING sum(runs) <> 0`,
    );
  }
}
