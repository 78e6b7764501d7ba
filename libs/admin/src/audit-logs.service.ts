import { AuditLogEntity, AuditWriter } from '@app/audit';
import { ApiError, type RequestOrigin } from '@app/common';
import type { AuditLog, AuditLogList, ExportAuditLogsQueryDto, ListAuditLogsQueryDto } from '@app/contracts';
import { Injectable, Logger } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { cappedListPage, pageWindow } from '@app/database';
import { DataSource, type Repository, type SelectQueryBuilder } from 'typeorm';
import { csvRow } from './csv';

const DEFAULT_PAGE_SIZE = 100;
const EXPORT_BATCH = 1000;
const CSV_COLUMNS = ['id', 'timestamp', 'userId', 'action', 'resource', 'result', 'severity', 'ipAddress', 'userAgent', 'sessionId', 'requestId', 'apiKeyId', 'details'];

type Filters = Pick<ListAuditLogsQueryDto, 'startDate' | 'endDate' | 'userId' | 'action' | 'severity' | 'apiKeyId' | 'resource'>;

/** A LIKE pattern matching what starts with `prefix`, its own wildcards taken literally. */
const startingWith = (prefix: string): string => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Resolves on 'drain' or 'close', whichever comes first, leaving no listener behind. */
function drainedOrClosed(out: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}

export function auditLogView(row: AuditLogEntity): AuditLog {
  return {
    id: row.id,
    timestamp: row.timestamp.toISOString(),
    userId: row.userId,
    action: row.action,
    resource: row.resource,
    details: row.details,
    result: row.result,
    ipAddress: row.ipAddress,
    userAgent: row.userAgent,
    severity: row.severity,
    metadata: { sessionId: row.sessionId, requestId: row.requestId, apiKeyId: row.apiKeyId },
  };
}

/** Reads the audit log: filtered pages and streamed exports. */
@Injectable()
export class AuditLogsService {
  private readonly logger = new Logger('AuditLogs');
  private readonly logs: Repository<AuditLogEntity>;

  constructor(
    dataSource: DataSource,
    private readonly audit: AuditWriter,
  ) {
    this.logs = dataSource.getRepository(AuditLogEntity);
  }

  async list(query: ListAuditLogsQueryDto): Promise<AuditLogList> {
    const window = pageWindow(query, DEFAULT_PAGE_SIZE);
    const { rows, pagination } = await cappedListPage(() => this.filtered(query), 'log', 'timestamp', window);
    return { logs: rows.map(auditLogView), pagination };
  }

  /** Validates the filters and records the export, before the answer starts streaming. */
  async startExport(query: ExportAuditLogsQueryDto, actor: string, origin: RequestOrigin): Promise<void> {
    this.checkFilters(query);
    await this.audit.record({ action: 'audit.export', result: 'success', userId: actor, details: { format: query.format ?? 'csv', filters: { ...query } }, origin });
  }

  /**
   * Streams every matching entry, newest first, in keyset pages: memory stays flat whatever the
   * size, and a slow client slows the reading (backpressure) instead of filling the heap. A failure
   * once the headers are out can only cut the stream short, so the socket is closed.
   */
  async export(query: ExportAuditLogsQueryDto, out: ServerResponse): Promise<void> {
    try {
      await this.streamTo(query, out);
    } catch (error) {
      this.logger.warn(`audit export cut short: ${(error as Error).message}`);
      out.destroy();
    }
  }

  private async streamTo(query: ExportAuditLogsQueryDto, out: ServerResponse): Promise<void> {
    const format = query.format ?? 'csv';
    const write = async (chunk: string): Promise<void> => {
      if (out.destroyed) return;
      if (!out.write(chunk)) await drainedOrClosed(out);
    };
    out.writeHead(200, {
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="audit-logs-${new Date().toISOString().slice(0, 10)}.${format}"`,
      'cache-control': 'no-store',
    });
    await write(format === 'csv' ? csvRow(CSV_COLUMNS) : '[');
    let after: string | undefined;
    let first = true;
    for (;;) {
      const builder = this.filtered(query).orderBy('log.timestamp', 'DESC').addOrderBy('log.id', 'DESC').take(EXPORT_BATCH);
      // The cursor is read back from the row itself: a JS Date would drop the microseconds.
      if (after) builder.andWhere('(log.timestamp, log.id) < (SELECT c.timestamp, c.id FROM audit_logs c WHERE c.id = :after)', { after });
      const rows = await builder.getMany();
      for (const row of rows) {
        if (format === 'csv') {
          const view = auditLogView(row);
          await write(csvRow([view.id, view.timestamp, view.userId, view.action, view.resource, view.result, view.severity, view.ipAddress, view.userAgent, view.metadata.sessionId, view.metadata.requestId, view.metadata.apiKeyId, view.details]));
        } else {
          await write(`${first ? '\n' : ',\n'}${JSON.stringify(auditLogView(row))}`);
          first = false;
        }
      }
      if (rows.length < EXPORT_BATCH || out.destroyed) break;
      after = rows[rows.length - 1].id;
    }
    if (format === 'json') await write('\n]\n');
    out.end();
  }

  checkFilters(filters: Filters): void {
    if (filters.startDate && filters.endDate && Date.parse(filters.startDate) > Date.parse(filters.endDate)) {
      throw ApiError.validation('startDate is after endDate', [{ field: 'startDate', message: 'must not be after endDate', code: 'INVALID_VALUE' }]);
    }
  }

  private filtered(filters: Filters): SelectQueryBuilder<AuditLogEntity> {
    this.checkFilters(filters);
    const builder = this.logs.createQueryBuilder('log');
    if (filters.startDate) builder.andWhere('log.timestamp >= :start', { start: new Date(filters.startDate) });
    if (filters.endDate) builder.andWhere('log.timestamp <= :end', { end: new Date(filters.endDate) });
    if (filters.userId) builder.andWhere('log.userId = :userId', { userId: filters.userId });
    if (filters.apiKeyId) builder.andWhere('log.apiKeyId = :apiKeyId', { apiKeyId: filters.apiKeyId });
    if (filters.severity) builder.andWhere('log.severity = :severity', { severity: filters.severity });
    // Prefix matches the pattern indexes can serve; the caller's wildcards are taken literally.
    if (filters.action) builder.andWhere('log.action LIKE :action', { action: startingWith(filters.action) });
    // Tool runs are left out, as the index leaves them (the run history finds them).
    if (filters.resource) builder.andWhere("log.resource LIKE :resource AND log.action <> 'tool.execute'", { resource: startingWith(filters.resource) });
    return builder;
  }
}
