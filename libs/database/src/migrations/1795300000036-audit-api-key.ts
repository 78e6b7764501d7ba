import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Which API key an audited action was made with (none for a sign-in's token), and its lookups. */
export class AuditApiKey1795300000036 implements MigrationInterface {
  name = 'AuditApiKey1795300000036';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "audit_logs" ADD "api_key_id" uuid`);
    // Most entries have no key: only those that do pay for an index entry.
    await queryRunner.query(`CREATE INDEX "idx_audit_logs_api_key" ON "audit_logs" ("api_key_id", "timestamp") WHERE api_key_id IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_audit_logs_api_key"`);
    await queryRunner.query(`ALTER TABLE "audit_logs" DROP COLUMN "api_key_id"`);
  }
}
