import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ToolExecutionDays1795300000019 implements MigrationInterface {
  name = 'ToolExecutionDays1795300000019';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Runs counted by day (UTC, of creation), tool, user and status, for usage over time: written
    // like tool_execution_totals (rows of differences with each write, merged now and then). Rows
    // a merge wrote are marked, so that a merge reads only what was added since, not every day.
    // Everyone's runs are counted too, under the nil uuid (no user has it): a year of everyone's
    // usage then sums days and tools, not days, tools and users.
    await queryRunner.query(`
      CREATE TABLE "tool_execution_days" (
        "id" bigint GENERATED ALWAYS AS IDENTITY,
        "day" date NOT NULL,
        "tool_id" character varying(200) NOT NULL,
        "user_id" uuid NOT NULL,
        "status" character varying(16) NOT NULL,
        "runs" bigint NOT NULL,
        "merged" boolean NOT NULL DEFAULT false,
        CONSTRAINT "pk_tool_execution_days" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "idx_tool_execution_days_user_day" ON "tool_execution_days" ("user_id", "day")`);
    await queryRunner.query(`CREATE INDEX "idx_tool_execution_days_unmerged" ON "tool_execution_days" ("day") WHERE NOT merged`);
    await queryRunner.query(`
      INSERT INTO "tool_execution_days" ("day", "tool_id", "user_id", "status", "runs", "merged")
      SELECT day, tool_id, coalesce(user_id, '00000000-0000-0000-0000-000000000000'), status, count(*), true
        FROM (SELECT (created_at AT TIME ZONE 'UTC')::date AS day, tool_id, user_id, status FROM tool_executions) AS run
       GROUP BY GROUPING SETS ((day, tool_id, user_id, status), (day, tool_id, status))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "tool_execution_days"`);
  }
}
