import { ApiError, isoString } from '@app/common';
import type { ToolExecution } from '@app/contracts';
import { EventBus } from '@app/events';
import { AppConfig } from '@app/config';
import { type PageWindow, pageWindow } from '@app/database';
import { INVALID_PARAMS, type RpcContext, RpcError } from '@app/rpc';
import { Injectable } from '@nestjs/common';
import { ExecutionsService } from './execution/executions.service';
import { ToolExecutor } from './execution/tool-executor.service';

/** MCP's key for a message about a task (`_meta`). */
export const RELATED_TASK = 'io.modelcontextprotocol/related-task';
/** The first protocol version with tasks. */
export const TASKS_SINCE = '2025-11-25';

const POLL_INTERVAL_MS = 1_000;
/** How often tasks/result looks again when no event woke it (a run finished on an instance whose event was lost). */
const RESULT_RECHECK_MS = 2_000;
/** Beyond the longest a run may take: waiting in the outbox, and the grace before an abandoned run is failed. */
const RESULT_WAIT_MARGIN_MS = 5 * 60_000;
const DAY_MS = 86_400_000;
const LIST_PAGE_SIZE = 50;

type TaskStatus = 'working' | 'completed' | 'failed' | 'cancelled';

/** MCP 2025-11-25's Task. */
export interface McpTask {
  readonly taskId: string;
  readonly status: TaskStatus;
  readonly statusMessage?: string;
  readonly createdAt: string;
  readonly lastUpdatedAt: string;
  readonly ttl: number | null;
  readonly pollInterval: number;
}

/** A run's CallToolResult, as tools/call answers it and tasks/result repeats it. */
export type CallResultOf = (execution: ToolExecution) => Record<string, unknown>;

/**
 * MCP tasks (2025-11-25): a tools/call with `task` becomes an asynchronous run of the engine,
 * and the run is the task (its id is the task's id). The caller polls it (tasks/get) or waits for
 * its result (tasks/result); only the caller who started it (and admins) see it, as with runs.
 */
@Injectable()
export class McpTasks {
  constructor(
    private readonly executions: ExecutionsService,
    private readonly executor: ToolExecutor,
    private readonly events: EventBus,
    private readonly config: AppConfig,
  ) {}

  /** How long a finished task's result is kept: the run history's retention (null: kept). */
  private get ttl(): number | null {
    const days = this.config.tools.executionRetentionDays;
    return days > 0 ? days * DAY_MS : null;
  }

  taskOf(execution: Pick<ToolExecution, 'executionId' | 'status' | 'createdAt' | 'metrics' | 'error'>): McpTask {
    const status: TaskStatus = execution.status === 'pending' || execution.status === 'running' ? 'working' : execution.status === 'completed' ? 'completed' : execution.error?.code === 'CANCELLED' ? 'cancelled' : 'failed';
    // A run just accepted is answered with the instant its row was given; else (never) now.
    const createdAt = execution.createdAt ?? isoString(new Date());
    return {
      taskId: execution.executionId,
      status,
      ...(execution.error ? { statusMessage: execution.error.message } : {}),
      createdAt,
      lastUpdatedAt: execution.metrics?.endTime ?? createdAt,
      ttl: this.ttl,
      pollInterval: POLL_INTERVAL_MS,
    };
  }

  /**
   * `notifications/tasks/status` for a run that just ended, when the run is a task; the door that
   * holds the session which started it sends it there (MCP 2025-11-25: receivers may).
   */
  async statusNotification(executionId: string): Promise<Record<string, unknown> | undefined> {
    const execution = await this.executions.background(executionId);
    return execution ? { jsonrpc: '2.0', method: 'notifications/tasks/status', params: this.taskOf(execution) } : undefined;
  }

  async get(taskId: string, context: RpcContext): Promise<McpTask> {
    return this.taskOf(await this.execution(taskId, context));
  }

  /** The caller's own tasks (its background runs, wherever it started them), newest first. */
  async list(cursor: string | undefined, context: RpcContext): Promise<{ tasks: McpTask[]; nextCursor?: string }> {
    let window: PageWindow;
    try {
      window = pageWindow({ cursor, limit: LIST_PAGE_SIZE }, LIST_PAGE_SIZE);
    } catch {
      throw new RpcError(INVALID_PARAMS, 'Invalid params: unknown cursor', { code: 'VALIDATION_ERROR' });
    }
    const page = await this.executions.pageOfRuns({ userId: context.caller.id, async: true }, window);
    return { tasks: page.executions.map((execution) => this.taskOf(execution)), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  }

  /** Cancels a task that is still working, as `POST /tools/executions/{id}/cancel` does; an ended task is -32602, as MCP asks. */
  async cancel(taskId: string, context: RpcContext): Promise<McpTask> {
    try {
      return this.taskOf(await this.executor.cancel(context.caller, taskId, undefined, context.origin));
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 409) throw unknownTask(error, taskId);
      const { status } = this.taskOf(await this.execution(taskId, context));
      throw new RpcError(INVALID_PARAMS, `Cannot cancel task in terminal status: ${status}`, { code: 'CONFLICT' });
    }
  }

  /** Waits until the task is over, then answers what its tools/call would have. */
  async result(taskId: string, context: RpcContext, callResultOf: CallResultOf): Promise<Record<string, unknown>> {
    const deadline = Date.now() + this.config.tools.maxTimeoutMs + RESULT_WAIT_MARGIN_MS;
    const waiting = new AbortController();
    context.cancellation?.onCancel((reason) => waiting.abort(reason));
    for (;;) {
      const execution = await this.execution(taskId, context);
      if (execution.status === 'completed' || execution.status === 'failed') {
        const answer = isTruncated(execution.result) ? tooLargeToKeep(execution.result.bytes) : callResultOf(execution);
        return { ...answer, _meta: { ...((answer._meta as Record<string, unknown> | undefined) ?? {}), [RELATED_TASK]: { taskId } } };
      }
      if (Date.now() >= deadline) throw new RpcError(-32000, 'The task is still working: ask again later', { code: 'TIMEOUT' });
      await this.finishedOrAWhile(taskId, waiting.signal);
    }
  }

  /** Resolves when the run's event arrives, or after a short while anyway; rejects when the caller stops waiting. */
  private finishedOrAWhile(taskId: string, stopped: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const end = (settle: () => void): void => {
        clearTimeout(timer);
        unsubscribe();
        stopped.removeEventListener('abort', onAbort);
        settle();
      };
      const onAbort = (): void => end(() => reject(new RpcError(-32000, `Cancelled by the caller: ${String(stopped.reason).slice(0, 200)}`, { code: 'CANCELLED' })));
      const timer = setTimeout(() => end(resolve), RESULT_RECHECK_MS);
      const unsubscribe = this.events.on('tool.executed', (event) => {
        if (event.payload.executionId === taskId) end(resolve);
      });
      if (stopped.aborted) onAbort();
      else stopped.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The caller's own run (admins: anyone's); any other id is an unknown task. */
  private async execution(taskId: string, context: RpcContext): Promise<ToolExecution> {
    try {
      return await this.executions.get(context.caller, taskId);
    } catch (error) {
      throw unknownTask(error, taskId);
    }
  }
}

/** A task the caller may not see is one that does not exist; other errors are left as they are. */
function unknownTask(error: unknown, taskId: string): unknown {
  return error instanceof ApiError && (error.status === 404 || error.status === 400) ? new RpcError(INVALID_PARAMS, `Unknown task: ${taskId.slice(0, 64)}`, { code: 'NOT_FOUND' }) : error;
}

/** The run history keeps results up to 1 MiB; beyond, only a preview, which is not the tool's answer. */
function isTruncated(result: unknown): result is { truncated: true; bytes: number } {
  return typeof result === 'object' && result !== null && (result as { truncated?: unknown }).truncated === true && typeof (result as { bytes?: unknown }).bytes === 'number';
}

function tooLargeToKeep(bytes: number): Record<string, unknown> {
  return { isError: true, content: [{ type: 'text', text: `The result (${bytes} bytes) was larger than the 1 MiB a task keeps: call the tool without a task to receive it` }], _meta: { code: 'RESULT_TOO_LARGE' } };
}
