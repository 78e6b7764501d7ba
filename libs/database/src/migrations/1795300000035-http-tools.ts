import type { MigrationInterface, QueryRunner } from 'typeorm';

/** REST endpoints an admin serves as tools: where each request goes, and the arguments' schema. */
export class HttpTools1795300000035 implements MigrationInterface {
  name = 'HttpTools1795300000035';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "http_tools" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" character varying(63) NOT NULL,
        "description" text NOT NULL,
        "category" character varying(20) NOT NULL DEFAULT 'data',
        "method" character varying(7) NOT NULL,
        "url" text NOT NULL,
        "headers" jsonb NOT NULL DEFAULT '{}',
        "input_schema" jsonb NOT NULL,
        "query" text array NOT NULL DEFAULT '{}',
        "timeout_ms" integer NOT NULL,
        "max_response_bytes" integer NOT NULL,
        "permissions" text array NOT NULL DEFAULT '{}',
        "rate_limit" jsonb,
        "auth" jsonb,
        "identity" jsonb,
        "organizations" uuid array,
        "response_path" text,
        "created_by" uuid,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_http_tools" PRIMARY KEY ("id"),
        CONSTRAINT "uq_http_tools_name" UNIQUE ("name")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "http_tools"`);
  }
}
