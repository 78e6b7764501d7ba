import type { MigrationInterface, QueryRunner } from 'typeorm';

export class UpstreamResultCache1795300000020 implements MigrationInterface {
  name = 'UpstreamResultCache1795300000020';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Which results of a server the gateway keeps (null: none), and which runs were served from them.
    await queryRunner.query(`ALTER TABLE "upstream_servers" ADD "cache" jsonb`);
    await queryRunner.query(`ALTER TABLE "tool_executions" ADD "cached" boolean NOT NULL DEFAULT false`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tool_executions" DROP COLUMN "cached"`);
    await queryRunner.query(`ALTER TABLE "upstream_servers" DROP COLUMN "cache"`);
  }
}
