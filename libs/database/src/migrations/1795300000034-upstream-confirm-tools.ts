import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Which of a server's tools a person must allow, run by run: never, destructive, always. */
export class UpstreamConfirmTools1795300000034 implements MigrationInterface {
  name = 'UpstreamConfirmTools1795300000034';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "upstream_servers" ADD "confirm_tools" character varying(12) NOT NULL DEFAULT 'never'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "upstream_servers" DROP COLUMN "confirm_tools"`);
  }
}
