import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SessionProtocolVersion1795300000005 implements MigrationInterface {
  name = 'SessionProtocolVersion1795300000005';

  async up(queryRunner: QueryRunner): Promise<void> {
    // An MCP session is a session row: any instance can continue it, and terminate ends it.
    await queryRunner.query(`ALTER TABLE "sessions" ADD "protocol_version" character varying(32)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "protocol_version"`);
  }
}
