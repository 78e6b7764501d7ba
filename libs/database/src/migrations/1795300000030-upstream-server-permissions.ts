import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Permissions a caller must hold, besides execute:tools, to use a server. */
export class UpstreamServerPermissions1795300000030 implements MigrationInterface {
  name = 'UpstreamServerPermissions1795300000030';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "upstream_servers" ADD "permissions" text array NOT NULL DEFAULT '{}'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "upstream_servers" DROP COLUMN "permissions"`);
  }
}
