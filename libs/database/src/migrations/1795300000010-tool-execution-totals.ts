import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ToolExecutionTotals1795300000010 implements MigrationInterface {
  name = 'ToolExecutionTotals1795300000010';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Runs counted by tool, user and status: a tool's statistics and a history's total read these
    // few rows, not every run ever made. Each write adds a row of differences; they are merged now
    // and then (ExecutionTotals). The id is only there so that the table can be replicated.
    await queryRunner.query(`
      CREATE TABLE "tool_execution_totals" (
        "id" bigint GENERATED ALWAYS AS IDENTITY,
        "tool_id" character varying(200) NOT NULL,
        "user_id" uuid NOT NULL,
        "status" character varying(16) NOT NULL,
        "runs" bigint NOT NULL,
        "duration_sum" bigint NOT NULL,
        "duration_runs" bigint NOT NULL,
        CONSTRAINT "pk_tool_execution_totals" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "idx_tool_execution_totals_key" ON "tool_execution_totals" ("tool_id", "user_id", "status")`);
    await queryRunner.query(`
      INSERT INTO "tool_execution_totals" ("tool_id", "user_id", "status", "runs", "duration_sum", "duration_runs")
      SELECT tool_id, user_id, status, count(*), coalesce(sum(duration_ms), 0), count(duration_ms) FROM tool_executions GROUP BY tool_id, user_id, status`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "tool_execution_totals"`);
  }
}
