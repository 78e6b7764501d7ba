import type { MigrationInterface, QueryRunner } from 'typeorm';

export class McpClientState1795300000008 implements MigrationInterface {
  name = 'McpClientState1795300000008';

  async up(queryRunner: QueryRunner): Promise<void> {
    // What an MCP client can answer (sampling, elicitation) and the log level it asked for: any
    // instance that continues the session must know both.
    await queryRunner.query(`ALTER TABLE "sessions" ADD "client_capabilities" jsonb`);
    await queryRunner.query(`ALTER TABLE "sessions" ADD "log_level" character varying(16)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "log_level"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "client_capabilities"`);
  }
}
