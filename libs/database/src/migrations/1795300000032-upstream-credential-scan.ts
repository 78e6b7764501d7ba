import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What the gateway does with credentials in a server's answers: off, mask or refuse. */
export class UpstreamCredentialScan1795300000032 implements MigrationInterface {
  name = 'UpstreamCredentialScan1795300000032';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "upstream_servers" ADD "credential_scan" character varying(8) NOT NULL DEFAULT 'off'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "upstream_servers" DROP COLUMN "credential_scan"`);
  }
}
