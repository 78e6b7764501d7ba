import { AppConfig } from '@app/config';
import { deletedCount, HourlyRetention, PRUNE_BATCH, pruneInBatches } from '@app/database';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Audit entries older than AUDIT_RETENTION_DAYS are deleted hourly, through the timestamp index. */
@Injectable()
export class AuditRetention extends HourlyRetention {
  constructor(
    private readonly dataSource: DataSource,
    config: AppConfig,
  ) {
    super(new Logger('AuditLogs'), config.auditRetentionDays);
  }

  protected pruneOlderThan(days: number): Promise<number> {
    return pruneInBatches(async () =>
      deletedCount(await this.dataSource.query(`DELETE FROM audit_logs WHERE id IN (SELECT id FROM audit_logs WHERE timestamp < now() - make_interval(days => $1) LIMIT ${PRUNE_BATCH})`, [days])),
    );
  }
}
