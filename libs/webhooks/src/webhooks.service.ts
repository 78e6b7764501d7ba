import { AuditWriter } from '@app/audit';
import { ApiError, type RequestOrigin } from '@app/common';
import { AppConfig } from '@app/config';
import type { CreatedWebhook, CreateWebhookRequestDto, ListWebhookDeliveriesQueryDto, UpdateWebhookRequestDto, Webhook, WebhookDelivery, WebhookDeliveryList } from '@app/contracts';
import { EventBus } from '@app/events';
import { SecretBox, SsrfGuard } from '@app/security';
import { Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { cappedListPage, pageWindow } from '@app/database';
import { DataSource, type Repository, type SelectQueryBuilder } from 'typeorm';
import { TEST_EVENT, WebhookDispatcher } from './webhook-dispatcher';
import { WebhookOutbox } from './webhook-outbox';
import { WebhookDeliveryEntity, WebhookEntity } from './webhook.entity';

const DEFAULT_PAGE_SIZE = 20;

export function webhookView(hook: WebhookEntity): Webhook {
  const successful = Number(hook.deliveredCount ?? 0);
  const failed = Number(hook.failedCount ?? 0);
  return {
    id: hook.id,
    url: hook.url,
    events: hook.events as Webhook['events'],
    active: hook.active,
    description: hook.description,
    createdAt: hook.createdAt.toISOString(),
    updatedAt: hook.updatedAt.toISOString(),
    lastDeliveryAt: hook.lastDeliveryAt?.toISOString() ?? null,
    lastFailureAt: hook.lastFailureAt?.toISOString() ?? null,
    deliveryStats: { total: successful + failed, successful, failed },
  };
}

export function deliveryView(delivery: WebhookDeliveryEntity): WebhookDelivery {
  return {
    id: delivery.id,
    webhookId: delivery.webhookId,
    event: delivery.event,
    eventId: delivery.eventId,
    status: delivery.status,
    attempts: delivery.attempts,
    lastStatusCode: delivery.lastStatusCode,
    lastDurationMs: delivery.lastDurationMs,
    lastError: delivery.lastError,
    responseSnippet: delivery.responseSnippet,
    createdAt: delivery.createdAt.toISOString(),
    deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
    nextAttemptAt: delivery.status === 'pending' ? delivery.nextAttemptAt.toISOString() : null,
  };
}

/** Webhook subscriptions (admins): CRUD, a test send, and the delivery log. */
@Injectable()
export class WebhooksService {
  private readonly webhooks: Repository<WebhookEntity>;
  private readonly deliveries: Repository<WebhookDeliveryEntity>;
  private readonly guard: SsrfGuard;

  constructor(
    dataSource: DataSource,
    private readonly secrets: SecretBox,
    private readonly dispatcher: WebhookDispatcher,
    private readonly outbox: WebhookOutbox,
    private readonly audit: AuditWriter,
    private readonly events: EventBus,
    config: AppConfig,
  ) {
    this.webhooks = dataSource.getRepository(WebhookEntity);
    this.deliveries = dataSource.getRepository(WebhookDeliveryEntity);
    this.guard = new SsrfGuard(config.webhooks.allowList);
  }

  async list(): Promise<Webhook[]> {
    return (await this.webhooks.find({ order: { createdAt: 'DESC' } })).map(webhookView);
  }

  async get(id: string): Promise<Webhook> {
    return webhookView(await this.find(id));
  }

  /** The secret is generated when omitted and shown in this answer only. */
  async create(actor: string, input: CreateWebhookRequestDto, origin: RequestOrigin): Promise<CreatedWebhook> {
    await this.checkTarget(input.url);
    const secret = input.secret ?? `whsec_${randomBytes(32).toString('base64url')}`;
    const hook = await this.webhooks.save(
      this.webhooks.create({ url: input.url, events: [...new Set(input.events)], secret: this.secrets.encrypt(secret), active: input.active ?? true, description: input.description ?? null, createdBy: actor }),
    );
    await this.audit.record({ action: 'webhook.create', result: 'success', userId: actor, resource: `webhook:${hook.id}`, details: { url: hook.url, events: hook.events }, origin });
    await this.routesChanged(hook.id);
    return { ...webhookView(hook), secret };
  }

  async update(actor: string, id: string, input: UpdateWebhookRequestDto, origin: RequestOrigin): Promise<Webhook> {
    const hook = await this.find(id);
    await this.checkTarget(input.url);
    hook.url = input.url;
    hook.events = [...new Set(input.events)];
    if (input.active !== undefined) hook.active = input.active;
    if (input.description !== undefined) hook.description = input.description;
    if (input.secret !== undefined) hook.secret = this.secrets.encrypt(input.secret);
    const saved = await this.webhooks.save(hook);
    await this.audit.record({ action: 'webhook.update', result: 'success', userId: actor, resource: `webhook:${id}`, details: { url: saved.url, events: saved.events, active: saved.active, secretRotated: input.secret !== undefined }, origin });
    await this.routesChanged(id);
    return webhookView(saved);
  }

  async remove(actor: string, id: string, origin: RequestOrigin): Promise<void> {
    const hook = await this.find(id);
    await this.webhooks.delete({ id });
    await this.audit.record({ action: 'webhook.delete', result: 'success', userId: actor, resource: `webhook:${id}`, details: { url: hook.url }, origin });
    await this.routesChanged(id);
  }

  /** Sends a `webhook.test` event now and answers how the delivery went. */
  async test(actor: string, id: string, origin: RequestOrigin): Promise<WebhookDelivery> {
    const hook = await this.find(id);
    const delivery = await this.deliveries.save(
      this.deliveries.create({
        webhookId: hook.id,
        event: TEST_EVENT,
        eventId: randomUUID(),
        payload: { event: TEST_EVENT, timestamp: new Date().toISOString(), data: { webhookId: hook.id, message: 'This is a test delivery from Secure MCP Server' } },
        status: 'delivering',
        attempts: 1,
      }),
    );
    const result = await this.dispatcher.deliver(delivery, hook);
    await this.audit.record({ action: 'webhook.test', result: result.status === 'delivered' ? 'success' : 'failure', userId: actor, resource: `webhook:${id}`, details: { deliveryId: delivery.id, statusCode: result.lastStatusCode }, origin });
    return deliveryView(result);
  }

  async listDeliveries(id: string, query: ListWebhookDeliveriesQueryDto): Promise<WebhookDeliveryList> {
    await this.find(id);
    const window = pageWindow(query, DEFAULT_PAGE_SIZE);
    const filtered = (): SelectQueryBuilder<WebhookDeliveryEntity> => {
      const builder = this.deliveries.createQueryBuilder('d').where('d.webhookId = :id', { id });
      if (query.status) builder.andWhere('d.status = :status', { status: query.status });
      return builder;
    };
    const { rows, pagination } = await cappedListPage(filtered, 'd', 'created_at', window);
    return { deliveries: rows.map(deliveryView), pagination };
  }

  // This instance routes by the new configuration before the change is answered; the others as
  // soon as the event reaches them.
  private async routesChanged(webhookId: string): Promise<void> {
    await this.outbox.reload();
    await this.events.publishAndWait('webhook.changed', { webhookId });
  }

  private async find(id: string): Promise<WebhookEntity> {
    const hook = await this.webhooks.findOne({ where: { id } });
    if (!hook) throw ApiError.notFound('Webhook');
    return hook;
  }

  // The same guard as http_request: a webhook must not be a way into this host's network.
  private async checkTarget(url: string): Promise<void> {
    try {
      await this.guard.check(url);
    } catch (error) {
      const message = error instanceof ApiError ? error.message : 'url is not reachable';
      throw ApiError.validation(message, [{ field: 'url', message, code: 'NOT_ALLOWED' }]);
    }
  }
}
