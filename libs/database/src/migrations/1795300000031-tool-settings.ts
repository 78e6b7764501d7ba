import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Admins' settings of tools, by id: switched off, or a person's leave asked for each run (or never
 * asked, whatever the server says); applied whenever the tool registers (an upstream relisting).
 */
export class ToolSettings1795300000031 implements MigrationInterface {
  name = 'ToolSettings1795300000031';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "tool_settings" (
        "tool_id" character varying(200) NOT NULL,
        "enabled" boolean NOT NULL DEFAULT true,
        "requires_confirmation" boolean,
        "reason" text,
        "updated_by" uuid NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_tool_settings" PRIMARY KEY ("tool_id")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "tool_settings"`);
  }
}
