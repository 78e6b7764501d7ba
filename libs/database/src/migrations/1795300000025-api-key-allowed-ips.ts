import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ApiKeyAllowedIps1795300000025 implements MigrationInterface {
  name = 'ApiKeyAllowedIps1795300000025';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The addresses and networks a key works from; empty (every existing key) means anywhere.
    await queryRunner.query(`ALTER TABLE "api_keys" ADD "allowed_ips" text array NOT NULL DEFAULT '{}'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "api_keys" DROP COLUMN "allowed_ips"`);
  }
}
