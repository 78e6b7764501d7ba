import { ApiError, isoString, storableJson } from '@app/common';
import type { ToolExecution, ToolExecutionList, ToolStatistics } from '@app/contracts';
import { AppendLog, cappedListPage, JsonText, keysetPage, type PageWindow } from '@app/database';
import { type AuthenticatedUser, isAdmin } from '@app/security';
import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { DataSource, LessThan, type Repository, type SelectQueryBuilder } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ExecutionTotals, type ToolUsage, type Usage, type UsageFilter, updateCounted } from './execution-totals';
import { type ExecutionStatus, ToolExecutionEntity } from './tool-execution.entity';

const MAX_STORED_RESULT_BYTES = 1024 * 1024;
const EXECUTION_COLUMNS = ['id', 'tool_id', 'tool_name', 'user_id', 'session_id', 'context_id', 'status', 'is_async', 'parameters', 'result', 'error', 'timeout_ms', 'started_at', 'ended_at', 'duration_ms', 'memory_used', 'attempts', 'cached', 'created_at'];

export interface RunFilter {
  readonly userId: string;
  readonly toolId?: string;
  readonly status?: ExecutionStatus;
  readonly contextId?: string;
  readonly start?: Date;
  readonly end?: Date;
  /** Only background runs (`options.async`, MCP tasks), or only the others. */
  readonly async?: boolean;
}

export type ExecutionRow = Partial<ToolExecutionEntity> & Pick<ToolExecutionEntity, 'id' | 'toolId' | 'toolName' | 'userId' | 'status' | 'timeoutMs'>;

type Unstorable = { truncated: true; reason: string };

/** What stands for a result JSON cannot hold (nested deeper than JSON.stringify goes): the run is still recorded. */
function unstorable(error: unknown): Unstorable {
  return { truncated: true, reason: `the result could not be stored as JSON: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300) };
}

/**
 * What is kept of a result: the whole of it up to 1 MiB, as the JSON made to measure it (the
 * append log writes that text as it is), or a preview beyond, or a placeholder for one JSON
 * cannot hold; null for none. Never throws: a run whose result is lost is still recorded.
 */
function keptResult(result: unknown): JsonText | { truncated: true; bytes: number; preview: string } | Unstorable | null {
  if (result === undefined) return null;
  let json: string | undefined;
  try {
    json = JSON.stringify(result);
  } catch (error) {
    return unstorable(error);
  }
  if (json === undefined) return null;
  // UTF-8 takes at most 3 bytes per UTF-16 unit: most results are measured without counting.
  const bytes = json.length * 3 <= MAX_STORED_RESULT_BYTES ? json.length : Buffer.byteLength(json);
  return bytes <= MAX_STORED_RESULT_BYTES ? new JsonText(json) : { truncated: true, bytes, preview: json.slice(0, 4096) };
}

/** A finished async run's result as the jsonb text its row takes (null for none); never throws, so the run cannot stay `running`. */
function storedResult(result: unknown): string | null {
  const kept = keptResult(result);
  if (kept === null) return null;
  try {
    return JSON.stringify(storableJson(kept instanceof JsonText ? result : kept));
  } catch (error) {
    return JSON.stringify(unstorable(error));
  }
}

export function executionView(row: ToolExecutionEntity): ToolExecution {
  // Built field by field, not with conditional spreads: those took a slow path on every run (Node 20).
  const view: Record<string, unknown> = { executionId: row.id, toolId: row.toolId, toolName: row.toolName, status: row.status };
  if (row.result !== null && row.result !== undefined) view.result = row.result;
  if (row.error) view.error = row.error;
  if (row.startedAt && row.endedAt) {
    view.metrics = { startTime: isoString(row.startedAt), endTime: isoString(row.endedAt), duration: row.durationMs ?? 0, memoryUsed: row.memoryUsed ?? 0 };
  }
  if (row.attempts > 1) view.attempts = row.attempts;
  if (row.cached) view.cached = true;
  view.contextId = row.contextId;
  view.userId = row.userId;
  view.createdAt = isoString(row.createdAt);
  return view as unknown as ToolExecution;
}

/** Parameters a list shows in full; beyond, only their size (the run read by id has them). */
const LISTED_PARAMETERS_BYTES = 4096;

/** A run as its history shows it: with the parameters it was given (redacted when they were stored). */
function historyView(row: ToolExecutionEntity, listed = false): ToolExecution {
  const view = executionView(row);
  const parameters = row.parameters ?? {};
  if (!listed) return Object.assign(view, { parameters });
  const json = JSON.stringify(parameters);
  const bytes = json.length * 3 <= LISTED_PARAMETERS_BYTES ? json.length : Buffer.byteLength(json);
  return Object.assign(view, { parameters: bytes <= LISTED_PARAMETERS_BYTES ? parameters : { truncated: true, bytes } });
}

const listedView = (row: ToolExecutionEntity): ToolExecution => historyView(row, true);

/**
 * The run history. Finished synchronous runs are appended with group commit (many runs, one
 * INSERT); async runs are a durable `pending` row first, claimed atomically, then finished.
 */
@Injectable()
export class ExecutionsService implements BeforeApplicationShutdown {
  private readonly executions: Repository<ToolExecutionEntity>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly log: AppendLog,
    private readonly totals: ExecutionTotals,
  ) {
    this.executions = dataSource.getRepository(ToolExecutionEntity);
  }

  /** Appends a finished run (in the same commit as its audit entry); resolves once committed. */
  record(row: ExecutionRow): Promise<void> {
    return this.log.append('tool_executions', EXECUTION_COLUMNS, [
      row.id,
      row.toolId,
      row.toolName,
      row.userId,
      row.sessionId ?? null,
      row.contextId ?? null,
      row.status,
      row.isAsync ?? false,
      row.parameters ?? {},
      // A tool may return a bare string or number: it is stored as that JSON value.
      keptResult(row.result),
      row.error ?? null,
      row.timeoutMs,
      row.startedAt ?? null,
      row.endedAt ?? null,
      row.durationMs ?? null,
      row.memoryUsed ?? null,
      row.attempts ?? 1,
      row.cached ?? false,
      // A finished run was created when it started, not when its batch reached the database.
      row.createdAt ?? row.startedAt ?? new Date(),
    ]);
  }

  async createPending(row: ExecutionRow): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(ToolExecutionEntity, { ...row, parameters: storableJson(row.parameters), caller: storableJson(row.caller) } as QueryDeepPartialEntity<ToolExecutionEntity>);
      await this.totals.added(manager, row.id);
    });
  }

  /** Takes a pending run for this instance; null when another one already took it, or it was cancelled since. */
  async claim(id: string): Promise<ToolExecutionEntity | null> {
    const claimed = (await this.dataSource.query(updateCounted(`id = $1 AND status = 'pending'`, `status = 'running', started_at = now()`), [id])) as unknown[];
    if (claimed.length !== 1) return null;
    // Read back apart from the claim: a cancellation may have ended it in between.
    const row = await this.executions.findOne({ where: { id } });
    return row?.status === 'running' ? row : null;
  }

  /**
   * Ends a claimed run; false when it was cancelled meanwhile, which is then left as it is. A run
   * failed as abandoned (its instance seemed gone) still takes its real end when that comes.
   */
  async finish(
    id: string,
    update: { status: ExecutionStatus; result?: unknown; error?: { code: string; message: string } | null; endedAt: Date; durationMs: number; memoryUsed: number; attempts?: number; cached?: boolean },
  ): Promise<boolean> {
    const result = storedResult(update.result);
    const finished = (await this.dataSource.query(
      updateCounted(`id = $1 AND (status = 'running' OR (status = 'failed' AND error->>'code' = 'INTERRUPTED'))`, 'status = $2, result = $3::jsonb, error = $4::jsonb, ended_at = $5, duration_ms = $6, memory_used = $7, attempts = $8, cached = $9, pending_input = NULL'),
      [
        id,
        update.status,
        result,
        update.error ? JSON.stringify(storableJson(update.error)) : null,
        update.endedAt,
        update.durationMs,
        update.memoryUsed,
        update.attempts ?? 1,
        update.cached ?? false,
      ],
    )) as unknown[];
    return finished.length === 1;
  }

  /**
   * Ends a background run that has not ended, as failed with `error`: a pending one never starts
   * (its claim finds it taken), a running one's result will not be kept. Null when there was none
   * to end: the run has ended, or it is not a background run.
   */
  async cancel(id: string, error: { code: string; message: string }): Promise<ToolExecutionEntity | null> {
    const cancelled = (await this.dataSource.query(
      updateCounted(
        `id = $1 AND is_async AND status IN ('pending', 'running')`,
        `status = 'failed', error = $2::jsonb, pending_input = NULL, ended_at = now(),
         duration_ms = CASE WHEN t.started_at IS NULL THEN NULL ELSE round(extract(epoch FROM now() - t.started_at) * 1000)::int END, memory_used = 0`,
      ),
      [id, JSON.stringify(storableJson(error))],
    )) as unknown[];
    return cancelled.length === 1 ? this.executions.findOne({ where: { id } }) : null;
  }

  /** Ids of async runs waiting to start, oldest first (created before `olderThan`). */
  async pendingIds(olderThan: Date, limit: number): Promise<string[]> {
    const rows = await this.executions.find({ select: { id: true }, where: { status: 'pending', createdAt: LessThan(olderThan) }, order: { createdAt: 'ASC' }, take: limit });
    return rows.map((row) => row.id);
  }

  /** Runs whose instance died mid-run: they cannot be resumed safely, so they fail. */
  async failAbandoned(): Promise<number> {
    const failed = (await this.dataSource.query(
      updateCounted(
        `status = 'running' AND is_async AND started_at < now() - make_interval(secs => timeout_ms / 1000.0 + 60)`,
        `status = 'failed', ended_at = now(), pending_input = NULL,
         error = '{"code":"INTERRUPTED","message":"the server stopped while this run was in progress"}'::jsonb`,
      ),
    )) as unknown[];
    return failed.length;
  }

  /** Visible to the caller who started it and to admins; 404 for anyone else. */
  async get(caller: AuthenticatedUser, id: string): Promise<ToolExecution> {
    const row = await this.executions.findOne({ where: { id } });
    if (!row || (row.userId !== caller.id && !isAdmin(caller))) throw ApiError.notFound('Execution');
    return historyView(row);
  }

  /** A background run (`options.async`, an MCP task) as its history shows it; undefined for any other id. */
  async background(id: string): Promise<ToolExecution | undefined> {
    const row = await this.executions.findOne({ where: { id, isAsync: true } });
    return row ? executionView(row) : undefined;
  }

  /** A page of a tool's history, newest first; the total comes from the run counts, not from counting the history. */
  async list(caller: AuthenticatedUser, toolId: string, filter: { status?: ExecutionStatus; window: PageWindow }): Promise<{ executions: ToolExecution[]; total: number; nextCursor: string | null }> {
    const userId = isAdmin(caller) ? undefined : caller.id;
    const builder = this.executions.createQueryBuilder('e').where('e.toolId = :toolId', { toolId });
    if (filter.status) builder.andWhere('e.status = :status', { status: filter.status });
    if (userId) builder.andWhere('e.userId = :userId', { userId });
    const [page, total] = await Promise.all([keysetPage(builder, 'e', 'created_at', filter.window), this.totals.count({ toolId, status: filter.status, userId })]);
    return { executions: page.rows.map(listedView), total, nextCursor: page.nextCursor };
  }

  /** One user's runs across tools, newest first, by the (user, created) index; matches counted up to 10,000. */
  async listRuns(filter: RunFilter, window: PageWindow): Promise<ToolExecutionList> {
    const { rows, pagination } = await cappedListPage(() => this.runsOf(filter), 'e', 'created_at', window);
    return { executions: rows.map(listedView), pagination };
  }

  /** The same runs as listRuns, without counting them: a page and the cursor of the next. */
  async pageOfRuns(filter: RunFilter, window: PageWindow): Promise<{ executions: ToolExecution[]; nextCursor: string | null }> {
    const page = await keysetPage(this.runsOf(filter), 'e', 'created_at', window);
    return { executions: page.rows.map(listedView), nextCursor: page.nextCursor };
  }

  private runsOf(filter: RunFilter): SelectQueryBuilder<ToolExecutionEntity> {
    const builder = this.executions.createQueryBuilder('e').where('e.userId = :userId', { userId: filter.userId });
    if (filter.toolId) builder.andWhere('e.toolId = :toolId', { toolId: filter.toolId });
    if (filter.status) builder.andWhere('e.status = :status', { status: filter.status });
    if (filter.contextId) builder.andWhere('e.contextId = :contextId', { contextId: filter.contextId });
    if (filter.start) builder.andWhere('e.createdAt >= :start', { start: filter.start });
    if (filter.end) builder.andWhere('e.createdAt <= :end', { end: filter.end });
    if (filter.async !== undefined) builder.andWhere('e.isAsync = :isAsync', { isAsync: filter.async });
    return builder;
  }

  async statistics(toolId: string): Promise<ToolStatistics> {
    const [totals, last] = await Promise.all([this.totals.of(toolId), this.executions.findOne({ select: { createdAt: true }, where: { toolId }, order: { createdAt: 'DESC' } })]);
    return {
      totalExecutions: totals.runs,
      successRate: totals.finished === 0 ? 0 : Math.round((totals.completed / totals.finished) * 1000) / 1000,
      averageLatency: Math.round(totals.averageMs * 100) / 100,
      lastExecuted: last ? last.createdAt.toISOString() : null,
    };
  }

  /** Each tool's runs (everyone's) and its latest start, for sorting a listing by use. */
  usageOf(toolIds: readonly string[]): Promise<Map<string, ToolUsage>> {
    return this.totals.usageOf(toolIds);
  }

  /** A user's tools by their last run, newest first. */
  recentTools(userId: string, limit: number): Promise<Array<{ toolId: string; lastUsedAt: Date; runs: number }>> {
    return this.totals.recent(userId, limit);
  }

  /** Runs created in a span of days, by day and by tool: one user's, or everyone's. */
  usage(filter: UsageFilter): Promise<Usage> {
    return this.totals.usage(filter);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.log.flush();
  }
}
