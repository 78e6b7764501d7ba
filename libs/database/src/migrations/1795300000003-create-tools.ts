import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTools1795300000003 implements MigrationInterface {
  name = 'CreateTools1795300000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "tool_executions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "tool_id" character varying(200) NOT NULL,
        "tool_name" character varying(200) NOT NULL,
        "user_id" uuid NOT NULL,
        "session_id" character varying(64),
        "context_id" character varying(64),
        "status" character varying(16) NOT NULL,
        "is_async" boolean NOT NULL DEFAULT false,
        "parameters" jsonb NOT NULL DEFAULT '{}',
        "result" jsonb,
        "error" jsonb,
        "timeout_ms" integer NOT NULL,
        "caller" jsonb,
        "pending_input" text,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "started_at" TIMESTAMP WITH TIME ZONE,
        "ended_at" TIMESTAMP WITH TIME ZONE,
        "duration_ms" integer,
        "memory_used" integer,
        CONSTRAINT "pk_tool_executions" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "idx_tool_executions_tool_created" ON "tool_executions" ("tool_id", "created_at")`);
    await queryRunner.query(`CREATE INDEX "idx_tool_executions_user_created" ON "tool_executions" ("user_id", "created_at")`);
    await queryRunner.query(`CREATE INDEX "idx_tool_executions_status_created" ON "tool_executions" ("status", "created_at")`);
    await queryRunner.query(`
      CREATE TABLE "upstream_servers" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" character varying(63) NOT NULL,
        "description" text,
        "transport" jsonb NOT NULL,
        "enabled" boolean NOT NULL DEFAULT true,
        "timeouts" jsonb NOT NULL,
        "health_check" jsonb NOT NULL,
        "rate_limits" jsonb,
        "metadata" jsonb NOT NULL DEFAULT '{}',
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_upstream_servers" PRIMARY KEY ("id"),
        CONSTRAINT "uq_upstream_servers_name" UNIQUE ("name")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "upstream_servers"`);
    await queryRunner.query(`DROP TABLE "tool_executions"`);
  }
}
