import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAuditLogs1795300000000 implements MigrationInterface {
  name = 'CreateAuditLogs1795300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "audit_logs" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "timestamp" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "user_id" uuid,
        "action" character varying(100) NOT NULL,
        "resource" character varying(255),
        "details" jsonb NOT NULL DEFAULT '{}',
        "result" character varying(16) NOT NULL,
        "ip_address" character varying(64),
        "user_agent" character varying(512),
        "severity" character varying(16) NOT NULL,
        "session_id" character varying(64),
        "request_id" character varying(128),
        CONSTRAINT "pk_audit_logs" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "idx_audit_logs_timestamp" ON "audit_logs" ("timestamp")`);
    await queryRunner.query(`CREATE INDEX "idx_audit_logs_user_timestamp" ON "audit_logs" ("user_id", "timestamp")`);
    // Prefix filters (action LIKE 'auth.%') need the pattern operator class.
    await queryRunner.query(`CREATE INDEX "idx_audit_logs_action" ON "audit_logs" ("action" varchar_pattern_ops, "timestamp")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "audit_logs"`);
  }
}
