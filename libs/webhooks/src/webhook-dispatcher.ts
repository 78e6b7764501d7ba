import { AppConfig } from '@app/config';
import { SecretBox, SsrfGuard } from '@app/security';
import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { signedDelivery } from './webhook-signature';
import { type DeliveryAttempt, postPinned } from './webhook-transport';
import { WebhookDeliveryEntity, WebhookEntity } from './webhook.entity';

const CLAIM_BATCH = 20;
export const TEST_EVENT = 'webhook.test';
const MAX_BACKOFF_MS = 24 * 3600 * 1000;

/** Exponential back-off with jitter (0.5x to 1.5x), capped at a day. */
export function backoffMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.min(MAX_BACKOFF_MS, Math.round(exponential * (0.5 + random())));
}

/**
 * Delivers the outbox. Due rows are claimed with FOR UPDATE SKIP LOCKED under a lease, so several
 * instances share the work without delivering a row twice, and a crashed instance's claim expires.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private readonly deliveries: Repository<WebhookDeliveryEntity>;
  private readonly webhooks: Repository<WebhookEntity>;
  private readonly guard: SsrfGuard;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopping = false;

  constructor(
    dataSource: DataSource,
    private readonly secrets: SecretBox,
    private readonly config: AppConfig,
  ) {
    this.deliveries = dataSource.getRepository(WebhookDeliveryEntity);
    this.webhooks = dataSource.getRepository(WebhookEntity);
    this.guard = new SsrfGuard(config.webhooks.allowList);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.nudge(), this.config.webhooks.pollMs);
    this.timer.unref();
    this.nudge();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Runs a delivery pass now (new outbox rows, or the poll timer). */
  nudge(): void {
    if (this.stopping) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((error: Error) => this.logger.warn(`delivery pass failed: ${error.message}`))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.nudge();
        }
      });
  }

  /** Sends one delivery now and records the outcome (also the admin's test send). */
  async deliver(delivery: WebhookDeliveryEntity, webhook: WebhookEntity | null): Promise<WebhookDeliveryEntity> {
    const attempt = await this.attempt(delivery, webhook);
    const delivered = attempt.statusCode !== null && attempt.statusCode >= 200 && attempt.statusCode < 300;
    // A test send is one attempt; a refused target or a gone webhook will not get better.
    const exhausted = delivery.event === TEST_EVENT || delivery.attempts >= this.config.webhooks.maxAttempts || attempt.error?.startsWith('refused:') === true || !webhook?.active;
    const update: Partial<WebhookDeliveryEntity> = {
      status: delivered ? 'delivered' : exhausted ? 'failed' : 'pending',
      lastStatusCode: attempt.statusCode,
      lastDurationMs: attempt.durationMs,
      lastError: attempt.error ?? (delivered ? null : `HTTP ${attempt.statusCode}`),
      responseSnippet: attempt.snippet,
      lockedUntil: null,
      deliveredAt: delivered ? new Date() : null,
      nextAttemptAt: delivered || exhausted ? delivery.nextAttemptAt : new Date(Date.now() + backoffMs(delivery.attempts, this.config.webhooks.retryBaseMs)),
    };
    await this.deliveries.update({ id: delivery.id }, update as QueryDeepPartialEntity<WebhookDeliveryEntity>);
    return { ...delivery, ...update } as WebhookDeliveryEntity;
  }

  private async pass(): Promise<void> {
    for (;;) {
      const claimed = await this.claim();
      if (claimed.length === 0 || this.stopping) return;
      const hooks = await this.webhooks.findBy(claimed.map((delivery) => ({ id: delivery.webhookId })));
      const byId = new Map(hooks.map((hook) => [hook.id, hook]));
      await Promise.all(claimed.map((delivery) => this.deliver(delivery, byId.get(delivery.webhookId) ?? null)));
      if (claimed.length < CLAIM_BATCH) return;
    }
  }

  private async claim(): Promise<WebhookDeliveryEntity[]> {
    const result = await this.deliveries
      .createQueryBuilder()
      .update()
      .set({ status: 'delivering', attempts: () => 'attempts + 1', lockedUntil: () => `now() + make_interval(secs => ${this.leaseSeconds()})` })
      .where(
        `id IN (SELECT id FROM webhook_deliveries
                 WHERE (status = 'pending' AND next_attempt_at <= now()) OR (status = 'delivering' AND locked_until < now())
                 ORDER BY next_attempt_at LIMIT ${CLAIM_BATCH} FOR UPDATE SKIP LOCKED)`,
      )
      .returning('id')
      .execute();
    const ids = (result.raw as Array<{ id: string }>).map((row) => row.id);
    return ids.length === 0 ? [] : this.deliveries.findBy(ids.map((id) => ({ id })));
  }

  // Longer than any attempt can take, so a live claim never expires; a crashed one soon does.
  private leaseSeconds(): number {
    return Math.ceil((2 * this.config.webhooks.timeoutMs) / 1000) + 5;
  }

  private async attempt(delivery: WebhookDeliveryEntity, webhook: WebhookEntity | null): Promise<DeliveryAttempt> {
    if (!webhook) return { statusCode: null, durationMs: 0, snippet: null, error: 'refused: the webhook was deleted' };
    if (!webhook.active) return { statusCode: null, durationMs: 0, snippet: null, error: 'refused: the webhook is inactive' };
    let destination;
    try {
      destination = await this.guard.check(webhook.url);
    } catch (error) {
      return { statusCode: null, durationMs: 0, snippet: null, error: `refused: ${(error as Error).message}` };
    }
    const { body, headers } = signedDelivery(this.secrets.decrypt(webhook.secret), delivery.id, delivery.payload);
    return postPinned(destination, body, headers, this.config.webhooks.timeoutMs);
  }
}
