import { AppConfig } from '@app/config';
import { HourlyRetention, PRUNE_BATCH, pruneEachInBatches } from '@app/database';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { deleteCounted } from './execution-totals';

const PRUNE_RUNS = deleteCounted(`tool_id = $1 AND created_at < now() - make_interval(days => $2) AND status IN ('completed', 'failed')`, PRUNE_BATCH);

/**
 * Finished runs older than TOOL_EXECUTION_RETENTION_DAYS are deleted hourly, with their counts, so
 * statistics and history totals keep describing the history that is kept. A run's parameters and
 * result may hold what its caller should not keep forever; pending and running runs stay.
 */
@Injectable()
export class ExecutionRetention extends HourlyRetention {
  constructor(
    private readonly dataSource: DataSource,
    config: AppConfig,
  ) {
    super(new Logger('ExecutionRetention'), config.tools.executionRetentionDays);
  }

  /** Tool by tool, through the (tool_id, created_at) index. */
  protected async pruneOlderThan(days: number): Promise<number> {
    const tools = (await this.dataSource.query('SELECT DISTINCT tool_id FROM tool_execution_totals')) as Array<{ tool_id: string }>;
    return pruneEachInBatches(tools, async ({ tool_id: toolId }) => ((await this.dataSource.query(PRUNE_RUNS, [toolId, days])) as Array<{ n: number }>)[0].n);
  }
}
