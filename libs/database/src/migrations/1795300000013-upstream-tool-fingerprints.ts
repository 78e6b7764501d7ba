import type { MigrationInterface, QueryRunner } from 'typeorm';

export class UpstreamToolFingerprints1795300000013 implements MigrationInterface {
  name = 'UpstreamToolFingerprints1795300000013';

  async up(queryRunner: QueryRunner): Promise<void> {
    // What each upstream tool looked like when last listed (name → fingerprint): a change is audited once, by one instance.
    await queryRunner.query(`ALTER TABLE "upstream_servers" ADD COLUMN "tool_fingerprints" jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "upstream_servers" DROP COLUMN "tool_fingerprints"`);
  }
}
