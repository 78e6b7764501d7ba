import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateContexts1795300000004 implements MigrationInterface {
  name = 'CreateContexts1795300000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "contexts" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "name" character varying(200) NOT NULL,
        "description" text,
        "status" character varying(16) NOT NULL DEFAULT 'active',
        "metadata" jsonb NOT NULL DEFAULT '{}',
        "tools" text array NOT NULL DEFAULT '{}',
        "settings" jsonb NOT NULL DEFAULT '{}',
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_contexts" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "idx_contexts_user_created" ON "contexts" ("user_id", "created_at")`);
    await queryRunner.query(`CREATE INDEX "idx_contexts_user_updated" ON "contexts" ("user_id", "updated_at")`);
    // Runs retried under a context's retry policy say how many attempts they took.
    await queryRunner.query(`ALTER TABLE "tool_executions" ADD "attempts" integer NOT NULL DEFAULT 1`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tool_executions" DROP COLUMN "attempts"`);
    await queryRunner.query(`DROP TABLE "contexts"`);
  }
}
