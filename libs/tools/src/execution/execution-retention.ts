import { AppConfig } from '@app/config';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { deleteCounted } from './execution-totals';

const PRUNE_INTERVAL_MS = 3600_000;
const PRUNE_BATCH = 5000;
const PRUNE_RUNS = deleteCounted(`tool_id = $1 AND created_at < now() - make_interval(days => $2) AND status IN ('completed', 'failed')`, PRUNE_BATCH);

/**
 * Finished runs older than TOOL_EXECUTION_RETENTION_DAYS are deleted hourly, with their counts, so
 * statistics and history totals keep describing the history that is kept. A run's parameters and
 * result may hold what its caller should not keep forever; pending and running runs stay.
 */
@Injectable()
export class ExecutionRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ExecutionRetention');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.tools.executionRetentionDays === 0) return;
    this.timer = setInterval(() => void this.prune(), PRUNE_INTERVAL_MS);
    this.timer.unref();
    void this.prune();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Deletes them tool by tool, through the (tool_id, created_at) index, in batches; answers how many. */
  async prune(): Promise<number> {
    const days = this.config.tools.executionRetentionDays;
    if (days === 0) return 0;
    let pruned = 0;
    try {
      const tools = (await this.dataSource.query('SELECT DISTINCT tool_id FROM tool_execution_totals')) as Array<{ tool_id: string }>;
      for (const { tool_id: toolId } of tools) {
        for (;;) {
          const [{ n }] = (await this.dataSource.query(PRUNE_RUNS, [toolId, days])) as Array<{ n: number }>;
          pruned += n;
          if (n < PRUNE_BATCH) break;
        }
      }
    } catch (error) {
      this.logger.warn(`run retention not applied: ${(error as Error).message}`);
    }
    return pruned;
  }
}
