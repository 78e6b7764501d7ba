import { AppConfig } from '@app/config';
import { MetricsService } from '@app/health';
import { SecretBox, SsrfGuard } from '@app/security';
import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { signedDelivery } from './webhook-signature';
import { AttemptDeadline, type DeliveryAttempt, postPinned } from './webhook-transport';
import { WebhookDeliveryEntity, WebhookEntity } from './webhook.entity';

const CLAIM_BATCH = 20;
// Deliveries one instance has on the wire at once; a slow receiver occupies one slot, not the worker.
const MAX_IN_FLIGHT = 100;
// Retries of a failed outcome write: 3.75 s in all, well inside what is left of the lease.
const RECORD_RETRY_DELAYS_MS = [250, 500, 1000, 2000];
const UNSTORABLE_ANSWER = 'the outcome was recorded without the receiver\'s answer, which could not be stored';
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
 * A pass claims and starts deliveries without waiting for them, so a slow receiver holds up nobody.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private readonly deliveries: Repository<WebhookDeliveryEntity>;
  private readonly webhooks: Repository<WebhookEntity>;
  private readonly guard: SsrfGuard;
  private readonly inFlight = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private saturated = false;
  private stopping = false;

  constructor(
    dataSource: DataSource,
    private readonly secrets: SecretBox,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
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

  /** Claims nothing more, and lets every delivery on the wire finish and be recorded. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.running;
    await Promise.all([...this.inFlight]);
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
    const outcome = this.outcome(delivery, webhook, attempt);
    this.metrics.webhookDeliveries.labels(outcome.status === 'pending' ? 'retrying' : (outcome.status ?? 'failed')).inc();
    const recorded = await this.record(delivery, outcome);
    return { ...delivery, ...recorded } as WebhookDeliveryEntity;
  }

  private outcome(delivery: WebhookDeliveryEntity, webhook: WebhookEntity | null, attempt: DeliveryAttempt): Partial<WebhookDeliveryEntity> {
    // A 2xx whose body did not arrive in time is a timeout, not a delivery.
    const delivered = attempt.error === null && attempt.statusCode !== null && attempt.statusCode >= 200 && attempt.statusCode < 300;
    // A test send is one attempt; a refused target or a gone webhook will not get better.
    const exhausted = delivery.event === TEST_EVENT || delivery.attempts >= this.config.webhooks.maxAttempts || attempt.error?.startsWith('refused:') === true || !webhook?.active;
    return {
      status: delivered ? 'delivered' : exhausted ? 'failed' : 'pending',
      lastStatusCode: attempt.statusCode,
      lastDurationMs: attempt.durationMs,
      lastError: attempt.error ?? (delivered ? null : `HTTP ${attempt.statusCode}`),
      responseSnippet: attempt.snippet,
      lockedUntil: null,
      deliveredAt: delivered ? new Date() : null,
      nextAttemptAt: delivered || exhausted ? delivery.nextAttemptAt : new Date(Date.now() + backoffMs(delivery.attempts, this.config.webhooks.retryBaseMs)),
    };
  }

  /**
   * The attempt has gone out: a row left `delivering` would be claimed again when its lease expires
   * and sent twice. So a refused write is retried without the receiver's text, then a few times more.
   */
  private async record(delivery: WebhookDeliveryEntity, update: Partial<WebhookDeliveryEntity>): Promise<Partial<WebhookDeliveryEntity>> {
    const id = delivery.id;
    try {
      await this.write(delivery, update);
      return update;
    } catch (error) {
      this.logger.warn(`delivery ${id}: outcome not recorded (${(error as Error).message}); recording it without the answer`);
    }
    const bare = { ...update, responseSnippet: null, lastError: update.lastError === null ? null : UNSTORABLE_ANSWER };
    for (const delayMs of RECORD_RETRY_DELAYS_MS) {
      try {
        await this.write(delivery, bare);
        return bare;
      } catch (error) {
        this.logger.warn(`delivery ${id}: outcome not recorded (${(error as Error).message}); again in ${delayMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
    await this.write(delivery, bare);
    return bare;
  }

  /** The outcome, and for a delivery that ended, its webhook's counts in the same commit (a retried write counts once). */
  private async write(delivery: WebhookDeliveryEntity, update: Partial<WebhookDeliveryEntity>): Promise<void> {
    const values = update as QueryDeepPartialEntity<WebhookDeliveryEntity>;
    if (update.status !== 'delivered' && update.status !== 'failed') {
      await this.deliveries.update({ id: delivery.id }, values);
      return;
    }
    const counted = update.status === 'delivered' ? 'delivered_count = delivered_count + 1, last_delivery_at = now()' : 'failed_count = failed_count + 1, last_failure_at = now()';
    await this.deliveries.manager.transaction(async (manager) => {
      await manager.update(WebhookDeliveryEntity, { id: delivery.id }, values);
      await manager.query(`UPDATE webhooks SET ${counted} WHERE id = $1`, [delivery.webhookId]);
    });
  }

  private async pass(): Promise<void> {
    for (;;) {
      const room = MAX_IN_FLIGHT - this.inFlight.size;
      // A full house is picked up again as soon as a delivery finishes.
      this.saturated = room <= 0;
      if (this.stopping || this.saturated) return;
      const limit = Math.min(CLAIM_BATCH, room);
      const claimed = await this.claim(limit);
      if (claimed.length === 0) return;
      const hooks = await this.webhooks.findBy(claimed.map((delivery) => ({ id: delivery.webhookId })));
      const byId = new Map(hooks.map((hook) => [hook.id, hook]));
      for (const delivery of claimed) this.track(delivery.id, this.deliver(delivery, byId.get(delivery.webhookId) ?? null));
      if (claimed.length < limit) return;
    }
  }

  // Shutdown waits for what is tracked here; a finished delivery frees a slot for the next claim.
  private track(id: string, work: Promise<unknown>): void {
    const settled: Promise<void> = work
      .then(
        () => undefined,
        (error: Error) => this.logger.error(`delivery ${id} failed: ${error.message}`),
      )
      .finally(() => {
        this.inFlight.delete(settled);
        if (this.saturated) this.nudge();
      });
    this.inFlight.add(settled);
  }

  private async claim(limit: number): Promise<WebhookDeliveryEntity[]> {
    const result = await this.deliveries
      .createQueryBuilder()
      .update()
      .set({ status: 'delivering', attempts: () => 'attempts + 1', lockedUntil: () => `now() + make_interval(secs => ${this.leaseSeconds()})` })
      .where(
        `id IN (SELECT id FROM webhook_deliveries
                 WHERE (status = 'pending' AND next_attempt_at <= now()) OR (status = 'delivering' AND locked_until < now())
                 ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)`,
      )
      .returning('id')
      .execute();
    const ids = (result.raw as Array<{ id: string }>).map((row) => row.id);
    return ids.length === 0 ? [] : this.deliveries.findBy(ids.map((id) => ({ id })));
  }

  // An attempt ends by its deadline (one timeout) and its outcome write retries for under 4 s, so a
  // live claim never expires under another instance; a crashed one soon does.
  private leaseSeconds(): number {
    return Math.ceil((2 * this.config.webhooks.timeoutMs) / 1000) + 5;
  }

  private async attempt(delivery: WebhookDeliveryEntity, webhook: WebhookEntity | null): Promise<DeliveryAttempt> {
    if (!webhook) return { statusCode: null, durationMs: 0, snippet: null, error: 'refused: the webhook was deleted' };
    if (!webhook.active) return { statusCode: null, durationMs: 0, snippet: null, error: 'refused: the webhook is inactive' };
    // One deadline from here: a slow DNS answer counts against it too.
    const deadline = new AttemptDeadline(this.config.webhooks.timeoutMs);
    let destination;
    try {
      destination = await deadline.race(this.guard.check(webhook.url));
    } catch (error) {
      const message = (error as Error).message;
      if (deadline.signal.aborted) return { statusCode: null, durationMs: deadline.ms, snippet: null, error: message };
      return { statusCode: null, durationMs: 0, snippet: null, error: `refused: ${message}` };
    }
    const { body, headers } = signedDelivery(this.secrets.decrypt(webhook.secret), delivery.id, delivery.payload);
    return postPinned(destination, body, headers, deadline);
  }
}
