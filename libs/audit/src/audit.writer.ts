import { type RequestOrigin, redactSecrets, storableJson } from '@app/common';
import { GroupCommitWriter, insertRows } from '@app/database';
import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLogEntity, type AuditResult, type AuditSeverity } from './audit-log.entity';

export interface AuditEntry {
  readonly action: string;
  readonly result: AuditResult;
  readonly severity?: AuditSeverity;
  readonly userId?: string | null;
  readonly resource?: string | null;
  readonly details?: Record<string, unknown>;
  readonly sessionId?: string | null;
  readonly origin?: RequestOrigin;
}

const MAX_DETAILS_BYTES = 16 * 1024;

function boundedDetails(details: Record<string, unknown> | undefined): Record<string, unknown> {
  const redacted = storableJson(redactSecrets(details ?? {}));
  const json = JSON.stringify(redacted);
  return json.length <= MAX_DETAILS_BYTES ? redacted : { truncated: true, preview: json.slice(0, 1024) };
}

/**
 * The audit writer every lib calls. Entries are written with group commit, and `record` resolves
 * only once the entry's batch is committed, so an action acknowledged to a caller is never missing
 * from the log.
 */
@Injectable()
export class AuditWriter implements BeforeApplicationShutdown {
  private readonly writer: GroupCommitWriter<Omit<AuditLogEntity, 'id'>>;

  constructor(dataSource: DataSource) {
    this.writer = new GroupCommitWriter('Audit', (rows) =>
      insertRows(
        dataSource,
        'audit_logs',
        ['timestamp', 'user_id', 'action', 'resource', 'details', 'result', 'ip_address', 'user_agent', 'severity', 'session_id', 'request_id'],
        rows.map((row) => [row.timestamp, row.userId, row.action, row.resource, row.details, row.result, row.ipAddress, row.userAgent, row.severity, row.sessionId, row.requestId]),
      ),
    );
  }

  record(entry: AuditEntry): Promise<void> {
    return this.writer.write({
      action: entry.action,
      result: entry.result,
      severity: entry.severity ?? (entry.result === 'success' ? 'info' : 'warning'),
      userId: entry.userId ?? null,
      resource: entry.resource ?? null,
      details: boundedDetails(entry.details),
      sessionId: entry.sessionId ?? null,
      ipAddress: entry.origin?.ipAddress ?? null,
      userAgent: entry.origin?.userAgent ?? null,
      requestId: entry.origin?.requestId ?? null,
      timestamp: new Date(),
    });
  }

  /** Resolves when everything recorded so far is committed (or has failed). */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}
