import type { MigrationInterface, QueryRunner } from 'typeorm';

export class UpstreamToolApproval1795300000015 implements MigrationInterface {
  name = 'UpstreamToolApproval1795300000015';

  async up(queryRunner: QueryRunner): Promise<void> {
    // serve: changed tools are served at once (audited); hold: new or changed tools wait for an admin's approval.
    await queryRunner.query(`ALTER TABLE "upstream_servers" ADD COLUMN "tool_changes" character varying(8) NOT NULL DEFAULT 'serve'`);
    // The approved listing (tool name → fingerprint) that hold compares with.
    await queryRunner.query(`ALTER TABLE "upstream_servers" ADD COLUMN "approved_tools" jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "upstream_servers" DROP COLUMN "approved_tools"`);
    await queryRunner.query(`ALTER TABLE "upstream_servers" DROP COLUMN "tool_changes"`);
  }
}
