import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An admin's own tags of a tool (its server's are added when it is shown), to find tools by. */
export class ToolTags1795300000042 implements MigrationInterface {
  name = 'ToolTags1795300000042';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tool_settings" ADD "tags" text array NOT NULL DEFAULT '{}'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tool_settings" DROP COLUMN "tags"`);
  }
}
