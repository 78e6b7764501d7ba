import { type RequestOrigin, redactSecrets } from '@app/common';
import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
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

interface Pending {
  readonly row: Partial<AuditLogEntity>;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

const MAX_BATCH = 500;
const MAX_DETAILS_BYTES = 16 * 1024;
const RETRY_DELAYS_MS = [50, 250];

function boundedDetails(details: Record<string, unknown> | undefined): Record<string, unknown> {
  const redacted = redactSecrets(details ?? {});
  const json = JSON.stringify(redacted);
  return json.length <= MAX_DETAILS_BYTES ? redacted : { truncated: true, preview: json.slice(0, 1024) };
}

/**
 * The audit writer every lib calls. Entries are written with group commit: whatever arrives while
 * one INSERT is in flight goes into the next one, and `record` resolves only once the entry's batch
 * is committed, so an action acknowledged to a caller is never missing from the log.
 */
@Injectable()
export class AuditWriter implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private queue: Pending[] = [];
  private draining: Promise<void> | null = null;

  constructor(private readonly dataSource: DataSource) {}

  record(entry: AuditEntry): Promise<void> {
    const row: Partial<AuditLogEntity> = {
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
    };
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      // Entries recorded in the same tick join one batch.
      if (!this.draining) this.draining = Promise.resolve().then(() => this.drain());
    });
  }

  /** Resolves when everything recorded so far is committed (or has failed). */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          await this.insertWithRetry(batch.map((pending) => pending.row));
          for (const pending of batch) pending.resolve();
        } catch (error) {
          this.logger.error({ err: error, entries: batch.length }, 'audit batch could not be written');
          for (const pending of batch) pending.reject(error);
        }
      }
    } finally {
      this.draining = null;
    }
  }

  private async insertWithRetry(rows: Partial<AuditLogEntity>[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.dataSource.createQueryBuilder().insert().into(AuditLogEntity).values(rows as QueryDeepPartialEntity<AuditLogEntity>[]).execute();
        return;
      } catch (error) {
        if (attempt >= RETRY_DELAYS_MS.length) throw error;
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]));
      }
    }
  }
}
