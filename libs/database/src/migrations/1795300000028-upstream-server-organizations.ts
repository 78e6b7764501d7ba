import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The organizations whose members may use a server; null: everyone who may run upstream tools. */
export class UpstreamServerOrganizations1795300000028 implements MigrationInterface {
  name = 'UpstreamServerOrganizations1795300000028';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "upstream_servers" ADD "organizations" uuid array`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "upstream_servers" DROP COLUMN "organizations"`);
  }
}
