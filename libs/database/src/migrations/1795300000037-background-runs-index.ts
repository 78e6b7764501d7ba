import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A user's background runs, newest first (MCP tasks/list, `?async=true`), without walking every other run of theirs. */
export class BackgroundRunsIndex1795300000037 implements MigrationInterface {
  name = 'BackgroundRunsIndex1795300000037';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Partial: synchronous runs, the many, pay nothing for it.
    await queryRunner.query(`CREATE INDEX "idx_tool_executions_user_async" ON "tool_executions" ("user_id", "created_at", "id") WHERE is_async`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_tool_executions_user_async"`);
  }
}
