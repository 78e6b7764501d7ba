import type { AppendRollup } from '@app/database';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ExecutionStatus } from './tool-execution.entity';

const TOTALS_COLUMNS = 'tool_id, user_id, status, runs, duration_sum, duration_runs';
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
  returning: 'tool_id, user_id, status, duration_ms',
  statement: `INSERT INTO tool_execution_totals (${TOTALS_COLUMNS})
              SELECT tool_id, user_id, status, count(*), coalesce(sum(duration_ms), 0), count(duration_ms) FROM {stored} GROUP BY tool_id, user_id, status`,
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
                           RETURNING t.id, t.tool_id, t.user_id, t.status, t.duration_ms, before.status AS was_status, before.duration_ms AS was_duration),
               moves AS (SELECT tool_id, user_id, status, duration_ms, 1 AS weight FROM changed
                         UNION ALL SELECT tool_id, user_id, was_status, was_duration, -1 FROM changed),
               counted AS (${countedFrom('moves')} RETURNING 1)
          SELECT id FROM changed`;
}

/** A DELETE of (at most `limit` of) the runs `where` selects, with their differences to the totals, in one statement; answers how many it deleted (n). */
export function deleteCounted(where: string, limit: number): string {
  return `WITH gone AS (DELETE FROM tool_executions WHERE id IN (SELECT id FROM tool_executions WHERE ${where} LIMIT ${limit})
                       RETURNING tool_id, user_id, status, duration_ms, -1 AS weight),
               counted AS (${countedFrom('gone')} RETURNING 1)
          SELECT count(*)::int AS n FROM gone`;
}

export interface TotalsFilter {
  readonly toolId: string;
  readonly status?: ExecutionStatus;
  readonly userId?: string;
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
 * million runs as at ten. Every write to tool_executions adds its differences in the same
 * statement or transaction (rows, not updates of one hot row: concurrent writers never wait on
 * each other); every 10 s the rows of each key are merged into one, so a read sums a handful.
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

  /** A new run's row, in the transaction that inserts it. */
  async added(manager: EntityManager, run: { toolId: string; userId: string; status: ExecutionStatus }): Promise<void> {
    await manager.query(`INSERT INTO tool_execution_totals (${TOTALS_COLUMNS}) VALUES ($1, $2, $3, 1, 0, 0)`, [run.toolId, run.userId, run.status]);
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
}
