import { sqlState, timeOrderedUuid } from '@app/common';
import { AppendLog } from '@app/database';
import { type EventEnvelope, EventBus } from '@app/events';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookEntity } from './webhook.entity';

declare module '@app/events' {
  interface EventMap {
    /** Webhook configuration changed: every instance reloads its routing table. */
    'webhook.changed': { webhookId: string };
  }
}

export const WEBHOOK_EVENTS = ['tool.executed', 'context.created', 'context.updated', 'context.deleted', 'session.terminated', 'user.created', 'user.security', 'error', 'upstream.tools.changed', 'upstream.credentials.found', 'server.connected', 'server.disconnected', 'server.error', 'circuit.opened', 'circuit.closed'] as const;
const REFRESH_MS = 30_000;
const FOREIGN_KEY_VIOLATION = '23503';
const COLUMNS = ['id', 'webhook_id', 'event', 'event_id', 'payload', 'status', 'attempts', 'next_attempt_at'];

/**
 * The outbox: for every durable event, one delivery row per subscribed webhook, appended in the same
 * commit as the audit entry of the action, before the action is acknowledged.
 */
@Injectable()
export class WebhookOutbox implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('WebhookOutbox');
  private routes: Array<{ id: string; events: Set<string> }> = [];
  private timer?: NodeJS.Timeout;
  private readonly off: Array<() => void> = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly log: AppendLog,
    private readonly events: EventBus,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  // At init, not bootstrap: events of other modules' bootstrap (an upstream that cannot be reached) must find the routes.
  async onModuleInit(): Promise<void> {
    this.off.push(this.events.onDurable((envelope) => this.enqueue(envelope)));
    this.off.push(this.events.on('webhook.changed', () => void this.reload()));
    this.timer = setInterval(() => void this.reload(), REFRESH_MS);
    this.timer.unref();
    await this.reload();
  }

  // Not before: requests still in flight while the app stops must get their outbox rows.
  onApplicationShutdown(): void {
    clearInterval(this.timer);
    for (const off of this.off) off();
  }

  async reload(): Promise<void> {
    try {
      const active = await this.dataSource.getRepository(WebhookEntity).find({ select: { id: true, events: true }, where: { active: true } });
      this.routes = active.map((hook) => ({ id: hook.id, events: new Set(hook.events) }));
    } catch (error) {
      this.logger.warn(`webhook routes not reloaded: ${(error as Error).message}`);
    }
  }

  /** Nothing (not a promise) when no webhook takes the event: the publisher then has nothing to wait for. */
  private enqueue(envelope: EventEnvelope): Promise<void> | undefined {
    if (this.routes.length === 0 || !(WEBHOOK_EVENTS as readonly string[]).includes(envelope.name)) return undefined;
    const targets = this.routes.filter((route) => route.events.has(envelope.name) || route.events.has('*'));
    if (targets.length === 0) return undefined;
    const payload = { event: envelope.name, timestamp: envelope.timestamp, data: envelope.payload };
    const now = new Date();
    return Promise.all(targets.map((target) => this.append(target.id, envelope, payload, now))).then(() => this.dispatcher.nudge());
  }

  // A webhook deleted a moment ago (the routes lag by one event) is not a reason to fail the action.
  private async append(webhookId: string, envelope: EventEnvelope, payload: object, now: Date): Promise<void> {
    try {
      await this.log.append('webhook_deliveries', COLUMNS, [timeOrderedUuid(), webhookId, envelope.name, envelope.id, payload, 'pending', 0, now]);
    } catch (error) {
      if (sqlState(error) !== FOREIGN_KEY_VIOLATION) throw error;
      this.logger.debug(`no delivery of ${envelope.name} to deleted webhook ${webhookId}`);
    }
  }
}
