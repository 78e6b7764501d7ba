import type { MigrationInterface, QueryRunner } from 'typeorm';

export class FailedRunsIndexes1795300000011 implements MigrationInterface {
  name = 'FailedRunsIndexes1795300000011';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A history of failed runs otherwise walks every run of the tool or user until a page of failures
    // turns up (at 1 in 200, about 4,000 scattered rows for 20). Only failed rows pay for an entry.
    await queryRunner.query(`CREATE INDEX "idx_tool_executions_failed_tool" ON "tool_executions" ("tool_id", "created_at", "id") WHERE status = 'failed'`);
    await queryRunner.query(`CREATE INDEX "idx_tool_executions_failed_user" ON "tool_executions" ("user_id", "created_at", "id") WHERE status = 'failed'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_tool_executions_failed_user"`);
    await queryRunner.query(`DROP INDEX "idx_tool_executions_failed_tool"`);
  }
}
