import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A webhook's delivery counts, kept on its row as deliveries end: counting the delivery log on
 * every listing would grow with it. Started from the deliveries kept now.
 */
export class WebhookDeliveryStats1795300000038 implements MigrationInterface {
  name = 'WebhookDeliveryStats1795300000038';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "webhooks"
        ADD "delivered_count" bigint NOT NULL DEFAULT 0,
        ADD "failed_count" bigint NOT NULL DEFAULT 0,
        ADD "last_delivery_at" TIMESTAMP WITH TIME ZONE,
        ADD "last_failure_at" TIMESTAMP WITH TIME ZONE`);
    // A failed delivery kept no time of its end: its last failure stays unknown until the next one.
    await queryRunner.query(`
      UPDATE "webhooks" w SET delivered_count = d.delivered, failed_count = d.failed, last_delivery_at = d.last_delivered
        FROM (SELECT webhook_id,
                     count(*) FILTER (WHERE status = 'delivered') AS delivered,
                     count(*) FILTER (WHERE status = 'failed') AS failed,
                     max(delivered_at) AS last_delivered
                FROM "webhook_deliveries" GROUP BY webhook_id) d
       WHERE d.webhook_id = w.id`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhooks" DROP COLUMN "last_failure_at", DROP COLUMN "last_delivery_at", DROP COLUMN "failed_count", DROP COLUMN "delivered_count"`);
  }
}
