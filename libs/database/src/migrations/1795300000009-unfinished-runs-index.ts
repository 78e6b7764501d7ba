import type { MigrationInterface, QueryRunner } from 'typeorm';

export class UnfinishedRunsIndex1795300000009 implements MigrationInterface {
  name = 'UnfinishedRunsIndex1795300000009';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Only pending and running rows are ever looked up by status (recovery of async runs); history
    // filters by tool first. Every finished run paid for an entry in the full index on each insert.
    await queryRunner.query(`DROP INDEX "idx_tool_executions_status_created"`);
    await queryRunner.query(`CREATE INDEX "idx_tool_executions_unfinished" ON "tool_executions" ("status", "created_at") WHERE status IN ('pending', 'running')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_tool_executions_unfinished"`);
    await queryRunner.query(`CREATE INDEX "idx_tool_executions_status_created" ON "tool_executions" ("status", "created_at")`);
  }
}
