import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An API key's own limit (`{requests, window}`), on top of the routes' and the tools'. */
export class ApiKeyRateLimit1795300000040 implements MigrationInterface {
  name = 'ApiKeyRateLimit1795300000040';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "api_keys" ADD "rate_limit" jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "api_keys" DROP COLUMN "rate_limit"`);
  }
}
