import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AdminAndWebhooks1795300000007 implements MigrationInterface {
  name = 'AdminAndWebhooks1795300000007';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "webhooks" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "url" character varying(2048) NOT NULL,
        "events" text array NOT NULL,
        "secret" text NOT NULL,
        "active" boolean NOT NULL DEFAULT true,
        "description" text,
        "created_by" uuid,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_webhooks" PRIMARY KEY ("id")
      )`);
    // The outbox: one row per (event, webhook), claimed by due time.
    await queryRunner.query(`
      CREATE TABLE "webhook_deliveries" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "webhook_id" uuid NOT NULL,
        "event" character varying(64) NOT NULL,
        "event_id" uuid NOT NULL,
        "payload" jsonb NOT NULL,
        "status" character varying(16) NOT NULL DEFAULT 'pending',
        "attempts" integer NOT NULL DEFAULT 0,
        "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "locked_until" TIMESTAMP WITH TIME ZONE,
        "last_status_code" integer,
        "last_duration_ms" integer,
        "last_error" text,
        "response_snippet" text,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "delivered_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_webhook_deliveries" PRIMARY KEY ("id"),
        CONSTRAINT "fk_webhook_deliveries_webhook" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "idx_webhook_deliveries_due" ON "webhook_deliveries" ("status", "next_attempt_at")`);
    await queryRunner.query(`CREATE INDEX "idx_webhook_deliveries_webhook_created" ON "webhook_deliveries" ("webhook_id", "created_at")`);
    await queryRunner.query(`
      CREATE TABLE "password_setup_tokens" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "token_hash" character varying(64) NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "used_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_password_setup_tokens" PRIMARY KEY ("id"),
        CONSTRAINT "uq_password_setup_tokens_hash" UNIQUE ("token_hash")
      )`);
    // Tokens issued before a user's rights changed are refused; kept while such tokens can live.
    await queryRunner.query(`
      CREATE TABLE "user_token_floors" (
        "user_id" uuid NOT NULL,
        "not_before" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_user_token_floors" PRIMARY KEY ("user_id")
      )`);
    await queryRunner.query(`CREATE INDEX "idx_audit_logs_severity" ON "audit_logs" ("severity", "timestamp")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_audit_logs_severity"`);
    await queryRunner.query(`DROP TABLE "user_token_floors"`);
    await queryRunner.query(`DROP TABLE "password_setup_tokens"`);
    await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
    await queryRunner.query(`DROP TABLE "webhooks"`);
  }
}
