import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Which of a server's tools the gateway serves; null: all of them. */
export class UpstreamToolFilter1795300000033 implements MigrationInterface {
  name = 'UpstreamToolFilter1795300000033';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "upstream_servers" ADD "tool_filter" jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "upstream_servers" DROP COLUMN "tool_filter"`);
  }
}
