import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tools an admin switched off, by id: kept off when they register again (an upstream relisting). */
export class DisabledTools1795300000031 implements MigrationInterface {
  name = 'DisabledTools1795300000031';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "disabled_tools" (
        "tool_id" character varying(200) NOT NULL,
        "reason" text,
        "disabled_by" uuid NOT NULL,
        "disabled_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_disabled_tools" PRIMARY KEY ("tool_id")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "disabled_tools"`);
  }
}
