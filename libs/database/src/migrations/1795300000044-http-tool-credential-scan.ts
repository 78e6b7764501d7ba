import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What the gateway does with credentials in an HTTP tool's answers: off, mask or refuse. */
export class HttpToolCredentialScan1795300000044 implements MigrationInterface {
  name = 'HttpToolCredentialScan1795300000044';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "http_tools" ADD "credential_scan" character varying(8) NOT NULL DEFAULT 'off'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "http_tools" DROP COLUMN "credential_scan"`);
  }
}
