import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ListingIndexes1795300000012 implements MigrationInterface {
  name = 'ListingIndexes1795300000012';

  async up(queryRunner: QueryRunner): Promise<void> {
    // An admin's list of every session, newest first, sorted the whole table for each page.
    await queryRunner.query(`CREATE INDEX "idx_sessions_started" ON "sessions" ("started_at", "id")`);
    // A webhook's failed deliveries otherwise walk all its deliveries; only failed rows pay for an entry.
    await queryRunner.query(`CREATE INDEX "idx_webhook_deliveries_failed" ON "webhook_deliveries" ("webhook_id", "created_at", "id") WHERE status = 'failed'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_webhook_deliveries_failed"`);
    await queryRunner.query(`DROP INDEX "idx_sessions_started"`);
  }
}
