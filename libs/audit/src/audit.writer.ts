import { type RequestOrigin, redactSecrets, timeOrderedUuid } from '@app/common';
import { AppendLog, JsonText } from '@app/database';
import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { AuditResult, AuditSeverity } from './audit-log.entity';

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
const AUDIT_TABLE = 'audit_logs';
// The id is ours, not the database's default: a journal replay then skips an entry already stored.
const AUDIT_COLUMNS = ['id', 'timestamp', 'user_id', 'action', 'resource', 'details', 'result', 'ip_address', 'user_agent', 'severity', 'session_id', 'request_id', 'api_key_id'];

/** The details as JSON (measured, so written as they are); U+0000 is made storable by the append log, for the whole row at once. */
function boundedDetails(details: Record<string, unknown> | undefined): JsonText | Record<string, unknown> {
  const json = JSON.stringify(redactSecrets(details ?? {}));
  return json.length <= MAX_DETAILS_BYTES ? new JsonText(json) : { truncated: true, preview: json.slice(0, 1024) };
}

/**
 * The audit writer every lib calls. Entries are written with group commit, and `record` resolves
 * only once the entry's batch is committed, so an action acknowledged to a caller is never missing
 * from the log.
 */
@Injectable()
export class AuditWriter implements BeforeApplicationShutdown {
  constructor(private readonly log: AppendLog) {}

  record(entry: AuditEntry): Promise<void> {
    return this.log.append(AUDIT_TABLE, AUDIT_COLUMNS, [
      timeOrderedUuid(),
      new Date(),
      entry.userId ?? null,
      entry.action,
      entry.resource ?? null,
      boundedDetails(entry.details),
      entry.result,
      entry.origin?.ipAddress ?? null,
      entry.origin?.userAgent ?? null,
      entry.severity ?? (entry.result === 'success' ? 'info' : 'warning'),
      entry.sessionId ?? null,
      entry.origin?.requestId ?? null,
      entry.origin?.apiKeyId ?? null,
    ]);
  }

  /** Resolves when everything recorded so far is committed (or has failed). */
  flush(): Promise<void> {
    return this.log.flush();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}
