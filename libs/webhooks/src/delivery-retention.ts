import { AppConfig } from '@app/config';
import { deletedCount, HourlyRetention, PRUNE_BATCH, pruneEachInBatches } from '@app/database';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Finished deliveries (delivered or failed) older than WEBHOOK_DELIVERY_RETENTION_DAYS are deleted
 * hourly: each event makes a row per subscribed webhook, payload included, so a busy server's
 * delivery log would otherwise grow without end (and, with the in-memory database, its memory).
 */
@Injectable()
export class DeliveryRetention extends HourlyRetention {
  constructor(
    private readonly dataSource: DataSource,
    config: AppConfig,
  ) {
    super(new Logger('WebhookDeliveries'), config.webhooks.deliveryRetentionDays);
  }

  /** Webhook by webhook, through its (webhook_id, created_at) index. */
  protected async pruneOlderThan(days: number): Promise<number> {
    const hooks = (await this.dataSource.query('SELECT id FROM webhooks')) as Array<{ id: string }>;
    return pruneEachInBatches(hooks, async ({ id }) =>
      deletedCount(
        await this.dataSource.query(
          `DELETE FROM webhook_deliveries WHERE id IN (
             SELECT id FROM webhook_deliveries
              WHERE webhook_id = $1 AND created_at < now() - make_interval(days => $2) AND status IN ('delivered', 'failed')
              LIMIT ${PRUNE_BATCH})`,
          [id, days],
        ),
      ),
    );
  }
}
