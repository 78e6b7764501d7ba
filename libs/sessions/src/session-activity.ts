import { EventBus } from '@app/events';
import { Injectable, Logger, type BeforeApplicationShutdown, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';

interface Counters {
  received: number;
  sent: number;
  toolExecutions: number;
  errors: number;
  lastActivity: number;
}

const FLUSH_INTERVAL_MS = 2_000;

/**
 * Session metrics counted by the doors, kept in memory and written in one batched UPDATE every
 * couple of seconds: no database write per request.
 */
@Injectable()
export class SessionActivity implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('SessionActivity');
  private pending = new Map<string, Counters>();
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventBus,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
    // Runs are counted where they ran; other instances count their own.
    this.unsubscribe = this.events.on('tool.executed', (event) => {
      if (event.origin === this.events.instanceId && event.payload.sessionId) this.record(event.payload.sessionId, { toolExecutions: 1, errors: event.payload.status === 'failed' ? 1 : 0 });
    });
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.unsubscribe?.();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  record(sessionId: string, delta: Partial<Omit<Counters, 'lastActivity'>>): void {
    const counters = this.pending.get(sessionId) ?? { received: 0, sent: 0, toolExecutions: 0, errors: 0, lastActivity: 0 };
    counters.received += delta.received ?? 0;
    counters.sent += delta.sent ?? 0;
    counters.toolExecutions += delta.toolExecutions ?? 0;
    counters.errors += delta.errors ?? 0;
    counters.lastActivity = Date.now();
    this.pending.set(sessionId, counters);
  }

  /** One request in, one answer out (an HTTP exchange or a JSON-RPC call). */
  exchange(sessionId: string, failed: boolean): void {
    this.record(sessionId, { received: 1, sent: 1, errors: failed ? 1 : 0 });
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const ids = [...batch.keys()];
    const rows = ids.map((id) => batch.get(id) as Counters);
    try {
      await this.dataSource.query(
        `UPDATE sessions AS s SET
           messages_received = s.messages_received + d.received,
           messages_sent = s.messages_sent + d.sent,
           tool_executions = s.tool_executions + d.tools,
           errors = s.errors + d.errors,
           last_activity = GREATEST(s.last_activity, d.at)
         FROM (SELECT unnest($1::uuid[]) AS id, unnest($2::int[]) AS received, unnest($3::int[]) AS sent,
                      unnest($4::int[]) AS tools, unnest($5::int[]) AS errors, unnest($6::timestamptz[]) AS at) AS d
         WHERE s.id = d.id`,
        [ids, rows.map((r) => r.received), rows.map((r) => r.sent), rows.map((r) => r.toolExecutions), rows.map((r) => r.errors), rows.map((r) => new Date(r.lastActivity))],
      );
    } catch (error) {
      // Counts are kept for the next flush rather than lost while the database is away.
      for (const [id, counters] of batch) {
        const current = this.pending.get(id);
        if (!current) this.pending.set(id, counters);
        else Object.assign(current, { received: current.received + counters.received, sent: current.sent + counters.sent, toolExecutions: current.toolExecutions + counters.toolExecutions, errors: current.errors + counters.errors });
      }
      this.logger.warn(`session activity not written yet: ${(error as Error).message}`);
    }
  }
}
