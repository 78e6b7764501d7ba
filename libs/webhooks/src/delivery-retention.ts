import { AppConfig } from '@app/config';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';

const PRUNE_INTERVAL_MS = 3600_000;
const PRUNE_BATCH = 5000;

/**
 * Finished deliveries (delivered or failed) older than WEBHOOK_DELIVERY_RETENTION_DAYS are deleted
 * hourly: each event makes a row per subscribed webhook, payload included, so a busy server's
 * delivery log would otherwise grow without end (and, with the in-memory database, its memory).
 */
@Injectable()
export class DeliveryRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('WebhookDeliveries');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.webhooks.deliveryRetentionDays === 0) return;
    this.timer = setInterval(() => void this.prune(), PRUNE_INTERVAL_MS);
    this.timer.unref();
    void this.prune();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Deletes them webhook by webhook, through its (webhook_id, created_at) index, in batches; answers how many. */
  async prune(): Promise<number> {
    const days = this.config.webhooks.deliveryRetentionDays;
    if (days === 0) return 0;
    let pruned = 0;
    try {
      const hooks = (await this.dataSource.query('SELECT id FROM webhooks')) as Array<{ id: string }>;
      for (const { id } of hooks) {
        for (;;) {
          const result: unknown = await this.dataSource.query(
            `DELETE FROM webhook_deliveries WHERE id IN (
               SELECT id FROM webhook_deliveries
                WHERE webhook_id = $1 AND created_at < now() - make_interval(days => $2) AND status IN ('delivered', 'failed')
                LIMIT ${PRUNE_BATCH})`,
            [id, days],
          );
          const deleted = Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
          pruned += deleted;
          if (deleted < PRUNE_BATCH) break;
        }
      }
    } catch (error) {
      this.logger.warn(`webhook delivery retention not applied: ${(error as Error).message}`);
    }
    return pruned;
  }
}
