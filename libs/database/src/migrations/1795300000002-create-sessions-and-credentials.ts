import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSessionsAndCredentials1795300000002 implements MigrationInterface {
  name = 'CreateSessionsAndCredentials1795300000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "sessions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "context_id" character varying(64),
        "status" character varying(16) NOT NULL DEFAULT 'active',
        "connection_type" character varying(16) NOT NULL,
        "ip_address" character varying(64),
        "user_agent" character varying(512),
        "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "last_activity" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "ended_at" TIMESTAMP WITH TIME ZONE,
        "end_reason" character varying(100),
        "messages_received" integer NOT NULL DEFAULT 0,
        "messages_sent" integer NOT NULL DEFAULT 0,
        "tool_executions" integer NOT NULL DEFAULT 0,
        "errors" integer NOT NULL DEFAULT 0,
        CONSTRAINT "pk_sessions" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "idx_sessions_user_started" ON "sessions" ("user_id", "started_at")`);
    await queryRunner.query(`CREATE INDEX "idx_sessions_status_ended" ON "sessions" ("status", "ended_at")`);
    await queryRunner.query(`
      CREATE TABLE "refresh_tokens" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "token_hash" character varying(64) NOT NULL,
        "family_id" uuid NOT NULL,
        "session_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "used_at" TIMESTAMP WITH TIME ZONE,
        "revoked_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_refresh_tokens" PRIMARY KEY ("id"),
        CONSTRAINT "uq_refresh_tokens_hash" UNIQUE ("token_hash"),
        CONSTRAINT "fk_refresh_tokens_session" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "idx_refresh_tokens_family" ON "refresh_tokens" ("family_id")`);
    await queryRunner.query(`
      CREATE TABLE "api_keys" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "name" character varying(100) NOT NULL,
        "prefix" character varying(16) NOT NULL,
        "key_hash" character varying(64) NOT NULL,
        "scopes" text array NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE,
        "last_used_at" TIMESTAMP WITH TIME ZONE,
        "revoked_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_api_keys" PRIMARY KEY ("id"),
        CONSTRAINT "uq_api_keys_hash" UNIQUE ("key_hash"),
        CONSTRAINT "fk_api_keys_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "idx_api_keys_user_created" ON "api_keys" ("user_id", "created_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "api_keys"`);
    await queryRunner.query(`DROP TABLE "refresh_tokens"`);
    await queryRunner.query(`DROP TABLE "sessions"`);
  }
}
