import type { MigrationInterface, QueryRunner } from 'typeorm';

export class FavoriteTools1795300000018 implements MigrationInterface {
  name = 'FavoriteTools1795300000018';

  async up(queryRunner: QueryRunner): Promise<void> {
    // By tool id, not a foreign key: a favorite outlives its tool (an upstream that went away), and shows so.
    // Users are never deleted (only disabled), as for contexts and runs.
    await queryRunner.query(`
      CREATE TABLE "favorite_tools" (
        "user_id" uuid NOT NULL,
        "tool_id" character varying(200) NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_favorite_tools" PRIMARY KEY ("user_id", "tool_id")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "favorite_tools"`);
  }
}
