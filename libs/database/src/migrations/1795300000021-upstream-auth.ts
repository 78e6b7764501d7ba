import type { MigrationInterface, QueryRunner } from 'typeorm';

export class UpstreamAuth1795300000021 implements MigrationInterface {
  name = 'UpstreamAuth1795300000021';

  async up(queryRunner: QueryRunner): Promise<void> {
    // How the gateway authenticates to a server (an API key, OAuth client credentials); its secrets are sealed inside.
    await queryRunner.query(`ALTER TABLE "upstream_servers" ADD "auth" jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "upstream_servers" DROP COLUMN "auth"`);
  }
}
